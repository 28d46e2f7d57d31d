import { DescribeStatementCommand, ExecuteStatementCommand, ListStatementsCommand } from '@aws-sdk/client-redshift-data';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startRedshiftStandin } from '../support/redshift-standin/index.js';
import type { RedshiftStandin } from '../support/redshift-standin/index.js';
import { createSparkifyS3Root } from '../support/sparkify-s3-root.js';
import type { S3Root } from '../support/sparkify-s3-root.js';
import { batch, dataApiClient, execute, executeOk, fetchAll, queryRows, waitForStatement } from './data-api-helpers.js';

const postgres = inject('postgres');
const target = { ClusterIdentifier: 'copy-cluster', Database: 'dev', DbUser: 'awsuser' };
const ROLE = "IAM_ROLE 'arn:aws:iam::123456789012:role/sparkify-loader'";

const STAGING_EVENTS = `CREATE TABLE staging.events (
  artist VARCHAR(256), auth VARCHAR(16), firstname VARCHAR(64), gender CHAR(1), iteminsession INT, lastname VARCHAR(64),
  length DOUBLE PRECISION, level VARCHAR(8), location VARCHAR(256), method VARCHAR(8), page VARCHAR(32),
  registration DOUBLE PRECISION, sessionid INT, song VARCHAR(256), status SMALLINT, ts BIGINT, useragent VARCHAR(512), userid INT)`;

const FIXTURES = [
  '{"id": "1", "amount": 20.259, "label": "", "code": "ééé", "happened": 1541105830, "flag": "t"}',
  '{"id": "", "amount": "3", "label": "x", "code": "ab",',
  '   "happened": "1541105830.5", "flag": false}',
  '{"id": "1.0", "amount": 1, "label": "bad int", "code": "c", "happened": 0, "flag": true}',
  '{"id": 4, "amount": 1, "label": "too long", "code": "ééééé", "happened": 0, "flag": true} {"id": 5, "amount": -0.001, "label": "neg", "code": "", "happened": null, "flag": null}',
].join('\n');

