import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

afterAll(removeTempProjects);

/** Three models in a chain, a macro, a var, an env_var() and a models YAML file with a test. */
const FILES: Record<string, string> = {
  'project.yml': `${duckdbProjectYml()}vars:\n  factor: 2\n`,
  'macros/double.sql': '{% macro scaled(x) %}({{ x }} * {{ var("factor") }}){% endmacro %}\n',
  'models/base.sql': "select 1 as id, 10 as amount, '{{ env_var(\"SQLKIT_TEST_REGION\", \"eu\") }}' as region\n",
  'models/middle.sql': "select id, {{ scaled('amount') }} as amount from {{ ref('base') }}\n",
  'models/top.sql': 'select * from {{ ref(\'middle\') }}\n',
  'models/schema.yml': 'models:\n  - name: top\n    columns:\n      - name: id\n        tests: [not_null]\n',
};

interface Compiled {
  code: number;
  reused: number;
  stderr: string;
  event: Record<string, unknown>;
}

async function compile(dir: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Compiled> {
  const result = await runCli(['compile', '--log-format', 'json', ...args], { cwd: dir, env });
  const events = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const event = events.find((e) => e.event === 'compiled') ?? events.find((e) => e.event === 'error') ?? {};
  return { code: result.code ?? -1, reused: Number(event.reusedModels ?? 0), stderr: result.stderr, event };
}

const compiledSql = (dir: string, model: string) => readFileSync(join(dir, 'target/compiled/demo', `models/${model}.sql`), 'utf8');

describe('partial parsing', () => {
  it('reuses every model render on an unchanged project, and the output is the same', async () => {
    const dir = writeProject(FILES);
    const first = await compile(dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.reused).toBe(0);
    const before = ['base', 'middle', 'top'].map((m) => compiledSql(dir, m));
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, unknown> };

    const second = await compile(dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.reused).toBe(3);
    expect(['base', 'middle', 'top'].map((m) => compiledSql(dir, m))).toEqual(before);
    expect((JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: unknown }).nodes).toEqual(manifest.nodes);
  });

  it('renders again the file that changed, and only it', async () => {
    const dir = writeProject(FILES);
    await compile(dir);
    writeFileSync(join(dir, 'models/top.sql'), "select id, amount + 1 as amount from {{ ref('middle') }}\n");
    const after = await compile(dir);
    expect(after.reused).toBe(2);
    expect(compiledSql(dir, 'top')).toContain('amount + 1');
  });

  it('renders everything again when a macro, a var or the target changes', async () => {
    const dir = writeProject(FILES);
    await compile(dir);
    expect(compiledSql(dir, 'middle')).toContain('(amount * 2)');

    const vars = await compile(dir, ['--vars', '{factor: 3}']);
    expect(vars.reused).toBe(0);
    expect(compiledSql(dir, 'middle')).toContain('(amount * 3)');

    writeFileSync(join(dir, 'macros/double.sql'), '{% macro scaled(x) %}({{ x }} + {{ var("factor") }}){% endmacro %}\n');
    const macro = await compile(dir);
    expect(macro.reused).toBe(0);
    expect(compiledSql(dir, 'middle')).toContain('(amount + 2)');
  });

  it('renders a model again when an environment variable it read changed', async () => {
    const dir = writeProject(FILES);
    await compile(dir, [], { SQLKIT_TEST_REGION: 'us' });
    expect(compiledSql(dir, 'base')).toContain("'us'");
    const changed = await compile(dir, [], { SQLKIT_TEST_REGION: 'ap' });
    expect(changed.reused).toBe(2);
    expect(compiledSql(dir, 'base')).toContain("'ap'");
    const unset = await compile(dir, [], { SQLKIT_TEST_REGION: undefined });
    expect(compiledSql(dir, 'base')).toContain("'eu'");
    expect(unset.reused).toBe(2);
  });

  it('still reports a ref to a model that was removed, from a file that did not change', async () => {
    const dir = writeProject(FILES);
    await compile(dir);
    rmSync(join(dir, 'models/middle.sql'));
    const result = await compile(dir);
    expect(result.code).toBe(2);
    expect(result.event).toMatchObject({ code: 'REF_UNKNOWN_MODEL', location: { file: 'models/top.sql' } });
  });

  it('picks up a changed models YAML file: a test added there appears in the manifest', async () => {
    const dir = writeProject(FILES);
    await compile(dir);
    writeFileSync(join(dir, 'models/schema.yml'), 'models:\n  - name: top\n    columns:\n      - name: id\n        tests: [not_null, unique]\n');
    await compile(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { resourceType: string; name: string }> };
    const tests = Object.values(manifest.nodes).filter((n) => n.resourceType === 'test').map((n) => n.name).sort();
    expect(tests).toEqual(['not_null_top_id', 'unique_top_id']);
  });

  it('ignores damaged cache files and --no-partial-parse parses everything', async () => {
    const dir = writeProject(FILES);
    await compile(dir);
    writeFileSync(join(dir, 'target/compile_state.bin'), 'not a state');
    const damagedState = await compile(dir);
    expect(damagedState.code, damagedState.stderr).toBe(0);
    expect(damagedState.event.patched).toBe(false);
    expect(damagedState.reused).toBe(3);
    // Without the compile state (which patches the manifest without the parse cache), a damaged cache parses all.
    writeFileSync(join(dir, 'target/compile_state.bin'), 'not a state');
    writeFileSync(join(dir, 'target/partial_parse.bin'), 'not a cache');
    const damaged = await compile(dir);
    expect(damaged.code, damaged.stderr).toBe(0);
    expect(damaged.reused).toBe(0);
    expect((await compile(dir)).reused).toBe(3);
    expect((await compile(dir, ['--no-partial-parse'])).reused).toBe(0);
  });

  it('never stores a render that holds a secret: that model renders again each time', async () => {
    const secret = 'hunter2-partial-parse-secret';
    const dir = writeProject({ ...FILES, 'models/base.sql': "select 1 as id, 10 as amount, '{{ env_var(\"SQLKIT_SECRET_API\") }}' as region\n" });
    const env = { SQLKIT_SECRET_API: secret };
    expect((await compile(dir, [], env)).code).toBe(0);
    const second = await compile(dir, [], env);
    expect(second.reused).toBe(2);
    expect(readFileSync(join(dir, 'target/partial_parse.bin')).includes(secret)).toBe(false);
    expect(compiledSql(dir, 'base')).not.toContain(secret);
  });
});

describe('compiled SQL index', () => {
  it('rewrites a compiled file redacted once a value in it becomes a known secret, though the SQL did not change', async () => {
    const value = 'tok-4f9a8e77c1d2';
    const dir = writeProject({ ...FILES, 'models/base.sql': `select 1 as id, 10 as amount, '${value}' as region\n` });
    await compile(dir);
    expect(compiledSql(dir, 'base')).toContain(value);
    const again = await compile(dir, [], { SQLKIT_SECRET_TOKEN: value });
    expect(again.code, again.stderr).toBe(0);
    expect(compiledSql(dir, 'base')).not.toContain(value);
    expect(compiledSql(dir, 'base')).toContain('*****');
  });
});
