import { SqlkitError } from '../errors/index.js';
import type { ProjectFile } from '../project/index.js';
import { EMPTY_QUERY_TABLE, queryTable, type QueryTable, type TemplateEngine } from '../templating/index.js';
import { createCompileHooks, type CompileScope, type RenderCapture } from './compile-hooks.js';
import type { ManifestNode } from './manifest.js';

/** A model that renders again when it runs, with the text read when the project compiled. */
export interface RunTimeTemplate {
  file: ProjectFile;
  /** The template calls run_query() or reads `execute`: it renders at run time whatever its materialization. */
  runsQueries: boolean;
}

/** The rows of one query, for run_query(). */
export type RunQuery = (sql: string) => Promise<{ columns: readonly { name: string }[]; rows: unknown[][] }>;

/**
 * Renders models again at run time, when the answer to is_incremental() is known and run_query() can reach the
 * warehouse. A template cannot wait for a query while it renders, so rendering goes in rounds: the first query a
 * round has no result for gets an empty table, runs once the round ends, and the next round renders with its rows.
 * Only that first query runs: anything the template asks after it may have been built from the empty stand-in.
 * A round's output counts once it asked for nothing new.
 */
export interface NodeRenderer {
  /** The model calls run_query() or reads `execute`, so its compiled SQL (`execute` false) is not what it runs. */
  runsQueries(uniqueId: string): boolean;
  render(uniqueId: string, options: { incremental: boolean; query: RunQuery }): Promise<string>;
}

/** One query runs per round; a template still asking after this many is looping. */
const MAX_QUERIES = 100;

interface RendererInput {
  engine: TemplateEngine;
  scope: CompileScope;
  templates: Map<string, RunTimeTemplate>;
  nodes: Map<string, ManifestNode>;
  resolve: (sql: string) => string;
}

export function createNodeRenderer(input: RendererInput): NodeRenderer {
  const rendered = new Map<string, Promise<string>>();
  return {
    runsQueries: (uniqueId) => input.templates.get(uniqueId)?.runsQueries === true,
    render(uniqueId, options) {
      const key = `${options.incremental}:${uniqueId}`;
      let sql = rendered.get(key);
      if (!sql) {
        sql = renderInRounds(input, uniqueId, options);
        rendered.set(key, sql);
      }
      return sql;
    },
  };
}

async function renderInRounds(input: RendererInput, uniqueId: string, options: { incremental: boolean; query: RunQuery }): Promise<string> {
  const node = input.nodes.get(uniqueId);
  const entry = input.templates.get(uniqueId);
  if (!node || !entry) throw new SqlkitError('INTERNAL', `No template for ${uniqueId}.`);
  const template = input.engine.compile(entry.file);
  const results = new Map<string, QueryTable>();
  for (;;) {
    let next: string | undefined;
    const runQuery = (sql: string): QueryTable => {
      const resolved = input.resolve(sql);
      const known = results.get(resolved);
      if (known) return known;
      next ??= resolved;
      return EMPTY_QUERY_TABLE;
    };
    const capture: RenderCapture = { refs: new Set(), config: {} };
    const hooks = createCompileHooks(input.scope, { self: uniqueId, selfName: node.name, configKind: 'model', isIncremental: options.incremental, file: node.path, runQuery }, capture);
    let sql: string | undefined;
    try {
      sql = input.engine.render(template, hooks);
    } catch (error) {
      // A template may well fail on the empty stand-in of a query that has not run yet.
      if (next === undefined) throw error;
    }
    if (next === undefined) {
      checkDeclaredRefs(input, node, capture.refs);
      return input.resolve(sql!);
    }
    if (results.size === MAX_QUERIES) {
      throw new SqlkitError('TEMPLATE_RENDER', `${node.name} still asked for new run_query() results after ${MAX_QUERIES} queries.`, {
        location: { file: node.path },
        node: uniqueId,
        hint: 'A query built from its own result, or from the time, never settles: build each query from earlier results only.',
      });
    }
    const result = await options.query(next);
    results.set(next, queryTable(result.columns.map((c) => c.name), result.rows));
  }
}

function checkDeclaredRefs(input: RendererInput, node: ManifestNode, refs: Set<string>): void {
  const undeclared = [...refs].filter((id) => !node.dependsOn.includes(id));
  if (undeclared.length === 0) return;
  const names = undeclared.map((id) => input.nodes.get(id)?.name ?? id);
  throw new SqlkitError('TEMPLATE_UNDECLARED_DEPENDENCY', `${node.name} refs ${names.join(', ')} only inside {% if is_incremental() %} or {% if execute %}, so the dependency was not known when the project compiled.`, {
    location: { file: node.path },
    node: node.uniqueId,
    hint: `Add a line outside the if block: -- depends_on: ${names.map((n) => `{{ ref('${n}') }}`).join(' ')}`,
  });
}
