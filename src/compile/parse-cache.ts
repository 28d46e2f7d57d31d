import type { DiskStamp, ProjectFile } from '../project/index.js';
import type { TemplateEngineOptions } from '../templating/index.js';
import { sha256 } from '../util/checksum.js';
import type { ModelRender } from './model-nodes.js';

/**
 * What one compile hands the next (dbt's partial parsing): each model's render and each models YAML file's
 * validated content, reused when the file's text and every input all renders share are unchanged. Plain data,
 * so the caller can keep it between processes.
 */
export interface ParseCache {
  /** Hash of the inputs every render shares: see renderInputsKey. */
  key: string;
  /** By file path; `checksum` is the SHA-256 of the file's text, as in the manifest. */
  models: Map<string, { checksum: string; render: ModelRender }>;
  yamls: Map<string, { checksum: string; data: unknown }>;
  /** Model files by path, with the stamp their checksum was taken under (see settledStamp). */
  files: Map<string, { stamp: DiskStamp; checksum: string }>;
}

/** Everything a model render can see besides its own file: engine, target, project name, macros and vars. */
export function renderInputsKey(engineOptions: TemplateEngineOptions, vars: Record<string, unknown>, modelsPath: string): string {
  const { engineName, target, projectName, macros, builtinMacros } = engineOptions;
  return sha256(JSON.stringify([engineName, target, projectName, modelsPath, vars, macros, builtinMacros]));
}

/** The parse results a compile builds up for the next one, and which of their files it parsed rather than reused. */
export interface ParseCacheUpdate extends ParseCache {
  fresh: Set<string>;
  /** Files whose checksum was taken by reading them although they have a settled stamp: the cache has news. */
  restamped: number;
}

export function emptyParseCache(key: string): ParseCacheUpdate {
  return { key, models: new Map(), yamls: new Map(), files: new Map(), fresh: new Set(), restamped: 0 };
}

/**
 * How long after a file last changed its stamp is trusted. File times tick coarsely (a few milliseconds on Linux,
 * up to 2 s on some file systems): a file rewritten with the same size within one tick of being stamped would keep
 * its stamp, so, as git does with racily clean files, a stamp taken that close to the change is not recorded.
 */
const SETTLE_MS = 2000;

/** The stamp to record for a file, when it is old enough to trust; see SETTLE_MS. */
function settledStamp(file: ProjectFile, readAt: number | undefined): DiskStamp | undefined {
  const { stamp } = file;
  if (!stamp || readAt === undefined) return undefined;
  return Math.max(stamp.mtimeMs, stamp.ctimeMs) < readAt - SETTLE_MS ? stamp : undefined;
}

/**
 * A model file's SHA-256, from the previous compile when the file's stamp is the one its checksum was taken under
 * (no read needed), else from its text. The result is recorded in `next` under the file's settled stamp.
 */
export function fileChecksum(file: ProjectFile, readAt: number | undefined, previous: Pick<ParseCache, 'files'> | undefined, next: ParseCacheUpdate): string {
  const stamp = settledStamp(file, readAt);
  if (!stamp) return sha256(file.text);
  const known = previous?.files.get(file.path);
  if (known && sameStamp(known.stamp, stamp)) {
    next.files.set(file.path, known);
    return known.checksum;
  }
  const checksum = sha256(file.text);
  next.files.set(file.path, { stamp, checksum });
  next.restamped++;
  return checksum;
}

export function sameStamp(a: DiskStamp, b: DiskStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/**
 * The previous render of a model file, if it still holds: same text (checksum), every env_var() it read unchanged, and every
 * node it referenced still declared (a ref to a model since removed renders again, to report it).
 */
export function reusableRender(
  previous: ParseCache | undefined,
  path: string,
  checksum: string,
  env: Record<string, string | undefined>,
  isDeclared: (uniqueId: string) => boolean,
): ModelRender | undefined {
  const hit = previous?.models.get(path);
  if (!hit || hit.checksum !== checksum) return undefined;
  const { render } = hit;
  if (!render.envReads.every(([name, value]) => (env[name] ?? null) === value)) return undefined;
  if (!render.refs.every(isDeclared)) return undefined;
  return render;
}

export function reusableYaml(previous: ParseCache | undefined, path: string, checksum: string): unknown {
  const hit = previous?.yamls.get(path);
  return hit && hit.checksum === checksum ? hit.data : undefined;
}
