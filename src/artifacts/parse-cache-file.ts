import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { sameStamp, type ParseCache, type ParseCacheUpdate } from '../compile/index.js';
import { isSecretEnvName, type Redactor } from '../errors/index.js';
import { SQLKIT_BUILD } from './build-id.js';
import { writeFileAtomically } from './write-atomically.js';

export const PARSE_CACHE_FILE = 'partial_parse.bin';
const DELTA_FILE = `${PARSE_CACHE_FILE}.delta`;
/** The parse cache's files in the target folder: the base and the delta written beside it. */
export const PARSE_CACHE_FILES = [PARSE_CACHE_FILE, DELTA_FILE];
const FORMAT = 4;

type StoredCache = Omit<ParseCache, 'files'> & { files: StoredStamps };

/**
 * File stamps in columns: paths and checksums as two strings, the numbers in one typed array. V8 copies strings and
 * typed arrays as raw bytes, where 10,000 small objects cost it about 40 ms to read back.
 */
export interface StoredStamps {
  paths: string;
  checksums: string;
  numbers: Float64Array;
}

const STAMP_NUMBERS = 4;
/** A SHA-256 in hex, as model checksums are. */
export const CHECKSUM_LENGTH = 64;

/** Where a cache read from disk came from: the base file's id and content, so a write can store only what changed. */
export interface ParseCacheOrigin {
  id: string;
  models: ParseCache['models'];
  yamls: ParseCache['yamls'];
  files: ParseCache['files'];
}

interface StoredBase {
  format: number;
  build: string;
  id: string;
  cache: StoredCache;
}

/**
 * What changed since the base file, written instead of the whole cache when little did: an edit to one model of
 * 10,000 writes a few kilobytes rather than serializing every render again. Entries are relative to the base
 * (`baseId`), so each delta replaces the previous one; once it grows past a tenth of the base, the base is
 * rewritten.
 */
interface StoredDelta {
  format: number;
  build: string;
  baseId: string;
  key: string;
  models: ParseCache['models'];
  removedModels: string[];
  yamls: ParseCache['yamls'];
  removedYamls: string[];
  files: StoredStamps;
  removedFiles: string[];
}


/** The previous compile's parse results, or undefined when there are none or they cannot be used. */
export function readParseCache(projectRoot: string, targetPath: string): { cache: ParseCache; origin: ParseCacheOrigin } | undefined {
  const file = join(projectRoot, targetPath, PARSE_CACHE_FILE);
  let base: StoredBase;
  try {
    base = deserialize(readFileSync(file)) as StoredBase;
    if (base.format !== FORMAT || base.build !== SQLKIT_BUILD || !base.cache || typeof base.id !== 'string') return undefined;
  } catch {
    return undefined;
  }
  const origin: ParseCacheOrigin = { id: base.id, models: base.cache.models, yamls: base.cache.yamls, files: decodeStamps(base.cache.files) };
  const cache: ParseCache = { key: base.cache.key, models: origin.models, yamls: origin.yamls, files: origin.files };
  const delta = readDelta(join(projectRoot, targetPath, DELTA_FILE), base.id);
  if (!delta) return { cache, origin };
  return {
    cache: {
      key: delta.key,
      models: overlay(origin.models, delta.models, delta.removedModels),
      yamls: overlay(origin.yamls, delta.yamls, delta.removedYamls),
      files: overlay(origin.files, decodeStamps(delta.files), delta.removedFiles),
    },
    origin,
  };
}

function readDelta(file: string, baseId: string): StoredDelta | undefined {
  try {
    const delta = deserialize(readFileSync(file)) as StoredDelta;
    return delta.format === FORMAT && delta.build === SQLKIT_BUILD && delta.baseId === baseId ? delta : undefined;
  } catch {
    return undefined;
  }
}

function overlay<V>(base: Map<string, V>, changed: Map<string, V>, removed: readonly string[]): Map<string, V> {
  const merged = new Map(base);
  for (const path of removed) merged.delete(path);
  for (const [path, value] of changed) merged.set(path, value);
  return merged;
}

export function encodeStamps(files: ParseCache['files']): StoredStamps {
  const paths: string[] = [];
  const checksums: string[] = [];
  const numbers = new Float64Array(files.size * STAMP_NUMBERS);
  let i = 0;
  for (const [path, { stamp, checksum }] of files) {
    // A newline would split the path in two when read back (a file so named is simply read every time).
    if (path.includes('\n') || checksum.length !== CHECKSUM_LENGTH) continue;
    paths.push(path);
    checksums.push(checksum);
    numbers.set([stamp.size, stamp.mtimeMs, stamp.ctimeMs, stamp.ino], i);
    i += STAMP_NUMBERS;
  }
  return { paths: paths.join('\n'), checksums: checksums.join(''), numbers: numbers.slice(0, i) };
}

