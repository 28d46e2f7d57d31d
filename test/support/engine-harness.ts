import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { queryDuckdb } from './duckdb-query.js';
import type { TestEngine } from './engines.js';
import { createDatabase, dropDatabase, type PostgresConnectionInfo } from './postgres-server.js';
import { startRedshiftStandin, type RedshiftStandin } from './redshift-standin/index.js';
import { DATA_DIR, removeTempProjects } from './temp-project.js';

/** One engine ready for a test: the target to put in project.yml, the env the CLI needs, and direct SQL access. */
export interface EngineContext {
  engine: TestEngine;
  /** YAML for `targets.<name>` (indented by 4 spaces). */
  targetYaml(projectDir: string): string;
  env: Record<string, string>;
  /** Runs SQL on the engine directly (not through sqlkit) and returns rows as objects; DuckDB opens read-only. */
  query(sql: string, projectDir: string): Promise<Record<string, unknown>[]>;
  /** Runs a statement that changes data, directly on the engine, as a user fixing a table by hand would. */
  modify(sql: string, projectDir: string): Promise<void>;
  standin?: RedshiftStandin;
  close(): Promise<void>;
}

const S3_BUCKET = 'udacity-dend';

/** A folder standing in for S3 with the quickstart data at the keys the Sparkify sources use. */
export function sparkifyS3Root(): string {
  const root = mkdtempSync(join(tmpdir(), 'sqlkit-s3-'));
  const bucket = join(root, S3_BUCKET);
  mkdirSync(bucket, { recursive: true });
  symlinkSync(join(DATA_DIR, 'log_data'), join(bucket, 'log_data'), 'dir');
  symlinkSync(join(DATA_DIR, 'song_data'), join(bucket, 'song_data'), 'dir');
  symlinkSync(join(DATA_DIR, 'log_json_path.json'), join(bucket, 'log_json_path.json'), 'file');
  return root;
}

export async function startEngine(engine: TestEngine, postgres: PostgresConnectionInfo | null, options: { s3Root?: string } = {}): Promise<EngineContext> {
  if (engine === 'duckdb') {
    return {
      engine,
      targetYaml: () => '    type: duckdb\n    path: target/warehouse.duckdb\n    threads: 4\n',
      env: {},
      query: (sql, dir) => queryDuckdb(join(dir, 'target', 'warehouse.duckdb'), sql),
      modify: async (sql, dir) => void (await queryDuckdb(join(dir, 'target', 'warehouse.duckdb'), sql, { writable: true })),
      close: async () => undefined,
    };
  }
  if (!postgres) throw new Error(`engine ${engine} needs the test PostgreSQL server (SQLKIT_TEST_ENGINES includes it but none was started)`);
  const suffix = randomBytes(4).toString('hex');
  if (engine === 'postgres') {
    const database = `sqlkit_${suffix}`;
    await createDatabase(postgres, database);
    const info = { ...postgres, database };
    return {
      engine,
      targetYaml: () =>
        `    type: postgres\n    host: ${postgres.host}\n    port: ${postgres.port}\n    user: ${postgres.user}\n    password: "{{ env_var('SQLKIT_TEST_PG_PASSWORD') }}"\n    database: ${database}\n    threads: 4\n`,
      env: { SQLKIT_TEST_PG_PASSWORD: postgres.password },
      query: (sql) => queryPostgres(info, sql),
      modify: async (sql) => void (await queryPostgres(info, sql)),
      close: () => dropDatabase(postgres, database),
    };
  }
  const s3Root = options.s3Root ?? sparkifyS3Root();
  const cluster = `sqlkit-${suffix}`;
  const standin = await startRedshiftStandin({ postgres, s3Root, clusters: [{ identifier: cluster, database: 'dev' }], pageSize: 500 });
  return {
    engine,
    standin,
    targetYaml: () =>
      `    type: redshift\n    cluster_identifier: ${cluster}\n    database: dev\n    db_user: awsuser\n    region: us-east-1\n    endpoint: ${standin.endpoint}\n    iam_role: arn:aws:iam::123456789012:role/sqlkit-test\n    threads: 4\n    poll_initial_ms: 5\n`,
    env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_REGION: 'us-east-1' },
    query: (sql) => queryPostgres(standin.pgConnectionFor(cluster, 'dev'), sql),
    modify: async (sql) => void (await queryPostgres(standin.pgConnectionFor(cluster, 'dev'), sql)),
    close: async () => {
      await standin.stop();
      if (!options.s3Root) rmSync(s3Root, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `engine` before the tests of the enclosing describe block (handing it to `started`) and, after them, closes
 * it and removes the temporary projects they wrote.
 */
export function useEngine(engine: TestEngine, started: (ctx: EngineContext) => void): void {
  let ctx: EngineContext | undefined;
  beforeAll(async () => {
    ctx = await startEngine(engine, inject('postgres'));
    started(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
    removeTempProjects();
  });
}

export async function queryPostgres(info: PostgresConnectionInfo, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ ...info, types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => ([20, 1700, 1082, 1114, 1184].includes(oid) ? (v: string) => v : pg.types.getTypeParser(oid, format ?? 'text')) } });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** A table's rows in a form comparable across engines: values as text (floats to 6 decimals), sorted. */
export function canonicalRows(rows: Record<string, unknown>[]): string[] {
  return rows
    .map((row) =>
      JSON.stringify(
        Object.keys(row)
          .sort()
          .map((key) => canonicalValue(row[key])),
      ),
    )
    .sort();
}

function canonicalValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6);
  if (typeof value === 'bigint') return value.toString();
  const text = String(value);
  if (/^-?\d+\.\d+$/.test(text)) return Number(text).toFixed(6);
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(text)) return text.replace('T', ' ').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return text;
}
