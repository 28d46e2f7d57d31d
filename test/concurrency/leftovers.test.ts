import { describe, expect, inject, it } from 'vitest';
import { useEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { runCli } from '../support/sqlkit-cli.js';
import { backingDatabase, checkTables, concurrencyProject, connect, expectedTables, temporaryRelations } from './concurrency-support.js';

const engines = testEngines().filter((e): e is 'postgres' | 'redshift' => e === 'postgres' || e === 'redshift');

/** Leftovers made by hand, named as a run would name them: `<model>__sqlkit_<kind>_<run id>`. */
function leftovers(schema: string, runId: string): { names: string[]; create: string[] } {
  const table = `${schema}.squares__sqlkit_new_${runId}`;
  const staging = `${schema}.inc_doubled__sqlkit_incr_${runId}`;
  const view = `${schema}.buckets__sqlkit_old_${runId}`;
  return {
    names: [view, table, staging].sort(),
    create: [`create table ${table} as select 1 as id`, `create table ${staging} as select 1 as id`, `create view ${view} as select 1 as id`],
  };
}

describe.each(engines)('leftover temporary relations on %s', (engine) => {
  let ctx: EngineContext;
  useEngine(engine, (started) => (ctx = started));

  it("a dead run's leftovers are dropped by the next run", async () => {
    const schema = 'dead';
    const dir = concurrencyProject(ctx, schema);
    const setup = await runCli(['run'], { cwd: dir, env: ctx.env });
    expect(setup.code, setup.stdout + setup.stderr).toBe(0);
    // No lock held and no registry row: the run that made these is over.
    const dead = leftovers(schema, '0dead00001');
    for (const sql of dead.create) await ctx.query(sql, dir);
    expect(await temporaryRelations(ctx, dir)).toEqual(dead.names);

    const run = await runCli(['run'], { cwd: dir, env: ctx.env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await temporaryRelations(ctx, dir)).toEqual([]);
    expect(await checkTables(ctx, dir, schema)).toEqual(expectedTables());
  });

  if (engine === 'postgres') {
    it('a leftover whose run still holds its advisory lock stays until the lock is released', async () => {
      const schema = 'alive';
      const dir = concurrencyProject(ctx, schema);
      const owner = await connect(backingDatabase(ctx, inject('postgres')!));
      try {
        await owner.query("select pg_advisory_lock(hashtext('sqlkit-run:0a11ce0001'))");
        const setup = await runCli(['run'], { cwd: dir, env: ctx.env });
        expect(setup.code, setup.stdout + setup.stderr).toBe(0);
        const alive = leftovers(schema, '0a11ce0001');
        for (const sql of alive.create) await ctx.query(sql, dir);

        const run = await runCli(['run'], { cwd: dir, env: ctx.env });
        expect(run.code, run.stdout + run.stderr).toBe(0);
        expect(await temporaryRelations(ctx, dir)).toEqual(alive.names);

        await owner.query("select pg_advisory_unlock(hashtext('sqlkit-run:0a11ce0001'))");
        const after = await runCli(['run'], { cwd: dir, env: ctx.env });
        expect(after.code, after.stdout + after.stderr).toBe(0);
        expect(await temporaryRelations(ctx, dir)).toEqual([]);
      } finally {
        await owner.end();
      }
    });
  }

  if (engine === 'redshift') {
    it('a leftover whose run has a fresh registry row stays; once the heartbeat is stale it is dropped with the row', async () => {
      const schema = 'alive';
      // Long enough that the row inserted below stays fresh for the whole run.
      const dir = concurrencyProject(ctx, schema, '    stale_run_seconds: 600\n');
      const setup = await runCli(['run'], { cwd: dir, env: ctx.env });
      expect(setup.code, setup.stdout + setup.stderr).toBe(0);
      // The stand-in's getdate() is the backing PostgreSQL's local time, like localtimestamp here.
      await ctx.query(`insert into ${schema}.sqlkit_runs (run_id, started_at, heartbeat_at) values ('0a11ce0001', localtimestamp, localtimestamp)`, dir);
      const alive = leftovers(schema, '0a11ce0001');
      for (const sql of alive.create) await ctx.query(sql, dir);

      const run = await runCli(['run'], { cwd: dir, env: ctx.env });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(await temporaryRelations(ctx, dir)).toEqual(alive.names);
      expect(await ctx.query(`select run_id from ${schema}.sqlkit_runs`, dir)).toEqual([{ run_id: '0a11ce0001' }]);

      await ctx.query(`update ${schema}.sqlkit_runs set heartbeat_at = localtimestamp - interval '601 seconds'`, dir);
      const after = await runCli(['run'], { cwd: dir, env: ctx.env });
      expect(after.code, after.stdout + after.stderr).toBe(0);
      expect(await temporaryRelations(ctx, dir)).toEqual([]);
      expect(await ctx.query(`select run_id from ${schema}.sqlkit_runs`, dir)).toEqual([]);
    });
  }
});
