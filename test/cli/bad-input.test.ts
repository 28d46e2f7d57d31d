import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { columnOf, lineOf } from '../support/compile-files.js';
import { copyFixtureProject, FIXTURE_PROJECTS } from '../support/fixture-project.js';
import { runCli, type CliResult } from '../support/sqlkit-cli.js';
import { removeTempProjects } from '../support/temp-project.js';

interface ErrorEvent {
  event: 'error';
  code: string;
  message: string;
  location?: { file: string; line?: number; column?: number; snippet?: string };
  hint?: string;
  related?: { file: string; line?: number }[];
}

const STACK_LINE = /^\s+at /m;

/** Runs sqlkit with --log-format json and returns the error events it printed. */
async function sqlkitJson(dir: string, args: string[]): Promise<{ result: CliResult; errors: ErrorEvent[]; events: Record<string, unknown>[] }> {
  const result = await runCli([...args, '--log-format', 'json'], { cwd: dir });
  const events = result.stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { result, events, errors: events.filter((e) => e.event === 'error') as unknown as ErrorEvent[] };
}

/** Bad input: exit 2, at least one error, and nothing that looks like a stack trace. */
function expectBadInput(result: CliResult): void {
  expect(result.code).toBe(2);
  expect(result.stdout).not.toMatch(STACK_LINE);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

/** Compiles the `shop` fixture with `overlay` applied; expects exactly one error and returns it. */
async function compileOneError(overlay: Record<string, string | null>, args: string[] = ['compile']): Promise<ErrorEvent> {
  const dir = copyFixtureProject('shop', overlay);
  const { result, errors } = await sqlkitJson(dir, args);
  expectBadInput(result);
  expect(errors.map((e) => `${e.code} ${e.message}`)).toHaveLength(1);
  const error = errors[0]!;
  expect(error.hint, `hint of ${error.code}`).toBeTruthy();
  return error;
}

const fixture = (path: string) => readFileSync(join(FIXTURE_PROJECTS, 'shop', path), 'utf8');

afterAll(removeTempProjects);

describe('the shop fixture (the base every bad-input case breaks)', () => {
  it('compiles cleanly', async () => {
    const { result, errors, events } = await sqlkitJson(copyFixtureProject('shop'), ['compile']);
    expect(errors).toEqual([]);
    expect(result.code).toBe(0);
    expect(events).toEqual([expect.objectContaining({ event: 'compiled', nodes: { source: 2, model: 3, test: 4 } })]);
  });
});

/**
 * A sources file that cannot be read leaves every source() of it unresolved: those errors are reported too (the
 * models cannot compile), but their hint sends the reader to the broken file instead of suggesting a typo.
 */
async function compileBrokenSources(text: string): Promise<ErrorEvent> {
  const dir = copyFixtureProject('shop', { 'sources/raw.yml': text });
  const { result, errors } = await sqlkitJson(dir, ['compile']);
  expectBadInput(result);
  expect(errors.map((e) => [e.code, e.location?.file])).toEqual([
    ['REF_UNKNOWN_SOURCE', 'models/staging/stg_customers.sql'],
    ['REF_UNKNOWN_SOURCE', 'models/staging/stg_orders.sql'],
    [expect.stringMatching(/^CONFIG_/), 'sources/raw.yml'],
  ]);
  for (const cascade of errors.slice(0, 2)) expect(cascade.hint).toContain('sources/raw.yml could not be read');
  expect(errors[2]!.hint).toBeTruthy();
  return errors[2]!;
}

describe('bad YAML in project files', () => {
  it('a YAML syntax error in sources/*.yml', async () => {
    const text = fixture('sources/raw.yml').replace('      - name: customers\n', '      - name: customers\n     tags: [crm]\n');
    const error = await compileBrokenSources(text);
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.message).toContain('sources/raw.yml');
    expect(error.location).toMatchObject({ file: 'sources/raw.yml', line: lineOf(text, 'tags: [crm]') });
  });

  it('a YAML syntax error in models/*.yml: the line of the unclosed quote', async () => {
    const text = fixture('models/marts/marts.yml').replace('description: One row', 'description: "One row');
    const error = await compileOneError({ 'models/marts/marts.yml': text });
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.message).toContain('models/marts/marts.yml');
    expect(error.location).toMatchObject({ file: 'models/marts/marts.yml', line: lineOf(text, '"One row'), column: columnOf(text, '"One row') });
  });

  it('an unknown key in a source table', async () => {
    const text = fixture('sources/raw.yml').replace('        format: jsonl\n', '        format: jsonl\n        identifer: orders_v2\n');
    const error = await compileBrokenSources(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("'sources[0].tables[0].identifer'");
    expect(error.location).toMatchObject({ file: 'sources/raw.yml', line: lineOf(text, 'identifer'), column: 9 });
    expect(error.hint).toBe("did you mean 'identifier'?");
  });

  it('an unknown key in a model YAML entry', async () => {
    const text = fixture('models/marts/marts.yml').replace('    description:', '    descripton:');
    const error = await compileOneError({ 'models/marts/marts.yml': text });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain("'models[0].descripton'");
    expect(error.location).toMatchObject({ file: 'models/marts/marts.yml', line: lineOf(text, 'descripton') });
    expect(error.hint).toBe("did you mean 'description'?");
  });

  it('a model YAML entry for a model that does not exist', async () => {
    const text = `${fixture('models/marts/marts.yml')}  - name: customer_order\n    description: a typo of customer_orders\n`;
    const error = await compileOneError({ 'models/marts/marts.yml': text });
    expect(error.code).toBe('PROJECT_UNKNOWN_NODE');
    expect(error.message).toContain("'customer_order'");
    expect(error.location).toMatchObject({ file: 'models/marts/marts.yml', line: lineOf(text, 'name: customer_order\n'.trim(), 2) });
    expect(error.hint).toBe("did you mean 'customer_orders'?");
  });

  it('an unknown generic test name', async () => {
    const text = fixture('models/marts/marts.yml').replace('[not_null, unique]', '[not_null, uniqe]');
    const error = await compileOneError({ 'models/marts/marts.yml': text });
    expect(error.code).toBe('REF_UNKNOWN_TEST');
    expect(error.message).toContain("'uniqe'");
    expect(error.location).toMatchObject({ file: 'models/marts/marts.yml', line: lineOf(text, 'uniqe'), column: columnOf(text, 'uniqe') });
    expect(error.hint).toMatch(/^did you mean 'unique'\?/);
  });

  it('accepted_values without values', async () => {
    const text = fixture('sources/raw.yml').replace('                  values: [placed, shipped]\n', '                  quote: true\n');
    const error = await compileOneError({ 'sources/raw.yml': text });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe("Test 'accepted_values' needs the argument 'values'.");
    expect(error.location).toMatchObject({ file: 'sources/raw.yml', line: lineOf(text, '- accepted_values') });
    expect(error.hint).toContain('values:');
  });

  it('an unknown ref in a test argument points at the test entry in the YAML', async () => {
    const text = fixture('models/marts/marts.yml').replace('          - not_null\n', "          - not_null\n          - relationships: {to: ref('stg_customer'), field: customer_id}\n");
    const error = await compileOneError({ 'models/marts/marts.yml': text });
    expect(error.code).toBe('REF_UNKNOWN_MODEL');
    expect(error.location).toMatchObject({ file: 'models/marts/marts.yml', line: lineOf(text, 'relationships') });
    expect(error.hint).toMatch(/^did you mean 'stg_customers'\?/);
  });

  it('an unknown materialization in a model YAML config', async () => {
    const text = fixture('models/marts/marts.yml').replace('    description:', '    config:\n      materialized: tabel\n    description:');
    const error = await compileOneError({ 'models/marts/marts.yml': text });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location).toMatchObject({ file: 'models/marts/marts.yml', line: lineOf(text, 'tabel') });
    expect(error.hint).toBe('Use one of: view, table, incremental, ephemeral.');
  });

  it('an unknown column type suggests the closest type', async () => {
    const text = fixture('sources/raw.yml').replace('{ name: order_id, type: integer }', '{ name: order_id, type: integr }');
    const error = await compileOneError({ 'sources/raw.yml': text });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location).toMatchObject({ file: 'sources/raw.yml', line: lineOf(text, 'integr ') });
    expect(error.hint).toMatch(/^did you mean 'integer'\?/);
  });

  it('an invalid project.yml stops before anything else is read', async () => {
    const text = fixture('project.yml').replace('    threads: 2', '    threads: 2\n    scheme: analytics');
    const error = await compileOneError({ 'project.yml': text });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location).toMatchObject({ file: 'project.yml', line: lineOf(text, 'scheme') });
    expect(error.hint).toBe("did you mean 'schema'?");
  });
});

