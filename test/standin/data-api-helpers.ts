import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import type { ColumnMetadata, DescribeStatementResponse, Field, SqlParameter } from '@aws-sdk/client-redshift-data';
import { setTimeout as sleep } from 'node:timers/promises';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function dataApiClient(endpoint: string, maxAttempts?: number): RedshiftDataClient {
  return new RedshiftDataClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, ...(maxAttempts ? { maxAttempts } : {}) });
}

export interface Target {
  ClusterIdentifier?: string;
  WorkgroupName?: string;
  Database: string;
  DbUser?: string;
}

const TERMINAL = new Set(['FINISHED', 'FAILED', 'ABORTED']);

/** Polls DescribeStatement until the statement settles. */
export async function waitForStatement(client: RedshiftDataClient, id: string, timeoutMs = 20_000): Promise<DescribeStatementResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await client.send(new DescribeStatementCommand({ Id: id }));
    if (TERMINAL.has(described.Status ?? '')) return described;
    if (Date.now() > deadline) throw new Error(`statement ${id} still ${described.Status} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

export async function execute(client: RedshiftDataClient, target: Target, sql: string, parameters?: SqlParameter[]): Promise<DescribeStatementResponse> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: sql, ...(parameters ? { Parameters: parameters } : {}) }));
  return waitForStatement(client, Id!);
}

/** Runs a statement and fails the test unless it FINISHED. */
export async function executeOk(client: RedshiftDataClient, target: Target, sql: string, parameters?: SqlParameter[]): Promise<DescribeStatementResponse> {
  const described = await execute(client, target, sql, parameters);
  if (described.Status !== 'FINISHED') throw new Error(`${described.Status}: ${described.Error}\nSQL: ${sql}`);
  return described;
}

export async function batch(client: RedshiftDataClient, target: Target, sqls: string[], mode?: 'TRANSACTION' | 'AUTO_COMMIT'): Promise<DescribeStatementResponse> {
  const { Id } = await client.send(new BatchExecuteStatementCommand({ ...target, Sqls: sqls, ...(mode ? { ExecutionMode: mode } : {}) }));
  return waitForStatement(client, Id!);
}

/** All pages of a result, following NextToken. */
export async function fetchAll(client: RedshiftDataClient, id: string): Promise<{ records: Field[][]; columns: ColumnMetadata[]; pages: number; total: number }> {
  const records: Field[][] = [];
  let columns: ColumnMetadata[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  let total = 0;
  do {
    const page = await client.send(new GetStatementResultCommand({ Id: id, ...(nextToken ? { NextToken: nextToken } : {}) }));
    records.push(...(page.Records ?? []));
    columns = page.ColumnMetadata ?? columns;
    total = page.TotalNumRows ?? total;
    nextToken = page.NextToken;
    pages += 1;
  } while (nextToken);
  return { records, columns, pages, total };
}

/** A cell as a plain JS value, whichever Field member carries it. */
export function fieldValue(field: Field): unknown {
  if (field.isNull) return null;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return field.blobValue;
  return field.stringValue;
}

/** Runs a query and returns its rows as plain values. */
export async function queryRows(client: RedshiftDataClient, target: Target, sql: string, parameters?: SqlParameter[]): Promise<unknown[][]> {
  const described = await executeOk(client, target, sql, parameters);
  const { records } = await fetchAll(client, described.Id!);
  return records.map((record) => record.map(fieldValue));
}
