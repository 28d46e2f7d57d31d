import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ParseCache, ParseCacheUpdate } from '../compile/index.js';
import { isSecretEnvName, type Redactor } from '../errors/index.js';
import { SQLKIT_BUILD } from './build-id.js';

export const PARSE_CACHE_FILE = 'partial_parse.bin';
const FORMAT = 3;

type StoredCache = Omit<ParseCache, 'files'> & { files: StoredStamps };

/**
 * File stamps in columns: paths and checksums as two strings, the numbers in one typed array. V8 copies strings and
 * typed arrays as raw bytes, where 10,000 small objects cost it about 40 ms to read back.
 */
interface StoredStamps {
  paths: string;
  checksums: string;
  numbers: Float64Array;
}

const STAMP_NUMBERS = 4;
const CHECKSUM_LENGTH = 64;

/** The previous compile's parse results, or undefined when there are none or they cannot be used. */
export function readParseCache(projectRoot: string, targetPath: string): ParseCache | undefined {
  try {
    const stored = deserialize(readFileSync(join(projectRoot, targetPath, PARSE_CACHE_FILE))) as { format?: number; build?: string; cache?: StoredCache };
    if (stored.format !== FORMAT || stored.build !== SQLKIT_BUILD || !stored.cache) return undefined;
    return { ...stored.cache, files: decodeStamps(stored.cache.files) };
  } catch {
    return undefined;
  }
}

function encodeStamps(files: ParseCache['files']): StoredStamps {
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

function decodeStamps(stored: StoredStamps): ParseCache['files'] {
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
 * that knew at least the shape rules this one applies.
 */
export function writeParseCache(projectRoot: string, targetPath: string, cache: ParseCacheUpdate, redactor: Redactor): void {
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
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, serialize({ format: FORMAT, build: SQLKIT_BUILD, cache: { key: cache.key, models, yamls, files: encodeStamps(cache.files) } satisfies StoredCache }));
    renameSync(temporary, file);
  } catch {
    // Only a cache: the next compile parses everything again.
  }
}
