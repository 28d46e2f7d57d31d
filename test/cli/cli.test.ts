import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckdb } from '../support/duckdb-query.js';
import { parseJsonLines } from '../support/json-log.js';
import { readRunResults, runCli, type RunResultsFile } from '../support/sqlkit-cli.js';
import { copySparkifyProject, removeTempProjects, writeProject } from '../support/temp-project.js';

afterAll(removeTempProjects);

const ANSI = /\u001b\[/;
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

const PROJECT_YML = `name: demo
version: "1.0"
vars:
  color: green
  n: 1
target: dev
targets:
  dev:
    type: duckdb
    path: target/dev.duckdb
    threads: 2
  prod:
    type: duckdb
    path: target/prod.duckdb
    threads: 2
`;

/** A small healthy project: two tables, a view and two passing tests. */
function demoFiles(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'project.yml': PROJECT_YML,
    'models/numbers.sql': "{{ config(materialized='table') }}\nselect range as n from range(1234)\n",
    'models/numbers_view.sql': "select n from {{ ref('numbers') }} where n < 10\n",
    'models/settings.sql': `{{ config(materialized='table') }}
select '{{ var("color") }}' as color, {{ var("n") }} as n, '{{ target.name }}' as target_name
`,
    'models/schema.yml': `models:
  - name: numbers
    columns:
      - name: n
        tests:
          - unique: { name: numbers_n_unique }
          - not_null: { name: numbers_n_not_null }
`,
    ...extra,
  };
}

/** A project whose build has every status but warn: tables, a view, a model error, a skip, passes and a fail. */
function mixedFiles(): Record<string, string> {
  return demoFiles({
    'models/broken.sql': "select no_such_column from {{ ref('numbers') }}\n",
    'models/broken_child.sql': "select * from {{ ref('broken') }}\n",
    'models/dupes.sql': "{{ config(materialized='table') }}\nselect 1 as id union all select 1\n",
    'models/more.yml': `models:
  - name: dupes
    columns:
      - name: id
        tests:
          - unique: { name: dupes_id_unique }
`,
  });
}

const db = (dir: string, name = 'dev') => join(dir, 'target', `${name}.duckdb`);

async function settingsRow(dir: string, target = 'dev'): Promise<{ color: string; n: number; target_name: string }> {
  const [row] = await queryDuckdb<{ color: string; n: number; target_name: string }>(db(dir, target), 'select color, n, target_name from main.settings');
  return { ...row!, n: Number(row!.n) };
}

describe.concurrent('exit codes', () => {
  it('0 when every node succeeds', async () => {
    const dir = writeProject(demoFiles());
    const build = await runCli(['build'], { cwd: dir });
    expect(build.stderr).toBe('');
    expect(build.code, build.stderr).toBe(0);
    expect(readRunResults(dir).results.map((r) => r.status).sort()).toEqual(['pass', 'pass', 'success', 'success', 'success']);
  });

  it('1 when a model errors', async () => {
    const dir = writeProject(demoFiles({ 'models/broken.sql': 'select no_such_column from range(3)\n' }));
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    expect(readRunResults(dir).results.find((r) => r.name === 'broken')!.status).toBe('error');
  });

  it('1 when a data test fails, in test and in build', async () => {
    const dir = writeProject(demoFiles({ 'data-tests/no_small_numbers.sql': "select * from {{ ref('numbers') }} where n < 5\n" }));
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code, build.stderr).toBe(1);
    expect(readRunResults(dir).results.find((r) => r.name === 'no_small_numbers')).toMatchObject({ status: 'fail', failures: 5 });
    const test = await runCli(['test'], { cwd: dir });
    expect(test.code, test.stderr).toBe(1);
    expect(readRunResults(dir).results.map((r) => r.kind)).toEqual(['test', 'test', 'test']);
  });
});

