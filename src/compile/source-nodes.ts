import { interpolateDeep, keysAtPath, sourcesFileSchema, zodIssuesToErrors, type ProjectConfig, type SourceTableSpec } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import { sha256 } from '../util/checksum.js';
import { didYouMean } from '../util/suggest.js';
import { parseYamlFileWithLines, valueAt, type LinedYamlFile, type YamlFile } from '../util/yaml-file.js';
import { COLUMN_TYPE_NAMES, parseColumnType } from './column-types.js';
import type { SourceLoadSpec, SourceNode } from './manifest.js';
import type { PendingTests } from './test-specs.js';

export interface ParsedSources {
  nodes: SourceNode[];
  tests: PendingTests[];
  /** Source files that could not be read (their errors are reported): a source declared there looks undeclared. */
  unreadable: string[];
}

/** Builds a source node per table declared in sources/*.yml. */
export function parseSourceFiles(
  files: readonly ProjectFile[],
  config: ProjectConfig,
  env: Record<string, string | undefined>,
  errors: SqlkitError[],
): ParsedSources {
  const nodes: SourceNode[] = [];
  const tests: PendingTests[] = [];
  const seen = new Map<string, string>();
  const unreadable: string[] = [];
  for (const file of files) {
    let yaml: LinedYamlFile;
    try {
      yaml = parseYamlFileWithLines(file.text, file.path);
    } catch (error) {
      errors.push(error as SqlkitError);
      unreadable.push(file.path);
      continue;
    }
    let value: unknown;
    try {
      value = interpolateDeep(yaml.value, { env, vars: config.vars }, (path) => yaml.locate(path));
    } catch (error) {
      errors.push(error as SqlkitError);
      unreadable.push(file.path);
      continue;
    }
    const parsed = sourcesFileSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) {
      errors.push(...zodIssuesToErrors(parsed.error.issues, yaml, [], (path) => keysAtPath(sourcesFileSchema, path)));
      unreadable.push(file.path);
      continue;
    }
    const checksum = sha256(file.text);
    parsed.data.sources.forEach((source, s) => {
      source.tables.forEach((table, t) => {
        const yamlPath = ['sources', s, 'tables', t];
        const uniqueId = `source.${config.name}.${source.name}.${table.name}`;
        const previous = seen.get(uniqueId);
        if (previous) {
          errors.push(
            new SqlkitError('PROJECT_DUPLICATE_NODE', `Source table '${source.name}.${table.name}' is declared twice: ${previous} and ${file.path}.`, {
              location: yaml.locate([...yamlPath, 'name']),
              hint: 'Keep one declaration.',
            }),
          );
          return;
        }
        seen.set(uniqueId, file.path);
        checkColumnTypes(table, yaml, yamlPath, errors);
        const load = loadSpecOf(table, yaml, yamlPath, errors);
        nodes.push({
          uniqueId,
          resourceType: 'source',
          name: `${source.name}.${table.name}`,
          sourceName: source.name,
          tableName: table.name,
          path: file.path,
          line: yaml.lineOf(valueAt(yaml.value, yamlPath)) ?? yaml.locate(yamlPath).line,
          checksum,
          fqn: [config.name, source.name, table.name],
          dependsOn: [],
          tags: [...source.tags, ...table.tags],
          ...(table.description ?? source.description ? { description: table.description ?? source.description } : {}),
          relation: { schema: source.schema ?? source.name, identifier: table.identifier ?? table.name },
          columns: table.columns.map((c) => ({ name: c.name, ...(c.type ?? c.data_type ? { type: c.type ?? c.data_type } : {}), ...(c.description ? { description: c.description } : {}) })),
          ...(load ? { load } : {}),
        });
        tests.push({ attachedTo: uniqueId, yaml, basePath: yamlPath, table: table.tests ?? table.data_tests ?? [], tableKey: table.data_tests ? 'data_tests' : 'tests', columns: table.columns });
      });
    });
  }
  return { nodes, tests, unreadable };
}

function checkColumnTypes(table: SourceTableSpec, yaml: YamlFile, yamlPath: (string | number)[], errors: SqlkitError[]): void {
  table.columns.forEach((column, c) => {
    const type = column.type ?? column.data_type;
    if (type === undefined) {
      if (table.location) {
        errors.push(
          new SqlkitError('CONFIG_INVALID', `Column '${column.name}' of loaded source '${table.name}' has no type.`, {
            location: yaml.locate([...yamlPath, 'columns', c, 'name']),
            hint: 'Give every column of a loaded source a type, e.g. type: varchar(256) or bigint.',
          }),
        );
      }
      return;
    }
    if (!parseColumnType(type)) {
      errors.push(
        new SqlkitError('CONFIG_INVALID', `Unknown column type '${type}' for '${table.name}.${column.name}'.`, {
          location: yaml.locate([...yamlPath, 'columns', c, column.type ? 'type' : 'data_type']),
          hint: `${didYouMean(type.replace(/\(.*$/, '').trim(), COLUMN_TYPE_NAMES) ?? ''} Use one of: ${COLUMN_TYPE_NAMES.filter((n) => !n.includes(' ')).join(', ')} (with (n) or (p,s) where it applies).`.trim(),
        }),
      );
    }
  });
}

function loadSpecOf(table: SourceTableSpec, yaml: YamlFile, yamlPath: (string | number)[], errors: SqlkitError[]): SourceLoadSpec | undefined {
  const location = table.location;
  if (!location || (!location.local && !location.s3)) return undefined;
  if (table.columns.length === 0) {
    errors.push(
      new SqlkitError('CONFIG_INVALID', `Loaded source '${table.name}' declares no columns.`, {
        location: yaml.locate([...yamlPath, 'name']),
        hint: 'List the columns to load, with their types, under columns:.',
      }),
    );
  }
  if (table.json === 'jsonpaths') {
    for (const kind of ['local', 's3'] as const) {
      if (location[kind] && !location[kind]!.jsonpaths) {
        errors.push(
          new SqlkitError('CONFIG_INVALID', `Source '${table.name}' maps columns with jsonpaths but location.${kind} has no jsonpaths file.`, {
            location: yaml.locate([...yamlPath, 'location', kind]),
            hint: `Add location.${kind}.jsonpaths, or use json: auto.`,
          }),
        );
      }
    }
  }
  return {
    format: table.format,
    mapping: table.json,
    ...(table.timeformat ? { timeformat: table.timeformat } : {}),
    maxErrors: table.max_errors,
    incremental: table.incremental,
    allowEmptyFiles: table.allow_empty_files,
    ...(location.local ? { local: { ...location.local } } : {}),
    ...(location.s3
      ? {
          s3: {
            path: location.s3.path,
            ...(location.s3.jsonpaths ? { jsonpaths: location.s3.jsonpaths } : {}),
            ...(location.s3.region ? { region: location.s3.region } : {}),
            ...(location.s3.iam_role ? { iamRole: location.s3.iam_role } : {}),
          },
        }
      : {}),
  };
}

