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
}

/** Everything a model render can see besides its own file: engine, target, project name, macros and vars. */
export function renderInputsKey(engineOptions: TemplateEngineOptions, vars: Record<string, unknown>, modelsPath: string): string {
  const { engineName, target, projectName, macros, builtinMacros } = engineOptions;
  return sha256(JSON.stringify([engineName, target, projectName, modelsPath, vars, macros, builtinMacros]));
}

/** The parse results a compile builds up for the next one, and which of their files it parsed rather than reused. */
export interface ParseCacheUpdate extends ParseCache {
  fresh: Set<string>;
}

export function emptyParseCache(key: string): ParseCacheUpdate {
  return { key, models: new Map(), yamls: new Map(), fresh: new Set() };
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
