import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../compile/index.js';
import type { Redactor } from '../errors/index.js';
import { fastHash } from '../util/checksum.js';

const INDEX = '.index.json';

/**
 * Writes each node's compiled SQL under <target>/compiled/. An index of content hashes, kept next to the files,
 * lets a recompile skip every file that did not change without reading it back.
 */
export function writeCompiledSql(manifest: Manifest, projectRoot: string, targetPath: string, redactor: Redactor): number {
  const indexFile = join(projectRoot, targetPath, 'compiled', INDEX);
  const previous = readIndex(indexFile);
  const index: Record<string, string> = {};
  const made = new Set<string>();
  let written = 0;
  for (const node of Object.values(manifest.nodes)) {
    if (!('compiledPath' in node) || !node.compiledSql) continue;
    const text = `${redactor.redact(node.compiledSql)}\n`;
    const hash = fastHash(text);
    index[node.compiledPath] = hash;
    if (previous[node.compiledPath] === hash) continue;
    const file = join(projectRoot, node.compiledPath);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, text);
    written++;
  }
  mkdirSync(dirname(indexFile), { recursive: true });
  writeFileSync(indexFile, JSON.stringify(index));
  return written;
}

function readIndex(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