describe.skipIf(!postgres)('COPY … FORMAT AS JSON from the local S3 folder', () => {
  let standin: RedshiftStandin;
  let client: RedshiftDataClient;
  let s3: S3Root;

  beforeAll(async () => {
    s3 = await createSparkifyS3Root();
    await mkdir(path.join(s3.root, 'fixtures', 'typed'), { recursive: true });
    await writeFile(path.join(s3.root, 'fixtures', 'typed', 'part-0.json'), FIXTURES);
    standin = await startRedshiftStandin({ postgres: postgres!, s3Root: s3.root, clusters: [{ identifier: 'copy-cluster' }] });
    client = dataApiClient(standin.endpoint, 1);
    await executeOk(client, target, 'CREATE SCHEMA staging');
  });

  afterAll(async () => {
    await standin?.stop();
    await s3?.cleanup();
  });

  test('loads the Sparkify events with the jsonpaths file: 8,056 rows, empty userId as NULL', async () => {
    await executeOk(client, target, STAGING_EVENTS);
    const copied = await executeOk(
      client,
      target,
      `COPY staging.events FROM 's3://udacity-dend/log_data' ${ROLE} REGION 'us-west-2' FORMAT AS JSON 's3://udacity-dend/log_json_path.json'`,
    );
    expect(copied.ResultRows).toBe(8056);
    expect(
      await queryRows(
        client,
        target,
        "SELECT count(*), count(userid), count(DISTINCT userid), sum(CASE WHEN page = 'NextSong' THEN 1 ELSE 0 END) FROM staging.events",
      ),
    ).toEqual([[8056, 7770, 97, 6820]]);
    expect(await queryRows(client, target, 'SELECT firstname, userid, registration, sessionid FROM staging.events WHERE ts = 1541105830796')).toEqual([
      ['Walter', 39, 1540919166796, 38],
    ]);
  });

  test("loads the 14,896 Sparkify songs with JSON 'auto'", async () => {
    await executeOk(
      client,
      target,
      `CREATE TABLE staging.songs (num_songs INT, artist_id VARCHAR(32), artist_latitude DOUBLE PRECISION, artist_longitude DOUBLE PRECISION,
         artist_location VARCHAR(512), artist_name VARCHAR(512), song_id VARCHAR(32), title VARCHAR(512), duration DOUBLE PRECISION, year INT)`,
    );
    const copied = await executeOk(client, target, `COPY staging.songs FROM 's3://udacity-dend/song_data' ${ROLE} FORMAT AS JSON 'auto' COMPUPDATE OFF STATUPDATE ON`);
    expect(copied.ResultRows).toBe(14896);
    expect(await queryRows(client, target, 'SELECT count(*), count(DISTINCT song_id), count(DISTINCT artist_id) FROM staging.songs')).toEqual([[14896, 14896, 9553]]);
  });

  test("'auto' matches keys case-sensitively; 'auto ignorecase' does not", async () => {
    await executeOk(client, target, 'CREATE TABLE staging.names (firstname VARCHAR(64), artist VARCHAR(256), ts TIMESTAMP)');
    const day = "'s3://udacity-dend/log_data/2018/11/2018-11-01'";
    await executeOk(client, target, `COPY staging.names FROM ${day} ${ROLE} JSON 'auto' TIMEFORMAT 'epochmillisecs'`);
    expect(await queryRows(client, target, 'SELECT count(*), count(firstname), min(ts)::varchar FROM staging.names')).toEqual([[15, 0, '2018-11-01 20:57:10.796']]);
    await executeOk(client, target, 'DELETE FROM staging.names');
    await executeOk(client, target, `COPY staging.names (firstname, ts) FROM ${day} ${ROLE} JSON 'auto ignorecase' TIMEFORMAT 'epochmillisecs'`);
    expect(await queryRows(client, target, 'SELECT count(*), count(firstname), count(artist) FROM staging.names')).toEqual([[15, 15, 0]]);
  });

  test('matches S3 keys by prefix, recursively', async () => {
    await executeOk(client, target, 'CREATE TABLE staging.early_events (ts BIGINT)');
    const copied = await executeOk(client, target, `COPY staging.early_events FROM 's3://udacity-dend/log_data/2018/11/2018-11-0' ${ROLE} JSON 'auto'`);
    expect(copied.ResultRows).toBe(1786);
    const missing = await execute(client, target, `COPY staging.early_events FROM 's3://udacity-dend/log_data_missing' ${ROLE} JSON 'auto'`);
    expect(missing.Error).toBe("ERROR: The specified S3 prefix 'log_data_missing' does not exist");
  });

  test('a failed load rolls back but its stl_load_errors rows survive', async () => {
    const create = 'CREATE TABLE staging.strict_events (registration BIGINT, userid INT)';
    const copy = `COPY staging.strict_events FROM 's3://udacity-dend/log_data' ${ROLE} JSON 'auto'`;
    const failed = await batch(client, target, [create, copy]);
    expect(failed.Status).toBe('FAILED');
    expect(failed.Error).toBe("ERROR: Load into table 'strict_events' failed.  Check 'stl_load_errors' system table for details.");
    const queryId = failed.SubStatements![1]!.RedshiftQueryId;
    expect(await execute(client, target, 'SELECT 1 FROM staging.strict_events')).toMatchObject({ Status: 'FAILED' });
    expect(
      await queryRows(
        client,
        target,
        `SELECT trim(filename), line_number, trim(colname), trim(type), position, trim(raw_field_value), err_code, trim(err_reason)
           FROM stl_load_errors WHERE query = ${queryId}`,
      ),
    ).toEqual([
      ['s3://udacity-dend/log_data/2018/11/2018-11-01-events.json', 1, 'registration', 'int8', 13, '1540919166796.0', 1207, "Invalid digit, Value '.', Pos 13, Type: Long"],
    ]);
  });

  test('MAXERROR lets a load succeed with bad rows logged, and pg_last_copy_id() names it', async () => {
    await executeOk(client, target, 'CREATE TABLE staging.tolerant_events (registration BIGINT, userid INT)');
    const loaded = await batch(client, target, [
      `COPY staging.tolerant_events FROM 's3://udacity-dend/log_data' ${ROLE} JSON 'auto ignorecase' MAXERROR AS 10000`,
      'SELECT pg_last_copy_id(), pg_last_copy_count()',
    ]);
    expect(loaded.Status).toBe('FINISHED');
    const copy = loaded.SubStatements![0]!;
    expect(copy.ResultRows).toBe(286);
    const { records } = await fetchAll(client, `${loaded.Id}:2`);
    expect(records).toEqual([[{ longValue: copy.RedshiftQueryId }, { longValue: 286 }]]);
    expect(await queryRows(client, target, `SELECT count(*) FROM stl_load_errors WHERE query = ${copy.RedshiftQueryId}`)).toEqual([[7770]]);
    expect(await queryRows(client, target, 'SELECT count(*), count(registration), count(userid) FROM staging.tolerant_events')).toEqual([[286, 0, 0]]);
    expect(await queryRows(client, target, 'SELECT pg_last_copy_id()')).toEqual([[-1]]);
  });

  test('converts values by Redshift rules: empty strings, integer literals, byte lengths, DECIMAL truncation, epochs', async () => {
    await executeOk(
      client,
      target,
      'CREATE TABLE staging.typed (id INT, amount DECIMAL(6,2), label VARCHAR(10), code VARCHAR(6), happened TIMESTAMP, flag BOOLEAN)',
    );
    const source = `FROM 's3://fixtures/typed/' ${ROLE} JSON 'auto' TIMEFORMAT 'epochsecs' MAXERROR 10`;
    const copied = await executeOk(client, target, `COPY staging.typed ${source}`);
    expect(copied.ResultRows).toBe(3);
    const rows = 'SELECT id, amount::varchar, label, code, happened::varchar, flag FROM staging.typed ORDER BY label';
    expect(await queryRows(client, target, rows)).toEqual([
      [1, '20.25', '', 'ééé', '2018-11-01 20:57:10', true],
      [5, '0.00', 'neg', '', null, null],
      [null, '3.00', 'x', 'ab', '2018-11-01 20:57:10.5', false],
    ]);
    expect(
      await queryRows(client, target, `SELECT line_number, trim(colname), err_code, trim(err_reason) FROM stl_load_errors WHERE query = ${copied.RedshiftQueryId} ORDER BY line_number`),
    ).toEqual([
      [4, 'id', 1207, "Invalid digit, Value '.', Pos 1, Type: Integer"],
      [5, 'code', 1204, 'String length exceeds DDL length'],
    ]);

    await executeOk(client, target, 'DELETE FROM staging.typed');
    await executeOk(client, target, `COPY staging.typed ${source} ROUNDEC EMPTYASNULL TRUNCATECOLUMNS`);
    expect(await queryRows(client, target, rows.replace('ORDER BY label', 'ORDER BY id'))).toEqual([
      [1, '20.26', null, 'ééé', '2018-11-01 20:57:10', true],
      [4, '1.00', 'too long', 'ééé', '1970-01-01 00:00:00', true],
      [5, '0.00', 'neg', null, null, null],
      [null, '3.00', 'x', 'ab', '2018-11-01 20:57:10.5', false],
    ]);
  });

  test('rejects bad COPY commands with Redshift errors', async () => {
    await executeOk(client, target, 'CREATE TABLE staging.short_events (artist VARCHAR(256), auth VARCHAR(16))');
    const mismatch = await execute(client, target, `COPY staging.short_events FROM 's3://udacity-dend/log_data' ${ROLE} JSON 's3://udacity-dend/log_json_path.json'`);
    expect(mismatch.Error).toBe('ERROR: Number of jsonpaths and the number of columns should match. JSONPath size: 18, Number of columns in table or column list: 2');
    const csv = await execute(client, target, `COPY staging.short_events FROM 's3://udacity-dend/log_data' ${ROLE} JSON 'auto' DELIMITER ','`);
    expect(csv.Error).toMatch(/^ERROR: DELIMITER is not supported with FORMAT JSON/);
    const noAuth = await execute(client, target, "COPY staging.short_events FROM 's3://udacity-dend/log_data' JSON 'auto'");
    expect(noAuth.Error).toMatch(/Missing authorization/);
    const noTable = await execute(client, target, `COPY staging.nope FROM 's3://udacity-dend/log_data' ${ROLE} JSON 'auto'`);
    expect(noTable.Error).toMatch(/^ERROR: Cannot COPY into nonexistent table nope/);
  });

  test('redacts credentials from QueryString, ListStatements, the statement log and errors', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const keyId = 'AKIAIOSFODNN7EXAMPLE';
    const sql = `COPY staging.missing_table FROM 's3://udacity-dend/log_data' ACCESS_KEY_ID '${keyId}' SECRET_ACCESS_KEY '${secret}' SESSION_TOKEN 'tok-123456' JSON 'auto'`;
    const { Id } = await client.send(new ExecuteStatementCommand({ ...target, Sql: sql, StatementName: 'redaction-check' }));
    const described = await waitForStatement(client, Id!);
    expect(described.Status).toBe('FAILED');
    expect(described.QueryString).toBe(
      "COPY staging.missing_table FROM 's3://udacity-dend/log_data' ACCESS_KEY_ID '****' SECRET_ACCESS_KEY '****' SESSION_TOKEN '****' JSON 'auto'",
    );
    const credentials = `COPY staging.short_events FROM 's3://udacity-dend/nothing' CREDENTIALS 'aws_access_key_id=${keyId};aws_secret_access_key=${secret}' JSON 'auto'`;
    const second = await execute(client, target, credentials);
    expect(second.QueryString).toBe("COPY staging.short_events FROM 's3://udacity-dend/nothing' CREDENTIALS '****' JSON 'auto'");
    const listed = await client.send(new ListStatementsCommand({ StatementName: 'redaction-check' }));
    const everything = JSON.stringify([described, second, listed.Statements, standin.statements, await client.send(new DescribeStatementCommand({ Id: second.Id! }))]);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(keyId);
    expect(everything).not.toContain('tok-123456');
    expect(JSON.stringify(standin.statements)).not.toContain('sparkify-loader');
  });
});
