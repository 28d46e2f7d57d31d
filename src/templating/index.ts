export { createTemplateEngine, type CompiledTemplate, type TemplateEngine, type TemplateEngineOptions } from './template-engine.js';
export type { RenderHooks, TargetInfo } from './render-hooks.js';
export { toTemplateError } from './template-errors.js';
export { DISPATCH_ORDER } from './macro-registry.js';
export { EMPTY_QUERY_TABLE, queryTable, type QueryColumn, type QueryTable } from './query-table.js';
