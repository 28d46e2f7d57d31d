import type { FolderConfig } from '../config/index.js';
import { SqlkitAggregateError, SqlkitError } from '../errors/index.js';
import { BUILTIN_TEST_MACROS, rewriteTestBlocks } from '../data-tests/builtin-tests.js';
import { buildDag, dependencyGenerations, findCycles, type Dag } from '../graph/index.js';
import type { ProjectFiles } from '../project/index.js';
import type { ProjectFile } from '../project/index.js';
import { createTemplateEngine, type TemplateEngine, type TemplateEngineOptions } from '../templating/index.js';
import { sha256 } from '../util/checksum.js';
import { didYouMean } from '../util/suggest.js';
import { lineAt } from '../util/text.js';
import type { YamlFile } from '../util/yaml-file.js';
import { createCompileHooks, type CompileScope, type RenderCapture } from './compile-hooks.js';
import { MANIFEST_SCHEMA_VERSION, type AnalysisNode, type Manifest, type ManifestNode, type ModelNode } from './manifest.js';
import { buildModelNode, indexModelFiles, renderModelTemplate } from './model-nodes.js';
import { parseModelYamlFiles } from './model-yaml.js';
import { createNodeRenderer, type NodeRenderer, type RunTimeTemplate } from './node-renderer.js';
import { emptyParseCache, fileChecksum, renderInputsKey, reusableRender, type ParseCache, type ParseCacheUpdate } from './parse-cache.js';
import { PlaceholderTable } from './placeholders.js';
import { createSqlResolver } from './resolve-sql.js';
import { parseSourceFiles } from './source-nodes.js';
import { buildGenericTests, renderSingularTest } from './test-nodes.js';
import type { PendingTests } from './test-specs.js';

export interface CompileOptions {
  env: Record<string, string | undefined>;
  /** What the previous compile of this project parsed, to reuse where nothing it depends on changed. */
  parseCache?: ParseCache;
}

export interface CompiledProject {
  manifest: Manifest;
  /** The DAG of every node but the tests, built on first use. */
  readonly graph: Dag;
  /** Node ids (tests left out) by depth: each group depends only on earlier ones. */
  generations: string[][];
  renderer: NodeRenderer;
  /** A node's SQL runnable on its own (an ephemeral model with the ephemeral models it uses inlined). */
  standaloneSql(uniqueId: string): string;
  /** What this compile parsed, for the next one; `changed` is false when it holds nothing new. */
  parseCache: ParseCacheUpdate & { changed: boolean; reusedModels: number };
}

/**
 * Pure: project files in, manifest out. Every problem found is collected and thrown together, sorted by file
 * and line, so one compile shows all of them.
 */
