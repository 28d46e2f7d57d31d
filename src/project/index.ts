export { readProject, type ReadProjectOptions } from './read-project.js';
export type { DiskStamp, ProjectFile, ProjectFiles } from './project-files.js';
