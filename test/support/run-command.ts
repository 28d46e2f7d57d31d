import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface RunOptions {
  /** Run as this OS user (needs root); PostgreSQL refuses to run as root. */
  asUser?: string;
  cwd: string;
}

const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((file) => existsSync(file));

const shellQuote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

function wrap(command: string, args: string[], asUser: string | undefined): [string, string[]] {
  if (asUser === undefined) return [command, args];
  if (RUNUSER) return [RUNUSER, ['-u', asUser, '--', command, ...args]];
  return ['su', [asUser, '-s', '/bin/sh', '-c', [command, ...args].map(shellQuote).join(' ')]];
}

/** Runs a command to completion and rejects with its output when it exits non-zero. */
export function runCommand(command: string, args: string[], options: RunOptions): Promise<string> {
  const [bin, argv] = wrap(command, args, options.asUser);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** Synchronous variant for process-exit cleanup, where promises no longer run. */
export function runCommandSync(command: string, args: string[], options: RunOptions): void {
  const [bin, argv] = wrap(command, args, options.asUser);
  spawnSync(bin, argv, { cwd: options.cwd, stdio: 'ignore' });
}
