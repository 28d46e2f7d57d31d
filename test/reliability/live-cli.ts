import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliResult } from '../support/sqlkit-cli.js';
import { REPO_ROOT } from '../support/temp-project.js';

const BIN = join(REPO_ROOT, 'bin', 'sqlkit.js');

/** A CLI process still running: its JSON events as they arrive, so a test can signal it at a chosen moment. */
export interface LiveCli {
  pid: number;
  /** Events printed so far (`--log-format json`), in order. */
  events: Record<string, unknown>[];
  /** When an event arrived (Date.now()); stdout to a pipe is written synchronously on Linux, so this is when it happened. */
  receivedAt(event: Record<string, unknown>): number;
  /** Resolves with the first event matching `test`; rejects if the process ends first or after `timeoutMs`. */
  waitForEvent(test: (event: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  signal(name: NodeJS.Signals): void;
  /** Settles when the process has exited (and its pipes closed). */
  done: Promise<CliResult>;
  exited(): boolean;
}

/** Starts `node bin/sqlkit.js <args> --debug --log-format json` and follows its events line by line. */
export function startCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args, '--debug', '--log-format', 'json'], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  const arrivals = new WeakMap<Record<string, unknown>, number>();
  let stdout = '';
  let stderr = '';
  let pending = '';
  let finished = false;
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stdout += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as Record<string, unknown>;
      arrivals.set(event, Date.now());
      events.push(event);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      finished = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid!,
    events,
    receivedAt: (event) => arrivals.get(event) ?? Number.NaN,
    async waitForEvent(test, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(test);
        if (found) return found;
        if (finished) throw new Error(`sqlkit exited before the awaited event:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms:\n${stdout}\n${stderr}`);
        await sleep(5);
      }
    },
    signal: (name) => void child.kill(name),
    done,
    exited: () => finished,
  };
}

/** Polls `check` until it returns true; throws after `timeoutMs`. For waiting on a condition, never as an assertion of speed. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}
