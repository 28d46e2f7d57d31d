import { parseColumnType, type SourceNode } from '../compile/index.js';
import { SqlkitError } from '../errors/index.js';
import type { MaterializeContext, MaterializeResult } from './context.js';
import { rebuildDependentViews } from './dependent-views.js';
import { runStatements } from './execute-sql.js';
import { temporaryName } from './swap.js';

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
  const max = adapter.capabilities.maxIdentifierLength;
  const result = await adapter.loadSource(ctx.session, {
    node,
    spec,
    columns: node.columns.map((c) => ({ name: c.name, type: parseColumnType(c.type ?? 'varchar')! })),
    target,
    staging: { schema: target.schema, identifier: temporaryName(target.identifier, 'new', ctx.runId, max) },
    backup: { schema: target.schema, identifier: temporaryName(target.identifier, 'old', ctx.runId, max) },
    existing: ctx.relations.get(target),
    wrapSwap: (swap) => rebuildDependentViews(ctx, target, ctx.relations.get(target), swap),
    loadErrors: { schema: target.schema, identifier: LOAD_ERRORS_TABLE },
    projectRoot: ctx.projectRoot,
    runId: ctx.runId,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  for (const sql of result.statements) ctx.onStatement?.(sql);
  ctx.relations.set({ ...target, type: 'table' });
  const analyze = adapter.dialect.analyze(target);
  if (analyze) await runStatements(ctx, node, [analyze], undefined, false);
  const warnings = result.rejected.length
    ? [`${result.rejected.length} bad row(s) skipped (max_errors ${spec.maxErrors}); first: ${result.rejected[0]!.reason} at ${result.rejected[0]!.file}:${result.rejected[0]!.line}; see ${target.schema}.${LOAD_ERRORS_TABLE}`]
    : [];
  return { rowsAffected: result.rowsLoaded, message: `${result.rowsLoaded} rows loaded${result.rejected.length ? `, ${result.rejected.length} rejected` : ''}`, warnings };
}
