export { readProject, type ReadProjectOptions } from './read-project.js';
export type { ProjectFile, ProjectFiles } from './project-files.js';
