import type { ProjectConfig } from '../config/index.js';

export interface ProjectFile {
  /** Project-relative path with forward slashes. */
  path: string;
  text: string;
}

/** Everything sqlkit reads from a project directory, before any parsing beyond project.yml. */
export interface ProjectFiles {
  /** Absolute project directory. */
  root: string;
  config: ProjectConfig;
  models: ProjectFile[];
  /** YAML files under the models folder (descriptions, columns, tests). */
  modelYamls: ProjectFile[];
  sourceYamls: ProjectFile[];
  macros: ProjectFile[];
  dataTests: ProjectFile[];
  analyses: ProjectFile[];
  /** Sub-folders of the models folder, project-relative, for checking folder config in project.yml. */
  modelFolders: string[];
}
