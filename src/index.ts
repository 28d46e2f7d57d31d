/**
 * sqlkit: templated SQL models, a DAG, data tests and materializations on DuckDB, PostgreSQL and Redshift.
 *
 * Most programs need `executeProject` (run, test or build a project) and `openProject` (compile it).
 */
export { openProject, type ProjectOptions, type OpenedProject } from './api/open-project.js';
export { executeProject, type ExecuteOptions, type ExecuteOutcome } from './api/execute.js';
export { queryNode, type QueryOptions } from './api/query.js';
export { debugProject, type DebugReport } from './api/debug.js';
export { SqlkitError, SqlkitAggregateError, errorsOf, exitCodeFor, ERROR_CODES, createRedactor, type ErrorCode, type SourceLocation, type Redactor } from './errors/index.js';
export type { Manifest, ManifestNode, ModelNode, SourceNode, TestNode, AnalysisNode } from './compile/index.js';
export type { Command, NodeErrorInfo, NodeResult, NodeStatus, RunEvent, RunSummary } from './runner/index.js';
export type { QueryResult } from './adapters/types.js';
export { createAdapter } from './adapters/registry.js';
export { readProject } from './project/index.js';
export { compileProject } from './compile/index.js';
export { writeCompiledSql, writeManifest, RUN_RESULTS_SCHEMA_VERSION } from './artifacts/index.js';
export { MANIFEST_SCHEMA_VERSION } from './compile/index.js';
export { selectNodes } from './graph/index.js';
