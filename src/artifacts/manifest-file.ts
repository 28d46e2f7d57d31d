import { join } from 'node:path';
import { locateManifestEntry, manifestEntryText, type Manifest, type ManifestNode } from '../compile/index.js';
import type { Redactor } from '../errors/index.js';
import type { WrittenStamp } from './write-atomically.js';
import { writeArtifact, writeJsonFile } from './write-json.js';

export const MANIFEST_FILE = 'manifest.json';

export interface WrittenManifest {
  file: string;
  stamp: WrittenStamp;
}

export function writeManifest(manifest: Manifest, projectRoot: string, targetPath: string, redactor: Redactor): WrittenManifest {
  const file = join(projectRoot, targetPath, MANIFEST_FILE);
  // The SQL itself lives in compiled/ (compiledPath); leaving it out keeps the manifest small for big projects.
  // JSON.stringify leaves out undefined values, so the SQL is set aside while the manifest is written: copies of
  // 22,000 nodes without it, or a replacer (which takes stringify off V8's fast path), cost far more.
  const withSql = Object.values(manifest.nodes).filter((node) => 'compiledSql' in node);
  const sql = withSql.map((node) => node.compiledSql);
  try {
    for (const node of withSql) (node as { compiledSql?: string }).compiledSql = undefined;
    return { file, stamp: writeJsonFile(file, { ...manifest, generatedAt: new Date().toISOString() }, redactor, undefined, 0) };
  } finally {
    withSql.forEach((node, i) => (node.compiledSql = sql[i]!));
  }
}

/**
 * Rewrites manifest.json from its current `text` with the entries of `replaced` serialized anew, every other byte
 * copied, and the time it was written updated. Undefined, having written nothing, when an entry or the time
 * cannot be found in the text.
 */
export function patchManifest(file: string, text: string, replaced: readonly ManifestNode[], redactor: Redactor): WrittenManifest | undefined {
  const time = text.lastIndexOf('"generatedAt":"');
  const timeEnd = time + '"generatedAt":"'.length + new Date(0).toISOString().length;
  if (time === -1 || text.slice(timeEnd) !== '"}\n') return undefined;
  const spans: { start: number; end: number; text: string }[] = [];
  for (const node of replaced) {
    const span = locateManifestEntry(text, node.uniqueId);
    if (!span) return undefined;
    spans.push({ ...span, text: manifestEntryText(node.uniqueId, node, redactor) });
  }
  spans.sort((a, b) => a.start - b.start);
  const pieces: string[] = [];
  let copied = 0;
  for (const span of spans) {
    pieces.push(text.slice(copied, span.start), span.text);
    copied = span.end;
  }
  pieces.push(text.slice(copied, time), `"generatedAt":${JSON.stringify(new Date().toISOString())}}\n`);
  return { file, stamp: writeArtifact(file, () => pieces) };
}
