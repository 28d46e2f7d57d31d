export { writeCompiledSql, patchCompiledSql } from './write-compiled.js';
export { writeRunResults, writeJsonFile, RUN_RESULTS_SCHEMA_VERSION } from './write-json.js';
export { writeManifest, patchManifest, MANIFEST_FILE, type WrittenManifest } from './manifest-file.js';
export type { WrittenStamp } from './write-atomically.js';
export { readParseCache, writeParseCache, PARSE_CACHE_FILE, PARSE_CACHE_FILES, type ParseCacheOrigin } from './parse-cache-file.js';
export { readCompileState, writeCompileState, COMPILE_STATE_FILE, type CompileState } from './compile-state-file.js';
