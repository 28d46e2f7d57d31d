import { compileProject, type CompiledProject } from '../../src/compile/index.js';
import { parseProjectConfig, type ProjectConfigOptions } from '../../src/config/index.js';
import { errorsOf, type SqlkitError } from '../../src/errors/index.js';
import type { ProjectFile, ProjectFiles } from '../../src/project/index.js';

/** project.yml of a DuckDB project in memory: compile never opens it. */
export const IN_MEMORY_PROJECT_YML = `name: demo
targets:
  dev:
    type: duckdb
`;

export interface CompileFilesOptions {
  env?: Record<string, string | undefined>;
  targetName?: string;
  cliVars?: Record<string, unknown>;
}

/**
 * ProjectFiles built from a `{path: text}` map, sorted like `readProject` sorts them, without touching the disk:
 * models/ *.sql and *.yml, sources/*.yml, macros/*.sql, data-tests/*.sql, analyses/*.sql.
 */
export function projectFilesOf(files: Record<string, string>, options: CompileFilesOptions = {}): ProjectFiles {
  const configOptions: ProjectConfigOptions = {
    env: options.env ?? {},
    ...(options.targetName ? { targetName: options.targetName } : {}),
    ...(options.cliVars ? { cliVars: options.cliVars } : {}),
  };
  const config = parseProjectConfig(files['project.yml'] ?? IN_MEMORY_PROJECT_YML, configOptions);
  const all: ProjectFile[] = Object.entries(files)
    .filter(([path]) => path !== 'project.yml')
    .map(([path, text]) => ({ path, text }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const under = (folder: string, ...extensions: string[]) =>
    all.filter((f) => f.path.startsWith(`${folder}/`) && extensions.some((ext) => f.path.endsWith(ext)));
  const models = under(config.paths.models, '.sql');
  const folders = new Set<string>();
  for (const file of [...models, ...under(config.paths.models, '.yml', '.yaml')]) {
    const parts = file.path.split('/').slice(0, -1);
    for (let i = 2; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return {
    root: '/in-memory',
    config,
    models,
    modelYamls: under(config.paths.models, '.yml', '.yaml'),
    modelFolders: [...folders].sort(),
    sourceYamls: under(config.paths.sources, '.yml', '.yaml'),
    macros: under(config.paths.macros, '.sql'),
    dataTests: under(config.paths.data_tests, '.sql'),
    analyses: under(config.paths.analyses, '.sql'),
  };
}

export function compileFiles(files: Record<string, string>, options: CompileFilesOptions = {}): CompiledProject {
  return compileProject(projectFilesOf(files, options), { env: options.env ?? {} });
}

/** The errors compiling `files` reports; fails the test when it compiles, or throws something that is no SqlkitError. */
export function compileErrors(files: Record<string, string>, options: CompileFilesOptions = {}): SqlkitError[] {
  return errorsFrom(() => compileFiles(files, options));
}

/** The SqlkitErrors `fn` throws (one, or all of an aggregate); throws when `fn` succeeds. */
export function errorsFrom(fn: () => unknown): SqlkitError[] {
  try {
    fn();
  } catch (error) {
    const errors = errorsOf(error);
    if (!errors) throw error;
    return errors;
  }
  throw new Error('expected an error, but none was thrown');
}

/** 1-based line of the first line containing `needle` in `text`: expected lines come from the fixture text. */
export function lineOf(text: string, needle: string, occurrence = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`'${needle}' not found in:\n${text}`);
}

/** 1-based column of `needle` on its line. */
export function columnOf(text: string, needle: string): number {
  const line = text.split('\n')[lineOf(text, needle) - 1]!;
  return line.indexOf(needle) + 1;
}