describe('bad templates and references', () => {
  it('a template syntax error', async () => {
    const text = fixture('models/staging/stg_customers.sql').replace("'customers') }}", "'customers') }");
    const error = await compileOneError({ 'models/staging/stg_customers.sql': text });
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect(error.location).toMatchObject({ file: 'models/staging/stg_customers.sql', line: 2 });
    expect(error.location?.column).toBeGreaterThan(0);
  });

  it('an unknown ref', async () => {
    const text = fixture('models/marts/customer_orders.sql').replace("ref('stg_orders')", "ref('stg_order')");
    const error = await compileOneError({ 'models/marts/customer_orders.sql': text });
    expect(error.code).toBe('REF_UNKNOWN_MODEL');
    expect(error.message).toBe("ref('stg_order') does not match any model.");
    expect(error.location).toMatchObject({ file: 'models/marts/customer_orders.sql', line: lineOf(text, 'stg_order'), snippet: 'left join {{ ref(\'stg_order\') }} o using (customer_id)' });
    expect(error.hint).toMatch(/^did you mean 'stg_orders'\?/);
  });

  it('an unknown source', async () => {
    const text = fixture('models/staging/stg_customers.sql').replace("'customers'", "'customer'");
    const error = await compileOneError({ 'models/staging/stg_customers.sql': text });
    expect(error.code).toBe('REF_UNKNOWN_SOURCE');
    expect(error.message).toContain("source('raw', 'customer')");
    expect(error.location).toMatchObject({ file: 'models/staging/stg_customers.sql', line: 2 });
    expect(error.hint).toMatch(/^did you mean 'raw.customers'\?/);
  });

  it('an unknown macro', async () => {
    const text = fixture('models/staging/stg_orders.sql').replace("cents('amount')", "cent('amount')");
    const error = await compileOneError({ 'models/staging/stg_orders.sql': text });
    expect(error.code).toBe('TEMPLATE_UNKNOWN_MACRO');
    expect(error.location).toMatchObject({ file: 'models/staging/stg_orders.sql', line: lineOf(text, 'cent(') });
    expect(error.hint).toMatch(/^did you mean 'cents'\?/);
  });

  it('an unknown var, and the same project compiling once --vars supplies it', async () => {
    const projectYml = fixture('project.yml').replace('vars:\n  min_amount: 0\n', '');
    const dir = copyFixtureProject('shop', { 'project.yml': projectYml });
    const { result, errors } = await sqlkitJson(dir, ['compile']);
    expectBadInput(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'TEMPLATE_UNKNOWN_VAR', location: { file: 'models/staging/stg_orders.sql', line: lineOf(fixture('models/staging/stg_orders.sql'), "var('min_amount')") } });
    expect(errors[0]!.hint).toContain('--vars');
    const fixed = await sqlkitJson(dir, ['compile', '--vars', '{min_amount: 5}']);
    expect(fixed.errors).toEqual([]);
    expect(fixed.result.code).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/shop/models/staging/stg_orders.sql'), 'utf8')).toContain('where amount >= 5');
  });

  it('a ref cycle lists every node on it, with the line of each ref', async () => {
    const files = {
      'models/cycle/cyc_a.sql': "select * from {{ ref('cyc_c') }}\n",
      'models/cycle/cyc_b.sql': "select 1 as x\nunion all\nselect * from {{ ref('cyc_a') }}\n",
      'models/cycle/cyc_c.sql': "-- closes the loop\nselect * from {{ ref('cyc_b') }}\n",
    };
    const error = await compileOneError(files);
    expect(error.code).toBe('GRAPH_CYCLE');
    for (const name of ['cyc_a', 'cyc_b', 'cyc_c']) expect(error.message).toContain(name);
    // One closed loop: three distinct nodes, the first repeated at the end.
    const names = /Dependency cycle: (.*)\.$/.exec(error.message)![1]!.split(' -> ');
    expect(names).toHaveLength(4);
    expect(names[3]).toBe(names[0]);
    expect(new Set(names.slice(0, 3))).toEqual(new Set(['cyc_a', 'cyc_b', 'cyc_c']));
    const places = [error.location!, ...(error.related ?? [])].map((l) => [l.file, l.line]);
    expect(places.sort()).toEqual([
      ['models/cycle/cyc_a.sql', 1],
      ['models/cycle/cyc_b.sql', 3],
      ['models/cycle/cyc_c.sql', 2],
    ]);
  });

  it('duplicate model names in two folders name both files', async () => {
    const error = await compileOneError({ 'models/staging/customer_orders.sql': 'select 1 as customer_id\n' });
    expect(error.code).toBe('PROJECT_DUPLICATE_NODE');
    expect(error.message).toContain('models/marts/customer_orders.sql');
    expect(error.message).toContain('models/staging/customer_orders.sql');
    expect([error.location?.file, ...(error.related ?? []).map((r) => r.file)].sort()).toEqual([
      'models/marts/customer_orders.sql',
      'models/staging/customer_orders.sql',
    ]);
  });

  it('an empty model', async () => {
    const error = await compileOneError({ 'models/marts/todo.sql': "{{ config(materialized='table') }}\n-- nothing here yet\n\n" });
    expect(error.code).toBe('PROJECT_EMPTY_MODEL');
    expect(error.message).toContain("'todo'");
    expect(error.location).toMatchObject({ file: 'models/marts/todo.sql', line: 1 });
  });

  it('an unknown materialization in config()', async () => {
    const text = `{{ config(materialized='incrementl') }}\n${fixture('models/marts/customer_orders.sql')}`;
    const error = await compileOneError({ 'models/marts/customer_orders.sql': text });
    expect(error.code).toBe('TEMPLATE_INVALID_CONFIG');
    expect(error.location).toMatchObject({ file: 'models/marts/customer_orders.sql', line: 1 });
    expect(error.hint).toBe('Use one of: view, table, incremental, ephemeral.');
  });

  it('an unknown materialization in project.yml folder config', async () => {
    const text = fixture('project.yml').replace('+materialized: table', '+materialized: tables');
    const error = await compileOneError({ 'project.yml': text });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location).toMatchObject({ file: 'project.yml', line: lineOf(text, 'tables') });
  });

  it('a model file name that is not an identifier', async () => {
    const error = await compileOneError({ 'models/marts/customer-orders-v2.sql': 'select 1 as x\n' });
    expect(error.code).toBe('PROJECT_UNKNOWN_NODE');
    expect(error.message).toContain("'customer-orders-v2.sql'");
    expect(error.location?.file).toBe('models/marts/customer-orders-v2.sql');
    expect(error.hint).toContain('letters, digits and underscores');
  });

  it('folder config for a folder that does not exist', async () => {
    const text = fixture('project.yml').replace('  marts:', '  mart:');
    const error = await compileOneError({ 'project.yml': text });
    expect(error.code).toBe('CONFIG_UNKNOWN_PATH');
    expect(error.location).toMatchObject({ file: 'project.yml', line: lineOf(text, 'mart:') });
    expect(error.hint).toMatch(/^did you mean 'models\/marts'\?/);
  });
});

