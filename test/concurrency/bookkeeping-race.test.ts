import { describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../reliability/live-cli.js';
import { useEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { readRunResults, runCli } from '../support/sqlkit-cli.js';
import { writeProject } from '../support/temp-project.js';
import { backingDatabase, connect, waitingOnLock } from './concurrency-support.js';

const engines = testEngines();

/**
 * `create ... if not exists` is not safe under concurrency in PostgreSQL: two sessions can both find the object
 * missing, and the later one fails with `duplicate key value violates unique constraint "pg_type_typname_nsp_index"`
 * (or `pg_namespace_nspname_index` for a schema) once the first commits. Each test below holds the first creation
 * open in a transaction of its own, waits until sqlkit's creation is queued behind it, commits, and expects the run
 * to succeed. The tables are created here with the columns sqlkit gives them.
 */
const LOADED_FILES_DDL = '(source_name varchar(256), filename varchar(1024), size bigint, modified_ms bigint, run_id varchar(64), loaded_at timestamp)';
const LOAD_ERRORS_DDL =
  '(loaded_at timestamp, run_id varchar(64), source_name varchar(256), filename varchar(1024), line_number bigint, column_name varchar(256), reason varchar(1024), raw_line varchar(65535))';

const line = (id: number) => JSON.stringify({ id, name: `row ${id}` });

/** Two incremental sources loading into one schema at the same time; `events_b` has one bad line. */
function sourcesProject(ctx: EngineContext, schema: string): string {
  const table = (name: string) => `      - name: ${name}
        incremental: true
        max_errors: 1
        location:
          local: { path: data/${name} }
        columns:
          - { name: id, type: integer }
          - { name: name, type: varchar(32) }
`;
  return writeProject({
    'project.yml': `name: books\ntargets:\n  dev:\n${ctx.targetYaml('')}`,
    'sources/raw.yml': `sources:\n  - name: raw\n    schema: ${schema}\n    tables:\n${table('events_a')}${table('events_b')}`,
    'data/events_a/1.jsonl': `${line(1)}\n${line(2)}\n`,
    'data/events_b/1.jsonl': `${line(3)}\n{"id": "four", "name": "not an integer"}\n${line(5)}\n`,
  });
}

describe.runIf(engines.includes('postgres'))('bookkeeping tables created while another session creates them, on postgres', () => {
  let ctx: EngineContext;
  useEngine('postgres', (started) => (ctx = started));

  const cases = [
    { what: 'the schema', object: (schema: string) => `create schema ${schema}`, waitsOn: 'create schema', schemaExists: false },
    { what: 'sqlkit_loaded_files', object: (schema: string) => `create table ${schema}.sqlkit_loaded_files ${LOADED_FILES_DDL}`, waitsOn: 'sqlkit_loaded_files', schemaExists: true },
    { what: 'sqlkit_load_errors', object: (schema: string) => `create table ${schema}.sqlkit_load_errors ${LOAD_ERRORS_DDL}`, waitsOn: 'sqlkit_load_errors', schemaExists: true },
  ];

  for (const [index, c] of cases.entries()) {
    it(`a load succeeds when another session creates ${c.what} at the same moment`, async () => {
      const schema = `books_${index}`;
      const dir = sourcesProject(ctx, schema);
      if (c.schemaExists) await ctx.query(`create schema ${schema}`, dir);
      const other = await connect(backingDatabase(ctx, inject('postgres')!));
      try {
        await other.query('begin');
        await other.query(c.object(schema));
        const run = runCli(['run'], { cwd: dir, env: ctx.env });
        await waitUntil(async () => (await waitingOnLock(ctx, dir, c.waitsOn)) > 0, `sqlkit waits for the other creation of ${c.what}`);
        await other.query('commit');
        const done = await run;
        expect(done.code, done.stdout + done.stderr).toBe(0);
      } finally {
        await other.end();
      }
      expect(await ctx.query(`select id from ${schema}.events_a union all select id from ${schema}.events_b order by 1`, dir)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 5 }]);
      expect(await ctx.query(`select source_name, filename from ${schema}.sqlkit_loaded_files order by 1`, dir)).toEqual([
        { source_name: 'raw.events_a', filename: 'data/events_a/1.jsonl' },
        { source_name: 'raw.events_b', filename: 'data/events_b/1.jsonl' },
      ]);
      expect(await ctx.query(`select source_name, line_number from ${schema}.sqlkit_load_errors`, dir)).toEqual([{ source_name: 'raw.events_b', line_number: '2' }]);
      expect(readRunResults(dir).results.map((r) => r.status)).toEqual(['success', 'success']);
    });
  }
});

describe.runIf(engines.includes('redshift'))('the run registry created while another session creates it, on redshift', () => {
  let ctx: EngineContext;
  useEngine('redshift', (started) => (ctx = started));

  it('a run registers when another session creates sqlkit_runs at the same moment', async () => {
    const schema = 'registry';
    const dir = writeProject({
      'project.yml': `name: reg\ntargets:\n  dev:\n${ctx.targetYaml('')}    schema: ${schema}\n`,
      'models/one.sql': 'select 1 as id',
    });
    await ctx.query(`create schema ${schema}`, dir);
    const other = await connect(backingDatabase(ctx, inject('postgres')!));
    try {
      await other.query('begin');
      await other.query(`create table ${schema}.sqlkit_runs (run_id varchar(64), started_at timestamp, heartbeat_at timestamp)`);
      const run = runCli(['run'], { cwd: dir, env: ctx.env });
      await waitUntil(async () => (await waitingOnLock(ctx, dir, 'sqlkit_runs')) > 0, 'sqlkit waits for the other creation of sqlkit_runs');
      await other.query('commit');
      const done = await run;
      expect(done.code, done.stdout + done.stderr).toBe(0);
    } finally {
      await other.end();
    }
    expect(await ctx.query(`select id from ${schema}.one`, dir)).toEqual([{ id: 1 }]);
    expect(await ctx.query(`select run_id from ${schema}.sqlkit_runs`, dir)).toEqual([]);
  });
});
