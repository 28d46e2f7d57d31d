import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../compile/index.js';
import type { Redactor } from '../errors/index.js';
import { fastHash } from '../util/checksum.js';
import { SQLKIT_BUILD } from './build-id.js';

const INDEX = '.index.json';

/**
 * What was written last time, by file: a hash of the SQL as rendered when no secret value was known (redaction is
 * then a function of the text alone, so equal SQL means an equal file and neither needs redacting again), else a
 * hash of the file as written.
 */
interface CompiledIndex {
  build: string;
  secretFree: boolean;
  files: Record<string, string>;
}

/**
 * Writes each node's compiled SQL under <target>/compiled/. An index of content hashes, kept next to the files,
 * lets a recompile skip every file that did not change without reading it back.
 */
export function writeCompiledSql(manifest: Manifest, projectRoot: string, targetPath: string, redactor: Redactor): number {
  const indexFile = join(projectRoot, targetPath, 'compiled', INDEX);
  const secretFree = !redactor.knowsSecrets();
  const previous = readIndex(indexFile);
  const comparable = previous.build === SQLKIT_BUILD && previous.secretFree === secretFree ? previous.files : {};
  const index: CompiledIndex = { build: SQLKIT_BUILD, secretFree, files: {} };
  const made = new Set<string>();
  let written = 0;
  for (const node of Object.values(manifest.nodes)) {
    if (!('compiledPath' in node) || !node.compiledSql) continue;
    const rendered = `${node.compiledSql}\n`;
    let text: string | undefined;
    const hash = secretFree ? fastHash(rendered) : fastHash((text = redactor.redact(rendered)));
    index.files[node.compiledPath] = hash;
    if (comparable[node.compiledPath] === hash) continue;
    const file = join(projectRoot, node.compiledPath);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, text ?? redactor.redact(rendered));
    written++;
  }
  mkdirSync(dirname(indexFile), { recursive: true });
  writeFileSync(indexFile, JSON.stringify(index));
  return written;
}

function readIndex(file: string): Partial<CompiledIndex> & { files: Record<string, string> } {
  try {
    const index = JSON.parse(readFileSync(file, 'utf8')) as Partial<CompiledIndex>;
    return { ...index, files: index.files ?? {} };
  } catch {
    return { files: {} };
  }
}
