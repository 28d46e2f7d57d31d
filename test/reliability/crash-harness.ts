import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startEngine, type EngineContext } from '../support/engine-harness.js';
import type { PostgresConnectionInfo } from '../support/postgres-server.js';
import { readRunResults, runCli, type CliResult } from '../support/sqlkit-cli.js';
import { CRASH_ROWS, CRASH_SCHEMA, CRASH_TABLES, CRASH_VIEWS, LOG_ROWS_PER_RUN, withReader, writeCrashProject, type Reader } from './crash-project.js';
import { startCli } from './live-cli.js';

export const CRASH_RELATIONS: readonly string[] = [...CRASH_TABLES, ...CRASH_VIEWS];

/**
 * PostgreSQL: every catalog change takes 50 ms more, so swaps fill a good part of a run and random kills land
 * between their statements often (a swap that were not one transaction would then lose tables).
 */
const SLOW_DDL = `create or replace function public.sqlkit_test_slow_ddl() returns event_trigger language plpgsql as $$ begin perform pg_sleep(0.05); end $$;
create event trigger sqlkit_test_slow_ddl on ddl_command_end when tag in ('ALTER TABLE', 'ALTER VIEW', 'DROP TABLE', 'DROP VIEW', 'CREATE VIEW') execute function public.sqlkit_test_slow_ddl();`;

/** The crash project on one engine, built twice (a first build, then an incremental run) and timed. */
export interface CrashHarness {
  ctx: EngineContext;
  dir: string;
  rows: number;
  /** From run_started to exit, of a complete incremental run. */
  runMs: number;
  /** When each node finished in that run, relative to run_started: its swap or delete+insert committed just before. */
  commits: number[];
  read<T>(use: (reader: Reader) => Promise<T>): Promise<T>;
  /** A complete `sqlkit run` of `version`; fails the test unless it exits 0. */
  run(version: number): Promise<CliResult>;
  checksums(reader: Reader): Promise<Record<string, string>>;
  /** After a complete run of `version`: each table holds what its compiled SQL selects, incrementals by formula. */
  expectComplete(reader: Reader, version: number): Promise<void>;
  /** PostgreSQL sessions sqlkit still has in the database (a killed run's, until the server notices). */
  sqlkitBackends(): Promise<number>;
  /**
   * A delay after run_started: one trial in three anywhere in the run, the others shortly before a node's commit in
   * the timed run, where swaps and delete+inserts happen (run-to-run jitter spreads them around it).
   */
  pickDelay(trial: number, random: () => number): number;
}

export async function startCrashHarness(engine: 'duckdb' | 'postgres', postgres: PostgresConnectionInfo | null): Promise<CrashHarness> {
  const ctx = await startEngine(engine, postgres);
  const rows = CRASH_ROWS[engine];
  const dir = writeCrashProject(ctx, rows);
  const database = /database: (\S+)/.exec(ctx.targetYaml(''))?.[1];
  const read = <T>(use: (reader: Reader) => Promise<T>) => withReader(ctx, dir, postgres && database ? { ...postgres, database } : undefined, use);
  const run = async (version: number) => {
    const result = await runCli(['run', '--vars', `{v: ${version}}`], { cwd: dir, env: ctx.env });
    expect(result.code, `run v${version}:\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result;
  };
  const checksums = async (reader: Reader) => {
    const found: Record<string, string> = {};
    for (const name of CRASH_RELATIONS) found[name] = await reader.checksum(name);
    return found;
  };
  const expectComplete = async (reader: Reader, version: number) => {
    expect(readRunResults(dir).results.every((r) => r.status === 'success')).toBe(true);
    for (const name of CRASH_TABLES.filter((t) => t !== 'events' && t !== 'log')) {
      const compiled = readFileSync(join(dir, 'target', 'compiled', 'crash', 'models', `${name}.sql`), 'utf8');
      expect(await reader.checksum(name), `${name} v${version}`).toBe(await reader.queryChecksum(compiled));
    }
    const count = async (sql: string) => Number((await reader.query(`select count(*) as n from ${CRASH_SCHEMA}.${sql}`))[0]!.n);
    expect(await count('events')).toBe(rows);
    expect(await count(`events where version = ${version}`)).toBe(rows / 4);
    expect(await count('log')).toBe(LOG_ROWS_PER_RUN * version);
    expect(await count(`log where version = ${version}`)).toBe(LOG_ROWS_PER_RUN);
    expect(await count('base_head')).toBe(1000);
  };

  if (engine === 'postgres') await read((reader) => reader.query(SLOW_DDL));
  await run(1);
  const timed = startCli(['run', '--vars', '{v: 2}'], { cwd: dir, env: ctx.env });
  const runStarted = await timed.waitForEvent((e) => e.event === 'run_started');
  const started = Date.now();
  expect((await timed.done).code).toBe(0);
  const runMs = Date.now() - started;
  const commits = timed.events.filter((e) => e.event === 'node_finished').map((e) => timed.receivedAt(e) - timed.receivedAt(runStarted));

  return {
    ctx,
    dir,
    rows,
    runMs,
    commits,
    read,
    run,
    checksums,
    expectComplete,
    async sqlkitBackends() {
      const found = await ctx.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'sqlkit'", dir);
      return Number(found[0]!.n);
    },
    pickDelay(trial, random) {
      const pick = random();
      if (trial % 3 === 1) return Math.round(pick * runMs);
      return Math.max(0, Math.round(commits[Math.floor(pick * commits.length)]! - 250 + random() * 300));
    },
  };
}

export function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
