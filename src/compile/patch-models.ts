import { secretsInConfig, type Redactor } from '../errors/index.js';
import type { ProjectFiles } from '../project/index.js';
import { createTemplateEngine, type TemplateEngine } from '../templating/index.js';
import type { CompileScope } from './compile-hooks.js';
import { templateEngineOptions } from './compile-project.js';
import { locateManifestEntry, manifestEntryText, type ManifestNode, type ModelNode } from './manifest.js';
import { buildModelNode, indexModelFiles, renderModelTemplate, type ModelFileInfo } from './model-nodes.js';
import { parseModelYamlFiles } from './model-yaml.js';
import { emptyParseCache, fileChecksum, type ParseCache } from './parse-cache.js';
import { PlaceholderTable } from './placeholders.js';
import { createSqlResolver } from './resolve-sql.js';
import type { ParsedSources } from './source-nodes.js';

/** The previous compile, as its manifest.json and the state written beside it hold it. */
export interface PreviousCompile {
  /** Every model file's SHA-256, by path. */
  checksums: ReadonlyMap<string, string>;
  /** Settled stamps of model files, to tell unchanged files without reading them. */
  stamps: ParseCache['files'];
  /** manifest.json's text. */
  manifestText: string;
}

export interface ModelsPatch {
  /** The nodes of the edited models, compiled SQL set: the only entries and compiled files that change. */
  replaced: Map<string, ModelNode>;
  checksums: Map<string, string>;
  stamps: ParseCache['files'];
  reusedModels: number;
}

/** Past this many edited models, compiling the whole project costs little more than patching. */
const MAX_EDITED = 100;

/**
 * What an edit to a few model files changes in the previous compile, when the change stays inside those models.
 * The caller has checked that nothing else changed (compileInputsDigest). Each edited model must compile to a
 * node that differs from its old one in its checksum and SQL alone: same refs, config, relation and columns, so
 * no other node (a test on it, a model reading it) changes. Neither it nor a node it reads may be ephemeral,
 * since ephemeral SQL is inlined into other nodes. Undefined when any of this does not hold, or the edit does
 * not compile: the caller then compiles the whole project, which reports errors as usual.
 */
export function patchModels(files: ProjectFiles, env: Record<string, string | undefined>, sources: ParsedSources, previous: PreviousCompile, redactor: Redactor): ModelsPatch | undefined {
  const { config } = files;
  const next = emptyParseCache('');
  const checksums = new Map<string, string>();
  const infos = indexModelFiles(files.models, config.name, config.paths.models, [], (file) => {
    const checksum = fileChecksum(file, files.readAt, { files: previous.stamps }, next);
    checksums.set(file.path, checksum);
    return checksum;
  });
  if (infos.length !== files.models.length) return undefined;
  const edited = infos.filter((info) => previous.checksums.get(info.file.path) !== info.checksum);
  if (edited.length > MAX_EDITED) return undefined;
  const replaced = new Map<string, ModelNode>();
  if (edited.length) {
    const entries = manifestEntries(previous);
    const { engine, errors: macroErrors } = createTemplateEngine(templateEngineOptions(files));
    if (macroErrors.length) return undefined;
    const scope: CompileScope = {
      config,
      env,
      placeholders: new PlaceholderTable(),
      models: new Map(infos.map((info) => [info.name, info.uniqueId])),
      disabledModels: new Set(),
      sources: new Map(sources.nodes.map((node) => [node.name, node.uniqueId])),
      configCache: new Map(),
      unreadableSourceFiles: sources.unreadable,
    };
    try {
      for (const info of edited) {
        const node = patchedNode(info, { files, entries, engine, scope, redactor });
        if (!node) return undefined;
        replaced.set(node.uniqueId, node);
      }
    } catch {
      // The whole compile reports it, with every other problem in the project.
      return undefined;
    }
  }
  return { replaced, checksums, stamps: next.files, reusedModels: infos.length - edited.length };
}

interface PatchContext {
  files: ProjectFiles;
  entries: ReturnType<typeof manifestEntries>;
  engine: TemplateEngine;
  scope: CompileScope;
  redactor: Redactor;
}

function patchedNode(info: ModelFileInfo, { files, entries, engine, scope, redactor }: PatchContext): ModelNode | undefined {
  const old = entries.node(info.uniqueId);
  if (old?.resourceType !== 'model' || old.config.materialized === 'ephemeral') return undefined;
  // The YAML files are unchanged, so the entry describing the model is in the file that described it before.
  let yamlEntry;
  if (old.yamlPath) {
    const yamlFile = files.modelYamls.find((file) => file.path === old.yamlPath);
    yamlEntry = yamlFile && parseModelYamlFiles([yamlFile], []).models.get(info.name);
    if (!yamlEntry) return undefined;
  }
  const render = renderModelTemplate(info, engine, scope);
  const node = buildModelNode(info, render, scope, yamlEntry);
  if (!node || node.config.materialized === 'ephemeral') return undefined;
  // A credential in the model's config (meta takes any key) would have to be redacted from every other entry too.
  if (secretsInConfig(node.config, scope.env).length) return undefined;
  const nodes = new Map<string, ManifestNode>([[node.uniqueId, node]]);
  for (const id of new Set([...node.dependsOn, ...scope.placeholders.referencedIn(render.renderedSql)])) {
    if (id === node.uniqueId) continue;
    const dependency = entries.node(id);
    if (!dependency || (dependency.resourceType === 'model' && dependency.config.materialized === 'ephemeral')) return undefined;
    nodes.set(id, dependency);
  }
  const resolver = createSqlResolver(nodes, scope.placeholders, new Map([[node.uniqueId, render.renderedSql]]), [...nodes.keys()]);
  node.compiledSql = resolver.resolve(render.renderedSql);
  const unchangedElsewhere = manifestEntryText(node.uniqueId, { ...node, checksum: old.checksum }, redactor) === entries.text(node.uniqueId);
  return unchangedElsewhere ? node : undefined;
}

/** Node entries of the previous manifest.json, read one at a time (each a search of the whole text, so kept). */
function manifestEntries({ manifestText }: PreviousCompile) {
  const found = new Map<string, string | undefined>();
  const text = (id: string): string | undefined => {
    if (!found.has(id)) {
      const span = locateManifestEntry(manifestText, id);
      found.set(id, span && manifestText.slice(span.start, span.end));
    }
    return found.get(id);
  };
  const node = (id: string): ManifestNode | undefined => {
    const entry = text(id);
    if (entry === undefined) return undefined;
    try {
      return (JSON.parse(`{${entry}}`) as Record<string, ManifestNode>)[id];
    } catch {
      return undefined;
    }
  };
  return { text, node };
}