export function compileProject(files: ProjectFiles, options: CompileOptions): CompiledProject {
  const { config } = files;
  const errors: SqlkitError[] = [];
  const engineOptions = templateEngineOptions(files);
  const { engine, errors: macroErrors } = createTemplateEngine(engineOptions);
  errors.push(...macroErrors);

  const cacheKey = renderInputsKey(engineOptions, config.vars, config.paths.models);
  const previous = options.parseCache?.key === cacheKey ? options.parseCache : undefined;
  const next = emptyParseCache(cacheKey);
  let reusedModels = 0;

  const sources = parseSourceFiles(files.sourceYamls, config, options.env, errors);
  const modelYaml = parseModelYamlFiles(files.modelYamls, errors, previous, next);
  const infos = indexModelFiles(files.models, config.name, config.paths.models, errors, (file) => fileChecksum(file, files.readAt, options.parseCache, next));
  const placeholders = new PlaceholderTable();
  const scope: CompileScope = {
    config,
    env: options.env,
    placeholders,
    models: new Map(infos.map((info) => [info.name, info.uniqueId])),
    disabledModels: new Set(),
    sources: new Map(sources.nodes.map((node) => [node.name, node.uniqueId])),
    configCache: new Map(),
    unreadableSourceFiles: sources.unreadable,
  };

  const nodes = new Map<string, ManifestNode>();
  const renderedSql = new Map<string, string>();
  const templates = new Map<string, RunTimeTemplate>();
  const declared = new Set([...scope.models.values(), ...scope.sources.values()]);
  const isDeclared = (id: string) => declared.has(id);
  for (const node of sources.nodes) nodes.set(node.uniqueId, node);
  const pendingTests: PendingTests[] = [...sources.tests];
  for (const info of infos) {
    const yamlEntry = modelYaml.models.get(info.name);
    try {
      const reused = reusableRender(previous, info.file.path, info.checksum, options.env, isDeclared);
      const render = reused ?? renderModelTemplate(info, engine, scope);
      if (reused) reusedModels++;
      else next.fresh.add(info.file.path);
      next.models.set(info.file.path, { checksum: info.checksum, render });
      const node = buildModelNode(info, render, scope, yamlEntry);
      if (!node) {
        scope.disabledModels.add(info.name);
        continue;
      }
      nodes.set(info.uniqueId, node);
      renderedSql.set(info.uniqueId, render.renderedSql);
      // Incremental models (is_incremental() true) and models calling run_query() (execute true) render again when
      // they run: from the text as it is now, read here, so that an edit during a long run cannot pair new SQL with
      // the refs compiled from the old.
      if (node.config.materialized === 'incremental' || render.runsQueries) {
        templates.set(info.uniqueId, { file: { path: info.file.path, text: info.file.text }, runsQueries: render.runsQueries === true });
      }
      if (yamlEntry) {
        const { entry, yaml, yamlPath } = yamlEntry;
        pendingTests.push({ attachedTo: info.uniqueId, yaml, basePath: yamlPath, table: entry.tests ?? entry.data_tests ?? [], tableKey: entry.data_tests ? 'data_tests' : 'tests', columns: entry.columns });
      }
    } catch (error) {
      if (!(error instanceof SqlkitError)) throw error;
      errors.push(error);
    }
  }
  checkYamlEntries(modelYaml.models, scope, errors);
  checkFolderConfig(config.folderConfig, config.paths.models, new Set(files.modelFolders), config.yaml, errors);

  for (const file of files.analyses) {
    const analysis = tryRender(errors, () => renderAnalysis(file, engine, scope, modelYaml.analyses.get(nameOf(file.path))?.description));
    if (analysis) {
      nodes.set(analysis.node.uniqueId, analysis.node);
      renderedSql.set(analysis.node.uniqueId, analysis.sql);
    }
  }
  const testNames = new Set<string>();
  for (const file of files.dataTests) {
    const test = tryRender(errors, () => renderSingularTest(file, engine, scope));
    if (!test) continue;
    if (testNames.has(test.node.name)) {
      errors.push(new SqlkitError('PROJECT_DUPLICATE_NODE', `Two singular tests are named '${test.node.name}'.`, { location: { file: file.path }, hint: 'Rename one of the files.' }));
      continue;
    }
    testNames.add(test.node.name);
    nodes.set(test.node.uniqueId, test.node);
    renderedSql.set(test.node.uniqueId, test.renderedSql);
  }
  for (const test of buildGenericTests(pendingTests, nodes, engine, scope, errors)) {
    let node = test.node;
    if (nodes.has(node.uniqueId)) node = { ...node, uniqueId: `${node.uniqueId}_${sha256(node.checksum).slice(0, 6)}` };
    nodes.set(node.uniqueId, node);
    renderedSql.set(node.uniqueId, test.renderedSql);
  }

  // Read only for an error's line: a model file reused from the parse cache was never read.
  const modelFiles = new Map(infos.map((info) => [info.uniqueId, info.file]));
  const texts = (id: string) => modelFiles.get(id)?.text ?? '';
  checkDisabledRefs(nodes, scope, texts, errors);
  const order = dependencyGenerations(nodes.values());
  if (!order) for (const cycle of findCycles(buildDag(nodes.values()))) errors.push(cycleError(cycle, nodes, texts));
  if (errors.length || !order) throw new SqlkitAggregateError(sortErrors(errors));

  const resolver = createSqlResolver(nodes, placeholders, renderedSql, order.flat());
  const resolve = resolver.resolve;
  for (const [id, sql] of renderedSql) {
    const node = nodes.get(id)!;
    // An ephemeral model's compiled SQL is its own body, as it is inlined; `sqlkit show` adds what it needs.
    if ('compiledSql' in node) node.compiledSql = resolver.ephemeralBody(id) ?? resolve(sql);
  }
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    project: { name: config.name, version: config.version },
    target: { name: config.targetName, type: config.target.type, schema: config.target.schema },
    nodes: Object.fromEntries(nodes),
  };
  const renderer = createNodeRenderer({ engine, scope, templates, nodes, resolve });
  const standaloneSql = (id: string) => resolve(renderedSql.get(id) ?? '');
  // Changed: something was parsed afresh, a file has a new settled stamp, or a file the previous compile parsed is gone.
  const changed = !previous || next.fresh.size > 0 || next.restamped > 0 || previous.models.size !== next.models.size || previous.yamls.size !== next.yamls.size;
  let graph: Dag | undefined;
  return {
    manifest,
    get graph() {
      return (graph ??= buildDag(nodes.values()));
    },
    generations: order,
    renderer,
    standaloneSql,
    parseCache: { ...next, changed, reusedModels },
  };
}

/** What the template engine is built from: the target, the project's name and its macros. */
export function templateEngineOptions(files: ProjectFiles): TemplateEngineOptions {
  const { config } = files;
  return {
    engineName: config.target.type,
    target: { name: config.targetName, type: config.target.type, schema: config.target.schema, threads: config.target.threads },
    projectName: config.name,
    builtinMacros: [BUILTIN_TEST_MACROS],
    macros: files.macros.map((file) => ({ path: file.path, text: rewriteTestBlocks(file.text) })),
  };
}

function tryRender<T>(errors: SqlkitError[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof SqlkitError)) throw error;
    errors.push(error);
    return undefined;
  }
}

