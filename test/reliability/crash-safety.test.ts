import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { runCli } from '../support/sqlkit-cli.js';
import { removeTempProjects, writeProject } from '../support/temp-project.js';
import { CRASH_RELATIONS, countBy, startCrashHarness } from './crash-harness.js';
import { killPhase, seededRandom } from './crash-project.js';
import { startCli, waitUntil } from './live-cli.js';

const engines = testEngines().filter((e): e is 'duckdb' | 'postgres' => e === 'duckdb' || e === 'postgres');
const TRIALS = Number(process.env.SQLKIT_CRASH_TRIALS ?? 25);
const SEED = Number(process.env.SQLKIT_CRASH_SEED ?? 20_250_501);

interface TrialReport {
  phase: string;
  /** Relations the killed run left holding the new version. */
  newAfterKill: string[];
  leftoversAfterKill: string[];
  /** Relations missing after the kill (must stay empty). */
  lost: string[];
}

const contexts: EngineContext[] = [];
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  removeTempProjects();
});

/**
 * SIGKILL at seeded random moments while `sqlkit run` rebuilds every table of a project (a new version per run),
 * then checks what a reader would see: every relation that existed before is there, holding exactly the old
 * version or exactly the new one (row count and checksum of every row), never a partial or missing table. The next
 * run, with no cleanup in between, must succeed, drop the killed run's temporary relations and build every table
 * to the content its SQL selects.
 */
describe.concurrent.each(engines)('SIGKILL during rebuilds on %s', (engine) => {
  it(`every table stays whole across ${TRIALS} kills, and the next run recovers`, { timeout: 600_000 }, async () => {
    const h = await startCrashHarness(engine, inject('postgres'));
    contexts.push(h.ctx);
    let before = await h.read(async (reader) => {
      await h.expectComplete(reader, 2);
      return h.checksums(reader);
    });

    const random = seededRandom(SEED + (engine === 'duckdb' ? 0 : 1));
    const reports: TrialReport[] = [];
    const broken: string[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const version = trial + 2;
      const delayMs = h.pickDelay(trial, random);
      const live = startCli(['run', '--vars', `{v: ${version}}`], { cwd: h.dir, env: h.ctx.env });
      await live.waitForEvent((e) => e.event === 'run_started');
      const timer = setTimeout(() => live.signal('SIGKILL'), delayMs);
      const exited = await live.done;
      clearTimeout(timer);
      const phase = exited.signal === 'SIGKILL' ? killPhase(live.events) : 'finished';
      const context = `trial ${trial} (seed ${SEED}, v${version}, kill after ${delayMs} ms, ${phase})`;
      if (exited.signal !== 'SIGKILL') expect(exited.code, `${context}\n${exited.stdout}\n${exited.stderr}`).toBe(0);

      // PostgreSQL: the killed client's backends end their statement and roll back once they notice it is gone.
      if (engine === 'postgres') await waitUntil(async () => (await h.sqlkitBackends()) === 0, `the killed run's backends end (${context})`);
      const [afterKill, leftoversAfterKill] = await h.read(async (reader) => [await h.checksums(reader), await reader.temporaryRelations()] as const);

      await h.run(version);
      const after = await h.read(async (reader) => {
        expect(await reader.temporaryRelations(), `leftovers after the recovery run, ${context}`).toEqual([]);
        await h.expectComplete(reader, version);
        return h.checksums(reader);
      });
      for (const name of CRASH_RELATIONS) {
        if (afterKill[name] !== before[name] && afterKill[name] !== after[name]) {
          broken.push(`${name} after ${context}: ${afterKill[name]}, expected old ${before[name]} or new ${after[name]}`);
        }
      }
      reports.push({
        phase,
        newAfterKill: CRASH_RELATIONS.filter((n) => afterKill[n] === after[n] && after[n] !== before[n]),
        leftoversAfterKill,
        lost: CRASH_RELATIONS.filter((n) => afterKill[n] === 'missing'),
      });
      before = after;
    }

    const killed = reports.filter((r) => r.phase !== 'finished');
    const summary = {
      engine,
      seed: SEED,
      rows: h.rows,
      runMs: h.runMs,
      trials: reports.length,
      killed: killed.length,
      tablesLost: reports.reduce((sum, r) => sum + r.lost.length, 0),
      recoveries: reports.length,
      killsLeavingMixedVersions: killed.filter((r) => r.newAfterKill.length > 0 && r.newAfterKill.length < CRASH_RELATIONS.length).length,
      killsLeavingLeftovers: killed.filter((r) => r.leftoversAfterKill.length > 0).length,
      phases: countBy(killed.map((r) => r.phase)),
    };
    console.log(`crash-safety ${JSON.stringify(summary, null, 1)}`);
    expect(broken, 'relations neither old nor new after a kill').toEqual([]);
    // Most kills must land while tables are being rebuilt, or the trials prove little.
    expect(killed.length).toBeGreaterThanOrEqual(Math.ceil(TRIALS * 0.5));
  });
});

/**
 * A killed client's PostgreSQL backend otherwise runs its statement to the end (here ten minutes), holding locks
 * the next run needs: sqlkit sessions set client_connection_check_interval, so the server notices the client is gone
 * and rolls back. The 60 s bound is a wait for that condition, an order of magnitude short of the statement.
 */
describe.runIf(engines.includes('postgres'))('SIGKILL during a long PostgreSQL statement', () => {
  it('the orphaned statement ends with its client, and the next run rebuilds the table', async () => {
    const ctx = await startEngine('postgres', inject('postgres'));
    contexts.push(ctx);
    const dir = writeProject({
      'project.yml': `name: orphan\nmodels:\n  +materialized: table\ntargets:\n  dev:\n${ctx.targetYaml('')}`,
      'models/first.sql': "select {{ var('version') }} as version",
      'models/slow.sql': "select version from {{ ref('first') }}\n{% if var('slow', false) %}where (select 1 from pg_sleep(600)) = 1{% endif %}",
    });
    const active = async () => Number((await ctx.query("select count(*) as n from pg_stat_activity where state = 'active' and query like '%pg_sleep(600)%' and pid <> pg_backend_pid()", dir))[0]!.n);
    const backends = async () => Number((await ctx.query("select count(*) as n from pg_stat_activity where datname = current_database() and application_name = 'sqlkit'", dir))[0]!.n);
    expect((await runCli(['run', '--vars', '{version: 1}'], { cwd: dir, env: ctx.env })).code).toBe(0);

    const live = startCli(['run', '--vars', '{version: 2, slow: true}'], { cwd: dir, env: ctx.env });
    await waitUntil(async () => (await active()) === 1, 'the slow statement runs');
    live.signal('SIGKILL');
    expect((await live.done).signal).toBe('SIGKILL');
    await waitUntil(async () => (await backends()) === 0, "the killed run's backends end", 60_000);
    expect(await active()).toBe(0);

    const next = await runCli(['run', '--vars', '{version: 3}'], { cwd: dir, env: ctx.env });
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(await ctx.query('select version from public.slow', dir)).toEqual([{ version: 3 }]);
    expect(await ctx.query("select relname from pg_class where relname like '%\\_\\_sqlkit\\_%'", dir)).toEqual([]);
  });
});
