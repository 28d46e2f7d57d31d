import { SqlkitError } from '../../errors/index.js';
import { sqlError } from '../sql-error.js';
import type { ErrorContext } from '../types.js';

/** DuckDB errors are plain Errors whose message starts with a kind ("Parser Error:") and may end with "LINE n:". */
export function translateDuckdbError(error: unknown, context: ErrorContext, databasePath: string): SqlkitError {
  if (error instanceof SqlkitError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  if (/Could not set lock on file/.test(raw)) {
    const pid = /PID (\d+)/.exec(raw)?.[1];
    return new SqlkitError('ADAPTER_LOCKED', `The DuckDB database ${databasePath} is in use by another process${pid ? ` (PID ${pid})` : ''}.`, {
      hint: 'Wait for the other sqlkit run (or program holding the file) to finish, then run again. Nothing was changed.',
      cause: error,
    });
  }
  if (/^INTERRUPT Error|Interrupt Error|Interrupted!/i.test(raw)) {
    return new SqlkitError('ADAPTER_CANCELLED', 'The statement was cancelled.', { node: context.node, cause: error });
  }
  const line = /\nLINE (\d+):/.exec(raw)?.[1];
  const firstLine = raw.split('\n')[0]!.trim();
  const suggestion = /\nDid you mean "([^"]+)"/.exec(raw)?.[1];
  const message = `${firstLine}${suggestion ? ` Did you mean "${suggestion}"?` : ''}`;
  const err = sqlError(message, line ? { line: Number(line) } : {}, context);
  return new SqlkitError(err.code, err.message, { location: err.location, related: err.related, node: err.node, hint: err.hint, cause: error });
}
