import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './temp-project.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const BIN = join(REPO_ROOT, 'bin', 'sqlkit.js');

/** Runs the built CLI (`node bin/sqlkit.js`) as a user would, in `cwd`. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; onSpawn?: (pid: number) => void } ): Promise<CliResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolveResult({ code, signal, stdout, stderr }));
  });
}

export interface RunResultsFile {
  schemaVersion: string;
  results: { uniqueId: string; name: string; resourceType: string; status: string; kind: string; rowsAffected?: number; kept?: boolean; failures?: number; message: string; warnings?: string[]; startedAt: string; completedAt: string; error?: { code: string; file?: string; line?: number; hint?: string; message: string }; skippedBecause?: string; sample?: { columns: { name: string }[]; rows: unknown[][] } }[];
  elapsedTime: number;
}

export function readRunResults(projectDir: string): RunResultsFile {
  return JSON.parse(readFileSync(join(projectDir, 'target', 'run_results.json'), 'utf8')) as RunResultsFile;
}

export function statusByName(results: RunResultsFile): Record<string, string> {
  return Object.fromEntries(results.results.map((r) => [r.name, r.status]));
}
