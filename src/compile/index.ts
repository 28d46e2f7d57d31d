export { compileProject, type CompileOptions, type CompiledProject } from './compile-project.js';
export * from './manifest.js';
export type { NodeRenderer } from './node-renderer.js';
export { parseColumnType, isIntegerType, isTextType, type ColumnType } from './column-types.js';
export { quoteIdentifier, quoteRelation, trimStatement } from './sql-names.js';
export { EPHEMERAL_PREFIX, injectCtes } from './resolve-sql.js';
export type { ParseCache, ParseCacheUpdate } from './parse-cache.js';
export { sameStamp } from './parse-cache.js';
