import { folderConfigFor, incrementalStrategy, modelConfigSchema, type ModelConfig, type PartialModelConfig } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import type { CompiledTemplate, TemplateEngine } from '../templating/index.js';
import { sha256 } from '../util/checksum.js';
import { lineOfWord } from '../util/text.js';
import { createCompileHooks, type CompileScope, type RenderCapture } from './compile-hooks.js';
import type { ModelNode } from './manifest.js';
import type { ModelYamlEntry } from './model-yaml.js';
import { stripSqlComments } from './sql-names.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ModelFileInfo {
  file: ProjectFile;
  name: string;
  uniqueId: string;
  /** Folders between the models path and the file. */
  folders: string[];
  /** SHA-256 of the file's text: the manifest's checksum, and what the parse cache matches on. */
  checksum: string;
}


/** Names every model file, reporting duplicates and invalid names, before anything renders. */
export function indexModelFiles(
  files: readonly ProjectFile[],
  projectName: string,
  modelsPath: string,
  errors: SqlkitError[],
  checksumOf: (file: ProjectFile) => string = (file) => sha256(file.text),
): ModelFileInfo[] {
  const byName = new Map<string, ModelFileInfo>();
  const infos: ModelFileInfo[] = [];
  for (const file of files) {
    const relative = file.path.slice(modelsPath.replace(/\/$/, '').length + 1);
    const parts = relative.split('/');
    const name = parts.pop()!.replace(/\.sql$/, '');
    if (!NAME.test(name)) {
      errors.push(
        new SqlkitError('PROJECT_UNKNOWN_NODE', `Model file name '${name}.sql' is not a valid model name.`, {
          location: { file: file.path },
          hint: 'Use letters, digits and underscores, starting with a letter: the file name is the model name.',
        }),
      );
      continue;
    }
    const previous = byName.get(name);
    if (previous) {
      errors.push(
        new SqlkitError('PROJECT_DUPLICATE_NODE', `Two models are named '${name}': ${previous.file.path} and ${file.path}.`, {
          location: { file: file.path },
          related: [{ file: previous.file.path }],
          hint: 'Model names must be unique across all folders: rename one of the files.',
        }),
      );
      continue;
    }
    const info = { file, name, uniqueId: `model.${projectName}.${name}`, folders: parts, checksum: checksumOf(file) };
    byName.set(name, info);
    infos.push(info);
  }
  return infos;
}

/** What rendering a model's template with is_incremental() false yields: its SQL, refs and in-file config. */
export interface ModelRender {
  renderedSql: string;
  refs: string[];
  config: PartialModelConfig;
  /** env_var() names read while rendering, with the value seen (null: unset). */
  envReads: [string, string | null][];
  /** The template calls run_query() or reads `execute`, so the model renders again when it runs (`execute` true). */
  runsQueries?: true;
}

export function renderModelTemplate(info: ModelFileInfo, engine: TemplateEngine, scope: CompileScope): ModelRender {
  const template = engine.compile(info.file);
  const capture: RenderCapture = { refs: new Set(), config: {}, envReads: new Map() };
  const hooks = createCompileHooks(scope, { self: info.uniqueId, selfName: info.name, configKind: 'model', isIncremental: false, file: info.file.path }, capture);
  const renderedSql = renderOrExplain(() => engine.render(template, hooks), capture);
  const envReads = [...capture.envReads!].map(([name, value]): [string, string | null] => [name, value ?? null]);
  return { renderedSql, refs: [...capture.refs], config: capture.config as PartialModelConfig, envReads, ...(capture.runsQueries ? { runsQueries: true as const } : {}) };
}

/** While the project compiles run_query() has no rows: a template that uses them unguarded fails, so say why. */
function renderOrExplain(render: () => string, capture: RenderCapture): string {
  try {
    return render();
  } catch (error) {
    if (!capture.runsQueries || !(error instanceof SqlkitError) || error.code !== 'TEMPLATE_RENDER') throw error;
    throw error.withHint('run_query() returns no rows while the project compiles (execute is false), as in dbt: put the code that uses its rows under {% if execute %}.');
  }
}

