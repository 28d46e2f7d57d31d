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

/*
 * Single mistakes, each with its code, file, line and hint, are the table-driven corpus in test/corpus/. These are
 * the checks a table row cannot express: cascades, cycles, duplicates, several commands, and what is left on disk.
 */

describe('bad YAML in project files', () => {
  it('a sources file that cannot be read: the source() calls it would have declared point at it', async () => {
    const text = fixture('sources/raw.yml').replace('      - name: customers\n', '      - name: customers\n     tags: [crm]\n');
    const dir = copyFixtureProject('shop', { 'sources/raw.yml': text });
    const { result, errors } = await sqlkitJson(dir, ['compile']);
    expectBadInput(result);
    expect(errors.map((e) => [e.code, e.location?.file])).toEqual([
      ['REF_UNKNOWN_SOURCE', 'models/staging/stg_customers.sql'],
      ['REF_UNKNOWN_SOURCE', 'models/staging/stg_orders.sql'],
      ['CONFIG_YAML_SYNTAX', 'sources/raw.yml'],
    ]);
    for (const cascade of errors.slice(0, 2)) expect(cascade.hint).toContain('sources/raw.yml could not be read');
  });

  it('numeric(10,2) unquoted in a flow mapping: the hint shows the value quoted, also with a space after the comma', async () => {
    const text = fixture('sources/raw.yml').replace('{ name: amount, type: "numeric(10,2)" }', '{ name: amount, type: numeric(10, 2) }');
    const dir = copyFixtureProject('shop', { 'sources/raw.yml': text });
    const { errors } = await sqlkitJson(dir, ['compile']);
    const error = errors.find((e) => e.code === 'CONFIG_INVALID')!;
    expect(error.message).toBe("Unknown key 'sources[0].tables[0].columns[2].2)' in sources/raw.yml.");
    expect(error.hint).toBe(`Inside { } a comma separates entries, so 'numeric(10, 2)' was cut at its comma: quote it, as in type: "numeric(10, 2)".`);
  });
});

describe('bad templates and references', () => {
  it('an unknown ref: the message, and the line of the template as the snippet', async () => {
    const text = fixture('models/marts/customer_orders.sql').replace("ref('stg_orders')", "ref('stg_order')");
    const error = await compileOneError({ 'models/marts/customer_orders.sql': text });
    expect(error.code).toBe('REF_UNKNOWN_MODEL');
    expect(error.message).toBe("ref('stg_order') does not match any model.");
    expect(error.location).toMatchObject({ file: 'models/marts/customer_orders.sql', line: lineOf(text, 'stg_order'), snippet: "left join {{ ref('stg_order') }} o using (customer_id)" });
    expect(error.hint).toMatch(/^did you mean 'stg_orders'\?/);
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

  it('a method with a fixed set of values lists them all; any other suggests from the values in the project', async () => {
    const { errors } = await sqlkitJson(copyFixtureProject('shop'), ['ls', '--select', 'resource_type:modle']);
    expect(errors).toEqual([expect.objectContaining({ code: 'SELECT_INVALID', hint: "did you mean 'model'? resource_type is one of model, source, test, analysis." })]);
    const tagged = copyFixtureProject('shop', { 'models/marts/customer_orders.sql': `{{ config(tags=['nightly']) }}\n${fixture('models/marts/customer_orders.sql')}` });
    const tag = await sqlkitJson(tagged, ['ls', '-s', 'tag:nighty']);
    expect(tag.errors).toEqual([expect.objectContaining({ code: 'SELECT_INVALID', hint: "did you mean 'nightly'? Run 'sqlkit ls' to list nodes." })]);
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

describe('a selection that is valid but picks nothing', () => {
  const EMPTY_AND = `Selector 'stg_orders,stg_customers' matches no node: a comma means "and", and no node is in all of them ('stg_orders' matches 1 node, 'stg_customers' matches 1 node). For "or", separate selectors with a space.`;

  it('-s "a,b" with no node in both: a warning naming each part, not silence', async () => {
    const dir = copyFixtureProject('shop');
    const text = await runCli(['run', '-s', 'stg_orders,stg_customers'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe(`warning: ${EMPTY_AND}\n`);
    expect(text.stdout).toContain('· 0 nodes ·');
    const { result, events } = await sqlkitJson(dir, ['build', '-s', 'stg_orders,stg_customers']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(events[0]).toMatchObject({ event: 'warning', message: EMPTY_AND });
    expect(Number.isNaN(Date.parse(String(events[0]!.ts)))).toBe(false);
    for (const command of ['compile', 'ls']) {
      const listed = await runCli([command, '-s', 'stg_orders,stg_customers'], { cwd: dir });
      expect(listed.code, command).toBe(0);
      expect(listed.stderr, command).toBe(`warning: ${EMPTY_AND}\n`);
    }
  });

  it('an intersection that is not empty says nothing; an empty one inside a union is still named', async () => {
    const dir = copyFixtureProject('shop');
    const both = await runCli(['ls', '-s', 'stg_orders,resource_type:model'], { cwd: dir });
    expect(both.stderr).toBe('');
    expect(both.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[1])).toEqual(['stg_orders']);
    const union = await runCli(['ls', '-s', 'customer_orders stg_orders,stg_customers'], { cwd: dir });
    expect(union.stderr).toBe(`warning: ${EMPTY_AND}\n`);
    expect(union.stdout).toContain('customer_orders');
  });

  it('--exclude that removes everything selected says so', async () => {
    const { result, events } = await sqlkitJson(copyFixtureProject('shop'), ['run', '-s', 'stg_orders', '--exclude', 'stg_orders']);
    expect(result.code).toBe(0);
    expect(events[0]).toMatchObject({ event: 'warning', message: '--exclude stg_orders removes every selected node: nothing to do.' });
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