describe('bad command-line arguments', () => {
  it('--select naming no node, in JSON and in text output, for compile and run', async () => {
    const dir = copyFixtureProject('shop');
    for (const command of ['compile', 'run', 'ls']) {
      const { result, errors } = await sqlkitJson(dir, [command, '--select', 'stg_ordres']);
      expectBadInput(result);
      expect(errors).toEqual([expect.objectContaining({ code: 'SELECT_INVALID', hint: expect.stringMatching(/^did you mean 'stg_orders'\?/) })]);
    }
    const text = await runCli(['compile', '--select', 'stg_ordres'], { cwd: dir });
    expectBadInput(text);
    expect(text.stderr).toContain("error[SELECT_INVALID]: Selector 'stg_ordres' matches no node.");
    expect(text.stdout).not.toContain('Compiled');
    expect(existsSync(join(dir, 'target', 'shop.duckdb'))).toBe(false);
  });

  it('--select with an unknown method', async () => {
    const { result, errors } = await sqlkitJson(copyFixtureProject('shop'), ['run', '--select', 'tagg:nightly']);
    expectBadInput(result);
    expect(errors).toEqual([expect.objectContaining({ code: 'SELECT_INVALID', message: "Invalid selector 'tagg:nightly': unknown method 'tagg'." })]);
    expect(errors[0]!.hint).toMatch(/^did you mean 'tag'\?/);
  });

  it('--vars that is not YAML, and --vars that is not a mapping', async () => {
    const dir = copyFixtureProject('shop');
    const broken = await sqlkitJson(dir, ['compile', '--vars', '{min_amount: 5']);
    expectBadInput(broken.result);
    expect(broken.errors).toEqual([expect.objectContaining({ code: 'CLI_INVALID_ARGUMENT', message: expect.stringContaining('--vars is not valid YAML or JSON') })]);
    expect(broken.errors[0]!.hint).toContain('--vars');
    const list = await sqlkitJson(dir, ['compile', '--vars', '[5]']);
    expectBadInput(list.result);
    expect(list.errors).toEqual([expect.objectContaining({ code: 'CLI_INVALID_ARGUMENT', message: '--vars must be a mapping of var names to values.' })]);
  });

  it('--target naming no target', async () => {
    const { result, errors } = await sqlkitJson(copyFixtureProject('shop'), ['run', '--target', 'dve']);
    expectBadInput(result);
    expect(errors).toEqual([expect.objectContaining({ code: 'CONFIG_UNKNOWN_TARGET', message: "Target 'dve' is not defined in project.yml.", hint: "did you mean 'dev'? Targets defined: dev." })]);
  });

  it('an unknown command and an unknown option', async () => {
    const dir = copyFixtureProject('shop');
    const command = await sqlkitJson(dir, ['compil']);
    expectBadInput(command.result);
    expect(command.errors).toEqual([expect.objectContaining({ code: 'CLI_INVALID_ARGUMENT', hint: expect.stringMatching(/^did you mean 'compile'\?/) })]);
    const option = await sqlkitJson(dir, ['compile', '--selct', 'x']);
    expectBadInput(option.result);
    expect(option.errors).toEqual([expect.objectContaining({ code: 'CLI_INVALID_ARGUMENT', message: expect.stringContaining('--selct') })]);
  });

  it('run refuses to start while the project has compile errors, and touches no warehouse', async () => {
    const dir = copyFixtureProject('shop', { 'models/marts/todo.sql': '-- empty\n' });
    const { result, errors, events } = await sqlkitJson(dir, ['build']);
    expectBadInput(result);
    expect(errors.map((e) => e.code)).toEqual(['PROJECT_EMPTY_MODEL']);
    expect(events.some((e) => e.event === 'run_started')).toBe(false);
    expect(existsSync(join(dir, 'target', 'shop.duckdb'))).toBe(false);
  });
});

