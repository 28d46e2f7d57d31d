import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

afterAll(removeTempProjects);

/**
 * A project with every kind of node a patch must leave right: folder config, a source, a macro, a var, an
 * env_var(), an ephemeral model and one reading it, an incremental model, YAML tests (one a relationship), a
 * singular test and an analysis.
 */
const FILES: Record<string, string> = {
  'project.yml': duckdbProjectYml({ extra: 'vars:\n  factor: 2\nmodels:\n  +materialized: view\n  marts:\n    +materialized: table\n    +tags: [mart]\n' }),
  'sources/raw.yml': 'sources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: events\n        format: jsonl\n        location:\n          local:\n            path: data/events\n        columns:\n          - { name: id, type: integer }\n          - { name: kind, type: varchar(8) }\n',
  'macros/scaled.sql': '{% macro scaled(x) %}({{ x }} * {{ var("factor") }}){% endmacro %}\n',
  'models/staging/stg_events.sql': "select id, kind, '{{ env_var(\"SQLKIT_TEST_REGION\", \"eu\") }}' as region from {{ source('raw', 'events') }}\n",
  'models/staging/stg_kinds.sql': "{{ config(materialized='ephemeral') }}\nselect distinct kind from {{ ref('stg_events') }}\n",
  'models/marts/facts.sql': "select id, {{ scaled('id') }} as amount, kind from {{ ref('stg_events') }}\n",
  'models/marts/kinds.sql': "select kind from {{ ref('stg_kinds') }}\n",
  'models/marts/growing.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect id from {{ ref('facts') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}\n",
  'models/marts/summary.sql': "select count(*) as n, 'Zürich' as city from {{ ref('facts') }}\n",
  'models/marts/marts.yml': 'models:\n  - name: facts\n    description: One row per event — with an amount.\n    columns:\n      - name: id\n        tests: [not_null, unique]\n      - name: kind\n        tests:\n          - relationships: { to: "ref(\'kinds\')", field: kind }\n  - name: summary\n    columns:\n      - name: n\n        tests: [not_null]\n',
  'data-tests/no_negative.sql': "select * from {{ ref('facts') }} where amount < 0\n",
  'analyses/by_kind.sql': "select kind, count(*) from {{ ref('facts') }} group by kind\n",
};

interface Compiled {
  code: number;
  stderr: string;
  event: Record<string, unknown>;
}

