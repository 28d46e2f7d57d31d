import {
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
} from '@aws-sdk/client-redshift-data';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startRedshiftStandin } from '../support/redshift-standin/index.js';
import type { RedshiftStandin } from '../support/redshift-standin/index.js';
import { dataApiClient, execute, executeOk, fetchAll, queryRows, waitForStatement } from './data-api-helpers.js';

const postgres = inject('postgres');
const target = { ClusterIdentifier: 'test-cluster', Database: 'dev', DbUser: 'awsuser' };

describe.skipIf(!postgres)('Redshift Data API stand-in', () => {
  let standin: RedshiftStandin;
  let client: RedshiftDataClient;

  beforeAll(async () => {
    standin = await startRedshiftStandin({
      postgres: postgres!,
      s3Root: '/nonexistent',
      pageSize: 2,
      clusters: [{ identifier: 'test-cluster', database: 'dev' }],
      workgroups: [{ name: 'test-workgroup', database: 'analytics' }],
    });
    client = dataApiClient(standin.endpoint, 1);
    await executeOk(client, target, 'CREATE SCHEMA typed');
    await executeOk(
      client,
      target,
      `CREATE TABLE typed.every_type (
         id SMALLINT NOT NULL, n INTEGER, big BIGINT, r REAL, d DOUBLE PRECISION, price DECIMAL(10,2), flag BOOLEAN,
         name VARCHAR(20), code CHAR(3), day DATE, ts TIMESTAMP, tstz TIMESTAMPTZ, raw VARBYTE(8), doc SUPER)`,
    );
    await executeOk(
      client,
      target,
      `INSERT INTO typed.every_type VALUES
         (1, 42, 9007199254740991, 1.5, 2.25, 12.34, true, 'Ann', 'abc', '2018-11-01', '2018-11-01 20:57:10.796', '2018-11-01 20:57:10+00', 'ab'::varbyte, JSON_PARSE('{"a":1}')),
         (2, NULL, NULL, NULL, NULL, NULL, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         (3, -7, -1, -0.5, 1e100, -0.01, NULL, 'Ünïcode', 'x', '1970-01-01', '1970-01-01 00:00:00', NULL, NULL, NULL),
         (4, 0, 0, 0, 0, 0, true, '', '', '2000-02-29', '2000-02-29 23:59:59.999999', NULL, NULL, NULL),
         (5, 1, 1, 1, 1, 1, true, 'e', 'e', '2001-01-01', '2001-01-01 00:00:00', NULL, NULL, NULL)`,
    );
  });

  afterAll(() => standin?.stop());

  test('runs a query asynchronously and pages its result, every Field type included', async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT * FROM typed.every_type ORDER BY id' }));
    expect(Id).toMatch(/^[0-9a-f-]{36}$/);
    const described = await waitForStatement(client, Id!);
    expect(described).toMatchObject({ Status: 'FINISHED', HasResultSet: true, ResultRows: 5, QueryString: 'SELECT * FROM typed.every_type ORDER BY id' });
    expect(described.Duration).toBeGreaterThanOrEqual(0);
    expect(described.CreatedAt).toBeInstanceOf(Date);
    expect(described.UpdatedAt!.getTime()).toBeGreaterThanOrEqual(described.CreatedAt!.getTime());
    expect(described.RedshiftPid).toBeGreaterThan(0);
    expect(described.RedshiftQueryId).toBeGreaterThan(0);

    const { records, columns, pages, total } = await fetchAll(client, Id!);
    expect(pages).toBe(3);
    expect(total).toBe(5);
    expect(records).toHaveLength(5);
    expect(records[0]).toEqual([
      { longValue: 1 },
      { longValue: 42 },
      { longValue: 9007199254740991 },
      { doubleValue: 1.5 },
      { doubleValue: 2.25 },
      { stringValue: '12.34' },
      { booleanValue: true },
      { stringValue: 'Ann' },
      { stringValue: 'abc' },
      { stringValue: '2018-11-01' },
      { stringValue: '2018-11-01 20:57:10.796' },
      { stringValue: '2018-11-01 20:57:10+00' },
      { blobValue: new Uint8Array(Buffer.from('ab')) },
      { stringValue: '{"a": 1}' },
    ]);
    expect(records[1]!.slice(1, 6).every((field) => field.isNull === true)).toBe(true);
    expect(records[1]![6]).toEqual({ booleanValue: false });
    expect(records[2]![7]).toEqual({ stringValue: 'Ünïcode' });
    expect(records[3]![7]).toEqual({ stringValue: '' });

    const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
    expect(byName.id).toMatchObject({ typeName: 'int2', nullable: 0, precision: 5, isSigned: true, schemaName: 'typed', tableName: 'every_type' });
    expect(byName.n).toMatchObject({ typeName: 'int4', nullable: 1, precision: 10 });
    expect(byName.price).toMatchObject({ typeName: 'numeric', precision: 10, scale: 2 });
    expect(byName.name).toMatchObject({ typeName: 'varchar', precision: 20, isCaseSensitive: true });
    expect(byName.ts).toMatchObject({ typeName: 'timestamp', precision: 29, scale: 6 });
    expect(byName.doc).toMatchObject({ typeName: 'super' });
  });

  test('reports affected rows for DML and no result set for DDL', async () => {
    await executeOk(client, target, 'CREATE TABLE public.counted (id INT)');
    const inserted = await executeOk(client, target, 'INSERT INTO public.counted VALUES (1), (2), (3)');
    expect(inserted).toMatchObject({ HasResultSet: false, ResultRows: 3 });
    const deleted = await executeOk(client, target, 'DELETE public.counted WHERE id > 1');
    expect(deleted.ResultRows).toBe(2);
    await expect(client.send(new GetStatementResultCommand({ Id: deleted.Id! }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('fails a bad statement with ERROR text and the position in the SQL as sent', async () => {
    const failed = await execute(client, target, "SELECT nvl(name, 'x') FORM typed.every_type");
    expect(failed.Status).toBe('FAILED');
    expect(failed.Error).toBe('ERROR: syntax error at or near "typed"\n Position: 28');
    const missing = await execute(client, target, 'SELECT * FROM public.does_not_exist');
    expect(missing.Error).toBe('ERROR: relation "public.does_not_exist" does not exist\n Position: 15');
  });

  test('refuses several statements in one ExecuteStatement', async () => {
    const failed = await execute(client, target, 'SELECT 1; SELECT 2');
    expect(failed).toMatchObject({ Status: 'FAILED', Error: 'ERROR: cannot insert multiple commands into a prepared statement' });
    await executeOk(client, target, 'SELECT 1;');
  });

  test('binds named parameters as values', async () => {
    const rows = await queryRows(client, target, 'SELECT id, name FROM typed.every_type WHERE id = :id OR name = :name ORDER BY id', [
      { name: 'id', value: '1' },
      { name: 'name', value: 'e' },
    ]);
    expect(rows).toEqual([[1, 'Ann'], [5, 'e']]);
    const cast = await queryRows(client, target, "SELECT :v::int + 1, ':v' AS literal", [{ name: 'v', value: '41' }]);
    expect(cast).toEqual([[42, ':v']]);
    const missing = await execute(client, target, 'SELECT :a, :b', [{ name: 'a', value: '1' }]);
    expect(missing.Error).toMatch(/^ERROR: no value given for parameter :b/);
    await expect(
      client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1', Parameters: [{ name: 'unused', value: 'x' }] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('gives each statement its own session', async () => {
    await executeOk(client, target, 'CREATE TEMP TABLE session_scoped (id INT)');
    const next = await execute(client, target, 'SELECT * FROM session_scoped');
    expect(next.Error).toMatch(/relation "session_scoped" does not exist/);
    await executeOk(client, target, "SET search_path TO 'typed'");
    expect(await queryRows(client, target, 'SELECT current_setting(\'search_path\')')).toEqual([['"$user", public, rs_compat']]);
    expect(await queryRows(client, target, "SELECT current_setting('TimeZone'), current_setting('DateStyle')")).toEqual([['UTC', 'ISO, MDY']]);
  });

  test('validates requests like the Data API', async () => {
    const send = (input: Record<string, unknown>) => client.send(new ExecuteStatementCommand({ Sql: 'SELECT 1', ...input } as never));
    await expect(send({ ...target, WorkgroupName: 'test-workgroup' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(send({ ClusterIdentifier: 'no-such-cluster', Database: 'dev', DbUser: 'u' })).rejects.toThrow(/no-such-cluster/);
    await expect(send({ ClusterIdentifier: 'test-cluster', Database: 'dev' })).rejects.toThrow(/DbUser or SecretArn/);
    await expect(send({ ...target, Sql: `SELECT '${'x'.repeat(101 * 1024)}'` })).rejects.toThrow(/larger than 100kB/);
    await expect(client.send(new DescribeStatementCommand({ Id: 'not-an-id' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(client.send(new DescribeStatementCommand({ Id: '00000000-0000-4000-8000-000000000000' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    const unknownDatabase = await execute(client, { ...target, Database: 'nodb' }, 'SELECT 1');
    expect(unknownDatabase.Error).toBe('ERROR: database "nodb" does not exist');
  });

  test('deduplicates ClientToken', async () => {
    const before = standin.statements.length;
    const input = { ...target, Sql: 'INSERT INTO public.counted VALUES (100)', ClientToken: 'token-1' };
    const first = await client.send(new ExecuteStatementCommand(input));
    const second = await client.send(new ExecuteStatementCommand(input));
    expect(second.Id).toBe(first.Id);
    await waitForStatement(client, first.Id!);
    expect(standin.statements.length - before).toBe(1);
    expect(await queryRows(client, target, 'SELECT count(*) FROM public.counted WHERE id = 100')).toEqual([[1]]);
  });

  test('runs on a serverless workgroup without DbUser', async () => {
    expect(await queryRows(client, { WorkgroupName: 'test-workgroup', Database: 'analytics' }, 'SELECT 40 + 2')).toEqual([[42]]);
  });

  test('lists statements newest first, filtered by name prefix and status', async () => {
    const named = async (name: string, sql: string) => {
      const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: sql, StatementName: name }));
      return waitForStatement(client, Id!);
    };
    const ok = await named('nightly-load-1', 'SELECT 1');
    const bad = await named('nightly-load-2', 'SELECT * FROM nowhere.nothing');
    await named('other', 'SELECT 2');
    const listed = await client.send(new ListStatementsCommand({ StatementName: 'nightly-load' }));
    expect(listed.Statements!.map((s) => s.Id)).toEqual([bad.Id, ok.Id]);
    expect(listed.Statements![0]).toMatchObject({ Status: 'FAILED', QueryString: 'SELECT * FROM nowhere.nothing', IsBatchStatement: false });
    const failedOnly = await client.send(new ListStatementsCommand({ StatementName: 'nightly', Status: 'FAILED' }));
    expect(failedOnly.Statements!.map((s) => s.Id)).toEqual([bad.Id]);
  });

  test('holds the reply with WaitTimeSeconds until the statement is done', async () => {
    const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1', WaitTimeSeconds: 10 } as never));
    const described = await client.send(new DescribeStatementCommand({ Id: Id! }));
    expect(described.Status).toBe('FINISHED');
    expect(
      await client.send(new CancelStatementCommand({ Id: Id! })).catch((error: Error) => error.message),
    ).toBe('Could not cancel a query that is already in FINISHED state.');
  });
});

describe.skipIf(!postgres)('Redshift Data API stand-in: queueing', () => {
  let standin: RedshiftStandin;
  let client: RedshiftDataClient;

  beforeAll(async () => {
    standin = await startRedshiftStandin({
      postgres: postgres!,
      s3Root: '/nonexistent',
      latencyMs: 300,
      maxActiveStatements: 1,
      clusters: [{ identifier: 'queued', database: 'dev' }],
    });
    client = dataApiClient(standin.endpoint, 1);
  });

  afterAll(() => standin?.stop());

  test('returns before the SQL runs and limits active statements', async () => {
    const queued = { ClusterIdentifier: 'queued', Database: 'dev', DbUser: 'awsuser' };
    const { Id } = await client.send(new ExecuteStatementCommand({ ...queued, Sql: 'SELECT 1' }));
    const early = await client.send(new DescribeStatementCommand({ Id: Id! }));
    expect(early.Status).toBe('SUBMITTED');
    expect(early.ResultRows).toBe(-1);
    await expect(client.send(new ExecuteStatementCommand({ ...queued, Sql: 'SELECT 2' }))).rejects.toMatchObject({
      name: 'ActiveStatementsExceededException',
    });
    expect((await waitForStatement(client, Id!)).Status).toBe('FINISHED');
    await executeOk(client, queued, 'SELECT 2');
  });
});
