export { RelationCache, type MaterializeContext, type MaterializeResult } from './context.js';
export { materializeTable } from './table.js';
export { materializeView } from './view.js';
export { materializeIncremental } from './incremental.js';
export { loadSourceTable, LOAD_ERRORS_TABLE } from './source-load.js';
export { DataVersions, MODEL_STATE_TABLE, createModelStateTable, rebuildsOnChange } from './data-versions.js';
export { FILE_LISTINGS_TABLE, LOADED_FILES_TABLE } from './loaded-files.js';
export { swapRelations, swapStatements, fitIdentifier, TEMPORARY_MARKER } from './swap.js';
export { runStatements } from './execute-sql.js';