async function compile(dir: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Compiled> {
  const result = await runCli(['compile', '--log-format', 'json', ...args], { cwd: dir, env: { SQLKIT_TEST_REGION: undefined, ...env } });
  const events = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const event = events.find((e) => e.event === 'compiled') ?? events.find((e) => e.event === 'error') ?? {};
  return { code: result.code ?? -1, stderr: result.stderr, event };
}

/** manifest.json without its time, and every compiled file by path. */
function artifacts(dir: string): { manifest: string; compiled: Record<string, string> } {
  const manifest = readFileSync(join(dir, 'target/manifest.json'), 'utf8').replace(/"generatedAt":"[^"]*"/, '');
  const compiled: Record<string, string> = {};
  const root = join(dir, 'target/compiled');
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.sql')) compiled[relative(root, join(entry.parentPath, entry.name))] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return { manifest, compiled };
}

/** Compiles `dir` and checks that what it wrote is exactly what compiling the whole project writes. */
async function compileAndCompare(dir: string, env: Record<string, string | undefined> = {}): Promise<Compiled> {
  const result = await compile(dir, [], env);
  expect(result.code, result.stderr).toBe(0);
  const patched = artifacts(dir);
  const whole = await compile(dir, ['--no-partial-parse'], env);
  expect(whole.code, whole.stderr).toBe(0);
  expect(whole.event.patched).toBe(false);
  const expected = artifacts(dir);
  expect(patched.compiled).toEqual(expected.compiled);
  expect(patched.manifest).toBe(expected.manifest);
  return result;
}

function edit(dir: string, path: string, change: (text: string) => string): void {
  writeFileSync(join(dir, path), change(readFileSync(join(dir, path), 'utf8')));
}

async function freshProject(): Promise<string> {
  const dir = writeProject(FILES);
  const first = await compile(dir);
  expect(first.code, first.stderr).toBe(0);
  expect(first.event.patched).toBe(false);
  return dir;
}

describe('compile by patch', () => {
  it('patches the manifest after an edit inside a model, writing what a whole compile writes', async () => {
    const dir = await freshProject();
    edit(dir, 'models/marts/facts.sql', (text) => text.replace('kind from', "kind, 'ü' as mark from"));
    const result = await compileAndCompare(dir);
    expect(result.event).toMatchObject({ patched: true, written: 1, reusedModels: 5, nodes: { source: 1, model: 6, test: 5, analysis: 1 } });
    expect(readFileSync(join(dir, 'target/compiled/demo/models/marts/facts.sql'), 'utf8')).toContain("'ü' as mark");
  });

  it('keeps patching after a patch: two edits in turn, the second before the first in the manifest', async () => {
    const dir = await freshProject();
    edit(dir, 'models/marts/summary.sql', (text) => text.replace('as n', 'as n, 1 as one'));
    expect((await compile(dir)).event.patched).toBe(true);
    edit(dir, 'models/marts/facts.sql', (text) => text.replace('kind from', 'kind, 2 as two from'));
    edit(dir, 'models/marts/growing.sql', (text) => text.replace('select id', 'select id, 3 as three'));
    const result = await compileAndCompare(dir);
    expect(result.event).toMatchObject({ patched: true, written: 2 });
  });

  it('puts a compiled file back when the edit is undone', async () => {
    const dir = await freshProject();
    const original = readFileSync(join(dir, 'models/marts/summary.sql'), 'utf8');
    const compiledFile = join(dir, 'target/compiled/demo/models/marts/summary.sql');
    const before = readFileSync(compiledFile, 'utf8');
    edit(dir, 'models/marts/summary.sql', (text) => text.replace('as n', 'as n, 1 as one'));
    expect((await compile(dir)).event.patched).toBe(true);
    expect(readFileSync(compiledFile, 'utf8')).not.toBe(before);
    writeFileSync(join(dir, 'models/marts/summary.sql'), original);
    expect((await compileAndCompare(dir)).event.patched).toBe(true);
    expect(readFileSync(compiledFile, 'utf8')).toBe(before);
  });

  it('rewrites only the time when nothing changed', async () => {
    const dir = await freshProject();
    const before = readFileSync(join(dir, 'target/manifest.json'), 'utf8');
    const result = await compileAndCompare(dir);
    expect(result.event).toMatchObject({ patched: true, written: 0, reusedModels: 6 });
    expect(readFileSync(join(dir, 'target/manifest.json'), 'utf8')).not.toBe(before);
    const text = await runCli(['compile'], { cwd: dir, env: { SQLKIT_TEST_REGION: undefined } });
    expect(text.stdout).toMatch(/^Compiled 1 source, 6 models, 1 analysis, 5 tests in \d+ ms \(0 files written; manifest patched, 6 models unchanged\)\.$/m);
  });

  it.each([
    ['a ref added', 'models/marts/summary.sql', (t: string) => t.replace("ref('facts') }}", "ref('facts') }} cross join {{ ref('kinds') }}")],
    ['the config changed', 'models/marts/summary.sql', (t: string) => `{{ config(materialized='view') }}\n${t}`],
    ['an alias set', 'models/marts/summary.sql', (t: string) => `{{ config(alias='summary_v2') }}\n${t}`],
    ['an ephemeral model edited', 'models/staging/stg_kinds.sql', (t: string) => t.replace('distinct kind', 'distinct kind, 1 as k')],
    ['a model reading an ephemeral one edited', 'models/marts/kinds.sql', (t: string) => t.replace('select kind', 'select kind, 1 as k')],
    ['a models YAML file changed', 'models/marts/marts.yml', (t: string) => t.replace('One row per event', 'An event')],
    ['a macro changed', 'macros/scaled.sql', (t: string) => t.replace('*', '+')],
    ['project.yml changed', 'project.yml', (t: string) => t.replace('factor: 2', 'factor: 5')],
    ['a source changed', 'sources/raw.yml', (t: string) => t.replace('varchar(8)', 'varchar(16)')],
    ['a singular test changed', 'data-tests/no_negative.sql', (t: string) => t.replace('< 0', '< -1')],
  ])('compiles the whole project when %s', async (_, path, change) => {
    const dir = await freshProject();
    edit(dir, path, change);
    const result = await compileAndCompare(dir);
    expect(result.event.patched).toBe(false);
  });

  it('compiles the whole project when a model file is added or removed', async () => {
    const dir = await freshProject();
    writeFileSync(join(dir, 'models/marts/extra.sql'), "select * from {{ ref('facts') }}\n");
    expect((await compileAndCompare(dir)).event.patched).toBe(false);
    rmSync(join(dir, 'models/marts/extra.sql'));
    expect((await compileAndCompare(dir)).event.patched).toBe(false);
  });

  it('compiles the whole project when an environment variable the compile read changed', async () => {
    const dir = await freshProject();
    const result = await compileAndCompare(dir, { SQLKIT_TEST_REGION: 'ap' });
    expect(result.event.patched).toBe(false);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/staging/stg_events.sql'), 'utf8')).toContain("'ap'");
    expect((await compile(dir, [], { SQLKIT_TEST_REGION: 'ap' })).event.patched).toBe(true);
  });

  it('reports an edit that does not compile as a whole compile does, and patches again once it is fixed', async () => {
    const dir = await freshProject();
    const original = readFileSync(join(dir, 'models/marts/summary.sql'), 'utf8');
    writeFileSync(join(dir, 'models/marts/summary.sql'), "select {{ ref('nowhere') }}\n");
    const broken = await compile(dir);
    expect(broken.code).toBe(2);
    expect(broken.event).toMatchObject({ code: 'REF_UNKNOWN_MODEL', location: { file: 'models/marts/summary.sql' } });
    writeFileSync(join(dir, 'models/marts/summary.sql'), original.replace('as n', 'as n, 1 as one'));
    expect((await compileAndCompare(dir)).event.patched).toBe(true);
  });

  it('compiles the whole project when manifest.json was changed or removed by something else', async () => {
    const dir = await freshProject();
    edit(dir, 'target/manifest.json', (text) => text.replace('One row per event', 'Changed by hand'));
    expect((await compileAndCompare(dir)).event.patched).toBe(false);
    rmSync(join(dir, 'target/manifest.json'));
    const result = await compile(dir);
    expect(result.event.patched).toBe(false);
    expect(existsSync(join(dir, 'target/manifest.json'))).toBe(true);
  });

  it('patches after `sqlkit run` wrote the manifest', async () => {
    const dir = writeProject({ ...FILES, 'data/events/day1.json': '{"id": 1, "kind": "a"}\n{"id": 2, "kind": "b"}\n' });
    const run = await runCli(['run'], { cwd: dir, env: { SQLKIT_TEST_REGION: undefined } });
    expect(run.code, run.stderr).toBe(0);
    edit(dir, 'models/marts/summary.sql', (text) => text.replace('as n', 'as n, 1 as one'));
    expect((await compileAndCompare(dir)).event).toMatchObject({ patched: true, written: 1 });
  });

  it('compiles the whole project with a selection, or --no-partial-parse', async () => {
    const dir = await freshProject();
    expect((await compile(dir, ['--select', 'facts'])).event.patched).toBe(false);
    expect((await compile(dir, ['--no-partial-parse'])).event.patched).toBe(false);
    expect((await compile(dir)).event.patched).toBe(true);
  });

  it('never patches while a secret value is known, and keeps no state from such a compile', async () => {
    const value = 'tok-7a1c9e5d3b2f';
    const dir = writeProject({ ...FILES, 'models/marts/summary.sql': `select count(*) as n, '${value}' as city from {{ ref('facts') }}\n` });
    expect((await compile(dir)).code).toBe(0);
    expect(existsSync(join(dir, 'target/compile_state.bin'))).toBe(true);
    const secret = await compile(dir, [], { SQLKIT_SECRET_TOKEN: value });
    expect(secret.event.patched).toBe(false);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/marts/summary.sql'), 'utf8')).not.toContain(value);
    expect(existsSync(join(dir, 'target/compile_state.bin'))).toBe(false);
    expect((await compile(dir, [], { SQLKIT_SECRET_TOKEN: value })).event.patched).toBe(false);
  });
});
