import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../compile/index.js';
import { SqlkitError, type Redactor } from '../errors/index.js';
import type { Command, RunSummary } from '../runner/index.js';
import { writeFileAtomically } from './write-atomically.js';

export const RUN_RESULTS_SCHEMA_VERSION = 'sqlkit/run-results/v1';

/** Writes JSON atomically (temp file + rename), so a reader never sees half a file. */
export function writeJsonFile(file: string, value: unknown, redactor: Redactor, replacer?: (key: string, value: unknown) => unknown, indent = 2): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomically(file, [redactor.redact(JSON.stringify(value, replacer, indent || undefined)), '\n']);
  } catch (error) {
    throw new SqlkitError('ARTIFACT_WRITE', `Cannot write ${file}: ${(error as Error).message}`, {
      hint: 'Check that the target folder is writable.',
      cause: error,
    });
  }
}

export function writeManifest(manifest: Manifest, projectRoot: string, targetPath: string, redactor: Redactor): string {
  const file = join(projectRoot, targetPath, 'manifest.json');
  // The SQL itself lives in compiled/ (compiledPath); leaving it out keeps the manifest small for big projects.
  // JSON.stringify leaves out undefined values, so the SQL is set aside while the manifest is written: copies of
  // 22,000 nodes without it, or a replacer (which takes stringify off V8's fast path), cost far more.
  const withSql = Object.values(manifest.nodes).filter((node) => 'compiledSql' in node);
  const sql = withSql.map((node) => node.compiledSql);
  try {
    for (const node of withSql) (node as { compiledSql?: string }).compiledSql = undefined;
    writeJsonFile(file, { ...manifest, generatedAt: new Date().toISOString() }, redactor, undefined, 0);
  } finally {
    withSql.forEach((node, i) => (node.compiledSql = sql[i]!));
  }
  return file;
}

export function writeRunResults(summary: RunSummary, command: Command, manifest: Manifest, projectRoot: string, targetPath: string, redactor: Redactor): string {
  const file = join(projectRoot, targetPath, 'run_results.json');
  writeJsonFile(
    file,
    {
      schemaVersion: RUN_RESULTS_SCHEMA_VERSION,
      generatedAt: new Date().toISOString(),
      runId: summary.runId,
      command,
      target: manifest.target,
      startedAt: summary.startedAt,
      elapsedTime: summary.elapsed,
      interrupted: summary.interrupted,
      results: summary.results,
    },
    redactor,
  );
  return file;
}
