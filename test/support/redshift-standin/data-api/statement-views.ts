import type { StatementRecord, SubStatement } from './statement-record.js';

/** Epoch seconds: the SDK rejects ISO strings for these timestamps. */
const seconds = (ms: number) => ms / 1000;

function duration(item: { startedAt?: number; endedAt?: number }): number {
  return item.startedAt !== undefined && item.endedAt !== undefined ? (item.endedAt - item.startedAt) * 1_000_000 : -1;
}

function targetFields(record: StatementRecord): Record<string, string> {
  const fields: Record<string, string> = record.target.kind === 'cluster' ? { ClusterIdentifier: record.target.name } : { WorkgroupName: record.target.name };
  fields.Database = record.database;
  if (record.dbUser !== undefined) fields.DbUser = record.dbUser;
  if (record.secretArn !== undefined) fields.SecretArn = record.secretArn;
  return fields;
}

function withError<T extends object>(fields: T, error: string | undefined): T {
  return error === undefined ? fields : { ...fields, Error: error };
}

export function submittedView(record: StatementRecord): object {
  return { Id: record.id, CreatedAt: seconds(record.createdAt), ...targetFields(record) };
}

function subView(sub: SubStatement): object {
  return withError(
    {
      Id: sub.id,
      Status: sub.status,
      QueryString: sub.queryString,
      CreatedAt: seconds(sub.createdAt),
      UpdatedAt: seconds(sub.updatedAt),
      Duration: duration(sub),
      HasResultSet: sub.hasResultSet,
      ResultRows: sub.status === 'FINISHED' ? sub.resultRows : -1,
      ResultSize: sub.status === 'FINISHED' ? sub.resultSize : -1,
      ...(sub.queryId === undefined ? {} : { RedshiftQueryId: sub.queryId }),
    },
    sub.error,
  );
}

function parametersField(record: StatementRecord): object {
  return record.parameters.length === 0 ? {} : { QueryParameters: record.parameters.map(({ name, value }) => ({ name, value })) };
}

/** DescribeStatement for a statement, a batch (with SubStatements) or one sub-statement (`<id>:<k>`). */
export function describeView(record: StatementRecord, sub?: SubStatement): object {
  const common = {
    ...targetFields(record),
    ...parametersField(record),
    ...(record.pid === undefined ? {} : { RedshiftPid: record.pid }),
  };
  if (sub) return { ...common, ...subView(sub) };
  const finished = record.status === 'FINISHED';
  const last = record.subs.at(-1);
  const base = withError(
    {
      Id: record.id,
      Status: record.status,
      CreatedAt: seconds(record.createdAt),
      UpdatedAt: seconds(record.updatedAt),
      Duration: duration(record),
      HasResultSet: record.subs.some((s) => s.hasResultSet),
      ResultRows: finished ? record.subs.reduce((sum, s) => sum + s.resultRows, 0) : -1,
      ResultSize: finished ? record.subs.reduce((sum, s) => sum + s.resultSize, 0) : -1,
      ...(last?.queryId === undefined ? {} : { RedshiftQueryId: last.queryId }),
      ...common,
    },
    record.error,
  );
  if (record.isBatch) return { ...base, SubStatements: record.subs.map(subView) };
  return { ...base, QueryString: record.subs[0]!.queryString };
}

export function listView(record: StatementRecord): object {
  return {
    Id: record.id,
    Status: record.status,
    CreatedAt: seconds(record.createdAt),
    UpdatedAt: seconds(record.updatedAt),
    IsBatchStatement: record.isBatch,
    ...(record.isBatch ? { QueryStrings: record.subs.map((s) => s.queryString) } : { QueryString: record.subs[0]!.queryString }),
    ...(record.statementName === undefined ? {} : { StatementName: record.statementName }),
    ...(record.secretArn === undefined ? {} : { SecretArn: record.secretArn }),
    ...parametersField(record),
    ResultFormat: record.resultFormat,
  };
}
