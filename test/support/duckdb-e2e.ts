import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import { queryDuckdb } from './duckdb-query.js';
import { readRunResults, runCli, type CliResult, type RunResultsFile } from './sqlkit-cli.js';
import { duckdbProjectYml, writeProject } from './temp-project.js';

/** An inline DuckDB project in a temp folder, with its database file under target/. */
export interface DuckdbE2eProject {
  dir: string;
  db: string;
  /** Runs the built CLI in the project with `--debug --log-format json` and parses the events it prints. */
  sqlkit(...args: string[]): Promise<SqlkitRun>;
  /** Rows of a query against the project's database (read-only, outside sqlkit). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Writes (or overwrites) project files between runs. */
  write(files: Record<string, string>): void;
  /** Relations whose names carry sqlkit's temporary marker, in any schema. */
  leftovers(): Promise<string[]>;
  /** Columns of a relation, in order. */
  columns(identifier: string, schema?: string): Promise<string[]>;
  relationType(identifier: string, schema?: string): Promise<string | undefined>;
  compiled(path: string): string;
}

export interface SqlkitRun extends CliResult {
  events: Record<string, unknown>[];
  runId: string | undefined;
  /** SQL sent by each node, in order. */
  statements(uniqueId?: string): string[];
  /** run_results.json written by this run (checked by run id, so a stale file from an earlier run is never read). */
  results: RunResultsFile['results'];
  result(name: string): NodeRunResult;
}

export type NodeRunResult = RunResultsFile['results'][number];

export function duckdbE2eProject(files: Record<string, string>, options: { projectExtra?: string; threads?: number } = {}): DuckdbE2eProject {
  const dir = writeProject({
    'project.yml': duckdbProjectYml({ path: 'target/demo.duckdb', ...(options.projectExtra ? { extra: options.projectExtra } : {}), ...(options.threads ? { threads: options.threads } : {}) }),
    ...files,
  });
  const db = join(dir, 'target', 'demo.duckdb');
  const project: DuckdbE2eProject = {
    dir,
    db,
    async sqlkit(...args) {
      const result = await runCli([...args, '--debug', '--log-format', 'json'], { cwd: dir });
      const events = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const runId = events.find((e) => e.event === 'run_started')?.runId as string | undefined;
      let results: RunResultsFile['results'] = [];
      if (runId !== undefined) {
        const file = readRunResults(dir) as RunResultsFile & { runId?: string };
        if (file.runId !== runId) throw new Error(`run_results.json is from run ${file.runId}, not ${runId}`);
        results = file.results;
      }
      return {
        ...result,
        events,
        runId,
        results,
        result(name) {
          const found = results.find((r) => r.name === name);
          if (!found) throw new Error(`no result named ${name} in run_results.json (have ${results.map((r) => r.name).join(', ')})`);
          return found;
        },
        statements: (uniqueId) =>
          events.filter((e) => e.event === 'statement' && (uniqueId === undefined || e.uniqueId === uniqueId)).map((e) => String(e.sql)),
      };
    },
    query: (sql) => queryDuckdb(db, sql),
    write: (more) => void writeProject(more, dir),
    async leftovers() {
      const rows = await queryDuckdb<{ name: string }>(db, `select table_schema || '.' || table_name as name from information_schema.tables where table_name like '%\\_\\_sqlkit\\_%' escape '\\' order by 1`);
      return rows.map((r) => r.name);
    },
    async columns(identifier, schema = 'main') {
      const rows = await queryDuckdb<{ column_name: string }>(
        db,
        `select column_name from information_schema.columns where table_schema = '${schema}' and table_name = '${identifier}' order by ordinal_position`,
      );
      return rows.map((r) => r.column_name);
    },
    async relationType(identifier, schema = 'main') {
      const rows = await queryDuckdb<{ table_type: string }>(db, `select table_type from information_schema.tables where table_schema = '${schema}' and table_name = '${identifier}'`);
      return rows[0]?.table_type;
    },
    compiled: (path) => readFileSync(join(dir, 'target', 'compiled', 'demo', path), 'utf8'),
  };
  return project;
}

/** Runs statements against a DuckDB file read-write, outside sqlkit (e.g. to plant what an interrupted run leaves). */
export async function executeDuckdb(path: string, statements: readonly string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  try {
    const connection = await instance.connect();
    try {
      for (const sql of statements) await connection.run(sql);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** A table model whose rows come from --vars: `{rows: [[id, 'val', ...], ...]}`, column names from `cols`. */
export const RAW_FROM_VARS = `{{ config(materialized='table') }}
select * from (values
{%- for r in var('rows') %}
  ({% for v in r %}{% if v is string %}'{{ v }}'{% else %}{{ v }}{% endif %}{{ ", " if not loop.last }}{% endfor %}){{ "," if not loop.last }}
{%- endfor %}
) as t({{ var('cols', 'id, val') }})
`;

export const vars = (value: Record<string, unknown>): string[] => ['--vars', JSON.stringify(value)];

/** The run printed no error, every node succeeded or passed, and the exit code is 0. */
export function expectOk(run: SqlkitRun): void {
  expectExit(run, 0);
  expect(run.stderr).toBe('');
  expect(run.results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual([]);
}

/** The exit code, with the CLI's output in the failure message so an unexpected code explains itself. */
export function expectExit(run: SqlkitRun, code: number): void {
  expect(run.code, `exit code; stdout:\n${run.stdout.slice(-3000)}\nstderr:\n${run.stderr.slice(-3000)}`).toBe(code);
}
