import { SECRET_TARGET_FIELDS } from '../config/index.js';
import { compileProject, type CompiledProject } from '../compile/index.js';
import { createRedactor, type Redactor } from '../errors/index.js';
import { readProject, type ProjectFiles } from '../project/index.js';

export interface ProjectOptions {
  /** Folder holding project.yml (default: the current directory). */
  projectDir?: string;
  /** Target name from project.yml (default: the project's `target:`). */
  target?: string;
  /** Values for var(), over the project's vars. */
  vars?: Record<string, unknown>;
  /** Environment for env_var() (default: process.env). */
  env?: Record<string, string | undefined>;
}

export interface OpenedProject {
  files: ProjectFiles;
  compiled: CompiledProject;
  redactor: Redactor;
}

/** Reads and compiles a project. Pure apart from reading the project's files; throws every problem found at once. */
export function openProject(options: ProjectOptions = {}): OpenedProject {
  const env = options.env ?? process.env;
  const redactor = createRedactor(env);
  const files = readProject({
    projectDir: options.projectDir ?? process.cwd(),
    env,
    ...(options.target ? { targetName: options.target } : {}),
    ...(options.vars ? { cliVars: options.vars } : {}),
  });
  const target = files.config.target as Record<string, unknown>;
  for (const field of SECRET_TARGET_FIELDS) if (typeof target[field] === 'string') redactor.add(target[field] as string);
  const compiled = compileProject(files, { env });
  return { files, compiled, redactor };
}
