import { afterAll, describe, expect, inject, it } from 'vitest';
import type { EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { readRunResults } from '../support/sqlkit-cli.js';
import { removeTempProjects } from '../support/temp-project.js';
import { CRASH_RELATIONS, countBy, startCrashHarness } from './crash-harness.js';
import { CRASH_VIEWS, killPhase, seededRandom } from './crash-project.js';
import { startCli } from './live-cli.js';

const engines = testEngines().filter((e): e is 'duckdb' | 'postgres' => e === 'duckdb' || e === 'postgres');
const TRIALS = Number(process.env.SQLKIT_INTERRUPT_TRIALS ?? 10);
const SEED = Number(process.env.SQLKIT_CRASH_SEED ?? 20_250_501);
const NOT_STARTED = 'not started: the run was interrupted';
const VIEWS: readonly string[] = CRASH_VIEWS;

const contexts: EngineContext[] = [];
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  removeTempProjects();
});

interface ResultsFile {
  runId: string;
  interrupted: boolean;
  results: { name: string; status: string; message: string; error?: { code: string } }[];
}

/**
 * Ctrl-C at seeded random moments of a run (connecting, reading the warehouse, building, swapping, delete+insert):
 * sqlkit exits 130 and run_results.json tells the truth about every node. A node reported `success` holds the new
 * version, one cut short (`error`, "interrupted: ...") or never started holds the old one; nothing is partial.
 */
describe.concurrent.each(engines)('Ctrl-C at random moments on %s', (engine) => {
  it(`run_results.json matches the warehouse after each of ${TRIALS} interrupts`, { timeout: 600_000 }, async () => {
    const h = await startCrashHarness(engine, inject('postgres'));
    contexts.push(h.ctx);
    let before = await h.read((reader) => h.checksums(reader));
    const random = seededRandom(SEED + (engine === 'duckdb' ? 10 : 11));
    const phases: string[] = [];
    const statuses: string[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const version = trial + 2;
      // Every third trial right at run_started, while sqlkit connects and reads the warehouse state.
      const delayMs = trial % 3 === 0 ? 0 : h.pickDelay(trial, random);
      const live = startCli(['run', '--vars', `{v: ${version}}`], { cwd: h.dir, env: h.ctx.env });
      const runId = String((await live.waitForEvent((e) => e.event === 'run_started')).runId);
      let seenAtSignal = 0;
      const timer = setTimeout(() => {
        seenAtSignal = live.events.length;
        live.signal('SIGINT');
      }, delayMs);
      const exited = await live.done;
      clearTimeout(timer);
      const finishedFirst = live.events.some((e) => e.event === 'run_finished' && e.interrupted === false);
      const context = `trial ${trial} (seed ${SEED}, v${version}, SIGINT after ${delayMs} ms)`;
      expect(exited.code, `${context}\n${exited.stdout}\n${exited.stderr}`).toBe(finishedFirst ? 0 : 130);
      phases.push(finishedFirst ? 'finished' : killPhase(live.events.slice(0, seenAtSignal)));

      const file = readRunResults(h.dir) as unknown as ResultsFile;
      expect(file.runId, context).toBe(runId);
      expect(file.interrupted, context).toBe(!finishedFirst);
      const interrupted = await h.read((reader) => h.checksums(reader));
      await h.run(version);
      const after = await h.read(async (reader) => {
        expect(await reader.temporaryRelations(), `leftovers after the next run, ${context}`).toEqual([]);
        await h.expectComplete(reader, version);
        return h.checksums(reader);
      });

      expect(file.results.map((r) => r.name).sort(), context).toEqual([...CRASH_RELATIONS].sort());
      for (const result of file.results) {
        const state = result.status === 'success' ? 'success' : result.status === 'error' ? 'cut short' : 'not started';
        statuses.push(state);
        const where = `${result.name} (${result.status}: ${result.message}) after ${context}; old ${before[result.name]}, new ${after[result.name]}`;
        if (state === 'cut short') {
          expect(result.message, where).toMatch(/^interrupted: /);
          expect(result.error?.code, where).toBe('ADAPTER_CANCELLED');
        }
        if (state === 'not started') expect(result, where).toMatchObject({ status: 'skipped', message: NOT_STARTED });
        // A view holds no rows of its own: it shows its table's current version whatever happened to the view.
        if (VIEWS.includes(result.name)) expect(interrupted[result.name], where).not.toBe('missing');
        else expect(interrupted[result.name], where).toBe(state === 'success' ? after[result.name] : before[result.name]);
      }
      before = after;
    }
    console.log(`interrupt-trials ${JSON.stringify({ engine, seed: SEED, trials: TRIALS, phases: countBy(phases), nodes: countBy(statuses) }, null, 1)}`);
    expect(phases.filter((p) => p !== 'finished').length).toBeGreaterThanOrEqual(Math.ceil(TRIALS * 0.6));
  });
});