describe('the broken fixture: many problems at once', () => {
  const expected = [
    ['TEMPLATE_SYNTAX', 'macros/helpers.sql', 6],
    ['REF_UNKNOWN_MODEL', 'models/a_orders.sql', 4],
    ['TEMPLATE_SYNTAX', 'models/b_report.sql', 3],
    ['PROJECT_EMPTY_MODEL', 'models/c_empty.sql', 1],
    ['TEMPLATE_UNKNOWN_VAR', 'models/d_params.sql', 3],
    ['REF_UNKNOWN_TEST', 'models/marts/marts.yml', 6],
    ['PROJECT_UNKNOWN_NODE', 'models/marts/marts.yml', 7],
    ['PROJECT_DUPLICATE_NODE', 'models/staging/orders.sql', undefined],
    ['CONFIG_INVALID', 'sources/raw.yml', 7],
  ];

  it('sqlkit compile reports every error, sorted by file and line, each with a hint', async () => {
    const { result, errors } = await sqlkitJson(copyFixtureProject('broken'), ['compile']);
    expectBadInput(result);
    expect(errors.map((e) => [e.code, e.location?.file, e.location?.line])).toEqual(expected);
    for (const error of errors) expect(error.hint, error.code).toBeTruthy();
    expect(errors[1]!.hint).toMatch(/^did you mean 'stg_orders'\?/);
    expect(errors[5]!.hint).toMatch(/^did you mean 'unique'\?/);
    expect(errors[8]!.hint).toMatch(/^did you mean 'integer'\?/);
  });

  it('renders each error as text: code, message, file:line:col, the line itself, a caret, the hint', async () => {
    const result = await runCli(['compile'], { cwd: copyFixtureProject('broken') });
    expectBadInput(result);
    const text = result.stderr;
    const blocks = text.trim().split('\n\n');
    expect(blocks).toHaveLength(expected.length + 1);
    expect(blocks.at(-1)).toBe(`${expected.length} problems found.`);
    expect(blocks.map((b) => /^error\[(\w+)\]/.exec(b)?.[1])).toEqual([...expected.map(([code]) => code), undefined]);
    const ref = readFileSync(join(FIXTURE_PROJECTS, 'broken', 'models/a_orders.sql'), 'utf8');
    const column = columnOf(ref, "('stg_ordrs')");
    expect(blocks[1]).toBe(
      [
        "error[REF_UNKNOWN_MODEL]: ref('stg_ordrs') does not match any model.",
        `  --> models/a_orders.sql:4:${column}`,
        '    |',
        "  4 | from {{ ref('stg_ordrs') }} o",
        `    | ${' '.repeat(column - 1)}^`,
        "  hint: did you mean 'stg_orders'? A model's name is its file name under models/, without .sql.",
      ].join('\n'),
    );
    expect(blocks[7]).toContain('  see models/marts/orders.sql');
    expect(result.stdout).toBe('');
  });

  it('shows stack traces only with --debug', async () => {
    const result = await runCli(['compile', '--debug'], { cwd: copyFixtureProject('broken') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(STACK_LINE);
    expect(result.stderr).toContain('error[REF_UNKNOWN_MODEL]');
  });
});
