import { SqlkitError } from '../../errors/index.js';
import { sqlError } from '../sql-error.js';
import type { ErrorContext } from '../types.js';

interface PgError extends Error {
  code?: string;
  position?: string;
  detail?: string;
  hint?: string;
  severity?: string;
}

/** node-postgres errors carry SQLSTATE codes and a 1-based character position within the statement. */
export function translatePostgresError(error: unknown, context: ErrorContext, where: string): SqlkitError {
  if (error instanceof SqlkitError) return error;
  const err = error as PgError;
  const code = err?.code ?? '';
  const message = err?.message ?? String(error);
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET'].includes(code) || /timeout expired|Connection terminated/i.test(message)) {
    return new SqlkitError('ADAPTER_CONNECTION', `Cannot connect to PostgreSQL at ${where}: ${message}.`, {
      hint: 'Check that the server is running and that host and port in the target (or PGHOST/PGPORT) are right; `sqlkit debug` checks the connection.',
      cause: error,
    });
  }
  if (code === '28P01' || code === '28000') {
    return new SqlkitError('ADAPTER_AUTH', `PostgreSQL rejected the login at ${where}: ${message}.`, {
      hint: "Check the user and the password the target reads (e.g. password: \"{{ env_var('PGPASSWORD') }}\").",
      cause: error,
    });
  }
  if (code === '3D000') {
    return new SqlkitError('ADAPTER_CONNECTION', `${message} (at ${where}).`, { hint: 'Create the database first, or point the target at an existing one.', cause: error });
  }
  if (code === '57014') return new SqlkitError('ADAPTER_CANCELLED', 'The statement was cancelled.', { ...(context.node ? { node: context.node } : {}), cause: error });
  const detail = [err.detail, err.hint].filter(Boolean).join(' ');
  const translated = sqlError(`${message}${detail ? ` (${detail})` : ''}`, err.position ? { offset: Number(err.position) } : {}, context);
  return new SqlkitError(translated.code, translated.message, { location: translated.location, related: translated.related, node: translated.node, hint: translated.hint, cause: error });
}
