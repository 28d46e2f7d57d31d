import { SqlkitError } from '../../errors/index.js';
import { sqlError } from '../sql-error.js';
import type { ErrorContext } from '../types.js';
import { RedshiftStatementError } from './redshift-data-api-driver.js';

/** Data API failures: a FAILED statement carries Redshift's "ERROR: ...\n Position: N"; API errors carry a name. */
export function translateRedshiftError(error: unknown, context: ErrorContext, where: string): SqlkitError {
  if (error instanceof SqlkitError) return error;
  if (error instanceof RedshiftStatementError) {
    if (error.status === 'TIMEOUT') return new SqlkitError('ADAPTER_TIMEOUT', `${where}: ${error.message}.`, { ...(context.node ? { node: context.node } : {}), hint: 'Raise statement_timeout in the redshift target, or make the model cheaper.', cause: error });
    if (error.status === 'ABORTED') return new SqlkitError('ADAPTER_CANCELLED', 'The statement was cancelled.', { ...(context.node ? { node: context.node } : {}), cause: error });
    const position = /\n\s*Position:\s*(\d+)/.exec(error.message)?.[1];
    const message = error.message.replace(/\n\s*Position:\s*\d+/, '').replace(/^ERROR:\s*/, '').trim();
    const translated = sqlError(`Redshift: ${message}`, position ? { offset: Number(position) } : {}, context);
    return new SqlkitError(translated.code, translated.message, { location: translated.location, related: translated.related, node: translated.node, hint: translated.hint, cause: error });
  }
  const name = (error as { name?: string })?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new SqlkitError('ADAPTER_AUTH', `No AWS credentials for the Redshift Data API: ${message}`, {
      hint: 'sqlkit uses the AWS default credential chain: AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO or an instance role.',
      cause: error,
    });
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || name === 'InvalidSignatureException') {
    return new SqlkitError('ADAPTER_AUTH', `AWS refused the Data API call (${name}): ${message}`, {
      hint: 'The identity needs redshift-data:ExecuteStatement, BatchExecuteStatement, DescribeStatement, GetStatementResult, CancelStatement, and redshift:GetClusterCredentials (or secretsmanager:GetSecretValue for secret_arn).',
      cause: error,
    });
  }
  if (name === 'ValidationException' || name === 'ResourceNotFoundException' || (error as { code?: string })?.code === 'ECONNREFUSED' || name === 'TimeoutError') {
    return new SqlkitError('ADAPTER_CONNECTION', `Cannot use Redshift ${where}: ${message}`, {
      hint: 'Check cluster_identifier or workgroup_name, database, region and (for a local endpoint) endpoint in the redshift target; `sqlkit cluster status` shows the cluster.',
      cause: error,
    });
  }
  const translated = sqlError(`Redshift Data API: ${name ? `${name}: ` : ''}${message}`, {}, context);
  return new SqlkitError(translated.code, translated.message, { location: translated.location, related: translated.related, node: translated.node, hint: translated.hint, cause: error });
}
