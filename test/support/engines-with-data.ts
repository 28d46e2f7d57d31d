import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { startEngine, type EngineContext } from './engine-harness.js';
import type { TestEngine } from './engines.js';
import { removeTempProjects } from './temp-project.js';

/**
 * For a describe block: starts each engine once, with its own folder of source files that Redshift's stand-in
 * serves as s3://<bucket>/<prefix>; closes the engines and removes the folders and temp projects afterwards.
 */
export function enginesWithData(engines: readonly TestEngine[], bucket: string, prefix: string): { contexts: Map<TestEngine, EngineContext>; dataDirs: Map<TestEngine, string> } {
  const contexts = new Map<TestEngine, EngineContext>();
  const dataDirs = new Map<TestEngine, string>();
  let s3Root: string;

  beforeAll(async () => {
    s3Root = mkdtempSync(join(tmpdir(), `sqlkit-${bucket}-s3-`));
    mkdirSync(join(s3Root, bucket), { recursive: true });
    for (const engine of engines) {
      const dataDir = mkdtempSync(join(tmpdir(), `sqlkit-${bucket}-${engine}-`));
      dataDirs.set(engine, dataDir);
      if (engine === 'redshift') symlinkSync(dataDir, join(s3Root, bucket, prefix), 'dir');
      contexts.set(engine, await startEngine(engine, inject('postgres'), { s3Root }));
    }
  });
  afterAll(async () => {
    for (const ctx of contexts.values()) await ctx.close();
    for (const dir of dataDirs.values()) rmSync(dir, { recursive: true, force: true });
    rmSync(s3Root, { recursive: true, force: true });
    removeTempProjects();
  });
  return { contexts, dataDirs };
}
