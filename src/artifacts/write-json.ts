import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../compile/index.js';
import { SqlkitError, type Redactor } from '../errors/index.js';
import type { Command, RunSummary } from '../runner/index.js';
import { writeFileAtomically, type WrittenStamp } from './write-atomically.js';

export const RUN_RESULTS_SCHEMA_VERSION = 'sqlkit/run-results/v1';

/** Writes JSON atomically (temp file + rename), so a reader never sees half a file. */
export function writeJsonFile(file: string, value: unknown, redactor: Redactor, replacer?: (key: string, value: unknown) => unknown, indent = 2): WrittenStamp {
  return writeArtifact(file, () => [redactor.redact(JSON.stringify(value, replacer, indent || undefined)), '\n']);
}

/** Writes an artifact atomically from its pieces, creating its folder; a failure names the file. */
export function writeArtifact(file: string, pieces: () => string[]): WrittenStamp {
  try {
    mkdirSync(dirname(file), { recursive: true });
    return writeFileAtomically(file, pieces());
  } catch (error) {
    throw new SqlkitError('ARTIFACT_WRITE', `Cannot write ${file}: ${(error as Error).message}`, {
      hint: 'Check that the target folder is writable.',
      cause: error,
    });
  }
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
