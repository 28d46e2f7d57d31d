import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineOf } from '../support/compile-files.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { runCli, type CliResult } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

interface NodeResultEvent {
  name: string;
  status: string;
  rowsAffected?: number;
  message: string;
  warnings?: string[];
  error?: { code: string; message: string; file?: string; line?: number; hint?: string; related?: { file: string; line?: number }[] };
}

interface RunOutput {
  result: CliResult;
  runId: string;
  byName: Record<string, NodeResultEvent>;
}

/** `sqlkit run --log-format json`: the exit code, the run id and every node's result by name. */
async function run(dir: string, args: string[] = ['run']): Promise<RunOutput> {
  const result = await runCli([...args, '--log-format', 'json'], { cwd: dir });
  const events = result.stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { event: string; runId?: string; result?: NodeResultEvent });
  expect(events.filter((e) => e.event === 'error'), 'no compile or CLI errors').toEqual([]);
  const runId = events.find((e) => e.event === 'run_started')?.runId ?? '';
  const byName = Object.fromEntries(events.filter((e) => e.event === 'node_finished').map((e) => [e.result!.name, e.result!]));
  return { result, runId, byName };
}

const db = (dir: string) => join(dir, 'target', 'demo.duckdb');
const rows = <T = Record<string, unknown>>(dir: string, sql: string) => queryDuckdb<T>(db(dir), sql);
const ids = async (dir: string, table = 'raw.events') =>
  (await rows<{ id: number }>(dir, `select id from ${table} order by id`)).map((r) => Number(r.id));

interface LoadErrorRow {
  filename: string;
  line_number: number;
  column_name: string | null;
  reason: string;
  raw_line: string;
}

async function loadErrors(dir: string, runId: string): Promise<LoadErrorRow[]> {
  const found = await rows<LoadErrorRow>(
    dir,
    `select filename, line_number, column_name, reason, raw_line from raw.sqlkit_load_errors where run_id = '${runId}' order by filename, line_number`,
  );
  return found.map((r) => ({ ...r, line_number: Number(r.line_number) }));
}

const EVENTS_YML = `sources:
  - name: raw
    schema: raw
    tables:
      - name: events
        format: jsonl
        location:
          local:
            path: data/events
        columns:
          - { name: id, type: integer }
          - { name: kind, type: varchar(8) }
          - { name: score, type: bigint }
`;

const line = (id: number, kind: string, score: number | string) => JSON.stringify({ id, kind, score });

/** A project loading data/events/*.jsonl into raw.events, with a table model reading it. */
function eventsProject(files: Record<string, string>, sourcesYml = EVENTS_YML): string {
  return writeProject({
    'project.yml': duckdbProjectYml(),
    'sources/raw.yml': sourcesYml,
    'models/event_counts.sql': "{{ config(materialized='table') }}\nselect kind, count(*) as n from {{ source('raw', 'events') }} group by kind\n",
    ...files,
  });
}

afterAll(removeTempProjects);

