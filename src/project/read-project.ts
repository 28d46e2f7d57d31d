import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseProjectConfig, PROJECT_FILE, type ProjectConfigOptions } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import { toPosix } from '../util/text.js';
import type { ProjectFile, ProjectFiles } from './project-files.js';

export interface ReadProjectOptions extends ProjectConfigOptions {
  projectDir: string;
}

/** Reads project.yml and every model, source, macro, data test and analysis file. The only project-directory reader. */
export function readProject(options: ReadProjectOptions): ProjectFiles {
  const root = resolve(options.projectDir);
  const projectFile = join(root, PROJECT_FILE);
  if (!existsSync(projectFile)) {
    throw new SqlkitError('CONFIG_PROJECT_NOT_FOUND', `No ${PROJECT_FILE} in ${root}.`, {
      hint: 'Run sqlkit from the project root, or pass --project-dir <folder containing project.yml>.',
    });
  }
  const config = parseProjectConfig(readText(root, PROJECT_FILE), options);
  const { paths } = config;
  const modelEntries = listFiles(root, paths.models);
  return {
    root,
    config,
    models: readAll(root, modelEntries.files.filter(isSql)),
    modelYamls: readAll(root, modelEntries.files.filter(isYaml)),
    modelFolders: modelEntries.folders,
    sourceYamls: readAll(root, listFiles(root, paths.sources).files.filter(isYaml)),
    macros: readAll(root, listFiles(root, paths.macros).files.filter(isSql)),
    dataTests: readAll(root, listFiles(root, paths.data_tests).files.filter(isSql)),
    analyses: readAll(root, listFiles(root, paths.analyses).files.filter(isSql)),
  };
}

const isSql = (path: string): boolean => path.endsWith('.sql');
const isYaml = (path: string): boolean => path.endsWith('.yml') || path.endsWith('.yaml');

function listFiles(root: string, folder: string): { files: string[]; folders: string[] } {
  const dir = join(root, folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { files: [], folders: [] };
  const files: string[] = [];
  const folders: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = toPosix(relative(root, join(entry.parentPath, entry.name)));
    if (path.split('/').some((part) => part.startsWith('.'))) continue;
    if (entry.isFile()) files.push(path);
    else if (entry.isDirectory()) folders.push(path);
  }
  files.sort();
  folders.sort();
  return { files, folders };
}

function readAll(root: string, paths: string[]): ProjectFile[] {
  return paths.map((path) => ({ path, text: readText(root, path) }));
}

function readText(root: string, path: string): string {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch (error) {
    throw new SqlkitError('PROJECT_READ_FAILED', `Cannot read ${path}: ${(error as Error).message}`, {
      location: { file: path },
      cause: error,
    });
  }
}
