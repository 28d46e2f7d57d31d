import { keysAtPath, modelsFileSchema, zodIssuesToErrors, type ModelEntrySpec } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import { parseYamlFile, type YamlFile } from '../util/yaml-file.js';

export interface ModelYamlEntry {
  entry: ModelEntrySpec;
  yaml: YamlFile;
  yamlPath: (string | number)[];
}

export interface ParsedModelYaml {
  models: Map<string, ModelYamlEntry>;
  analyses: Map<string, { description?: string; yaml: YamlFile; yamlPath: (string | number)[] }>;
}

/** Reads models/**\/*.yml: descriptions, columns, config and tests per model. */
export function parseModelYamlFiles(files: readonly ProjectFile[], errors: SqlkitError[]): ParsedModelYaml {
  const models = new Map<string, ModelYamlEntry>();
  const analyses: ParsedModelYaml['analyses'] = new Map();
  for (const file of files) {
    let yaml: YamlFile;
    try {
      yaml = parseYamlFile(file.text, file.path);
    } catch (error) {
      errors.push(error as SqlkitError);
      continue;
    }
    const parsed = modelsFileSchema.safeParse(yaml.value, { reportInput: true });
    if (!parsed.success) {
      errors.push(...zodIssuesToErrors(parsed.error.issues, yaml, [], (path) => keysAtPath(modelsFileSchema, path)));
      continue;
    }
    parsed.data.models.forEach((entry, i) => {
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
    parsed.data.analyses.forEach((entry, i) => {
      analyses.set(entry.name, { ...(entry.description ? { description: entry.description } : {}), yaml, yamlPath: ['analyses', i] });
    });
  }
  return { models, analyses };
}
