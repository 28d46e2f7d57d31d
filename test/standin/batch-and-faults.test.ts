import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
} from '@aws-sdk/client-redshift-data';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import { startRedshiftStandin } from '../support/redshift-standin/index.js';
import type { RedshiftStandin } from '../support/redshift-standin/index.js';
import { batch, dataApiClient, execute, executeOk, fetchAll, fieldValue, queryRows, waitForStatement } from './data-api-helpers.js';

const postgres = inject('postgres');
const target = { ClusterIdentifier: 'batch-cluster', Database: 'dev', DbUser: 'awsuser' };

describe.skipIf(!postgres)('batches, cancellation and fault injection', () => {
  let standin: RedshiftStandin;
  let client: RedshiftDataClient;

  beforeAll(async () => {
    standin = await startRedshiftStandin({ postgres: postgres!, s3Root: '/nonexistent', pageSize: 2, clusters: [{ identifier: 'batch-cluster' }] });
    client = dataApiClient(standin.endpoint, 1);
  });

  beforeEach(() => standin.faults.clear());

  afterAll(() => standin?.stop());

  test('a TRANSACTION batch rolls everything back when one statement fails', async () => {
    await executeOk(client, target, 'CREATE TABLE public.ledger (id INT, note VARCHAR(20))');
    const described = await batch(client, target, [
      "INSERT INTO public.ledger VALUES (1, 'one')",
      'CREATE TABLE public.created_in_batch (id INT)',
      'INSERT INTO public.ledger VALUES (2, 2 / 0)',
      "INSERT INTO public.ledger VALUES (3, 'three')",
    ]);
    expect(described.Status).toBe('FAILED');
    expect(described.Error).toBe('ERROR: division by zero');
    expect(described.SubStatements!.map((s) => s.Status)).toEqual(['FINISHED', 'FINISHED', 'FAILED', 'ABORTED']);
    expect(described.SubStatements!.map((s) => s.Id)).toEqual([1, 2, 3, 4].map((k) => `${described.Id}:${k}`));
    expect(described.SubStatements![2]!.Error).toBe('ERROR: division by zero');
    expect(await queryRows(client, target, 'SELECT count(*) FROM public.ledger')).toEqual([[0]]);
    const created = await execute(client, target, 'SELECT * FROM public.created_in_batch');
    expect(created.Error).toMatch(/does not exist/);
  });

  test('an AUTO_COMMIT batch keeps what ran before the failure', async () => {
    await executeOk(client, target, 'CREATE TABLE public.autocommitted (id INT)');
    const described = await batch(client, target, ['INSERT INTO public.autocommitted VALUES (1)', 'SELECT 1 / 0', 'INSERT INTO public.autocommitted VALUES (2)'], 'AUTO_COMMIT');
    expect(described.SubStatements!.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED', 'ABORTED']);
    expect(await queryRows(client, target, 'SELECT id FROM public.autocommitted')).toEqual([[1]]);
  });

  test('results of a batch are fetched per sub-statement', async () => {
    const described = await batch(client, target, ['SELECT 1 AS a', 'SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3) t ORDER BY x']);
    expect(described).toMatchObject({ Status: 'FINISHED', HasResultSet: true, ResultRows: 4 });
    const second = await fetchAll(client, `${described.Id}:2`);
    expect(second.records.map((r) => r.map(fieldValue))).toEqual([[1], [2], [3]]);
    expect(second.pages).toBe(2);
    await expect(client.send(new GetStatementResultCommand({ Id: described.Id! }))).rejects.toMatchObject({ name: 'ValidationException' });
    const sub = await client.send(new DescribeStatementCommand({ Id: `${described.Id}:1` }));
    expect(sub).toMatchObject({ Status: 'FINISHED', QueryString: 'SELECT 1 AS a', ResultRows: 1 });
  });

  test('transaction control is refused inside a TRANSACTION batch', async () => {
    const described = await batch(client, target, ['BEGIN', 'SELECT 1']);
    expect(described.SubStatements![0]).toMatchObject({ Status: 'FAILED', Error: 'ERROR: BEGIN is not allowed in a TRANSACTION mode batch' });
  });

  test('TRUNCATE commits the open transaction, as in Redshift', async () => {
    await executeOk(client, target, 'CREATE TABLE public.truncated (id INT)');
    await executeOk(client, target, 'INSERT INTO public.truncated VALUES (1)');
    const described = await batch(client, target, [
      'INSERT INTO public.truncated VALUES (2)',
      'TRUNCATE public.truncated',
      'INSERT INTO public.truncated VALUES (3)',
      'SELECT 1 / 0',
    ]);
    expect(described.Status).toBe('FAILED');
    // Without the implicit commit the rollback would have restored row 1.
    expect(await queryRows(client, target, 'SELECT count(*) FROM public.truncated')).toEqual([[0]]);
  });

  test('CancelStatement aborts a running statement', async () => {
    standin.faults.slowStatement('slow_marker', 30_000);
    const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1 AS slow_marker' }));
    let status = '';
    while (status !== 'STARTED') {
      status = (await client.send(new DescribeStatementCommand({ Id: Id! }))).Status!;
      expect(['SUBMITTED', 'PICKED', 'STARTED']).toContain(status);
      await sleep(20);
    }
    const started = Date.now();
    expect(await client.send(new CancelStatementCommand({ Id: Id! }))).toMatchObject({ Status: true });
    const described = await waitForStatement(client, Id!);
    expect(described.Status).toBe('ABORTED');
    expect(described.Error).toMatch(/cancelled on user's request/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(client.send(new CancelStatementCommand({ Id: Id! }))).rejects.toThrow('Could not cancel a query that is already in ABORTED state.');
    expect(standin.faults.injected).toContainEqual({ kind: 'slow', sql: 'SELECT 1 AS slow_marker' });
  });

  test('cancelling a batch aborts the transaction', async () => {
    await executeOk(client, target, 'CREATE TABLE public.cancelled_batch (id INT)');
    standin.faults.slowStatement('slow_in_batch', 30_000);
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({ ...target, Sqls: ['INSERT INTO public.cancelled_batch VALUES (1)', 'SELECT 1 AS slow_in_batch', 'SELECT 2'] }),
    );
    while ((await client.send(new DescribeStatementCommand({ Id: `${Id}:2` }))).Status !== 'STARTED') await sleep(20);
    await client.send(new CancelStatementCommand({ Id: Id! }));
    const described = await waitForStatement(client, Id!);
    expect(described.Status).toBe('ABORTED');
    expect(described.SubStatements!.map((s) => s.Status)).toEqual(['FINISHED', 'ABORTED', 'ABORTED']);
    expect(await queryRows(client, target, 'SELECT count(*) FROM public.cancelled_batch')).toEqual([[0]]);
  });

  test('the SDK retries injected throttling with its default attempts', async () => {
    const retrying = dataApiClient(standin.endpoint);
    standin.faults.throttle('ExecuteStatement', { times: 2 });
    const result = await retrying.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1' }));
    expect(result.$metadata.attempts).toBe(3);
    expect(standin.faults.injected.filter((f) => f.kind === 'throttle')).toHaveLength(2);
    expect((await waitForStatement(retrying, result.Id!)).Status).toBe('FINISHED');

    standin.faults.throttle('DescribeStatement');
    await expect(client.send(new DescribeStatementCommand({ Id: result.Id! }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('ActiveStatementsExceededException is not retried by the SDK', async () => {
    const retrying = dataApiClient(standin.endpoint);
    standin.faults.throttle('ExecuteStatement', { error: 'ActiveStatementsExceededException', message: 'Active statements exceeded the allowed quota.' });
    const error = await retrying.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ActiveStatementsExceededException', $metadata: { attempts: 1 } });
  });

  test('failStatement makes the next matching statement FAIL', async () => {
    standin.faults.failStatement(/FROM public\.ledger/, 'Serializable isolation violation on table - 100, transactions forming the cycle are: 1, 2 (pid:1)');
    const failed = await execute(client, target, 'SELECT count(*) FROM public.ledger');
    expect(failed).toMatchObject({ Status: 'FAILED', Error: 'ERROR: Serializable isolation violation on table - 100, transactions forming the cycle are: 1, 2 (pid:1)' });
    await executeOk(client, target, 'SELECT count(*) FROM public.ledger');
  });
});
