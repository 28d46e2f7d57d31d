import { DescribeStatementCommand, ListStatementsCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { describe, expect, it } from 'vitest';
import { useEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { readRunResults, runCli } from '../support/sqlkit-cli.js';
import { writeProject } from '../support/temp-project.js';
import { startCli, waitUntil } from './live-cli.js';

const engines = testEngines();

/**
 * Ctrl-C during a run, on every engine: scheduling stops, the statement in flight is cancelled in the warehouse
 * (DuckDB interrupt, PostgreSQL pg_cancel_backend, Redshift CancelStatement), run_results.json records what finished,
 * what was cut short and what never started, the old table is untouched and the process exits 130.
 *
 * `slow` reads `first`; with var slow it runs something that would take far longer than any test: a cross join of
 * 10^14 rows on DuckDB, pg_sleep(600) on PostgreSQL, and on Redshift the stand-in sleeps 600 s before its CREATE.
 * `zz_other` is ready at the same time as `slow` but sorts after it, so with one thread it is still queued.
 */
function interruptProject(ctx: EngineContext, schema: string): string {
  return writeProject({
    'project.yml': `name: intr
models:
  +materialized: table
targets:
  dev:
${ctx.targetYaml('')}    schema: ${schema}
`,
    'macros/slow_clause.sql': `{% macro duckdb__slow_clause() %}where (select sum((a.range * b.range) % 7) from range(100000000) as a, range(1000000) as b) >= 0{% endmacro %}
{% macro postgres__slow_clause() %}where (select 1 from pg_sleep(600)) = 1{% endmacro %}
{% macro redshift__slow_clause() %}{% endmacro %}
`,
    'models/first.sql': "select 1 as id, {{ var('version') }} as version",
    'models/slow.sql': "select id, {{ var('version') }} as version from {{ ref('first') }}\n{% if var('slow', false) %}{{ slow_clause() }}{% endif %}",
    'models/slow_child.sql': "select id, version from {{ ref('slow') }}",
    'models/zz_other.sql': "select id, {{ var('version') }} as version from {{ ref('first') }}",
  });
}

interface RunResultsWithRun {
  runId: string;
  interrupted: boolean;
  results: { name: string; status: string; message: string; error?: { code: string } }[];
}

describe.each(engines)('Ctrl-C on %s', (engine) => {
  let ctx: EngineContext;
  useEngine(engine, (started) => (ctx = started));

  it('cancels the running statement, marks interrupted and not-started nodes, keeps the old table, exits 130', async () => {
    const schema = 'intr';
    const dir = interruptProject(ctx, schema);
    const env = ctx.env;
    const first = await runCli(['run', '--vars', '{version: 1}'], { cwd: dir, env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const table = (name: string) => `${schema}.${name}`;
    const versions = async () =>
      Object.fromEntries(
        await Promise.all(
          ['first', 'slow', 'slow_child', 'zz_other'].map(async (name) => [name, Number((await ctx.query(`select max(version) as v from ${table(name)}`, dir))[0]!.v)] as const),
        ),
      );
    expect(await versions()).toEqual({ first: 1, slow: 1, slow_child: 1, zz_other: 1 });

    if (engine === 'redshift') ctx.standin!.faults.slowStatement(`"${schema}"."slow__sqlkit_new_`, 600_000);
    const run = startCli(['run', '--threads', '1', '--vars', '{version: 2, slow: true}'], { cwd: dir, env });
    const runId = String((await run.waitForEvent((e) => e.event === 'run_started')).runId);
    await run.waitForEvent((e) => e.event === 'statement' && e.uniqueId === 'model.intr.slow');
    // Wait until the slow statement is really executing in the warehouse where we can see it.
    if (engine === 'postgres') await waitUntil(async () => (await activeSleeps()) === 1, 'pg_sleep runs');
    if (engine === 'redshift') await waitUntil(() => ctx.standin!.faults.injected.some((f) => f.kind === 'slow'), 'the stand-in sleeps');
    run.signal('SIGINT');
    const exited = await run.done;
    expect(exited.code, exited.stdout + exited.stderr).toBe(130);
    expect(exited.stderr).toContain('Interrupted: cancelling running statements');

    // The statement was stopped in the warehouse, not just abandoned by the client.
    if (engine === 'postgres') expect(await activeSleeps()).toBe(0);
    if (engine === 'redshift') {
      const slowId = ctx.standin!.statements.findLast((s) => s.sql.includes(`"${schema}"."slow__sqlkit_new_`))!.id.split(':')[0]!;
      const client = new RedshiftDataClient({ endpoint: ctx.standin!.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
      try {
        expect((await client.send(new DescribeStatementCommand({ Id: slowId }))).Status).toBe('ABORTED');
        const aborted = await client.send(new ListStatementsCommand({ Status: 'ABORTED', MaxResults: 100 }));
        expect(aborted.Statements?.map((s) => s.Id)).toContain(slowId);
      } finally {
        client.destroy();
      }
      expect(await activeSleeps()).toBe(0);
    }

    const results = readRunResults(dir) as unknown as RunResultsWithRun;
    expect(results.runId).toBe(runId);
    expect(results.interrupted).toBe(true);
    const byName = Object.fromEntries(results.results.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['first', 'slow', 'slow_child', 'zz_other']);
    expect(byName.first!.status).toBe('success');
    expect(byName.slow).toMatchObject({ status: 'error', error: { code: 'ADAPTER_CANCELLED' } });
    expect(byName.slow!.message).toMatch(/^interrupted: /);
    for (const name of ['slow_child', 'zz_other']) expect(byName[name]).toMatchObject({ status: 'skipped', message: 'not started: the run was interrupted' });

    // first was rebuilt; slow's build was rolled back; nothing after it ran; no temporary relation is left.
    expect(await versions()).toEqual({ first: 2, slow: 1, slow_child: 1, zz_other: 1 });
    expect(await leftovers()).toEqual([]);

    const again = await runCli(['run', '--vars', '{version: 3}'], { cwd: dir, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(await versions()).toEqual({ first: 3, slow: 3, slow_child: 3, zz_other: 3 });

    async function activeSleeps(): Promise<number> {
      const rows = await ctx.query("select count(*)::int as n from pg_stat_activity where state = 'active' and query like '%pg_sleep%' and pid <> pg_backend_pid()", dir);
      return Number(rows[0]!.n);
    }
    async function leftovers(): Promise<string[]> {
      const sql =
        engine === 'duckdb'
          ? "select table_name as name from information_schema.tables where table_name like '%\\_\\_sqlkit\\_%' escape '\\'"
          : "select relname as name from pg_class where relname like '%\\_\\_sqlkit\\_%'";
      return (await ctx.query(sql, dir)).map((r) => String(r.name));
    }
  });
});
