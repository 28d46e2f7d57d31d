import { describe, expect, inject, it } from 'vitest';
import { startCli, waitUntil } from '../reliability/live-cli.js';
import { useEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { runCli } from '../support/sqlkit-cli.js';
import { backingDatabase, checkTables, concurrencyProject, connect, expectedTables, temporaryRelations } from './concurrency-support.js';

const engines = testEngines().filter((e): e is 'postgres' | 'redshift' => e === 'postgres' || e === 'redshift');
/** Short on purpose: the run held up below outlives it several times over, kept alive only by its heartbeat. */
const STALE_SECONDS = 2;

/**
 * Two `sqlkit run`s of one project at the same time on engines where that is allowed. Each must leave the other's
 * temporary relations alone: PostgreSQL runs hold an advisory lock per run, Redshift runs register and heartbeat
 * in `<schema>.sqlkit_runs`, and cleanup drops only relations whose run is over.
 */
describe.each(engines)('concurrent runs on %s', (engine) => {
  let ctx: EngineContext;
  useEngine(engine, (started) => (ctx = started));

  const targetExtra = engine === 'redshift' ? `    stale_run_seconds: ${STALE_SECONDS}\n` : '';

  it('two runs started together both succeed, build correct tables and leave nothing behind', async () => {
    const schema = 'together';
    const dir = concurrencyProject(ctx, schema, targetExtra);
    const setup = await runCli(['run'], { cwd: dir, env: ctx.env });
    expect(setup.code, setup.stdout + setup.stderr).toBe(0);

    const first = runCli(['run'], { cwd: dir, env: ctx.env });
    const second = runCli(['run'], { cwd: dir, env: ctx.env });
    const [a, b] = await Promise.all([first, second]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(0);

    expect(await checkTables(ctx, dir, schema)).toEqual(expectedTables());
    expect(await temporaryRelations(ctx, dir)).toEqual([]);
    if (engine === 'redshift') expect(await ctx.query(`select run_id from ${schema}.sqlkit_runs`, dir)).toEqual([]);
  });

  it("a run starting while another is mid-build leaves the other's temporary table alone", async () => {
    const schema = 'midbuild';
    const dir = concurrencyProject(ctx, schema, targetExtra);
    const setup = await runCli(['run'], { cwd: dir, env: ctx.env });
    expect(setup.code, setup.stdout + setup.stderr).toBe(0);

    // SHARE mode lets the incremental model read its table and build its staging table, but holds up the merge
    // (delete + insert): run A stays alive with `inc_doubled__sqlkit_incr_<A>` in the warehouse for as long as the
    // test wants, a window that is otherwise a few milliseconds wide.
    const blocker = await connect(backingDatabase(ctx, inject('postgres')!));
    try {
      await blocker.query('begin');
      await blocker.query(`lock table ${schema}.inc_doubled in share mode`);

      const a = startCli(['run'], { cwd: dir, env: ctx.env });
      const runA = String((await a.waitForEvent((e) => e.event === 'run_started')).runId);
      // Redshift stages in the target schema, where B's cleanup could reach it; PostgreSQL in A's own temporary
      // schema (pg_temp_N), which B must not touch either.
      const stagingName = `inc_doubled__sqlkit_incr_${runA}`;
      const isStaging = (name: string) => (engine === 'redshift' ? name === `${schema}.${stagingName}` : /^pg_temp_\d+\./.test(name) && name.endsWith(`.${stagingName}`));
      const staged = async () => (await temporaryRelations(ctx, dir)).some(isStaging);
      await waitUntil(staged, `run A builds ${stagingName}`);
      if (engine === 'redshift') {
        // Once run A is older than the staleness window, only its heartbeat keeps it alive in the registry.
        await waitUntil(async () => {
          const [row] = await ctx.query(`select extract(epoch from localtimestamp - started_at) as age from ${schema}.sqlkit_runs where run_id = '${runA}'`, dir);
          return Number(row?.age ?? 0) > STALE_SECONDS + 1;
        }, 'run A outlives the staleness window');
      }

      const b = startCli(['run'], { cwd: dir, env: ctx.env });
      // Run B has read the warehouse and cleaned up once its first node starts.
      await b.waitForEvent((e) => e.event === 'node_started');
      expect(await staged()).toBe(true);
      expect(a.exited()).toBe(false);

      await blocker.query('commit');
      const [doneA, doneB] = await Promise.all([a.done, b.done]);
      expect(doneA.code, doneA.stdout + doneA.stderr).toBe(0);
      expect(doneB.code, doneB.stdout + doneB.stderr).toBe(0);
    } finally {
      await blocker.end();
    }

    expect(await checkTables(ctx, dir, schema)).toEqual(expectedTables());
    expect(await temporaryRelations(ctx, dir)).toEqual([]);
    if (engine === 'redshift') expect(await ctx.query(`select run_id from ${schema}.sqlkit_runs`, dir)).toEqual([]);
  });
});
