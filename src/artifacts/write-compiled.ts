import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../compile/index.js';
import type { Redactor } from '../errors/index.js';

/** Writes each node's compiled SQL under target/compiled/, skipping files whose content is already current. */
export function writeCompiledSql(manifest: Manifest, projectRoot: string, redactor: Redactor): number {
  const made = new Set<string>();
  let written = 0;
  for (const node of Object.values(manifest.nodes)) {
    if (!('compiledPath' in node) || !node.compiledSql) continue;
    const file = join(projectRoot, node.compiledPath);
    const text = `${redactor.redact(node.compiledSql)}\n`;
    if (readIfExists(file) === text) continue;
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, text);
    written++;
  }
  return written;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
