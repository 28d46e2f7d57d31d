import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseProjectConfig, PROJECT_FILE, type ProjectConfigOptions } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import { toPosix } from '../util/text.js';
import type { DiskStamp, ProjectFile, ProjectFiles } from './project-files.js';

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
  const readAt = Date.now();
  const config = parseProjectConfig(readText(root, PROJECT_FILE), options);
  const { paths } = config;
  const modelEntries = listFiles(root, paths.models);
  return {
    root,
    config,
    readAt,
    models: modelEntries.files.filter(isSql).map((path) => new LazyProjectFile(root, path)),
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
  // Entries come under `dir`, itself under `root`: slicing the parent path is path.relative without its cost.
  const rootPrefix = root.endsWith(sep) ? root.length : root.length + 1;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = `${toPosix(entry.parentPath.slice(rootPrefix))}/${entry.name}`;
    if (`/${path}`.includes('/.')) continue;
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

/**
 * A model file, stat'ed now and read on first use of its text: when the parse cache holds the file's checksum under
 * the same stamp, a compile never reads it (10,000 model files cost about twice as much to read as to stat).
 */
class LazyProjectFile implements ProjectFile {
  readonly stamp: DiskStamp;
  #text: string | undefined;

  constructor(
    private readonly root: string,
    readonly path: string,
  ) {
    this.stamp = statFile(root, path);
  }

  get text(): string {
    return (this.#text ??= readText(this.root, this.path));
  }
}

function statFile(root: string, path: string): DiskStamp {
  try {
    const stat = statSync(join(root, path));
    return { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino };
  } catch (error) {
    throw readFailed(path, error);
  }
}

function readText(root: string, path: string): string {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch (error) {
    throw readFailed(path, error);
  }
}

function readFailed(path: string, error: unknown): SqlkitError {
  return new SqlkitError('PROJECT_READ_FAILED', `Cannot read ${path}: ${(error as Error).message}`, {
    location: { file: path },
    cause: error,
  });
}
