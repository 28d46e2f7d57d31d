export { ERROR_CODES, exitCodeFor, type ErrorCode } from './codes.js';
export { SqlkitError, isSqlkitError, toSqlkitError, type SourceLocation, type SqlkitErrorInit } from './sqlkit-error.js';
export { Diagnostics, SqlkitAggregateError, errorsOf } from './diagnostics.js';
export { createRedactor, isSecretEnvName, isSecretKey, REDACTED, secretsInConfig, type Redactor } from './redact.js';