/** The manifest node for a rendered model, with config merged; undefined when the model is disabled. */
export function buildModelNode(info: ModelFileInfo, render: ModelRender, scope: CompileScope, yamlEntry: ModelYamlEntry | undefined): ModelNode | undefined {
  const { file } = info;
  const config = mergeConfig(folderConfigFor(scope.config.folderConfig, info.folders), yamlEntry?.entry.config ?? {}, render.config);
  if (!config.enabled) return undefined;
  if (config.materialized === 'incremental') checkIncrementalConfig(info, config);
  if (render.runsQueries && config.materialized === 'ephemeral') {
    throw new SqlkitError('TEMPLATE_RENDER', `Model '${info.name}' calls run_query() but is ephemeral: it is inlined into other models when the project compiles, before any query can run.`, {
      location: { file: file.path, ...lineOf(file.text, 'run_query') },
      hint: "Materialize it as a view or table (config(materialized='view')), or move the query into the models that use it.",
    });
  }
  if (!stripSqlComments(render.renderedSql)) {
    throw new SqlkitError('PROJECT_EMPTY_MODEL', `Model '${info.name}' renders to no SQL.`, {
      location: { file: file.path, line: 1 },
      hint: 'Write a select statement in the file, or disable the model with {{ config(enabled=false) }}.',
    });
  }
  const targetSchema = scope.config.target.schema;
  return {
    uniqueId: info.uniqueId,
    resourceType: 'model',
    name: info.name,
    path: file.path,
    checksum: info.checksum,
    fqn: [scope.config.name, ...info.folders, info.name],
    dependsOn: render.refs,
    tags: config.tags,
    ...(yamlEntry?.entry.description ? { description: yamlEntry.entry.description } : {}),
    config,
    relation: { schema: config.schema ? `${targetSchema}_${config.schema}` : targetSchema, identifier: config.alias ?? info.name },
    columns: (yamlEntry?.entry.columns ?? []).map((c) => ({
      name: c.name,
      ...(c.data_type ?? c.type ? { type: c.data_type ?? c.type } : {}),
      ...(c.description ? { description: c.description } : {}),
    })),
    compiledSql: '',
    compiledPath: `${scope.config.paths.target}/compiled/${scope.config.name}/${file.path}`,
    ...(yamlEntry ? { yamlPath: yamlEntry.yaml.file } : {}),
  };
}

/** The line of a word's first occurrence, as a location field; none when the word is not in the text. */
function lineOf(text: string, word: string): { line?: number } {
  const line = lineOfWord(text, word);
  return line ? { line } : {};
}

/** A merge that cannot work fails the compile, not the model's first incremental run days later. */
function checkIncrementalConfig(info: ModelFileInfo, config: ModelConfig): void {
  const strategy = incrementalStrategy(config);
  const problem =
    strategy === 'delete+insert' && !config.unique_key?.length
      ? { key: 'incremental_strategy', message: `${info.name} uses incremental_strategy delete+insert without a unique_key.`, hint: "Set unique_key (config(unique_key='id')), or use incremental_strategy='append'." }
      : strategy === 'append' && config.incremental_predicates?.length
        ? { key: 'incremental_predicates', message: `${info.name} sets incremental_predicates, which narrow the delete of delete+insert, but it appends.`, hint: 'Set a unique_key to merge with delete+insert, or remove incremental_predicates.' }
        : undefined;
  if (!problem) return;
  // The key is most often set in the file's config(); when it comes from YAML, the error names the model file alone.
  throw new SqlkitError('CONFIG_INVALID', problem.message, {
    location: { file: info.file.path, ...lineOf(info.file.text, problem.key) },
    hint: problem.hint,
  });
}

/** dbt precedence: config() in the file, then the model's YAML entry, then folder config in project.yml. */
function mergeConfig(folder: PartialModelConfig, yaml: PartialModelConfig, inFile: PartialModelConfig): ModelConfig {
  const merged: PartialModelConfig = { ...folder, ...yaml, ...inFile };
  const tags = [...new Set([...(folder.tags ?? []), ...(yaml.tags ?? []), ...(inFile.tags ?? [])])];
  return { ...merged, materialized: merged.materialized ?? 'view', enabled: merged.enabled ?? true, tags };
}
