/**
 * Every error sqlkit raises carries one of these stable codes. The prefix names the stage that found the problem;
 * `exit` says which process exit code it leads to: 2 for bad input (fix the project or the command line),
 * 1 for a failure while executing against the warehouse.
 */
export const ERROR_CODES = {
  CONFIG_YAML_SYNTAX: { exit: 2, title: 'YAML syntax error' },
  CONFIG_INVALID: { exit: 2, title: 'invalid configuration' },
  CONFIG_PROJECT_NOT_FOUND: { exit: 2, title: 'project.yml not found' },
  CONFIG_ENV_VAR_MISSING: { exit: 2, title: 'environment variable not set' },
  CONFIG_UNKNOWN_TARGET: { exit: 2, title: 'unknown target' },
  CONFIG_UNKNOWN_PATH: { exit: 2, title: 'config for a folder that does not exist' },
  CLI_INVALID_ARGUMENT: { exit: 2, title: 'invalid command-line argument' },
  PROJECT_DUPLICATE_NODE: { exit: 2, title: 'duplicate name' },
  PROJECT_EMPTY_MODEL: { exit: 2, title: 'empty model' },
  PROJECT_UNKNOWN_NODE: { exit: 2, title: 'unknown node' },
  PROJECT_READ_FAILED: { exit: 2, title: 'cannot read project file' },
  TEMPLATE_SYNTAX: { exit: 2, title: 'template syntax error' },
  TEMPLATE_RENDER: { exit: 2, title: 'template error' },
  TEMPLATE_UNKNOWN_VAR: { exit: 2, title: 'unknown var' },
  TEMPLATE_UNKNOWN_MACRO: { exit: 2, title: 'unknown macro' },
  TEMPLATE_INVALID_CONFIG: { exit: 2, title: 'invalid model config' },
  TEMPLATE_UNDECLARED_DEPENDENCY: { exit: 2, title: 'dependency found only at run time' },
  REF_UNKNOWN_MODEL: { exit: 2, title: 'unknown ref' },
  REF_UNKNOWN_SOURCE: { exit: 2, title: 'unknown source' },
  REF_DISABLED_MODEL: { exit: 2, title: 'ref to a disabled model' },
  REF_UNKNOWN_TEST: { exit: 2, title: 'unknown generic test' },
  GRAPH_CYCLE: { exit: 2, title: 'dependency cycle' },
  SELECT_INVALID: { exit: 2, title: 'invalid selector' },
  ADAPTER_CONNECTION: { exit: 2, title: 'cannot connect to the warehouse' },
  ADAPTER_AUTH: { exit: 2, title: 'authentication failed' },
  ADAPTER_LOCKED: { exit: 2, title: 'database is in use' },
  ADAPTER_SQL: { exit: 1, title: 'SQL error' },
  ADAPTER_TIMEOUT: { exit: 1, title: 'statement timed out' },
  ADAPTER_CANCELLED: { exit: 1, title: 'statement cancelled' },
  ADAPTER_UNSUPPORTED: { exit: 2, title: 'not supported by this warehouse' },
  LOAD_NO_FILES: { exit: 1, title: 'no source files' },
  LOAD_EMPTY_FILE: { exit: 1, title: 'empty source file' },
  LOAD_MALFORMED_JSON: { exit: 1, title: 'malformed JSON' },
  LOAD_BAD_VALUE: { exit: 1, title: 'value does not fit its column' },
  LOAD_TOO_MANY_ERRORS: { exit: 1, title: 'too many bad rows' },
  LOAD_BAD_JSONPATHS: { exit: 2, title: 'invalid JSONPaths file' },
  MATERIALIZE_SCHEMA_CHANGE: { exit: 1, title: 'incremental model changed shape' },
  ARTIFACT_WRITE: { exit: 2, title: 'cannot write artifacts' },
  RUN_INTERRUPTED: { exit: 130, title: 'interrupted' },
  INTERNAL: { exit: 2, title: 'internal error' },
} as const satisfies Record<string, { exit: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function exitCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code].exit;
}
