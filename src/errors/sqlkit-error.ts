import type { ErrorCode } from './codes.js';

export interface SourceLocation {
  /** Project-relative path, forward slashes. */
  file: string;
  line?: number;
  column?: number;
  /** The offending line of the file, when known. */
  snippet?: string;
}

export interface SqlkitErrorInit {
  location?: SourceLocation;
  hint?: string;
  node?: string;
  cause?: unknown;
  /** Extra paths worth showing (e.g. the compiled SQL of a failing model). */
  related?: SourceLocation[];
}

/** The one error type of sqlkit: a stable code, one sentence, where it happened and what to do next. */
export class SqlkitError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly node?: string;
  readonly related?: SourceLocation[];

  constructor(code: ErrorCode, message: string, init: SqlkitErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SqlkitError';
    this.code = code;
    if (init.location) this.location = init.location;
    if (init.hint) this.hint = init.hint;
    if (init.node) this.node = init.node;
    if (init.related?.length) this.related = init.related;
  }

  withLocation(location: SourceLocation): SqlkitError {
    return new SqlkitError(this.code, this.message, { ...this.init(), location });
  }

  withNode(node: string): SqlkitError {
    return new SqlkitError(this.code, this.message, { ...this.init(), node });
  }

  withHint(hint: string): SqlkitError {
    return new SqlkitError(this.code, this.message, { ...this.init(), hint });
  }

  private init(): SqlkitErrorInit {
    return { location: this.location, hint: this.hint, node: this.node, cause: this.cause, related: this.related };
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.node ? { node: this.node } : {}),
      ...(this.related ? { related: this.related } : {}),
    };
  }
}

export function isSqlkitError(value: unknown): value is SqlkitError {
  return value instanceof SqlkitError;
}

/** Wraps anything thrown into a SqlkitError, keeping the original as `cause`. */
export function toSqlkitError(value: unknown, code: ErrorCode = 'INTERNAL'): SqlkitError {
  if (value instanceof SqlkitError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new SqlkitError(code, message, { cause: value });
}
