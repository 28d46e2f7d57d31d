import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testEngines } from '../support/engines.js';
import { copyFixtureProject } from '../support/fixture-project.js';
import { parseJsonLines } from '../support/json-log.js';
import { createDatabase, dropDatabase } from '../support/postgres-server.js';
import { runCli, type CliResult } from '../support/sqlkit-cli.js';
import { removeTempProjects } from '../support/temp-project.js';
import type { NodeErrorInfo } from '../../src/index.js';
import { CASES, type CaseContext, type CorpusCase } from './cases.js';

const STACK_LINE = /^\s+at /m;
const MIN_CASES = 40;

/** What a case checks of an error: a node's error as run_results reports it, or an `error` event flattened to it. */
type FoundError = Omit<NodeErrorInfo, 'related'>;

/** Every error a JSON log reports: `error` events (bad input) and failed nodes (run time). */
function errorsIn(stdout: string): FoundError[] {
  return parseJsonLines(stdout).flatMap((event): FoundError[] => {
    if (event.event === 'error') {
      const e = event as unknown as FoundError & { location?: { file: string; line?: number; column?: number } };
      return [{ code: e.code, message: e.message, ...(e.location ? { file: e.location.file, line: e.location.line, column: e.location.column } : {}), ...(e.hint ? { hint: e.hint } : {}) }];
    }
    if (event.event === 'node_finished') {
      const error = (event.result as { error?: FoundError }).error;
      return error ? [error] : [];
    }
    return [];
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const postgres = inject('postgres');
const runnable = (c: CorpusCase) => c.needs !== 'postgres' || (testEngines().includes('postgres') && postgres !== null);
let context: CaseContext;

beforeAll(async () => {
  context = { postgres, database: `sqlkit_corpus_${randomBytes(4).toString('hex')}`, closedPort: await closedPort() };
  if (postgres) await createDatabase(postgres, context.database);
});
afterAll(async () => {
  if (postgres) await dropDatabase(postgres, context.database);
  removeTempProjects();
});

/** Runs the case's command twice, as JSON and as text, with whatever `before` sets up held for both. */
async function runCase(c: CorpusCase): Promise<{ json: CliResult; text: CliResult }> {
  const overlay = typeof c.overlay === 'function' ? c.overlay(context) : (c.overlay ?? {});
  const dir = copyFixtureProject(c.fixture ?? 'shop', overlay);
  const env = c.env?.(context) ?? {};
  const release = c.before ? await c.before(dir) : undefined;
  try {
    const json = await runCli([...c.args, '--log-format', 'json'], { cwd: dir, env });
    const text = await runCli(c.args, { cwd: dir, env });
    return { json, text };
  } finally {
    release?.();
  }
}

describe('the bad-input corpus', () => {
  it('breaks a fixture that compiles and builds cleanly on its own', async () => {
    const dir = copyFixtureProject('shop');
    const compiled = await runCli(['compile', '--log-format', 'json'], { cwd: dir });
    expect(compiled.code, compiled.stdout).toBe(0);
    expect(parseJsonLines(compiled.stdout)).toEqual([expect.objectContaining({ event: 'compiled', nodes: { source: 2, model: 3, test: 4 } })]);
    const built = await runCli(['build', '--log-format', 'json'], { cwd: dir });
    expect(built.code, built.stdout).toBe(0);
    expect(errorsIn(built.stdout)).toEqual([]);
    expect(parseJsonLines(built.stdout).at(-1)).toMatchObject({ event: 'run_finished', counts: { success: 5, pass: 4, error: 0, fail: 0 } });
  });

  it(`has at least ${MIN_CASES} cases with distinct names, at least ${MIN_CASES} of them runnable on DuckDB alone`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(MIN_CASES);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.filter((c) => !c.needs).length).toBeGreaterThanOrEqual(MIN_CASES);
  });
});

describe.concurrent('each corpus case', () => {
  for (const c of CASES.filter(runnable)) {
    it(c.name, async () => {
      const { json, text } = await runCase(c);
      const expected = c.expect;
      const shown = `stdout:\n${json.stdout}\nstderr:\n${json.stderr}`;

      expect(json.code, shown).toBe(expected.exit);
      expect(json.stderr, 'JSON mode prints only JSON lines, on stdout').toBe('');
      const errors = errorsIn(json.stdout);
      expect(errors.map((e) => e.code).sort(), shown).toEqual([expected.code, ...(expected.alsoReported ?? [])].sort());
      const error = errors.find((e) => e.code === expected.code && (e.file ?? null) === expected.file);
      expect(error, `no ${expected.code} at ${expected.file}: ${shown}`).toBeDefined();
      expect(error!.line, shown).toBe(expected.line);
      expect(error!.hint, shown).toContain(expected.hintIncludes);
      if (expected.column !== undefined) expect(error!.column, shown).toBe(expected.column);
      if (expected.messageIncludes !== undefined) expect(error!.message, shown).toContain(expected.messageIncludes);
      expect(json.stdout).not.toMatch(STACK_LINE);

      const printed = `${text.stdout}${text.stderr}`;
      expect(text.code, printed).toBe(expected.exit);
      expect(printed).not.toMatch(STACK_LINE);
      expect(printed).toContain(`error[${expected.code}]`);
      if (expected.file) expect(printed).toContain(expected.line ? `${expected.file}:${expected.line}` : expected.file);
      expect(printed).toContain(expected.hintIncludes);
    });
  }
});