function nameOf(path: string): string {
  return path.split('/').pop()!.replace(/\.sql$/, '');
}

function renderAnalysis(file: { path: string; text: string }, engine: TemplateEngine, scope: CompileScope, description: string | undefined): { node: AnalysisNode; sql: string } {
  const template = engine.compile(file);
  const capture: RenderCapture = { refs: new Set(), config: {} };
  const sql = engine.render(template, createCompileHooks(scope, { configKind: 'none', isIncremental: false, file: file.path }, capture));
  const name = nameOf(file.path);
  return {
    sql,
    node: {
      uniqueId: `analysis.${scope.config.name}.${name}`,
      resourceType: 'analysis',
      name,
      path: file.path,
      checksum: sha256(file.text),
      fqn: [scope.config.name, ...file.path.split('/').slice(1, -1), name],
      dependsOn: [...capture.refs],
      tags: [],
      ...(description ? { description } : {}),
      compiledSql: '',
      compiledPath: `${scope.config.paths.target}/compiled/${scope.config.name}/${file.path}`,
    },
  };
}

function checkYamlEntries(entries: ReturnType<typeof parseModelYamlFiles>['models'], scope: CompileScope, errors: SqlkitError[]): void {
  for (const [name, { yaml, yamlPath }] of entries) {
    if (scope.models.has(name)) continue;
    errors.push(
      new SqlkitError('PROJECT_UNKNOWN_NODE', `${yaml.file} describes model '${name}', but there is no ${name}.sql.`, {
        location: yaml.locate([...yamlPath, 'name']),
        hint: didYouMean(name, scope.models.keys()) ?? `Create ${scope.config.paths.models}/${name}.sql or remove the entry.`,
      }),
    );
  }
}

function checkFolderConfig(tree: FolderConfig, modelsPath: string, folders: Set<string>, yaml: YamlFile, errors: SqlkitError[], prefix: string[] = []): void {
  for (const [name, child] of Object.entries(tree.folders)) {
    const path = [...prefix, name];
    const folder = `${modelsPath}/${path.join('/')}`;
    if (!folders.has(folder)) {
      errors.push(
        new SqlkitError('CONFIG_UNKNOWN_PATH', `project.yml sets config for '${folder}', which does not exist.`, {
          location: yaml.locate(child.yamlPath, { key: true }),
          hint: `${didYouMean(folder, folders) ?? ''} Keys without '+' under models: name folders; config keys start with '+'.`.trim(),
        }),
      );
      continue;
    }
    checkFolderConfig(child, modelsPath, folders, yaml, errors, path);
  }
}

function checkDisabledRefs(nodes: Map<string, ManifestNode>, scope: CompileScope, texts: (id: string) => string, errors: SqlkitError[]): void {
  for (const node of nodes.values()) {
    for (const dep of node.dependsOn) {
      if (nodes.has(dep)) continue;
      const name = dep.split('.').pop()!;
      // A model missing for another reason (it failed to compile) has its own error already.
      if (!scope.disabledModels.has(name)) continue;
      const text = texts(node.uniqueId);
      const line = refLine(text, name);
      errors.push(
        new SqlkitError('REF_DISABLED_MODEL', `${node.name} refs '${name}', which is disabled.`, {
          location: { file: node.path, ...(line ? { line, snippet: lineAt(text, line) } : {}) },
          hint: `Enable '${name}' or remove the ref.`,
        }),
      );
    }
  }
}

/** 1-based line of the first `ref('name')` in a template, when it is written literally. */
function refLine(text: string, name: string): number | undefined {
  const index = text.search(new RegExp(`ref\\(\\s*['"]${name}['"]`));
  return index === -1 ? undefined : text.slice(0, index).split('\n').length;
}

function cycleError(cycle: string[], nodes: Map<string, ManifestNode>, texts: (id: string) => string): SqlkitError {
  const names = cycle.map((id) => nodes.get(id)?.name ?? id);
  // Edges run from a dependency to its dependent, so each node on the cycle refs the node before it.
  const where = (i: number) => {
    const id = cycle[i]!;
    const text = texts(id);
    const line = refLine(text, names[(i + cycle.length - 1) % cycle.length]!);
    return { file: nodes.get(id)?.path ?? id, ...(line ? { line, snippet: lineAt(text, line) } : {}) };
  };
  return new SqlkitError('GRAPH_CYCLE', `Dependency cycle: ${[...names, names[0]].join(' -> ')}.`, {
    location: where(0),
    related: cycle.slice(1).map((_, i) => where(i + 1)),
    hint: 'Models cannot depend on themselves through ref(); remove one ref on the cycle or move shared logic into a new model.',
  });
}

function sortErrors(errors: SqlkitError[]): SqlkitError[] {
  return [...errors].sort((a, b) => {
    const fa = a.location?.file ?? '\uffff';
    const fb = b.location?.file ?? '\uffff';
    return fa === fb ? (a.location?.line ?? 0) - (b.location?.line ?? 0) : fa < fb ? -1 : 1;
  });
}

export type { ModelNode };
