export * from './model-config-schema.js';
export * from './target-schema.js';
export * from './project-schema.js';
export * from './project-yaml-schemas.js';
export { parseProjectConfig, PROJECT_FILE, type ProjectConfig, type ProjectConfigOptions } from './project-config.js';
export { folderConfigFor, type FolderConfig } from './folder-config.js';
export { interpolateDeep, interpolateString, type InterpolationScope } from './interpolate.js';
export { zodIssuesToErrors, formatPath } from './zod-errors.js';
export { keysAtPath } from './schema-keys.js';
