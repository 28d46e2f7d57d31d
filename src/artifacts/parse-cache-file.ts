import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ParseCache, ParseCacheUpdate } from '../compile/index.js';
import { isSecretEnvName, type Redactor } from '../errors/index.js';
import { SQLKIT_BUILD } from './build-id.js';

export const PARSE_CACHE_FILE = 'partial_parse.bin';
const FORMAT = 2;

/** The previous compile's parse results, or undefined when there are none or they cannot be used. */
export function readParseCache(projectRoot: string, targetPath: string): ParseCache | undefined {
  try {
    const stored = deserialize(readFileSync(join(projectRoot, targetPath, PARSE_CACHE_FILE))) as { format?: number; build?: string; cache?: ParseCache };
    return stored.format === FORMAT && stored.build === SQLKIT_BUILD ? stored.cache : undefined;
  } catch {
    return undefined;
  }
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
    writeFileSync(temporary, serialize({ format: FORMAT, build: SQLKIT_BUILD, cache: { key: cache.key, models, yamls } }));
    renameSync(temporary, file);
  } catch {
    // Only a cache: the next compile parses everything again.
  }
}
