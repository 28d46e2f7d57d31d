import type { SqlDialect } from '../adapters/types.js';
import { isModel, isSource, type ManifestNode, type ModelNode, type RelationName, type SourceNode } from '../compile/index.js';
import { sqlTimestamp } from '../adapters/loading/sql-timestamp.js';
import { sha256 } from '../util/checksum.js';
import type { MaterializeContext } from './context.js';
import { runStatements } from './execute-sql.js';

/** Where a schema's `rebuild: on_change` tables record what they were last built from. */
export const MODEL_STATE_TABLE = 'sqlkit_model_state';
export const LOADED_FILES_TABLE = 'sqlkit_loaded_files';

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

/** The record of the files an incremental source loaded, beside its table. */
export function loadedFilesRelation(node: SourceNode): RelationName {
  return { schema: node.relation.schema, identifier: LOADED_FILES_TABLE };
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
 * The version of an incrementally loaded source: its definition and its record of loaded files, in the form the
 * load itself reads (loadedFilesText). Undefined for a source sqlkit does not load incrementally.
 */
export async function sourceVersion(node: SourceNode, ctx: MaterializeContext, recordedFiles?: string): Promise<string | undefined> {
  if (!node.load?.incremental || !ctx.adapter.capabilities.loadsLocalFiles) return undefined;
  const record = loadedFilesRelation(node);
  if (!ctx.relations.get(node.relation) || !ctx.relations.get(record)) return undefined;
  const files = recordedFiles ?? (await loadedFilesText(node, ctx, ctx.adapter.dialect.quoteRelation(record))).lines;
  if (files === undefined) return undefined;
  return sha256(JSON.stringify({ load: node.load, columns: node.columns, relation: node.relation, files }));
}

/**
 * A source's record of loaded files as one text of `file<TAB>size<TAB>modified_ms` lines ordered by the names'
 * bytes (the order files are listed in), with the number of files. `lines` is undefined when a name holds a tab
 * or a newline, which would break the lines.
 */
export async function loadedFilesText(node: SourceNode, ctx: MaterializeContext, table: string): Promise<{ count: number; lines: string | undefined }> {
  const where = `where source_name = ${ctx.adapter.dialect.stringLiteral(node.name)}`;
  const line = `filename || chr(9) || cast(size as varchar) || chr(9) || cast(modified_ms as varchar)`;
  const unsafeName = `strpos(filename, chr(9)) > 0 or strpos(filename, chr(10)) > 0`;
  const [packed] = await runStatements(ctx, node, [`select count(*), count(case when ${unsafeName} then 1 end), string_agg(${line}, chr(10) order by filename collate "C") from ${table} ${where}`], undefined, false);
  const [count, unsafe, text] = packed!.rows[0] ?? [0, 0, null];
  return { count: Number(count), lines: Number(unsafe) === 0 ? (typeof text === 'string' ? text : '') : undefined };
}