describe.concurrent('bad input exits 2 with an error on stderr', () => {
  it('invalid YAML in project.yml, with its file and line', async () => {
    const dir = writeProject(demoFiles({ 'project.yml': PROJECT_YML.replace('  color: green', '  color: [green') }));
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error\[CONFIG_YAML_SYNTAX\]: /);
    expect(run.stderr).toMatch(/--> project\.yml:\d+/);
    expect(existsSync(db(dir))).toBe(false);
  });

  it('invalid YAML in a model properties file', async () => {
    const dir = writeProject(demoFiles({ 'models/schema.yml': 'models:\n  - name: numbers\n    columns: [\n' }));
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('error[CONFIG_YAML_SYNTAX]');
    expect(run.stderr).toMatch(/--> models\/schema\.yml:\d+/);
  });

  it('an unknown target, with a did-you-mean hint and the defined targets', async () => {
    const dir = writeProject(demoFiles());
    const close = await runCli(['run', '-t', 'prd'], { cwd: dir });
    expect(close.code, close.stderr).toBe(2);
    expect(close.stderr).toContain("error[CONFIG_UNKNOWN_TARGET]: Target 'prd' is not defined");
    expect(close.stderr).toContain("did you mean 'prod'?");
    const far = await runCli(['run', '-t', 'nope'], { cwd: dir });
    expect(far.code, far.stderr).toBe(2);
    expect(far.stderr).toContain("Target 'nope' is not defined");
    expect(far.stderr).toMatch(/Targets defined: dev, prod/);
    expect(existsSync(join(dir, 'target'))).toBe(false);
  });

  it('a --select that matches nothing, and a malformed one', async () => {
    const dir = writeProject(demoFiles());
    const typo = await runCli(['run', '--select', 'numbrs'], { cwd: dir });
    expect(typo.code, typo.stderr).toBe(2);
    expect(typo.stderr).toContain('error[SELECT_INVALID]');
    expect(typo.stderr).toContain("did you mean 'numbers'?");
    const method = await runCli(['ls', '-s', 'tags:daily'], { cwd: dir });
    expect(method.code, method.stderr).toBe(2);
    expect(method.stderr).toContain("did you mean 'tag'?");
    const malformed = await runCli(['build', '-s', 'numbers++'], { cwd: dir });
    expect(malformed.code, malformed.stderr).toBe(2);
    expect(malformed.stderr).toContain("error[SELECT_INVALID]: Invalid selector 'numbers++'");
    expect(existsSync(db(dir))).toBe(false);
  });

  it('--vars that is not YAML, or not a mapping', async () => {
    const dir = writeProject(demoFiles());
    const broken = await runCli(['run', '--vars', '{color: red'], { cwd: dir });
    expect(broken.code, broken.stderr).toBe(2);
    expect(broken.stderr).toContain('error[CLI_INVALID_ARGUMENT]: --vars is not valid YAML or JSON');
    const list = await runCli(['run', '--vars', '[1, 2]'], { cwd: dir });
    expect(list.code, list.stderr).toBe(2);
    expect(list.stderr).toContain('--vars must be a mapping');
  });

  it('--threads 0', async () => {
    const dir = writeProject(demoFiles());
    const run = await runCli(['run', '--threads', '0'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("error[CLI_INVALID_ARGUMENT]: --threads must be a whole number from 1 to 64, got '0'.");
    expect(existsSync(db(dir))).toBe(false);
  });

  it('an unknown command, with a did-you-mean hint', async () => {
    const dir = writeProject(demoFiles());
    const run = await runCli(['biuld'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain("error[CLI_INVALID_ARGUMENT]: Unknown command 'biuld'.");
    expect(run.stderr).toContain("did you mean 'build'?");
  });

  it('an unknown option', async () => {
    const dir = writeProject(demoFiles());
    const run = await runCli(['run', '--selct', 'numbers'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('error[CLI_INVALID_ARGUMENT]');
    expect(run.stderr).toContain('--selct');
    expect(existsSync(db(dir))).toBe(false);
  });

  it('a database path that cannot be opened: debug reports FAILED, run reports ADAPTER_CONNECTION', async () => {
    // the database's folder would have to be created where a file already is
    const dir = writeProject(demoFiles({ 'project.yml': PROJECT_YML.replace('path: target/dev.duckdb', 'path: models/numbers.sql/dev.duckdb') }));
    const debug = await runCli(['debug'], { cwd: dir });
    expect(debug.code, debug.stderr).toBe(2);
    expect(debug.stdout).toMatch(/check\s+FAILED/);
    expect(debug.stderr).toContain('error[ADAPTER_CONNECTION]');
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('error[ADAPTER_CONNECTION]: Cannot open the DuckDB database');
    expect(run.stderr).toContain('project.yml');
  });

  it('a database locked by another process: ADAPTER_LOCKED', async () => {
    const dir = writeProject(demoFiles());
    expect((await runCli(['run', '-s', 'settings'], { cwd: dir })).code).toBe(0);
    const holder = await DuckDBInstance.create(db(dir));
    try {
      const run = await runCli(['run'], { cwd: dir });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('error[ADAPTER_LOCKED]');
      expect(run.stderr).toContain(`(PID ${process.pid})`);
    } finally {
      holder.closeSync();
    }
  });

  it('no project.yml, with a hint about --project-dir', async () => {
    const empty = writeProject({ 'README.md': 'not a project\n' });
    const run = await runCli(['run'], { cwd: empty });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('error[CONFIG_PROJECT_NOT_FOUND]');
    expect(run.stderr).toContain('--project-dir');
    expect(readdirSync(empty)).toEqual(['README.md']);
  });
});

describe.concurrent('project, target and vars options', () => {
  it('--project-dir runs a project from another folder, absolute or relative', async () => {
    const dir = writeProject(demoFiles());
    const elsewhere = writeProject({ 'note.txt': 'cwd\n' });
    const absolute = await runCli(['run', '--project-dir', dir], { cwd: elsewhere });
    expect(absolute.stderr).toBe('');
    expect(absolute.code, absolute.stderr).toBe(0);
    expect(existsSync(db(dir))).toBe(true);
    expect(readdirSync(elsewhere)).toEqual(['note.txt']);
    const relativeRun = await runCli(['ls', '--project-dir', relative(elsewhere, dir)], { cwd: elsewhere });
    expect(relativeRun.code, relativeRun.stderr).toBe(0);
    expect(relativeRun.stdout).toContain('numbers');
    expect((await settingsRow(dir)).color).toBe('green');
  });

  it('--vars as YAML and as JSON reaches var(), over the project vars', async () => {
    const dir = writeProject(demoFiles());
    expect((await runCli(['run', '-s', 'settings'], { cwd: dir })).code).toBe(0);
    expect(await settingsRow(dir)).toMatchObject({ color: 'green', n: 1 });
    expect((await runCli(['run', '-s', 'settings', '--vars', '{color: red, n: 3}'], { cwd: dir })).code).toBe(0);
    expect(await settingsRow(dir)).toMatchObject({ color: 'red', n: 3 });
    expect((await runCli(['run', '-s', 'settings', '--vars', '{"color": "blue", "n": 4}'], { cwd: dir })).code).toBe(0);
    expect(await settingsRow(dir)).toMatchObject({ color: 'blue', n: 4 });
    expect((await runCli(['run', '-s', 'settings', '--vars', 'n: 5'], { cwd: dir })).code).toBe(0);
    expect(await settingsRow(dir)).toMatchObject({ color: 'green', n: 5 });
  });

  it('--target picks the target: its database, target.name and run_results', async () => {
    const dir = writeProject(demoFiles());
    const run = await runCli(['run', '--target', 'prod', '-s', 'settings'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(db(dir, 'prod'))).toBe(true);
    expect(existsSync(db(dir, 'dev'))).toBe(false);
    expect((await settingsRow(dir, 'prod')).target_name).toBe('prod');
    expect(readRunResults(dir)).toMatchObject({ target: { name: 'prod', type: 'duckdb' } });
    const short = await runCli(['run', '-t', 'dev', '-s', 'settings'], { cwd: dir });
    expect(short.code, short.stderr).toBe(0);
    expect((await settingsRow(dir, 'dev')).target_name).toBe('dev');
  });
});

describe('text output', () => {
  let dir: string;
  let build: Awaited<ReturnType<typeof runCli>>;
  let results: RunResultsFile;
  beforeAll(async () => {
    dir = writeProject(mixedFiles());
    build = await runCli(['build'], { cwd: dir });
    results = readRunResults(dir);
  });

  const LABELS: Record<string, string> = { success: 'OK', error: 'ERROR', skipped: 'SKIP', pass: 'PASS', fail: 'FAIL', warn: 'WARN' };
  const NODE_LINE = /^\s+(\d+)\/(\d+) (\S+)\s+(\S+)\s+(\S+)\s*(.*?)\s+(\d+\.\d+)s$/;

  it('prints one line per node: n/total, status, materialization, name, rows and seconds', async () => {
    expect(build.code, build.stderr).toBe(1);
    const lines = build.stdout.split('\n').filter((line) => /^\s+\d+\/\d+ /.test(line));
    const parsed = lines.map((line) => {
      const match = NODE_LINE.exec(line);
      expect(match, line).not.toBeNull();
      const [, index, total, label, kind, name, detail, seconds] = match!;
      return { index: Number(index), total: Number(total), label, kind, name, detail, seconds: Number(seconds) };
    });
    expect(parsed).toHaveLength(results.results.length);
    expect(parsed.map((p) => p.index)).toEqual(results.results.map((_, i) => i + 1));
    expect(new Set(parsed.map((p) => p.total))).toEqual(new Set([results.results.length]));
    expect(parsed.map((p) => p.name).sort()).toEqual(results.results.map((r) => r.name).sort());
    for (const p of parsed) {
      const result = results.results.find((r) => r.name === p.name)!;
      expect(p.label, p.name).toBe(LABELS[result.status]);
      expect(p.kind, p.name).toBe(result.kind);
      expect(Number.isFinite(p.seconds)).toBe(true);
    }
    const numbers = parsed.find((p) => p.name === 'numbers')!;
    const [count] = await queryDuckdb<{ n: string }>(db(dir), 'select count(*) as n from main.numbers');
    expect(numbers).toMatchObject({ label: 'OK', kind: 'table' });
    expect(numbers.detail).toBe(`${Number(count!.n).toLocaleString('en-US')} rows`);
    expect(parsed.find((p) => p.name === 'numbers_view')).toMatchObject({ label: 'OK', kind: 'view' });
    expect(parsed.find((p) => p.name === 'broken')).toMatchObject({ label: 'ERROR', kind: 'view' });
    expect(parsed.find((p) => p.name === 'broken_child')!.detail).toContain('broken');
    expect(parsed.find((p) => p.name === 'dupes_id_unique')).toMatchObject({ label: 'FAIL', kind: 'test' });
  });

  it('starts with a header and ends with a summary line counting each status', () => {
    const lines = build.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain('build');
    expect(lines[0]).toContain('target dev (duckdb)');
    expect(lines[0]).toContain(`${results.results.length} nodes`);
    const summary = /^Done in \d+\.\d+s: (.+)\.$/.exec(lines.at(-1)!);
    expect(summary, lines.at(-1)).not.toBeNull();
    const counted = Object.fromEntries(summary![1]!.split(', ').map((part) => part.split(' ').reverse()));
    const expected: Record<string, string> = {};
    for (const r of results.results) expected[r.status] = String(Number(expected[r.status] ?? 0) + 1);
    expect(counted).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual(['error', 'fail', 'pass', 'skipped', 'success']);
  });

  it('explains each problem after the node lines, with its code', () => {
    expect(build.stdout).toMatch(/^ERROR broken \(view\)$/m);
    expect(build.stdout).toMatch(/error\[ADAPTER_SQL\]: .*no_such_column/);
    expect(build.stdout).toMatch(/^FAIL dupes_id_unique \(test\)$/m);
  });

  it('prints no stack trace without --debug', () => {
    expect(build.stdout).not.toMatch(STACK_FRAME);
    expect(build.stderr).not.toMatch(STACK_FRAME);
  });
});

describe.concurrent('stack traces', () => {
  it('appear for a failure only with --debug', async () => {
    const dir = writeProject(demoFiles({ 'models/bad_macro.sql': 'select {{ no_such_macro() }} as x\n' }));
    const plain = await runCli(['run'], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(2);
    expect(plain.stderr).toContain('error[TEMPLATE_UNKNOWN_MACRO]');
    expect(plain.stderr).toContain('--> models/bad_macro.sql:1');
    expect(plain.stderr).not.toMatch(STACK_FRAME);
    const debug = await runCli(['run', '--debug'], { cwd: dir });
    expect(debug.code, debug.stderr).toBe(2);
    expect(debug.stderr).toContain('error[TEMPLATE_UNKNOWN_MACRO]');
    expect(debug.stderr).toMatch(STACK_FRAME);
  });
});

describe('colours', () => {
  let dir: string;
  beforeAll(() => {
    dir = writeProject(mixedFiles());
  });

  it('none with NO_COLOR=1', async () => {
    const run = await runCli(['build'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('FAIL');
    expect(run.stdout).not.toMatch(ANSI);
    const bad = await runCli(['run', '-s', 'nope'], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(bad.stderr).toContain('SELECT_INVALID');
    expect(bad.stderr).not.toMatch(ANSI);
  });

  it('none when stdout is not a terminal, even without NO_COLOR', async () => {
    const run = await runCli(['build'], { cwd: dir, env: { NO_COLOR: undefined } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('FAIL');
    expect(run.stdout).not.toMatch(ANSI);
    const bad = await runCli(['run', '-s', 'nope'], { cwd: dir, env: { NO_COLOR: undefined } });
    expect(bad.stderr).toContain('SELECT_INVALID');
    expect(bad.stderr).not.toMatch(ANSI);
  });

  it('present with FORCE_COLOR=1, on output and on errors; --no-color still turns them off', async () => {
    const run = await runCli(['build'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(ANSI);
    const bad = await runCli(['run', '-s', 'nope'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(bad.stderr).toMatch(ANSI);
    const off = await runCli(['build', '--no-color'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(off.stdout).toContain('FAIL');
    expect(off.stdout).not.toMatch(ANSI);
  });
});

describe.concurrent('--log-format json', () => {
  it('prints only JSON lines for a run, with a node_finished event per node carrying its status', async () => {
    const dir = writeProject(mixedFiles());
    const build = await runCli(['build', '--log-format', 'json'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(build.code, build.stderr).toBe(1);
    expect(build.stderr).toBe('');
    const events = parseJsonLines(build.stdout);
    expect(events.length).toBe(build.stdout.trim().split('\n').length);
    expect(build.stdout).not.toMatch(ANSI);
    expect(events[0]!.event).toBe('run_started');
    expect(events.at(-1)!.event).toBe('run_finished');
    for (const event of events) expect(Number.isNaN(Date.parse(event.ts))).toBe(false);
    const finished = events.filter((e) => e.event === 'node_finished').map((e) => e.result as { name: string; status: string });
    const results = readRunResults(dir).results;
    expect(Object.fromEntries(finished.map((r) => [r.name, r.status]))).toEqual(Object.fromEntries(results.map((r) => [r.name, r.status])));
    expect(finished).toHaveLength(results.length);
    const counts = events.at(-1)!.counts as Record<string, number>;
    expect(counts.error).toBe(1);
    expect(counts.fail).toBe(1);
    expect(counts.skipped).toBe(1);
  });

  it('adds statement events with --debug, still one JSON object per line', async () => {
    const dir = writeProject(demoFiles());
    const run = await runCli(['run', '--log-format', 'json', '--debug'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const events = parseJsonLines(run.stdout);
    const statements = events.filter((e) => e.event === 'statement');
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.some((s) => String(s.sql).includes('range(1234)'))).toBe(true);
  });

  it('reports a run\'s setup statements with --debug, before any node and under no node', async () => {
    const dir = copySparkifyProject();
    const run = await runCli(['run', '-s', 'source:sparkify.events', '--log-format', 'json', '--debug'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const events = parseJsonLines(run.stdout);
    const firstNode = events.findIndex((e) => e.event === 'node_started');
    const setup = events.slice(0, firstNode).filter((e) => e.event === 'statement');
    expect(setup.every((e) => e.uniqueId === undefined)).toBe(true);
    const sql = setup.map((e) => String(e.sql));
    expect(sql).toContain('create schema if not exists "staging"');
    expect(sql.some((s) => /create table if not exists "staging"\."sqlkit_loaded_files"/.test(s))).toBe(true);
  });

  it('reports bad input as a JSON error event, with exit code 2', async () => {
    const dir = writeProject(demoFiles());
    for (const args of [['run', '--log-format', 'json', '-s', 'numbrs'], ['run', '--log-format=json', '--threads', '0'], ['--log-format', 'json', 'biuld']]) {
      const run = await runCli(args, { cwd: dir });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toBe('');
      const events = parseJsonLines(run.stdout);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ event: 'error' });
      expect(String(events[0]!.code)).toMatch(/^(SELECT_INVALID|CLI_INVALID_ARGUMENT)$/);
    }
  });

  it('prints only JSON lines for compile, ls, show, debug and clean too', async () => {
    const dir = writeProject(demoFiles());
    expect((await runCli(['run'], { cwd: dir })).code).toBe(0);
    for (const args of [['compile'], ['ls'], ['ls', '--resource-type', 'test'], ['show', 'numbers', '--limit', '3'], ['debug'], ['clean']]) {
      const run = await runCli([...args, '--log-format', 'json'], { cwd: dir });
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.stdout.trim(), args.join(' ')).not.toBe('');
      expect(() => parseJsonLines(run.stdout), `${args.join(' ')}: ${run.stdout}`).not.toThrow();
    }
  });
});

describe.concurrent('ls', () => {
  let dir: string;
  beforeAll(() => {
    dir = writeProject(demoFiles());
  });

  it('lists every node by name, with its resource type', async () => {
    const ls = await runCli(['ls'], { cwd: dir });
    expect(ls.code, ls.stderr).toBe(0);
    const rows = ls.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).slice(0, 2));
    expect(rows.map(([type, name]) => `${type} ${name}`).sort()).toEqual(
      ['model numbers', 'model numbers_view', 'model settings', 'test numbers_n_not_null', 'test numbers_n_unique'].sort(),
    );
  });

  it('--output json gives one parseable node per line', async () => {
    const ls = await runCli(['ls', '--output', 'json'], { cwd: dir });
    expect(ls.code, ls.stderr).toBe(0);
    const nodes = parseJsonLines(ls.stdout) as unknown as { name: string; resourceType: string; path: string; dependsOn: string[] }[];
    expect(nodes.map((n) => n.name).sort()).toEqual(['numbers', 'numbers_n_not_null', 'numbers_n_unique', 'numbers_view', 'settings']);
    expect(nodes.find((n) => n.name === 'numbers_view')).toMatchObject({ resourceType: 'model', path: 'models/numbers_view.sql', dependsOn: ['model.demo.numbers'] });
  });

  it('takes selectors as positionals, repeated -s, space-separated values and repeated --exclude', async () => {
    const names = async (args: string[]) => {
      const ls = await runCli(['ls', '--resource-type', 'model', '--output', 'json', ...args], { cwd: dir });
      expect(ls.code, ls.stderr).toBe(0);
      return (parseJsonLines(ls.stdout) as unknown as { name: string }[]).map((n) => n.name).sort();
    };
    expect(await names(['numbers_view', 'settings'])).toEqual(['numbers_view', 'settings']);
    expect(await names(['-s', 'numbers_view', '-s', 'settings'])).toEqual(['numbers_view', 'settings']);
    expect(await names(['settings', '-s', 'numbers_view'])).toEqual(['numbers_view', 'settings']);
    expect(await names(['-s', 'numbers+ settings', '--exclude', 'numbers_view', '--exclude', 'settings'])).toEqual(['numbers']);
  });

  it('--resource-type and --select narrow the list; --output path prints files', async () => {
    const tests = await runCli(['ls', '--resource-type', 'test', '--output', 'json'], { cwd: dir });
    expect((parseJsonLines(tests.stdout) as unknown as { resourceType: string }[]).map((n) => n.resourceType)).toEqual(['test', 'test']);
    const models = await runCli(['ls', '--resource-type', 'model', '-s', 'numbers+', '--output', 'path'], { cwd: dir });
    expect(models.stdout.trim().split('\n').sort()).toEqual(['models/numbers.sql', 'models/numbers_view.sql']);
    const bad = await runCli(['ls', '--resource-type', 'modle'], { cwd: dir });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('--resource-type must be one of');
  });
});

describe.concurrent('compile, show, debug and clean', () => {
  it('compile writes target/compiled and manifest.json without creating the database', async () => {
    const dir = writeProject(demoFiles());
    const compile = await runCli(['compile'], { cwd: dir });
    expect(compile.stderr).toBe('');
    expect(compile.code, compile.stderr).toBe(0);
    const target = join(dir, 'target');
    expect(existsSync(join(target, 'manifest.json'))).toBe(true);
    for (const file of ['models/numbers.sql', 'models/numbers_view.sql', 'models/settings.sql']) expect(existsSync(join(target, 'compiled', 'demo', file)), file).toBe(true);
    expect(readdirSync(join(target, 'compiled', 'demo', 'models'), { recursive: true }).filter((f) => String(f).endsWith('.sql'))).toHaveLength(5);
    expect(readdirSync(target, { recursive: true }).filter((f) => /\.duckdb|\.wal$/.test(String(f)))).toEqual([]);
    expect(existsSync(join(target, 'run_results.json'))).toBe(false);
  });

  it('compile <model> says when the SQL printed is not what runs (run_query, execute)', async () => {
    const dir = writeProject({
      ...demoFiles(),
      'models/widest.sql': "{% set n = run_query('select max(n) from ' ~ ref('numbers')).rows[0][0] %}\nselect {{ n if execute else 0 }} as widest",
    });
    const compile = await runCli(['compile', '-s', 'widest', 'numbers'], { cwd: dir });
    expect(compile.code, compile.stderr).toBe(0);
    const [widest, numbers] = compile.stdout.split('-- numbers');
    expect(widest).toContain('-- rendered with execute false: it renders again when it runs');
    expect(widest).toContain('select 0 as widest');
    expect(numbers).not.toContain('execute false');
  });

  it('show <model> --limit N prints N rows', async () => {
    const dir = writeProject(demoFiles());
    expect((await runCli(['run'], { cwd: dir })).code).toBe(0);
    for (const limit of [1, 7]) {
      const show = await runCli(['show', 'numbers', '--limit', String(limit)], { cwd: dir });
      expect(show.code, show.stderr).toBe(0);
      const tableRows = show.stdout.split('\n').filter((line) => line.startsWith('|'));
      expect(tableRows[0]).toMatch(/\|\s*n\s*\|/);
      const values = tableRows.slice(1).map((line) => Number(line.replace(/\|/g, '').trim()));
      expect(values).toHaveLength(limit);
      for (const value of values) expect(value >= 0 && value < 1234).toBe(true);
    }
    const json = await runCli(['show', 'numbers', '--limit', '12', '--log-format', 'json'], { cwd: dir });
    expect((JSON.parse(json.stdout) as { rows: unknown[] }).rows).toHaveLength(12);
  });

  it('show on a model that was never built says how to build it', async () => {
    const dir = writeProject(demoFiles());
    const show = await runCli(['show', 'numbers'], { cwd: dir });
    expect(show.code).not.toBe(0);
    expect(show.stderr).toContain('sqlkit run -s +numbers');
  });

  it('debug reports the connection OK and exits 0', async () => {
    const dir = writeProject(demoFiles());
    const debug = await runCli(['debug'], { cwd: dir });
    expect(debug.stderr).toBe('');
    expect(debug.code, debug.stderr).toBe(0);
    expect(debug.stdout).toMatch(/target\s+dev \(duckdb\)/);
    expect(debug.stdout).toMatch(/check\s+OK/);
    const json = await runCli(['debug', '-t', 'prod', '--log-format', 'json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ target: 'prod', engine: 'duckdb', connected: true });
  });

  it('clean removes compiled SQL and artifacts but keeps the database unless --all', async () => {
    const dir = writeProject(demoFiles());
    expect((await runCli(['build'], { cwd: dir })).code).toBe(0);
    const target = join(dir, 'target');
    expect(readdirSync(target).sort()).toEqual(['compile_state.bin', 'compiled', 'dev.duckdb', 'manifest.json', 'partial_parse.bin', 'run_results.json']);
    const clean = await runCli(['clean'], { cwd: dir });
    expect(clean.code, clean.stderr).toBe(0);
    expect(readdirSync(target)).toEqual(['dev.duckdb']);
    expect(await settingsRow(dir)).toMatchObject({ color: 'green' });
    const all = await runCli(['clean', '--all'], { cwd: dir });
    expect(all.code, all.stderr).toBe(0);
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
    const again = await runCli(['clean'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
  });
});
