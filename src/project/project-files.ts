import type { ProjectConfig } from '../config/index.js';

/** What a stat says about a file: enough to tell, without reading it, that it has not changed since. */
export interface DiskStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface ProjectFile {
  /** Project-relative path with forward slashes. */
  path: string;
  /** The file's text; a model file is read on first use, so a compile that reuses its parse never reads it. */
  readonly text: string;
  /** Set for files read from disk whose text may be read lazily (model files). */
  stamp?: DiskStamp;
}

/** Everything sqlkit reads from a project directory, before any parsing beyond project.yml. */
export interface ProjectFiles {
  /** Absolute project directory. */
  root: string;
  config: ProjectConfig;
  /** Date.now() before any file was stamped; without it no stamp is trusted (see settledStamp). */
  readAt?: number;
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
