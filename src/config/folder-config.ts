import { SqlkitError } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import type { YamlFile } from '../util/yaml-file.js';
import { MODEL_CONFIG_KEYS, modelConfigSchema, type PartialModelConfig } from './model-config-schema.js';
import { zodIssuesToErrors } from './zod-errors.js';

/** Model config set per folder in project.yml (`models: { marts: { +materialized: table } }`). */
export interface FolderConfig {
  config: PartialModelConfig;
  folders: Record<string, FolderConfig>;
  /** YAML path of this node, for errors found later (e.g. a folder that does not exist). */
  yamlPath: string[];
}

function walk(value: unknown, yaml: YamlFile, yamlPath: string[], errors: SqlkitError[]): FolderConfig {
  const result: FolderConfig = { config: {}, folders: {}, yamlPath };
  if (value === null || value === undefined) return result;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(
      new SqlkitError('CONFIG_INVALID', `'${yamlPath.join('.')}' must be a mapping of folders and +config keys.`, {
        location: yaml.locate(yamlPath),
        hint: 'Example: models: { marts: { +materialized: table } }',
      }),
    );
    return result;
  }
  const rawConfig: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('+')) {
      const name = key.slice(1);
      if (!MODEL_CONFIG_KEYS.includes(name)) {
        errors.push(
          new SqlkitError('CONFIG_INVALID', `Unknown model config '${key}' at '${yamlPath.join('.')}'.`, {
            location: yaml.locate([...yamlPath, key], { key: true }),
            hint: didYouMean(name, MODEL_CONFIG_KEYS)?.replace("'", "'+") ?? `Model configs: ${MODEL_CONFIG_KEYS.map((k) => `+${k}`).join(', ')}.`,
          }),
        );
        continue;
      }
      rawConfig[name] = item;
    } else if (MODEL_CONFIG_KEYS.includes(key) && (item === null || typeof item !== 'object' || Array.isArray(item))) {
      errors.push(
        new SqlkitError('CONFIG_INVALID', `'${key}' at '${yamlPath.join('.')}' looks like a config but has no '+'.`, {
          location: yaml.locate([...yamlPath, key], { key: true }),
          hint: `Write '+${key}'; keys without '+' name sub-folders.`,
        }),
      );
    } else {
      result.folders[key] = walk(item, yaml, [...yamlPath, key], errors);
    }
  }
  const parsed = modelConfigSchema.safeParse(rawConfig, { reportInput: true });
  if (parsed.success) result.config = parsed.data;
  else {
    const plusPath = (issuePath: PropertyKey[]) => issuePath.map((p, i) => (i === 0 ? `+${String(p)}` : p));
    errors.push(
      ...zodIssuesToErrors(
        parsed.error.issues.map((issue) => ({ ...issue, path: plusPath(issue.path) })),
        yaml,
        yamlPath,
      ),
    );
  }
  return result;
}

export function parseFolderConfig(value: unknown, yaml: YamlFile): { tree: FolderConfig; errors: SqlkitError[] } {
  const errors: SqlkitError[] = [];
  const tree = walk(value, yaml, ['models'], errors);
  return { tree, errors };
}

/** Config from every folder level on the way to `folders` (outermost first, innermost wins). */
export function folderConfigFor(tree: FolderConfig, folders: readonly string[]): PartialModelConfig {
  let merged: PartialModelConfig = { ...tree.config };
  let node: FolderConfig | undefined = tree;
  for (const folder of folders) {
    node = node?.folders[folder];
    if (!node) break;
    merged = { ...merged, ...node.config };
  }
  return merged;
}
