import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Target } from '../engine/database-registry.js';
import { redactSql } from '../sql/redact.js';
import { DataApiError, notFound, validation } from './data-api-error.js';
import {
  checkParametersUsed, checkSql, checkStatementId, MAX_BATCH_SQLS, optionalInteger, optionalString, readParameters, readTarget, requiredString,
} from './request-validation.js';
import type { Body } from './request-validation.js';
import { cancelRunning, runStatement } from './statement-runner.js';
import type { RunnerDeps } from './statement-runner.js';
import { TERMINAL_STATUSES } from './statement-record.js';
import type { StatementRecord, SubStatement } from './statement-record.js';
import type { StatementStore } from './statement-store.js';
import { describeView, listView, submittedView } from './statement-views.js';

export interface ReceivedStatement {
  id: string;
  sql: string;
  target: Target;
  database: string;
  statementName?: string;
}

export interface DataApiDeps extends RunnerDeps {
  store: StatementStore;
  pageSize: number;
  pageBytes: number;
  maxActiveStatements: number;
  /** Why the target cannot take statements (unknown, paused…), or undefined when it is available. */
  unavailableReason(target: Target): string | undefined;
  received: ReceivedStatement[];
}

function encodeToken(payload: object): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function decodeToken<T>(token: string): T {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw validation('Invalid NextToken');
  }
}

async function waitFor(record: StatementRecord, body: Body): Promise<void> {
  const seconds = optionalInteger(body, 'WaitTimeSeconds', 0, 30) ?? 0;
  if (seconds > 0) await Promise.race([record.done, sleep(seconds * 1000)]);
}

function submit(body: Body, sqls: string[], isBatch: boolean, deps: DataApiDeps): StatementRecord {
  const existing = deps.store.byClientToken(optionalString(body, 'ClientToken', 64));
  if (existing) return existing;
  sqls.forEach(checkSql);
  const target = readTarget(body);
  const database = requiredString(body, 'Database');
  const dbUser = optionalString(body, 'DbUser');
  const secretArn = optionalString(body, 'SecretArn');
  if (target.kind === 'cluster' && dbUser === undefined && secretArn === undefined) {
    throw validation('Either DbUser or SecretArn must be specified to connect to a provisioned cluster');
  }
  if (body.SessionKeepAliveSeconds !== undefined || body.SessionId !== undefined) {
    throw validation('SessionId and SessionKeepAliveSeconds are not supported by the Redshift stand-in');
  }
  const parameters = readParameters(body);
  checkParametersUsed(sqls, parameters);
  const mode = optionalString(body, 'ExecutionMode') ?? 'TRANSACTION';
  if (mode !== 'TRANSACTION' && mode !== 'AUTO_COMMIT') throw validation(`ExecutionMode ${mode} is invalid`);
  const unavailable = deps.unavailableReason(target);
  if (unavailable !== undefined) throw validation(unavailable);
  if (deps.store.activeCount(target) >= deps.maxActiveStatements) {
    throw new DataApiError('ActiveStatementsExceededException', `Active statements exceeded the allowed quota (${deps.maxActiveStatements}).`);
  }

  const id = randomUUID();
  const now = Date.now();
  let settle = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  const subs: SubStatement[] = sqls.map((sql, i) => ({
    id: isBatch ? `${id}:${i + 1}` : id,
    sql,
    queryString: redactSql(sql),
    status: 'SUBMITTED',
    createdAt: now,
    updatedAt: now,
    resultRows: -1,
    resultSize: -1,
    hasResultSet: false,
  }));
  const statementName = optionalString(body, 'StatementName', 2048);
  const clientToken = optionalString(body, 'ClientToken', 64);
  const record: StatementRecord = {
    id, isBatch, target, database, executionMode: mode, parameters, subs, done, settle,
    resultFormat: optionalString(body, 'ResultFormat') ?? 'JSON',
    status: 'SUBMITTED', createdAt: now, updatedAt: now, cancelRequested: false,
    ...(dbUser === undefined ? {} : { dbUser }),
    ...(secretArn === undefined ? {} : { secretArn }),
    ...(statementName === undefined ? {} : { statementName }),
    ...(clientToken === undefined ? {} : { clientToken }),
  };
  deps.store.add(record);
  for (const sub of subs) {
    deps.received.push({ id: sub.id, sql: sub.queryString, target, database, ...(statementName === undefined ? {} : { statementName }) });
  }
  // Not awaited: ExecuteStatement returns before the SQL runs, as in AWS.
  void runStatement(record, deps);
  return record;
}

