import type { RedshiftTarget } from '../../config/index.js';
import { SqlkitError } from '../../errors/index.js';
import { swapStatements } from '../../materializations/swap.js';
import { loadFailure } from '../loading/load-failure.js';
import { insertLoadErrors } from '../loading/load-errors-table.js';
import { sqlTimestamp } from '../loading/sql-timestamp.js';
import type { LoadError, Session, SourceLoadRequest, SourceLoadResult } from '../types.js';
import { RedshiftStatementError } from './redshift-data-api-driver.js';
import type { RedshiftDialect } from './redshift-dialect.js';

const ERROR_COLUMNS = 'trim(filename), line_number, trim(colname), trim(err_reason), trim(raw_line)';

/**
 * COPY from S3 into a new table, then the swap, all in one BatchExecuteStatement (one transaction). Rejected
 * rows are read back from stl_load_errors, which Redshift writes outside the transaction.
 */
export async function loadRedshiftSource(session: Session, request: SourceLoadRequest, dialect: RedshiftDialect, target: RedshiftTarget): Promise<SourceLoadResult> {
  const { node, spec, columns } = request;
  const s3 = spec.s3!;
  const role = s3.iamRole ?? target.iam_role;
  if (!role) {
    throw new SqlkitError('CONFIG_INVALID', `COPY for source '${node.name}' needs an IAM role that can read ${s3.path}.`, {
      location: { file: node.path, ...(node.line ? { line: node.line } : {}) },
      node: node.uniqueId,
      hint: 'Set location.s3.iam_role on the source, or iam_role on the redshift target; the role needs s3:GetObject and s3:ListBucket.',
    });
  }
  const keep = spec.maxErrors + 1;
  const copy = copyStatement(request, dialect, role);
  const create = dialect.createTable(request.staging, columns);
  const swap = await request.wrapSwap(swapStatements(dialect, request.staging, 'table', request.target, request.backup, request.existing));
  const statements = [create, copy, 'select pg_last_copy_id(), pg_last_copy_count()', ...swap];
  let results;
  try {
    results = await session.executeAtomic(statements, { signal: request.signal });
  } catch (error) {
    if (error instanceof RedshiftStatementError && /stl_load_errors/.test(error.message) && error.redshiftPid !== undefined) {
      const rejected = await readLoadErrors(session, `session = ${error.redshiftPid}`, keep);
      if (rejected.length) throw loadFailure(node, rejected, rejected.length, spec.maxErrors, request.loadErrors);
    }
    throw error;
  }
  const [copyId, copied] = results[2]?.rows[0] ?? [];
  const rejected = copyId === undefined || copyId === null ? [] : await readLoadErrors(session, `query = ${Number(copyId)}`, keep);
  if (rejected.length) {
    // The load errors table was created before the run (prepareWarehouse).
    for (const sql of insertLoadErrors(dialect, request.loadErrors, request.runId, node.name, rejected, sqlTimestamp())) {
      await session.execute(sql);
    }
  }
  return { rowsLoaded: Number(copied ?? results[1]?.rowCount ?? 0), rejected, statements, mode: 'replace' };
}

/** MAXERROR fails the load once the error count reaches it; `max_errors: N` means up to N rows may be skipped. */
export function copyStatement(request: SourceLoadRequest, dialect: RedshiftDialect, role: string): string {
  const { spec, columns } = request;
  const s3 = spec.s3!;
  const format = spec.mapping === 'jsonpaths' ? dialect.stringLiteral(s3.jsonpaths!) : spec.mapping === 'auto_ignorecase' ? `'auto ignorecase'` : `'auto'`;
  return [
    `copy ${dialect.quoteRelation(request.staging)} (${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')})`,
    `from ${dialect.stringLiteral(s3.path)}`,
    `iam_role ${dialect.stringLiteral(role)}`,
    ...(s3.region ? [`region ${dialect.stringLiteral(s3.region)}`] : []),
    `format as json ${format}`,
    ...(spec.timeformat ? [`timeformat ${dialect.stringLiteral(spec.timeformat)}`] : []),
    `maxerror ${spec.maxErrors === 0 ? 0 : spec.maxErrors + 1}`,
    'compupdate off statupdate on',
  ].join('\n');
}

async function readLoadErrors(session: Session, condition: string, limit: number): Promise<LoadError[]> {
  const result = await session.execute(`select ${ERROR_COLUMNS} from stl_load_errors where ${condition} order by starttime, filename, line_number limit ${limit}`);
  return result.rows.map(([file, line, column, reason, raw]) => ({
    file: String(file),
    line: Number(line),
    ...(column ? { column: String(column) } : {}),
    reason: String(reason),
    rawLine: String(raw ?? ''),
  }));
}
