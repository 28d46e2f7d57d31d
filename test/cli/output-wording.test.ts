import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonLines } from '../support/json-log.js';
import { runCli } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

afterAll(removeTempProjects);

/** One table of one row, checked by one test that finds exactly one failing row; `threads: 1`. */
function oneOfEverything(): string {
  return writeProject({
    'project.yml': duckdbProjectYml({ threads: 1 }),
    'models/single.sql': "{{ config(materialized='table') }}\nselect 1 as id, null as name\n",
    'models/single.yml': 'models:\n  - name: single\n    columns:\n      - name: name\n        tests: [not_null]\n',
  });
}

const nodeLine = (stdout: string, name: string) => stdout.split('\n').find((line) => /^\s+\d+\/\d+ /.test(line) && line.includes(` ${name} `))!;

describe('counts in the text output are singular for one', () => {
  it('1 node, 1 thread, 1 row, 1 failing row; the plural form for more', async () => {
    const dir = oneOfEverything();
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/ · 1 node · 1 thread$/);
    expect(nodeLine(run.stdout, 'single')).toMatch(/ 1 row +\d/);

    const test = await runCli(['test'], { cwd: dir });
    expect(test.code).toBe(1);
    expect(nodeLine(test.stdout, 'not_null_single_name')).toMatch(/ 1 failing row +\d/);
    expect(test.stdout).toContain('1 failing row;');

    const build = await runCli(['build', '--threads', '2'], { cwd: dir });
    expect(build.stdout.split('\n')[0]).toMatch(/ · 2 nodes · 2 threads$/);
  });

  it('sqlkit debug and sqlkit compile count nodes and files the same way', async () => {
    const dir = oneOfEverything();
    const debug = await runCli(['debug'], { cwd: dir });
    expect(debug.code, debug.stderr).toBe(0);
    expect(debug.stdout).toMatch(/^connection .*\(schema main, 1 thread\)$/m);
    expect(debug.stdout).toMatch(/^nodes +1 model, 1 test$/m);
    const compile = await runCli(['compile'], { cwd: dir });
    // debug compiled the project first, so its one model comes from the parse cache
    expect(compile.stdout).toMatch(/^Compiled 1 model, 1 test in \d+ ms \(2 files written; 1 model reused from the parse cache\)\.$/m);
    const again = await runCli(['compile', '--no-partial-parse'], { cwd: dir });
    expect(again.stdout).toMatch(/\(0 files written\)\.$/m);
  });
});

describe('--log-format json', () => {
  it('every command prints events that carry ts and event, compile included', async () => {
    const dir = oneOfEverything();
    expect((await runCli(['run'], { cwd: dir })).code).toBe(0);
    for (const args of [['compile'], ['show', 'single'], ['debug'], ['clean']]) {
      const result = await runCli([...args, '--log-format', 'json'], { cwd: dir });
      expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
      const events = parseJsonLines(result.stdout);
      expect(events.length, args.join(' ')).toBeGreaterThan(0);
      for (const event of events) {
        expect(typeof event.event, args.join(' ')).toBe('string');
        expect(new Date(event.ts).toISOString(), args.join(' ')).toBe(event.ts);
      }
    }
    const compiled = parseJsonLines((await runCli(['compile', '--log-format', 'json'], { cwd: dir })).stdout);
    expect(compiled).toEqual([expect.objectContaining({ event: 'compiled', nodes: { model: 1, test: 1 }, ts: expect.any(String) })]);
  });
});
