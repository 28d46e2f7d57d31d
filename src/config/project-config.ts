import { SqlkitAggregateError, SqlkitError } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import { parseYamlFile, type YamlFile } from '../util/yaml-file.js';
import { parseFolderConfig, type FolderConfig } from './folder-config.js';
import { interpolateDeep, type InterpolationScope } from './interpolate.js';
import { projectSchema, type ClusterConfig, type ProjectPaths } from './project-schema.js';
import { keysAtPath } from './schema-keys.js';
import { ENGINE_NAMES, TARGET_KEYS, targetSchema, type TargetConfig } from './target-schema.js';
import { zodIssuesToErrors } from './zod-errors.js';

export const PROJECT_FILE = 'project.yml';

export interface ProjectConfig {
  name: string;
  version: string;
  paths: ProjectPaths;
  /** Project vars with --vars applied on top. */
  vars: Record<string, unknown>;
  folderConfig: FolderConfig;
  targetName: string;
  target: TargetConfig;
  targetNames: string[];
  cluster?: ClusterConfig;
  yaml: YamlFile;
}

export interface ProjectConfigOptions {
  env: Record<string, string | undefined>;
  /** --target from the command line; the project's `target:` otherwise. */
  targetName?: string;
  /** --vars from the command line. */
  cliVars?: Record<string, unknown>;
}

/** Parses and validates project.yml, resolving env_var() and the chosen target. Collects every error it finds. */
export function parseProjectConfig(text: string, options: ProjectConfigOptions): ProjectConfig {
  const yaml = parseYamlFile(text, PROJECT_FILE);
  const raw = yaml.value;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SqlkitError('CONFIG_INVALID', `${PROJECT_FILE} must be a mapping with at least name and targets.`, {
      location: { file: PROJECT_FILE, line: 1 },
      hint: 'See the README for a minimal project.yml.',
    });
  }
  const rawRecord = raw as Record<string, unknown>;
  const errors: SqlkitError[] = [];
  const { targets: rawTargets, ...rest } = rawRecord;
  const scope: InterpolationScope = { env: options.env };
  let interpolated: Record<string, unknown> = rest;
  try {
    interpolated = interpolateDeep(rest, scope, (path) => yaml.locate(path)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SqlkitError) errors.push(error);
    else throw error;
  }
  const parsed = projectSchema.safeParse({ ...interpolated, targets: rawTargets }, { reportInput: true });
  if (!parsed.success) {
    errors.push(...zodIssuesToErrors(parsed.error.issues, yaml, [], (path) => keysAtPath(projectSchema, path)));
    // Still check the folder config and the chosen target, so one run reports every problem in the file.
    const models = interpolated.models;
    if (models && typeof models === 'object' && !Array.isArray(models)) errors.push(...parseFolderConfig(models, yaml).errors);
    const targetName = options.targetName ?? (typeof interpolated.target === 'string' ? interpolated.target : 'dev');
    if (rawTargets && typeof rawTargets === 'object' && Object.prototype.hasOwnProperty.call(rawTargets, targetName)) {
      const vars = { ...(isRecord(interpolated.vars) ? interpolated.vars : {}), ...(options.cliVars ?? {}) };
      parseTarget((rawTargets as Record<string, unknown>)[targetName], targetName, yaml, { env: options.env, vars }, errors);
    }
    throw aggregate(errors);
  }
  const project = parsed.data;
  const folders = parseFolderConfig(project.models, yaml);
  errors.push(...folders.errors);

  const vars = { ...project.vars, ...(options.cliVars ?? {}) };
  const targetNames = Object.keys(project.targets);
  const targetName = options.targetName ?? project.target;
  let target: TargetConfig | undefined;
  if (!(targetName in project.targets)) {
    const hint = didYouMean(targetName, targetNames);
    errors.push(
      new SqlkitError('CONFIG_UNKNOWN_TARGET', `Target '${targetName}' is not defined in ${PROJECT_FILE}.`, {
        location: options.targetName ? undefined : yaml.locate(['target']),
        hint: `${hint ? `${hint} ` : ''}Targets defined: ${targetNames.join(', ') || '(none)'}.`,
      }),
    );
  } else {
    target = parseTarget(project.targets[targetName], targetName, yaml, { env: options.env, vars }, errors);
  }
  if (errors.length) throw aggregate(errors);
  return {
    name: project.name,
    version: project.version,
    paths: project.paths,
    vars,
    folderConfig: folders.tree,
    targetName,
    target: target!,
    targetNames,
    ...(project.cluster ? { cluster: project.cluster } : {}),
    yaml,
  };
}

function parseTarget(
  raw: unknown,
  name: string,
  yaml: YamlFile,
  scope: InterpolationScope,
  errors: SqlkitError[],
): TargetConfig | undefined {
  const base = ['targets', name];
  let value: unknown;
  try {
    value = interpolateDeep(raw, scope, (path) => yaml.locate([...base, ...path]));
  } catch (error) {
    if (error instanceof SqlkitError) {
      errors.push(error);
      return undefined;
    }
    throw error;
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(ENGINE_NAMES as readonly string[]).includes(type)) {
    const hint = typeof type === 'string' ? didYouMean(type, ENGINE_NAMES) : undefined;
    errors.push(
      new SqlkitError('CONFIG_INVALID', `Target '${name}' needs a type: one of ${ENGINE_NAMES.join(', ')}.`, {
        location: yaml.locate([...base, 'type']),
        hint: hint ?? `Set type: duckdb for a local file database.`,
      }),
    );
    return undefined;
  }
  const parsed = targetSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    errors.push(
      ...zodIssuesToErrors(parsed.error.issues, yaml, base, () => TARGET_KEYS[type as TargetConfig['type']]),
    );
    return undefined;
  }
  return parsed.data;
}

function aggregate(errors: SqlkitError[]): Error {
  const sorted = [...errors].sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
  return sorted.length === 1 ? sorted[0]! : new SqlkitAggregateError(sorted);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
