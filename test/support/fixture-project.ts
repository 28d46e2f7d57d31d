import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, writeProject } from './temp-project.js';

export const FIXTURE_PROJECTS = join(REPO_ROOT, 'test', 'fixtures', 'projects');

/**
 * A copy of `test/fixtures/projects/<name>` in a temp folder (removed by `removeTempProjects()`), with `overlay`
 * written over it: `{path: text}` replaces or adds a file, `{path: null}` deletes one.
 */
export function copyFixtureProject(name: string, overlay: Record<string, string | null> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `sqlkit-${name}-`));
  cpSync(join(FIXTURE_PROJECTS, name), dir, { recursive: true });
  const writes: Record<string, string> = {};
  for (const [path, text] of Object.entries(overlay)) {
    if (text === null) rmSync(join(dir, path), { force: true });
    else writes[path] = text;
  }
  return writeProject(writes, dir);
}
