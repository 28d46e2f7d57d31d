import { keysAtPath, modelsFileSchema, zodIssuesToErrors, type ModelEntrySpec } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import { locatableYamlFile, parseYamlFile, type YamlFile } from '../util/yaml-file.js';
import { sha256 } from '../util/checksum.js';
import { reusableYaml, type ParseCache, type ParseCacheUpdate } from './parse-cache.js';

export interface ModelYamlEntry {
  entry: ModelEntrySpec;
  yaml: YamlFile;
  yamlPath: (string | number)[];
}

export interface ParsedModelYaml {
  models: Map<string, ModelYamlEntry>;
  analyses: Map<string, { description?: string; yaml: YamlFile; yamlPath: (string | number)[] }>;
}

type ModelsFile = ReturnType<typeof modelsFileSchema.parse>;

/**
 * Reads models/**\/*.yml: descriptions, columns, config and tests per model. A file whose text is unchanged since
 * the previous compile reuses its validated content; what was read is recorded in `next`.
 */
export function parseModelYamlFiles(files: readonly ProjectFile[], errors: SqlkitError[], previous?: ParseCache, next?: ParseCacheUpdate): ParsedModelYaml {
  const models = new Map<string, ModelYamlEntry>();
  const analyses: ParsedModelYaml['analyses'] = new Map();
  for (const file of files) {
    const checksum = sha256(file.text);
    const reused = reusableYaml(previous, file.path, checksum) as ModelsFile | undefined;
    const read = reused ? { yaml: locatableYamlFile(file.text, file.path, undefined), data: reused } : validate(file, errors);
    if (!read) continue;
    const { yaml, data } = read;
    next?.yamls.set(file.path, { checksum, data });
    if (!reused) next?.fresh.add(file.path);
    data.models.forEach((entry, i) => {
      const yamlPath = ['models', i];
      const previous = models.get(entry.name);
      if (previous) {
        errors.push(
          new SqlkitError('PROJECT_DUPLICATE_NODE', `Model '${entry.name}' is described twice: ${previous.yaml.file} and ${file.path}.`, {
            location: yaml.locate([...yamlPath, 'name']),
            related: [previous.yaml.locate([...previous.yamlPath, 'name'])],
            hint: 'Merge the two entries into one.',
          }),
        );
        return;
      }
      models.set(entry.name, { entry, yaml, yamlPath });
    });
    data.analyses.forEach((entry, i) => {
      analyses.set(entry.name, { ...(entry.description ? { description: entry.description } : {}), yaml, yamlPath: ['analyses', i] });
    });
  }
  return { models, analyses };
}

function validate(file: ProjectFile, errors: SqlkitError[]): { yaml: YamlFile; data: ModelsFile } | undefined {
  let yaml: YamlFile;
  try {
    yaml = parseYamlFile(file.text, file.path);
  } catch (error) {
    errors.push(error as SqlkitError);
    return undefined;
  }
  const parsed = modelsFileSchema.safeParse(yaml.value, { reportInput: true });
  if (!parsed.success) {
    errors.push(...zodIssuesToErrors(parsed.error.issues, yaml, [], (path) => keysAtPath(modelsFileSchema, path)));
    return undefined;
  }
  return { yaml, data: parsed.data };
}
