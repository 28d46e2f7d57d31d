export { writeCompiledSql } from './write-compiled.js';
export { writeManifest, writeRunResults, writeJsonFile, RUN_RESULTS_SCHEMA_VERSION } from './write-json.js';
export { readParseCache, writeParseCache, PARSE_CACHE_FILE } from './parse-cache-file.js';