describe('a malformed JSON line', () => {
  it('fails the load at file:line, exits 1, skips what reads it, and leaves the previous table intact', async () => {
    const good = [line(1, 'a', 10), line(2, 'b', 20)].join('\n');
    const dir = eventsProject({ 'data/events/a.jsonl': `${good}\n`, 'data/events/b.jsonl': `${line(3, 'a', 30)}\n${line(4, 'c', 40)}\n` });
    const first = await run(dir);
    expect(first.result.code).toBe(0);
    expect(await ids(dir)).toEqual([1, 2, 3, 4]);

    const broken = `${line(5, 'a', 50)}\n${line(6, 'a', 60)}\n{"id": 7, "kind": "x", "score": 70\n${line(8, 'a', 80)}\n`;
    writeFileSync(join(dir, 'data/events/b.jsonl'), broken);
    const second = await run(dir);
    expect(second.result.code).toBe(1);
    const load = second.byName['raw.events']!;
    expect(load.status).toBe('error');
    expect(load.error).toMatchObject({
      code: 'LOAD_MALFORMED_JSON',
      file: 'data/events/b.jsonl',
      line: 3,
      related: [{ file: 'sources/raw.yml', line: lineOf(EVENTS_YML, '- name: events') }],
    });
    expect(load.error!.message).toContain('data/events/b.jsonl:3');
    expect(load.error!.hint).toContain('max_errors');
    expect(second.byName['event_counts']!.status).toBe('skipped');

    expect(await ids(dir)).toEqual([1, 2, 3, 4]);
    expect(await rows(dir, 'select kind, n from main.event_counts order by kind')).toEqual([
      { kind: 'a', n: '2' },
      { kind: 'b', n: '1' },
      { kind: 'c', n: '1' },
    ]);
    expect(await loadErrors(dir, second.runId)).toEqual([
      { filename: 'data/events/b.jsonl', line_number: 3, column_name: null, reason: 'malformed JSON', raw_line: '{"id": 7, "kind": "x", "score": 70' },
    ]);
  });

  it('is reported in the text output with file:line, the sources file and the hint', async () => {
    const dir = eventsProject({ 'data/events/a.jsonl': `${line(1, 'a', 1)}\n{oops}\n` });
    const result = await runCli(['run'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('data/events/a.jsonl:2 error[LOAD_MALFORMED_JSON]');
    expect(result.stdout).toContain(`see sources/raw.yml:${lineOf(EVENTS_YML, '- name: events')}`);
    expect(result.stdout).toMatch(/hint: .*max_errors/);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
  });
});

describe('values that do not fit their column', () => {
  it('a string in an integer column: LOAD_BAD_VALUE at file:line, naming the column', async () => {
    const dir = eventsProject({ 'data/events/a.jsonl': `${line(1, 'a', 10)}\n${line(2, 'b', 'lots')}\n` });
    const { result, byName, runId } = await run(dir);
    expect(result.code).toBe(1);
    expect(byName['raw.events']!.error).toMatchObject({ code: 'LOAD_BAD_VALUE', file: 'data/events/a.jsonl', line: 2 });
    expect(byName['raw.events']!.error!.message).toContain("column score: invalid bigint 'lots'");
    expect(await loadErrors(dir, runId)).toEqual([
      { filename: 'data/events/a.jsonl', line_number: 2, column_name: 'score', reason: "column score: invalid bigint 'lots'", raw_line: line(2, 'b', 'lots') },
    ]);
  });

  it('a number with a fraction in an integer column is rejected too', async () => {
    const dir = eventsProject({ 'data/events/a.jsonl': `${line(1, 'a', 10)}\n{"id": 2.5, "kind": "b", "score": 1}\n` });
    const { result, byName } = await run(dir);
    expect(result.code).toBe(1);
    expect(byName['raw.events']!.error).toMatchObject({ code: 'LOAD_BAD_VALUE', file: 'data/events/a.jsonl', line: 2 });
    expect(byName['raw.events']!.error!.message).toContain('column id');
  });

  it('"" in an integer column loads as NULL and "39" as 39 (Redshift COPY rules); "" stays "" in a varchar', async () => {
    const data = `{"id": 1, "kind": "", "score": ""}\n{"id": "39", "kind": "b", "score": "40"}\n{"id": 2, "kind": "c", "score": null}\n`;
    const dir = eventsProject({ 'data/events/a.jsonl': data });
    const { result, byName } = await run(dir);
    expect(result.code).toBe(0);
    expect(byName['raw.events']).toMatchObject({ status: 'success', rowsAffected: 3 });
    expect(await rows(dir, 'select id, kind, score from raw.events order by id')).toEqual([
      { id: 1, kind: '', score: null },
      { id: 2, kind: 'c', score: null },
      { id: 39, kind: 'b', score: '40' },
    ]);
  });

  it('text longer than varchar(n) bytes is rejected, counting bytes, not characters', async () => {
    // kind is varchar(8): 8 ASCII letters fit, 4 two-byte letters fit, 5 of them (10 bytes) do not.
    const data = `${line(1, 'abcdefgh', 1)}\n${line(2, 'éééé', 2)}\n${line(3, 'ééééé', 3)}\n`;
    const dir = eventsProject({ 'data/events/a.jsonl': data });
    const { result, byName, runId } = await run(dir);
    expect(result.code).toBe(1);
    const error = byName['raw.events']!.error!;
    expect(error).toMatchObject({ code: 'LOAD_BAD_VALUE', file: 'data/events/a.jsonl', line: 3 });
    expect(error.message).toContain('column kind');
    expect(error.message).toContain('varchar(8)');
    expect((await loadErrors(dir, runId)).map((e) => [e.line_number, e.column_name])).toEqual([[3, 'kind']]);
  });
});

describe('max_errors', () => {
  const yml = EVENTS_YML.replace('        format: jsonl\n', '        format: jsonl\n        max_errors: 3\n');
  const bad = [line(1, 'a', 10), line(2, 'b', 'abc'), '[1,2]', '{"id": 4, "kind": "d"', line(5, 'e', 50)].join('\n');

  it('skips up to N bad lines of any kind and records each in sqlkit_load_errors; N+1 fails the load', async () => {
    const dir = eventsProject({ 'data/events/a.jsonl': `${bad}\n`, 'data/events/b.jsonl': `${line(6, 'f', 60)}\n` }, yml);
    const first = await run(dir);
    expect(first.result.code).toBe(0);
    const load = first.byName['raw.events']!;
    expect(load).toMatchObject({ status: 'success', rowsAffected: 3 });
    expect(load.warnings?.join(' ')).toContain('3 bad row');
    expect(await ids(dir)).toEqual([1, 5, 6]);
    expect(await loadErrors(dir, first.runId)).toEqual([
      { filename: 'data/events/a.jsonl', line_number: 2, column_name: 'score', reason: "column score: invalid bigint 'abc'", raw_line: line(2, 'b', 'abc') },
      { filename: 'data/events/a.jsonl', line_number: 3, column_name: null, reason: 'not a JSON object (a root-level array needs a jsonpaths file)', raw_line: '[1,2]' },
      { filename: 'data/events/a.jsonl', line_number: 4, column_name: null, reason: 'malformed JSON', raw_line: '{"id": 4, "kind": "d"' },
    ]);

    writeFileSync(join(dir, 'data/events/b.jsonl'), `${line(6, 'f', 60)}\n"just a string"\n${line(7, 'g', 70)}\n`);
    const second = await run(dir);
    expect(second.result.code).toBe(1);
    const failed = second.byName['raw.events']!;
    expect(failed.error).toMatchObject({ code: 'LOAD_TOO_MANY_ERRORS', file: 'data/events/a.jsonl', line: 2 });
    expect(failed.error!.message).toContain('4 bad rows; max_errors is 3');
    expect(await ids(dir)).toEqual([1, 5, 6]);
  });
});

describe('appending new files to an incremental source', () => {
  const yml = EVENTS_YML.replace('        format: jsonl\n', '        format: jsonl\n        incremental: true\n        max_errors: 1\n');
  /** `sqlkit run --debug`: whether the load converted its rows through a temporary table (the staged path). */
  const staged = async (dir: string) => {
    const result = await runCli(['run', '--debug'], { cwd: dir });
    expect(result.code, result.stdout).toBe(0);
    return /create temp table sqlkit_conv_/.test(result.stdout);
  };

  it('writes good files in one statement, and loads a file with bad rows through the staged path, once', async () => {
    const dir = eventsProject({ 'data/events/a.jsonl': `${line(1, 'a', 10)}\n${line(2, 'b', 20)}\n` }, yml);
    expect(await staged(dir)).toBe(false);
    writeFileSync(join(dir, 'data/events/b.jsonl'), `${line(3, 'c', 30)}\n${line(4, 'd', 40)}\n`);
    expect(await staged(dir)).toBe(false);
    expect(await ids(dir)).toEqual([1, 2, 3, 4]);

    // A bad value fails the direct write, which leaves nothing behind; the staged load appends the good rows once.
    writeFileSync(join(dir, 'data/events/c.jsonl'), `${line(5, 'e', 50)}\n${line(6, 'f', 'sixty')}\n${line(7, 'g', 70)}\n`);
    expect(await staged(dir)).toBe(true);
    expect(await ids(dir)).toEqual([1, 2, 3, 4, 5, 7]);
    // So does a malformed line, which DuckDB's reader rejects rather than the conversion.
    writeFileSync(join(dir, 'data/events/d.jsonl'), `${line(8, 'h', 80)}\n{"id": 9\n`);
    expect(await staged(dir)).toBe(true);
    expect(await ids(dir)).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect((await rows<{ filename: string; line_number: number }>(dir, 'select filename, line_number from raw.sqlkit_load_errors order by filename')).map((r) => [r.filename, Number(r.line_number)])).toEqual([
      ['data/events/c.jsonl', 2],
      ['data/events/d.jsonl', 2],
    ]);

    // Past max_errors the load fails, nothing of the file is kept, and it is not recorded as loaded: the next run tries it again.
    writeFileSync(join(dir, 'data/events/e.jsonl'), `${line(10, 'i', 'x')}\n${line(11, 'j', 'y')}\n${line(12, 'k', 120)}\n`);
    const failed = await run(dir);
    expect(failed.result.code).toBe(1);
    expect(failed.byName['raw.events']!.error).toMatchObject({ code: 'LOAD_TOO_MANY_ERRORS', file: 'data/events/e.jsonl', line: 1 });
    expect(await ids(dir)).toEqual([1, 2, 3, 4, 5, 7, 8]);
    writeFileSync(join(dir, 'data/events/e.jsonl'), `${line(10, 'i', 100)}\n`);
    expect(await staged(dir)).toBe(false);
    expect(await ids(dir)).toEqual([1, 2, 3, 4, 5, 7, 8, 10]);
  });
});

describe('the json format (one document per file)', () => {
  const yml = `sources:
  - name: raw
    schema: raw
    tables:
      - name: songs
        format: json
        location:
          local:
            path: data/songs
        columns:
          - { name: song_id, type: varchar(8) }
          - { name: year, type: integer }
`;

  it('loads one or several documents per file; a broken file fails at its line and keeps the old table', async () => {
    const dir = writeProject({
      'project.yml': duckdbProjectYml(),
      'sources/raw.yml': yml,
      'data/songs/a.json': '{"song_id": "S1", "year": 2001}\n',
      'data/songs/b.json': '{\n  "song_id": "S2", "year": 2002\n}\n{"song_id": "S3",\n "year": 2003}',
    });
    const first = await run(dir);
    expect(first.result.code).toBe(0);
    expect(first.byName['raw.songs']).toMatchObject({ status: 'success', rowsAffected: 3 });

    writeFileSync(join(dir, 'data/songs/c.json'), '{\n  "song_id": "S4",\n  "year": 2004,\n  oops\n}\n');
    const second = await run(dir);
    expect(second.result.code).toBe(1);
    expect(second.byName['raw.songs']!.error).toMatchObject({ code: 'LOAD_MALFORMED_JSON', file: 'data/songs/c.json', line: 4 });
    expect((await rows<{ song_id: string }>(dir, 'select song_id from raw.songs order by 1')).map((r) => r.song_id)).toEqual(['S1', 'S2', 'S3']);
  });

  it('a root-level array is one bad document, as with COPY ... JSON \'auto\' (it needs a jsonpaths file)', async () => {
    const dir = writeProject({
      'project.yml': duckdbProjectYml(),
      'sources/raw.yml': yml,
      'data/songs/a.json': '{"song_id": "S1", "year": 2001}\n',
      'data/songs/b.json': '[\n  {"song_id": "S2", "year": 2002}\n]\n',
    });
    const run1 = await run(dir);
    expect(run1.result.code).toBe(1);
    expect(run1.byName['raw.songs']!.error).toMatchObject({ code: 'LOAD_BAD_VALUE', file: 'data/songs/b.json', line: 1 });
    expect(run1.byName['raw.songs']!.error!.message).toContain('root-level array needs a jsonpaths file');
  });
});

describe('missing and empty data', () => {
  it('a missing source folder: LOAD_NO_FILES naming the sources file and line, with a hint about the path', async () => {
    const yml = EVENTS_YML.replace('path: data/events', 'path: data/evnets');
    const dir = eventsProject({ 'data/events/a.jsonl': `${line(1, 'a', 1)}\n` }, yml);
    const { result, byName } = await run(dir);
    expect(result.code).toBe(1);
    const error = byName['raw.events']!.error!;
    expect(error).toMatchObject({ code: 'LOAD_NO_FILES', file: 'sources/raw.yml', line: lineOf(yml, '- name: events') });
    expect(error.message).toContain("'data/evnets'");
    expect(error.hint).toContain('relative to the project root');
    expect(error.hint).toContain("'data/evnets'");
  });

  it('an empty data file fails the load with LOAD_EMPTY_FILE naming it, and the old table stays', async () => {
    const dir = eventsProject({ 'data/events/a.jsonl': `${line(1, 'a', 1)}\n${line(2, 'b', 2)}\n` });
    expect((await run(dir)).result.code).toBe(0);
    writeFileSync(join(dir, 'data/events/b.jsonl'), '');
    const { result, byName } = await run(dir);
    expect(result.code).toBe(1);
    expect(byName['raw.events']!.error).toMatchObject({ code: 'LOAD_EMPTY_FILE', file: 'data/events/b.jsonl', line: 1 });
    expect(byName['raw.events']!.error!.hint).toContain('allow_empty_files: true');
    expect(byName['event_counts']!.status).toBe('skipped');
    expect(await ids(dir)).toEqual([1, 2]);
  });

  it('with allow_empty_files, an empty or blank data file loads zero rows and the load succeeds', async () => {
    const allow = EVENTS_YML.replace('        format: jsonl\n', '        format: jsonl\n        allow_empty_files: true\n');
    const dir = eventsProject(
      {
        'data/events/a.jsonl': `${line(1, 'a', 1)}\n${line(2, 'b', 2)}\n`,
        'data/events/empty.jsonl': '',
        'data/events/blank.jsonl': '\n\n',
      },
      allow,
    );
    const { result, byName } = await run(dir);
    expect(result.code).toBe(0);
    expect(byName['raw.events']).toMatchObject({ status: 'success', rowsAffected: 2 });
    expect(await ids(dir)).toEqual([1, 2]);
    expect(byName['raw.events']!.warnings).toBeUndefined();
    // Nothing was rejected, so nothing was recorded (the table itself is created before loads run).
    expect(await rows(dir, 'select count(*)::int as n from raw.sqlkit_load_errors')).toEqual([{ n: 0 }]);
  });

  it('with allow_empty_files, a folder holding only an empty file loads an empty table', async () => {
    const allow = EVENTS_YML.replace('        format: jsonl\n', '        format: jsonl\n        allow_empty_files: true\n');
    const dir = eventsProject({ 'data/events/empty.jsonl': '' }, allow);
    const { result, byName } = await run(dir);
    expect(result.code).toBe(0);
    expect(byName['raw.events']).toMatchObject({ status: 'success', rowsAffected: 0 });
    expect(await ids(dir)).toEqual([]);
  });
});

describe('column mapping', () => {
  it('a JSONPaths file with the wrong number of expressions: LOAD_BAD_JSONPATHS naming the file', async () => {
    const yml = EVENTS_YML.replace('        format: jsonl\n', '        format: jsonl\n        json: jsonpaths\n').replace('path: data/events\n', 'path: data/events\n            jsonpaths: data/events.jsonpaths\n');
    const dir = eventsProject({ 'data/events/a.jsonl': `${line(1, 'a', 1)}\n`, 'data/events.jsonpaths': '{"jsonpaths": ["$.id", "$.kind"]}\n' }, yml);
    const { result, byName } = await run(dir);
    expect(result.code).toBe(1);
    const error = byName['raw.events']!.error!;
    expect(error).toMatchObject({ code: 'LOAD_BAD_JSONPATHS', file: 'data/events.jsonpaths' });
    expect(error.message).toContain('2 expressions');
    expect(error.message).toContain('3 columns');
    expect(error.hint).toBeTruthy();
  });

  it('json: auto_ignorecase matches camelCase keys to lowercase columns; json: auto does not', async () => {
    const table = (name: string, mapping: string) => `      - name: ${name}
        json: ${mapping}
        location:
          local:
            path: data/users
        columns:
          - { name: userid, type: integer }
          - { name: firstname, type: varchar(32) }
`;
    const dir = writeProject({
      'project.yml': duckdbProjectYml(),
      'sources/raw.yml': `sources:\n  - name: raw\n    schema: raw\n    tables:\n${table('users_ignorecase', 'auto_ignorecase')}${table('users_auto', 'auto')}`,
      'data/users/u.jsonl': '{"userId": 7, "firstName": "Ada"}\n{"userId": 8, "firstName": "Grace"}\n',
    });
    const { result } = await run(dir);
    expect(result.code).toBe(0);
    expect(await rows(dir, 'select userid, firstname from raw.users_ignorecase order by userid')).toEqual([
      { userid: 7, firstname: 'Ada' },
      { userid: 8, firstname: 'Grace' },
    ]);
    expect(await rows(dir, 'select userid, firstname from raw.users_auto')).toEqual([
      { userid: null, firstname: null },
      { userid: null, firstname: null },
    ]);
  });
});
