import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../compile/index.js';
import type { Redactor } from '../errors/index.js';
import { FAST_HASH_LENGTH, fastHash } from '../util/checksum.js';
import { SQLKIT_BUILD } from './build-id.js';

const INDEX = '.index.json';

/**
 * What was written last time: each file's path and a hash of the SQL as rendered when no secret value was known
 * (redaction is then a function of the text alone, so equal SQL means an equal file and neither needs redacting
 * again), else a hash of the file as written. Paths and hashes are two flat strings, in the same order, so a
 * recompile of 20,000 files parses two strings rather than 20,000 keys.
 */
interface CompiledIndex {
  build: string;
  secretFree: boolean;
  /** Newline-separated paths. */
  paths: string;
  /** Concatenated fixed-length hashes, one per path. */
  hashes: string;
}

/**
 * Writes each node's compiled SQL under <target>/compiled/. An index of content hashes, kept next to the files,
 * lets a recompile skip every file that did not change without reading it back; the index itself is written only
 * when it changed.
 */
export function writeCompiledSql(manifest: Manifest, projectRoot: string, targetPath: string, redactor: Redactor): number {
  const indexFile = join(projectRoot, targetPath, 'compiled', INDEX);
  const secretFree = !redactor.knowsSecrets();
  const paths: string[] = [];
  const hashes: string[] = [];
  // The file's text: redacted already when a secret is known, else redacted only if the file is written.
  const texts: string[] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (!('compiledPath' in node) || !node.compiledSql) continue;
    const text = compiledText(node.compiledSql, secretFree, redactor);
    paths.push(node.compiledPath);
    hashes.push(fastHash(text));
    texts.push(text);
  }
  const index: CompiledIndex = { build: SQLKIT_BUILD, secretFree, paths: paths.join('\n'), hashes: hashes.join('') };
  const previousText = readText(indexFile);
  const previousHash = previousHashes(parseIndex(previousText), index);
  const made = new Set<string>();
  let written = 0;
  for (let i = 0; i < paths.length; i++) {
    if (previousHash(i, paths[i]!) === hashes[i]) continue;
    const file = join(projectRoot, paths[i]!);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeCompiledFile(file, texts[i]!, secretFree, redactor);
    written++;
  }
  const indexText = JSON.stringify(index);
  if (indexText !== previousText) {
    mkdirSync(dirname(indexFile), { recursive: true });
    writeFileSync(indexFile, indexText);
  }
  return written;
}

/**
 * Writes the compiled SQL of a few nodes and updates their index entries, leaving every other file as it is: for a
 * compile that knows no other node's SQL changed. Returns undefined, having written nothing, when the index is
 * missing, was written by another build or under other secrets, or lacks one of the nodes.
 */
export function patchCompiledSql(nodes: readonly { compiledPath: string; compiledSql: string }[], projectRoot: string, targetPath: string, redactor: Redactor): number | undefined {
  const indexFile = join(projectRoot, targetPath, 'compiled', INDEX);
  const secretFree = !redactor.knowsSecrets();
  const index = parseIndex(readText(indexFile));
  if (!index || index.build !== SQLKIT_BUILD || index.secretFree !== secretFree) return undefined;
  const paths = index.paths.split('\n');
  const changes: { position: number; file: string; text: string; hash: string }[] = [];
  for (const node of nodes) {
    const position = paths.indexOf(node.compiledPath);
    if (position === -1 || !node.compiledSql) return undefined;
    const text = compiledText(node.compiledSql, secretFree, redactor);
    changes.push({ position, file: join(projectRoot, node.compiledPath), text, hash: fastHash(text) });
  }
  let { hashes } = index;
  let written = 0;
  for (const { position, file, text, hash } of changes) {
    const start = position * FAST_HASH_LENGTH;
    if (hashes.slice(start, start + FAST_HASH_LENGTH) === hash) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeCompiledFile(file, text, secretFree, redactor);
    hashes = hashes.slice(0, start) + hash + hashes.slice(start + FAST_HASH_LENGTH);
    written++;
  }
  if (written) writeFileSync(indexFile, JSON.stringify({ ...index, hashes }));
  return written;
}

/** A compiled file's text as its index hash covers it: redacted already when a secret is known (see CompiledIndex). */
function compiledText(sql: string, secretFree: boolean, redactor: Redactor): string {
  const rendered = `${sql}\n`;
  return secretFree ? rendered : redactor.redact(rendered);
}

/** Writes a compiled file's text (from compiledText), redacted by its shape rules where that was left to now. */
function writeCompiledFile(file: string, text: string, secretFree: boolean, redactor: Redactor): void {
  writeFileSync(file, secretFree ? redactor.redact(text) : text);
}

/** The hash a file had in the previous index: by position when the paths are the same as now, else by path. */
function previousHashes(previous: CompiledIndex | undefined, current: CompiledIndex): (position: number, path: string) => string | undefined {
  if (!previous || previous.build !== current.build || previous.secretFree !== current.secretFree) return () => undefined;
  const hashAt = (i: number) => previous.hashes.slice(i * FAST_HASH_LENGTH, (i + 1) * FAST_HASH_LENGTH);
  if (previous.paths === current.paths && previous.hashes.length === current.hashes.length) return hashAt;
  const byPath = new Map(previous.paths.split('\n').map((path, i) => [path, hashAt(i)]));
  return (_position, path) => byPath.get(path);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseIndex(text: string | undefined): CompiledIndex | undefined {
  if (text === undefined) return undefined;
  try {
    const index = JSON.parse(text) as Partial<CompiledIndex>;
    return typeof index.paths === 'string' && typeof index.hashes === 'string' ? (index as CompiledIndex) : undefined;
  } catch {
    return undefined;
  }
}
