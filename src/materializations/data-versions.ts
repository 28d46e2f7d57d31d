import type { SqlDialect } from '../adapters/types.js';
import { isModel, isSource, type ManifestNode, type ModelNode, type RelationName, type SourceNode } from '../compile/index.js';
import { recordDigest } from '../adapters/loading/file-stamps.js';
import { sqlTimestamp } from '../adapters/loading/sql-timestamp.js';
import { sha256 } from '../util/checksum.js';
import type { MaterializeContext } from './context.js';
import { runStatements } from './execute-sql.js';
import { loadedFilesRelation, readLoadedFiles } from './loaded-files.js';

/** Where a schema's `rebuild: on_change` tables record what they were last built from. */
export const MODEL_STATE_TABLE = 'sqlkit_model_state';

/** A table model that is kept, not rebuilt, when its SQL and everything it reads are unchanged. */
export function rebuildsOnChange(node: ManifestNode | undefined): node is ModelNode {
  return isModel(node) && node.config.materialized === 'table' && node.config.rebuild === 'on_change';
}

export function createModelStateTable(dialect: SqlDialect, relation: RelationName): string {
  return `create table if not exists ${dialect.quoteRelation(relation)} (
  model_id varchar(512),
  fingerprint varchar(64),
  run_id varchar(64),
  built_at timestamp
)`;
}

/**
 * Versions of the data in the relations a run reads: a version changes whenever the data may have changed and
 * stays the same when it cannot have. Known for sources sqlkit loads incrementally (their record of loaded files
 * says which files the table holds) and for `rebuild: on_change` tables (the fingerprint of their SQL and of the
 * versions they were built from). Anything else (a view, an incremental model, a table rebuilt every run, a
 * source sqlkit does not load) is unknown, so an on_change table reading it is always rebuilt.
 */
export class DataVersions {
  private readonly versions = new Map<string, Promise<string | undefined>>();
  private readonly deferred = new Map<string, (ctx: MaterializeContext) => Promise<string | undefined>>();

  constructor(private readonly nodes: Readonly<Record<string, ManifestNode>>) {}

  /**
   * Records the version a node left its relation at in this run (undefined when unknown), or how to work it out
   * if an on_change table asks (most versions are never asked for), in the session of the node that asks.
   */
  set(id: string, version: string | undefined | ((ctx: MaterializeContext) => Promise<string | undefined>)): void {
    this.versions.delete(id);
    this.deferred.delete(id);
    if (typeof version === 'function') this.deferred.set(id, version);
    else this.versions.set(id, Promise.resolve(version));
  }

  /** A node this run executed without recording a version left data of unknown version. */
  executed(id: string): void {
    if (!this.versions.has(id) && !this.deferred.has(id)) this.set(id, undefined);
  }

  /**
   * The fingerprint of an on_change table as it would be built now: its SQL, relation and config, and the
   * versions of what it reads (through ephemeral models, whose SQL its own includes). Undefined if one is unknown.
   */
  async fingerprint(node: ModelNode, sql: string, ctx: MaterializeContext): Promise<string | undefined> {
    const inputs = [...this.inputsOf(node)].sort();
    const versions = await Promise.all(inputs.map((id) => this.versionOf(id, ctx)));
    if (versions.some((v) => v === undefined)) return undefined;
    return sha256(JSON.stringify({ sql, relation: node.relation, config: node.config, inputs: inputs.map((id, i) => [id, versions[i]]) }));
  }

  private inputsOf(node: ManifestNode, into = new Set<string>()): Set<string> {
    for (const id of node.dependsOn) {
      const input = this.nodes[id];
      if (isModel(input) && input.config.materialized === 'ephemeral') this.inputsOf(input, into);
      else into.add(id);
    }
    return into;
  }

  /** The version of a node's data: as this run left it, or else as the warehouse records it. */
  private versionOf(id: string, ctx: MaterializeContext): Promise<string | undefined> {
    let version = this.versions.get(id);
    if (!version) {
      version = this.deferred.get(id)?.(ctx) ?? this.recorded(id, ctx);
      this.versions.set(id, version);
    }
    return version;
  }

  private async recorded(id: string, ctx: MaterializeContext): Promise<string | undefined> {
    const node = this.nodes[id];
    if (isSource(node)) return sourceVersion(node, ctx);
    if (!rebuildsOnChange(node) || ctx.relations.get(node.relation)?.type !== 'table') return undefined;
    return recordedFingerprint(node, ctx);
  }
}

function modelStateRelation(node: ModelNode): RelationName {
  return { schema: node.relation.schema, identifier: MODEL_STATE_TABLE };
}

/** The fingerprint a table's record says it was last built from. */
export async function recordedFingerprint(node: ModelNode, ctx: MaterializeContext): Promise<string | undefined> {
  const state = modelStateRelation(node);
  if (!ctx.relations.get(state)) return undefined;
  const { dialect } = ctx.adapter;
  const [result] = await runStatements(ctx, node, [`select fingerprint from ${dialect.quoteRelation(state)} where model_id = ${dialect.stringLiteral(node.uniqueId)}`], undefined, false);
  const fingerprint = result?.rows[0]?.[0];
  return typeof fingerprint === 'string' ? fingerprint : undefined;
}

/**
 * The statements that record the fingerprint a table was built from (none if unknown), replacing what was
 * recorded before. They run in the transaction that swaps the table in, so the record never describes a table
 * that is not there. Nothing when the schema has no record, unless there is a fingerprint to keep.
 */
export function recordModelState(ctx: MaterializeContext, node: ModelNode, fingerprint: string | undefined): string[] {
  const state = modelStateRelation(node);
  if (!fingerprint && !ctx.relations.get(state)) return [];
  const { dialect } = ctx.adapter;
  const table = dialect.quoteRelation(state);
  const model = dialect.stringLiteral(node.uniqueId);
  return [
    `delete from ${table} where model_id = ${model}`,
    ...(fingerprint
      ? [`insert into ${table} (model_id, fingerprint, run_id, built_at) values (${model}, ${dialect.stringLiteral(fingerprint)}, ${dialect.stringLiteral(ctx.runId)}, cast(${dialect.stringLiteral(sqlTimestamp())} as timestamp))`]
      : []),
  ];
}

/**
 * The version of an incrementally loaded source: its definition and the digest of its record of loaded files, as
 * this run's load left it (`loadedDigest`) or else as the warehouse keeps it. Undefined for a source sqlkit does
 * not load incrementally.
 */
export async function sourceVersion(node: SourceNode, ctx: MaterializeContext, loadedDigest?: string): Promise<string | undefined> {
  if (!node.load?.incremental || !ctx.adapter.capabilities.loadsLocalFiles) return undefined;
  if (!ctx.relations.get(node.relation) || !ctx.relations.get(loadedFilesRelation(node))) return undefined;
  const files = loadedDigest ?? (await recordedDigest(node, ctx));
  return sha256(JSON.stringify({ load: node.load, columns: node.columns, relation: node.relation, files }));
}

async function recordedDigest(node: SourceNode, ctx: MaterializeContext): Promise<string> {
  const loaded = await readLoadedFiles(node, ctx);
  return loaded.summary?.files ?? recordDigest((await loaded.read()).stamps().values());
}