function find(body: Body, deps: DataApiDeps): { record: StatementRecord; sub?: SubStatement } {
  const id = requiredString(body, 'Id');
  checkStatementId(id);
  const found = deps.store.find(id);
  if (!found) throw notFound('Query does not exist.', id);
  return found;
}

async function statementResult(body: Body, deps: DataApiDeps): Promise<object> {
  const { record, sub } = find(body, deps);
  await waitFor(record, body);
  if (record.isBatch && !sub) throw validation('Use a sub-statement Id (<Id>:<n>) to get the results of a batch statement.');
  const item = sub ?? record.subs[0]!;
  if (item.status !== 'FINISHED' || !item.result) {
    throw validation('Query does not have result. Please check query status with DescribeStatement.');
  }
  const nextToken = optionalString(body, 'NextToken');
  const offset = nextToken === undefined ? 0 : decodeToken<{ id: string; offset: number }>(nextToken).offset;
  const { records, recordSizes, columns } = item.result;
  let end = offset;
  let bytes = 0;
  while (end < records.length && end - offset < deps.pageSize && (end === offset || bytes + recordSizes[end]! <= deps.pageBytes)) {
    bytes += recordSizes[end]!;
    end += 1;
  }
  return {
    Records: records.slice(offset, end),
    ColumnMetadata: columns,
    TotalNumRows: records.length,
    ...(end < records.length ? { NextToken: encodeToken({ id: item.id, offset: end }) } : {}),
  };
}

async function cancel(body: Body, deps: DataApiDeps): Promise<object> {
  const { record } = find(body, deps);
  if (TERMINAL_STATUSES.has(record.status)) {
    throw validation(`Could not cancel a query that is already in ${record.status} state.`);
  }
  await cancelRunning(record, deps);
  return { Status: true };
}

function list(body: Body, deps: DataApiDeps): object {
  const prefix = optionalString(body, 'StatementName');
  const status = optionalString(body, 'Status') ?? 'ALL';
  const database = optionalString(body, 'Database');
  const cluster = optionalString(body, 'ClusterIdentifier');
  const workgroup = optionalString(body, 'WorkgroupName');
  const max = optionalInteger(body, 'MaxResults', 0, 100) || 100;
  const nextToken = optionalString(body, 'NextToken');
  const offset = nextToken === undefined ? 0 : decodeToken<{ offset: number }>(nextToken).offset;
  const matching = deps.store.newestFirst().filter(
    (r) =>
      (prefix === undefined || (r.statementName ?? '').startsWith(prefix)) &&
      (status === 'ALL' || r.status === status) &&
      (database === undefined || r.database === database) &&
      (cluster === undefined || (r.target.kind === 'cluster' && r.target.name === cluster)) &&
      (workgroup === undefined || (r.target.kind === 'workgroup' && r.target.name === workgroup)),
  );
  const page = matching.slice(offset, offset + max);
  return { Statements: page.map(listView), ...(offset + max < matching.length ? { NextToken: encodeToken({ offset: offset + max }) } : {}) };
}

/** Dispatches one Data API operation (X-Amz-Target: RedshiftData.<operation>). */
export async function handleDataApi(operation: string, body: Body, deps: DataApiDeps): Promise<object> {
  switch (operation) {
    case 'ExecuteStatement': {
      const record = submit(body, [requiredString(body, 'Sql')], false, deps);
      await waitFor(record, body);
      return submittedView(record);
    }
    case 'BatchExecuteStatement': {
      const sqls = body.Sqls;
      if (!Array.isArray(sqls) || sqls.length === 0 || sqls.some((s) => typeof s !== 'string' || s === '')) {
        throw validation('Sqls must be a list of 1 to 40 non-empty SQL strings');
      }
      if (sqls.length > MAX_BATCH_SQLS) throw validation(`Sqls can hold at most ${MAX_BATCH_SQLS} statements`);
      const record = submit(body, sqls as string[], true, deps);
      await waitFor(record, body);
      return submittedView(record);
    }
    case 'DescribeStatement': {
      const { record, sub } = find(body, deps);
      await waitFor(record, body);
      return describeView(record, sub);
    }
    case 'GetStatementResult':
      return statementResult(body, deps);
    case 'CancelStatement':
      return cancel(body, deps);
    case 'ListStatements':
      return list(body, deps);
    default:
      throw new DataApiError('UnknownOperationException', `Operation ${operation} is not supported by the Redshift stand-in`);
  }
}
