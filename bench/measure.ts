import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Timed {
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the process (VmHWM), in MiB, when /proc reports it. */
  peakRssMb?: number;
  /** Peak V8 heap used, in MiB, when measured with the heap probe. */
  peakHeapMb?: number;
}

const HEAP_PROBE = new URL('./heap-probe.mjs', import.meta.url);

/** Runs a command to completion, timing it from spawn to exit and sampling its peak memory. */
export function runTimed(command: string, args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; probeHeap?: boolean }): Promise<Timed> {
  const probeFile = join(tmpdir(), `sqlkit-heap-${process.pid}-${Date.now()}.txt`);
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  if (options.probeHeap) {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${HEAP_PROBE.href}`.trim();
    env.SQLKIT_HEAP_PROBE_FILE = probeFile;
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the process has exited or /proc is not available
      }
    };
    const timer = setInterval(sample, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      let peakHeapMb: number | undefined;
      if (options.probeHeap) {
        try {
          peakHeapMb = Number(readFileSync(probeFile, 'utf8')) / 1024 / 1024;
          rmSync(probeFile, { force: true });
        } catch {
          peakHeapMb = undefined;
        }
      }
      resolve({ wallMs, code, stdout, stderr, ...(peakKb ? { peakRssMb: peakKb / 1024 } : {}), ...(peakHeapMb !== undefined ? { peakHeapMb } : {}) });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function assertOk(result: Timed, what: string): void {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
}
