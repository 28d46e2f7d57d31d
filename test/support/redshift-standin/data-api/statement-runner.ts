import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { writeLoadErrors } from '../copy/load-errors.js';
import type { DatabaseHandle, DatabaseRegistry } from '../engine/database-registry.js';
import { executeStatement } from '../engine/execute-statement.js';
import { Session } from '../engine/session.js';
import { StatementError, toStatementError } from '../engine/statement-error.js';
import type { FaultInjector } from '../faults.js';
import { scrubSecrets, secretsIn } from '../sql/redact.js';
import { encodeResult } from './result-encoding.js';
import { setStatus, TERMINAL_STATUSES } from './statement-record.js';
import type { StatementRecord, SubStatement } from './statement-record.js';

export interface RunnerOptions {
  strict: boolean;
  s3Root: string;
  latencyMs: number;
  maxResultBytes: number;
}

export interface RunnerDeps {
  registry: DatabaseRegistry;
  faults: FaultInjector;
  options: RunnerOptions;
  nextQueryId(): number;
}

class Cancelled extends Error {}

function cancelledText(sub: SubStatement | undefined): string {
  return `ERROR: Query (${sub?.queryId ?? 0}) cancelled on user's request`;
}

async function runSub(session: Session, record: StatementRecord, sub: SubStatement, deps: RunnerDeps): Promise<void> {
  if (record.cancelRequested) throw new Cancelled();
  sub.queryId = deps.nextQueryId();
  setStatus(sub, 'STARTED');
  const failure = deps.faults.takeFailure(sub.queryString);
  if (failure !== undefined) throw new StatementError(`ERROR: ${failure}`);
  const delay = deps.faults.takeDelay(sub.queryString);
  if (delay > 0) await session.client.query('SELECT pg_sleep($1)', [delay / 1000]);
  const result = await executeStatement(session, sub.sql, {
    strict: deps.options.strict,
    s3Root: deps.options.s3Root,
    parameters: new Map(record.parameters.map((p) => [p.name, p.value])),
    queryId: sub.queryId,
    transactional: record.isBatch && record.executionMode === 'TRANSACTION',
    recordLoadErrors: (rows) => withAux(session.db, (client) => writeLoadErrors(client, rows)),
  });
  if (result.fields.length > 0) {
    const encoded = await encodeResult(session.client, result.fields, result.rows);
    if (encoded.size > deps.options.maxResultBytes) {
      throw new StatementError(`ERROR: Query result size ${encoded.size} bytes exceeds the ${deps.options.maxResultBytes} byte limit`);
    }
    sub.result = encoded;
    sub.hasResultSet = true;
    sub.resultRows = encoded.records.length;
    sub.resultSize = encoded.size;
  } else {
    sub.resultRows = result.rowCount;
    sub.resultSize = 0;
  }
  setStatus(sub, 'FINISHED');
}

async function withAux<T>(db: DatabaseHandle, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.aux.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

function fail(record: StatementRecord, failedAt: number, error: unknown): void {
  const statementError = error instanceof Cancelled ? undefined : toStatementError(error, undefined);
  const cancelled = record.cancelRequested && (statementError === undefined || statementError.cancelled);
  const current = record.subs[failedAt];
  const text = cancelled ? cancelledText(current) : scrubSecrets(statementError!.text, record.subs.flatMap((s) => secretsIn(s.sql)));
  record.subs.forEach((sub, i) => {
    if (i === failedAt) setStatus(sub, cancelled ? 'ABORTED' : 'FAILED', text);
    else if (i > failedAt) setStatus(sub, 'ABORTED');
  });
  setStatus(record, cancelled ? 'ABORTED' : 'FAILED', text);
}

/**
 * Runs a submitted statement or batch in its own session: SUBMITTED → PICKED → STARTED → FINISHED | FAILED | ABORTED.
 * A TRANSACTION-mode batch is one PostgreSQL transaction; the first failure rolls it back and aborts the rest.
 */
export async function runStatement(record: StatementRecord, deps: RunnerDeps): Promise<void> {
  let session: Session | undefined;
  let index = 0;
  try {
    if (deps.options.latencyMs > 0) await sleep(deps.options.latencyMs);
    if (record.cancelRequested) throw new Cancelled();
    setStatus(record, 'PICKED');
    const db = deps.registry.get(record.target, record.database);
    if (!db) throw new StatementError(`ERROR: database "${record.database}" does not exist`);
    session = await Session.open(db);
    record.pid = session.pid;
    if (record.cancelRequested) throw new Cancelled();
    setStatus(record, 'STARTED');
    const transactional = record.isBatch && record.executionMode === 'TRANSACTION';
    if (transactional) await session.begin();
    for (index = 0; index < record.subs.length; index += 1) await runSub(session, record, record.subs[index]!, deps);
    if (transactional) await session.commit();
    setStatus(record, 'FINISHED');
  } catch (error) {
    fail(record, Math.min(index, record.subs.length - 1), error);
    if (session?.inTransaction) await session.rollback().catch(() => undefined);
  } finally {
    await session?.close();
    record.settle();
  }
}

/** CancelStatement: pg_cancel_backend until the statement settles (a cancel between two queries would be lost). */
export async function cancelRunning(record: StatementRecord, deps: RunnerDeps): Promise<void> {
  record.cancelRequested = true;
  const db = deps.registry.get(record.target, record.database);
  const deadline = Date.now() + 5000;
  while (!TERMINAL_STATUSES.has(record.status) && Date.now() < deadline) {
    if (record.pid !== undefined && record.status === 'STARTED' && db) {
      await db.aux.query('SELECT pg_cancel_backend($1)', [record.pid]).catch(() => undefined);
    }
    await Promise.race([record.done, sleep(100)]);
  }
}
