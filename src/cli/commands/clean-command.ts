import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILE_STATE_FILE, PARSE_CACHE_FILES } from '../../artifacts/index.js';
import { readProject } from '../../project/index.js';
import { projectOptions, type GlobalFlags } from '../options.js';
import type { Output } from '../output.js';

const ARTIFACTS = ['compiled', 'manifest.json', 'run_results.json', COMPILE_STATE_FILE, ...PARSE_CACHE_FILES];

/**
 * `sqlkit clean`: removes compiled SQL and artifacts from the target folder. The DuckDB database file lives there
 * too and is kept unless --all is given, because deleting a warehouse should never be a side effect.
 */
export function cleanCommand(flags: GlobalFlags & { all?: boolean }, output: Output): number {
  const files = readProject({ projectDir: projectOptions(flags).projectDir ?? process.cwd(), env: process.env, ...(flags.target ? { targetName: flags.target } : {}) });
  const target = join(files.root, files.config.paths.target);
  const removed: string[] = [];
  if (existsSync(target)) {
    for (const entry of readdirSync(target)) {
      if (flags.all || ARTIFACTS.includes(entry)) {
        rmSync(join(target, entry), { recursive: true, force: true });
        removed.push(`${files.config.paths.target}/${entry}`);
      }
    }
  }
  if (output.json) output.event('cleaned', { removed });
  else output.out(removed.length ? `Removed ${removed.join(', ')}` : 'Nothing to clean.');
  return 0;
}
