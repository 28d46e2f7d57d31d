import { SqlkitError } from './sqlkit-error.js';

/** Several errors found in one pass (compile reports every problem at once, not just the first). */
export class SqlkitAggregateError extends Error {
  readonly errors: readonly SqlkitError[];

  constructor(errors: readonly SqlkitError[]) {
    super(errors.length === 1 ? errors[0]!.message : `${errors.length} problems found`);
    this.name = 'SqlkitAggregateError';
    this.errors = errors;
  }
}

export class Diagnostics {
  private readonly items: SqlkitError[] = [];

  add(error: SqlkitError): void {
    this.items.push(error);
  }

  /** Runs `fn`, recording a SqlkitError it throws instead of propagating it. */
  capture<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (error instanceof SqlkitError) {
        this.add(error);
        return undefined;
      }
      if (error instanceof SqlkitAggregateError) {
        error.errors.forEach((e) => this.add(e));
        return undefined;
      }
      throw error;
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Sorted by file, then line, so the report reads top to bottom. */
  sorted(): SqlkitError[] {
    return [...this.items].sort(compareErrors);
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new SqlkitAggregateError(this.sorted());
  }
}

function compareErrors(a: SqlkitError, b: SqlkitError): number {
  const fa = a.location?.file ?? '\uffff';
  const fb = b.location?.file ?? '\uffff';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.location?.line ?? 0) - (b.location?.line ?? 0);
}

export function errorsOf(value: unknown): SqlkitError[] | undefined {
  if (value instanceof SqlkitAggregateError) return [...value.errors];
  if (value instanceof SqlkitError) return [value];
  return undefined;
}
