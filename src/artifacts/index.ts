export { writeCompiledSql } from './write-compiled.js';
export { writeManifest, writeRunResults, writeJsonFile, RUN_RESULTS_SCHEMA_VERSION } from './write-json.js';
export { readParseCache, writeParseCache, PARSE_CACHE_FILE, PARSE_CACHE_FILES, type ParseCacheOrigin } from './parse-cache-file.js';
