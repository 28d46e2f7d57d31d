import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbProjectYml, REPO_ROOT, removeTempProjects, writeProject } from '../support/temp-project.js';

// bin/sqlkit.js keeps V8's code cache beside the bundle. These runs use a copy of bin/ and the bundle, so the cache
// they write and spoil is their own, not the one every other test's CLI runs share.
const install = mkdtempSync(join(tmpdir(), 'sqlkit-install-'));
cpSync(join(REPO_ROOT, 'bin'), join(install, 'bin'), { recursive: true });
mkdirSync(join(install, 'dist', 'bundle'), { recursive: true });
cpSync(join(REPO_ROOT, 'dist', 'bundle', 'sqlkit.cjs'), join(install, 'dist', 'bundle', 'sqlkit.cjs'));
cpSync(join(REPO_ROOT, 'dist', 'artifacts'), join(install, 'dist', 'artifacts'), { recursive: true });
cpSync(join(REPO_ROOT, 'package.json'), join(install, 'package.json'));
symlinkSync(join(REPO_ROOT, 'node_modules'), join(install, 'node_modules'), 'dir');
const bundleDir = join(install, 'dist', 'bundle');
const cacheFile = join(bundleDir, `sqlkit.cjs.${process.version}.v8cache`);
const commandsFile = `${cacheFile}.commands`;

afterAll(() => {
  rmSync(install, { recursive: true, force: true });
  removeTempProjects();
});

function sqlkit(args: string[], cwd = install) {
  const result = spawnSync(process.execPath, [join(install, 'bin', 'sqlkit.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const commands = () => readFileSync(commandsFile, 'utf8').split('\n');

describe("the CLI's code cache", () => {
  it('is written by the first command, and again by each command it does not hold yet', () => {
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    expect(sqlkit(['--version']).stdout).toContain(`sqlkit/${version}`);
    const first = readFileSync(cacheFile);
    expect(first.length).toBeGreaterThan(100_000);
    expect(commands()).toEqual(['(none)']);

    // A command already held leaves the cache alone.
    expect(sqlkit(['--version']).code).toBe(0);
    expect(readFileSync(cacheFile).equals(first)).toBe(true);

    // A new command compiles more functions, and the cache grows to hold them.
    const project = writeProject({ 'project.yml': duckdbProjectYml(), 'models/one.sql': 'select 1 as id\n' });
    const compiled = sqlkit(['compile'], project);
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
    expect(readFileSync(cacheFile).length).toBeGreaterThan(first.length);
    expect(commands()).toEqual(['(none)', 'compile']);
    expect(readdirSync(bundleDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a cache V8 refuses (spoilt, or from another build) is ignored and replaced', () => {
    writeFileSync(cacheFile, Buffer.alloc(4096, 7));
    writeFileSync(commandsFile, '(none)\ncompile');
    const project = writeProject({ 'project.yml': duckdbProjectYml(), 'models/one.sql': 'select 1 as id\n' });
    const result = sqlkit(['compile'], project);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Compiled 1 model');
    const cache = readFileSync(cacheFile);
    expect(cache.equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(cache.length).toBeGreaterThan(100_000);
    // The list of commands starts again with the cache.
    expect(commands()).toEqual(['compile']);
  });
});
