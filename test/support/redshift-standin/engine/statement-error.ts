import { SqlError } from '../sql/sql-error.js';
import type { RenderedSql } from '../sql/sql-builder.js';

/** A statement failure already worded as the Data API's Error text (`ERROR: …\n Position: N`). */
export class StatementError extends Error {
  constructor(
    readonly text: string,
    readonly cancelled = false,
  ) {
    super(text);
    this.name = 'StatementError';
  }
}

interface PgErrorLike {
  message: string;
  code?: string;
  position?: string;
  severity?: string;
}

function isPgError(error: unknown): error is PgErrorLike {
  return error instanceof Error && typeof (error as PgErrorLike).severity === 'string';
}

export const QUERY_CANCELED = '57014';

/**
 * Words an error the way Redshift reports it. PostgreSQL positions refer to the rewritten SQL and are mapped
 * back to the statement as the client sent it.
 */
export function toStatementError(error: unknown, rendered: RenderedSql | undefined): StatementError {
  if (error instanceof StatementError) return error;
  if (error instanceof SqlError) {
    return new StatementError(`ERROR: ${error.message}${error.offset === undefined ? '' : `\n Position: ${error.offset + 1}`}`);
  }
  if (isPgError(error)) {
    const position = error.position === undefined ? undefined : rendered ? rendered.originOf(Number(error.position)) + 1 : Number(error.position);
    return new StatementError(`ERROR: ${error.message}${position === undefined ? '' : `\n Position: ${position}`}`, error.code === QUERY_CANCELED);
  }
  return new StatementError(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
}