export function decodeStamps(stored: StoredStamps): ParseCache['files'] {
  const files: ParseCache['files'] = new Map();
  const paths = stored.paths ? stored.paths.split('\n') : [];
  const { numbers, checksums } = stored;
  if (numbers.length !== paths.length * STAMP_NUMBERS || checksums.length !== paths.length * CHECKSUM_LENGTH) return files;
  paths.forEach((path, i) => {
    const at = i * STAMP_NUMBERS;
    const stamp = { size: numbers[at]!, mtimeMs: numbers[at + 1]!, ctimeMs: numbers[at + 2]!, ino: numbers[at + 3]! };
    files.set(path, { stamp, checksum: checksums.slice(i * CHECKSUM_LENGTH, (i + 1) * CHECKSUM_LENGTH) });
  });
  return files;
}

/**
 * Writes the parse results atomically. Renders that hold a secret (a var or env_var() value the redactor knows)
 * are left out, so the cache never stores one: those models render again next time. Only the entries parsed this time need
 * checking when no secret value is known: the others passed the check when they were stored, under a redactor
 * that knew at least the shape rules this one applies. With the `origin` of the cache this compile started from,
 * only what changed since its base is written (see StoredDelta); a redactor that knows secrets rewrites the base,
 * so that entries stored before it knew them are checked again.
 */
export function writeParseCache(projectRoot: string, targetPath: string, cache: ParseCacheUpdate, redactor: Redactor, origin?: ParseCacheOrigin): void {
  const checkAll = redactor.knowsSecrets();
  const models: ParseCache['models'] = new Map();
  for (const [path, entry] of cache.models) {
    const { render } = entry;
    if (!checkAll && !cache.fresh.has(path)) {
      models.set(path, entry);
      continue;
    }
    if (render.envReads.some(([name]) => isSecretEnvName(name)) || redactor.redact(render.renderedSql) !== render.renderedSql) continue;
    if (redactor.redact(JSON.stringify(render.config)) !== JSON.stringify(render.config)) continue;
    models.set(path, entry);
  }
  const yamls: ParseCache['yamls'] = new Map();
  for (const [path, entry] of cache.yamls) {
    if (!checkAll && !cache.fresh.has(path)) {
      yamls.set(path, entry);
      continue;
    }
    const json = JSON.stringify(entry.data);
    if (redactor.redact(json) === json) yamls.set(path, entry);
  }
  const file = join(projectRoot, targetPath, PARSE_CACHE_FILE);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const delta = origin && !checkAll ? deltaFrom(origin, { key: cache.key, models, yamls, files: cache.files }) : undefined;
    if (delta) {
      writeFileAtomically(join(projectRoot, targetPath, DELTA_FILE), [serialize(delta)]);
      return;
    }
    const base: StoredBase = { format: FORMAT, build: SQLKIT_BUILD, id: randomBytes(8).toString('hex'), cache: { key: cache.key, models, yamls, files: encodeStamps(cache.files) } };
    writeFileAtomically(file, [serialize(base)]);
    rmSync(join(projectRoot, targetPath, DELTA_FILE), { force: true });
  } catch {
    // Only a cache: the next compile parses everything again.
  }
}

/**
 * The changes from the base to `next`, or undefined when they are many enough that rewriting the base is better.
 * A render or YAML entry reused from the base is the very object the base holds, so identity finds what changed.
 */
function deltaFrom(origin: ParseCacheOrigin, next: ParseCache): StoredDelta | undefined {
  const limit = Math.max(50, Math.ceil(origin.models.size / 10));
  let size = 0;
  const changed = <V>(base: Map<string, V>, now: Map<string, V>, same: (a: V, b: V) => boolean) => {
    const entries = new Map<string, V>();
    for (const [path, value] of now) {
      const before = base.get(path);
      if (before === undefined || !same(before, value)) entries.set(path, value);
    }
    const removed = [...base.keys()].filter((path) => !now.has(path));
    size += entries.size + removed.length;
    return { entries, removed };
  };
  const models = changed(origin.models, next.models, (a, b) => a.render === b.render && a.checksum === b.checksum);
  const yamls = changed(origin.yamls, next.yamls, (a, b) => a.data === b.data && a.checksum === b.checksum);
  const files = changed(origin.files, next.files, (a, b) => a.checksum === b.checksum && sameStamp(a.stamp, b.stamp));
  if (size > limit) return undefined;
  return {
    format: FORMAT,
    build: SQLKIT_BUILD,
    baseId: origin.id,
    key: next.key,
    models: models.entries,
    removedModels: models.removed,
    yamls: yamls.entries,
    removedYamls: yamls.removed,
    files: encodeStamps(files.entries),
    removedFiles: files.removed,
  };
}
