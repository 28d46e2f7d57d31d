export { writeCompiledSql } from './write-compiled.js';
export { writeManifest, writeRunResults, writeJsonFile, RUN_RESULTS_SCHEMA_VERSION } from './write-json.js';
