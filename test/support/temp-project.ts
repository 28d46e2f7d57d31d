import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DATA_DIR = join(REPO_ROOT, 'data');

const created: string[] = [];

/** Writes `{path: contents}` into a fresh temp folder and returns it; removed by `removeTempProjects()`. */
export function writeProject(files: Record<string, string>, dir = mkdtempSync(join(tmpdir(), 'sqlkit-test-'))): string {
  created.push(dir);
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

/**
 * A copy of the repository's Sparkify project (project.yml, models, sources, macros, data tests, analyses) in a
 * temp folder, with `data/` linked to the repository's quickstart data so nothing large is copied.
 */
export function copySparkifyProject(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlkit-sparkify-'));
  created.push(dir);
  for (const entry of ['project.yml', 'models', 'sources', 'macros', 'data-tests', 'analyses']) {
    cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(DATA_DIR, join(dir, 'data'), 'dir');
  return writeProject(extra, dir);
}

export function removeTempProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A minimal project.yml for a DuckDB project in memory or in a file under target/. */
export function duckdbProjectYml(options: { name?: string; extra?: string; path?: string; threads?: number } = {}): string {
  return `name: ${options.name ?? 'demo'}
version: "1.0"
targets:
  dev:
    type: duckdb
    path: ${options.path ?? 'target/demo.duckdb'}
    threads: ${options.threads ?? 4}
${options.extra ?? ''}`;
}
