import type { SourceLoadRequest, SourceLoadResult } from '../adapters/types.js';
import { parseColumnType, type SourceNode } from '../compile/index.js';
import { SqlkitError } from '../errors/index.js';
import type { MaterializeContext, MaterializeResult } from './context.js';
import { rebuildDependentViews } from './dependent-views.js';
import { sourceVersion } from './data-versions.js';
import { fileListingsRelation, loadedFilesRelation, readLoadedFiles } from './loaded-files.js';
import { refreshStatistics } from './statistics.js';
import { swapRelations } from './swap.js';

export const LOAD_ERRORS_TABLE = 'sqlkit_load_errors';

/** Loads a source table from its files through the engine's loader, replacing the old table atomically. */
export async function loadSourceTable(node: SourceNode, ctx: MaterializeContext): Promise<MaterializeResult> {
  const spec = node.load;
  if (!spec) return { message: 'not loaded by sqlkit' };
  const { adapter } = ctx;
  const needs = adapter.capabilities.loadsLocalFiles ? 'local' : 's3';
  if (!spec[needs]) {
    throw new SqlkitError('ADAPTER_UNSUPPORTED', `Source '${node.name}' has no location.${needs} for the ${adapter.engine} target.`, {
      location: { file: node.path, ...(node.line ? { line: node.line } : {}) },
      node: node.uniqueId,
      hint: needs === 's3' ? 'Redshift loads with COPY from S3: add location.s3.path (s3://bucket/prefix).' : 'Add location.local.path: a file or folder relative to the project root.',
    });
  }
  const target = node.relation;
  const existing = ctx.relations.get(target);
  const incremental = spec.incremental && adapter.capabilities.loadsLocalFiles ? await incrementalState(node, ctx, Boolean(existing)) : undefined;
  const result = await adapter.loadSource(ctx.session, {
    node,
    spec,
    columns: node.columns.map((c) => ({ name: c.name, type: parseColumnType(c.type ?? 'varchar')! })),
    target,
    ...swapRelations(target, ctx.runId, adapter.capabilities.maxIdentifierLength),
    existing,
    ...(incremental ? { incremental } : {}),
    wrapSwap: (swap) => rebuildDependentViews(ctx, target, ctx.relations.get(target), swap),
    loadErrors: { schema: target.schema, identifier: LOAD_ERRORS_TABLE },
    projectRoot: ctx.projectRoot,
    runId: ctx.runId,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  for (const sql of result.statements) ctx.onStatement?.(sql);
  ctx.relations.set({ ...target, type: 'table' });
  if (incremental) ctx.relations.set({ ...incremental.loadedFiles, type: 'table' });
  // Worked out, if ever, by the table that asks, in its own session: this node's session is back in the pool by then.
  ctx.versions.set(node.uniqueId, (asking) => sourceVersion(node, asking, result.recordDigest));
  const warnings = result.mode === 'unchanged' ? [] : await refreshStatistics(ctx, node, target);
  if (result.rejected.length) {
    warnings.push(`${result.rejected.length} bad row(s) skipped (max_errors ${spec.maxErrors}); first: ${result.rejected[0]!.reason} at ${result.rejected[0]!.file}:${result.rejected[0]!.line}; see ${target.schema}.${LOAD_ERRORS_TABLE}`);
  }
  return { rowsAffected: result.rowsLoaded, message: loadMessage(result), warnings };
}

function loadMessage(result: SourceLoadResult): string {
  const rejected = result.rejected.length ? `, ${result.rejected.length} rejected` : '';
  const files = result.files === undefined ? 'its location' : `${result.files} file${result.files === 1 ? '' : 's'}`;
  if (result.mode === 'unchanged') return 'no new files';
  if (result.mode === 'append') return `${result.rowsLoaded} rows appended from ${files}${rejected}`;
  return `${result.rowsLoaded} rows loaded from ${files}${result.note && result.note !== 'full load' ? ` (reloaded: ${result.note})` : ''}${rejected}`;
}

/**
 * The files an incremental source loaded before, read from its bookkeeping table. A first load, a missing
 * table (dropped by hand) or --full-refresh means loading everything again.
 */
async function incrementalState(node: SourceNode, ctx: MaterializeContext, tableExists: boolean): Promise<NonNullable<SourceLoadRequest['incremental']>> {
  const loadedFiles = loadedFilesRelation(node);
  const listings = fileListingsRelation(node);
  if (ctx.fullRefresh || !tableExists || !ctx.relations.get(loadedFiles)) return { loadedFiles, listings, previous: undefined };
  const previous = await readLoadedFiles(node, ctx);
  return { loadedFiles, listings, previous: previous.count ? previous : undefined };
}
