import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from bench/ or compiled in dist-bench/bench/. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), fileURLToPath(import.meta.url).includes('dist-bench') ? '../..' : '..');
export const SQLKIT_BIN = join(REPO_ROOT, 'bin', 'sqlkit.js');
export const WORK_DIR = join(tmpdir(), 'sqlkit-bench');

/** A copy of the repository's Sparkify project reading its data from `dataDir` (log_data, song_data). */
export function sparkifyProject(name: string, dataDir: string): string {
  const dir = join(WORK_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  for (const entry of ['project.yml', 'models', 'sources', 'macros', 'data-tests', 'analyses']) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(dataDir, 'log_data'), join(dir, 'data', 'log_data'), 'dir');
  symlinkSync(join(dataDir, 'song_data'), join(dir, 'data', 'song_data'), 'dir');
  cpSync(join(REPO_ROOT, 'data', 'log_json_path.json'), join(dir, 'data', 'log_json_path.json'));
  return dir;
}
