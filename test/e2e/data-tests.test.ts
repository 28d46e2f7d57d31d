import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, expectExit, type DuckdbE2eProject, type NodeRunResult, type SqlkitRun } from '../support/duckdb-e2e.js';
import { removeTempProjects } from '../support/temp-project.js';

// Data tests end to end: the built CLI against a DuckDB file. Bad rows are planted on purpose, so every failing
// count below is the number of planted bad rows (or bad values, for the tests that group by value).

afterAll(removeTempProjects);

const PEOPLE = `{{ config(materialized='table') }}
select * from (values
  (1, 'free', 10, 'us'),
  (2, 'paid', 20, 'eu'),
  (2, 'gold', null, 'eu'),
  (null, 'free', 5, 'us'),
  (4, 'bad''s', 7, 'xx'),
  (5, 'paid', 30, 'eu')
) as t(id, level, score, country)
`;

const SCHEMA_YML = `models:
  - name: people
    tests:
      - row_count_at_least: { n: 10 }                       # model-level custom test: fails, 6 rows
    columns:
      - name: id
        tests:
          - not_null                                        # fails: 1 null id
          - unique                                          # fails: id 2 twice -> 1 duplicated value
          - relationships:                                  # fails: ids 4 and 5 have no signup
              to: source('app', 'signups')
              field: user_id
              store_failures: true
              limit: 1
      - name: level
        tests:
          - not_null                                        # passes
          - accepted_values:                                # fails: gold, bad's
              values: [free, paid]
          - accepted_values:                                # passes; the quote in bad's must be escaped
              name: level_all_known
              values: [free, paid, gold, "bad's"]
      - name: score
        tests:
          - accepted_values:                                # fails: 5, 7, 30 (null is not checked)
              values: [10, 20]
              quote: false
          - accepted_values:                                # passes
              name: score_all_known
              values: [5, 7, 10, 20, 30]
              quote: false
          - not_null:                                       # fails: the gold row
              name: score_not_null_for_id_2
              where: "id = 2"
          - not_null:                                       # passes: the only null score is gold
              name: score_not_null_except_gold
              config:
                where: "level <> 'gold'"
          - at_least:                                       # custom {% test %}: fails 5 and 7
              min: 8
          - at_least:                                       # passes
              name: score_at_least_5
              min: 5
          - in_range:                                       # custom {% macro test_ %}: fails 5, 7 and 30
              low: 10
              high: 25
          - in_range:                                       # passes with the default high
              name: score_in_default_range
              low: 1
      - name: country
        tests:
          - relationships:                                  # fails: xx
              to: ref('countries')
              field: code
          - relationships:                                  # passes
              name: known_country_where_not_xx
              to: ref('countries')
              field: code
              where: "country <> 'xx'"
`;

const MACROS = `{% test at_least(model, column_name, min) %}
select {{ column_name }} as too_small
from {{ model }}
where {{ column_name }} < {{ min }}
{% endtest %}

{% test row_count_at_least(model, n) %}
select count(*) as row_count from {{ model }} having count(*) < {{ n }}
{% endtest %}

{% macro test_in_range(model, column_name, low, high=100) %}
select *
from {{ model }}
where {{ column_name }} not between {{ low }} and {{ high }}
{% endmacro %}
`;

const SOURCE_YML = `sources:
  - name: app
    schema: raw
    tables:
      - name: signups
        location:
          local:
            path: data/signups
        columns:
          - name: user_id
            type: integer
            tests: [not_null, unique]                       # not_null fails: 2 rows without user_id
          - name: plan
            type: varchar(16)
            tests:
              - accepted_values: { values: [free, paid] }   # passes
`;

const SIGNUPS = ['{"user_id": 1, "plan": "free"}', '{"user_id": 2, "plan": "paid"}', '{"plan": "free"}', '{"user_id": null, "plan": "paid"}', '{"user_id": 3, "plan": "free"}'].join('\n') + '\n';

function byName(run: SqlkitRun): Map<string, NodeRunResult> {
  return new Map(run.results.map((r) => [r.name, r]));
}

describe('generic, custom and singular tests on one model', () => {
  let p: DuckdbE2eProject;
  let run: SqlkitRun;
  let results: Map<string, NodeRunResult>;

  beforeAll(async () => {
    p = duckdbE2eProject({
      'models/people.sql': PEOPLE,
      'models/countries.sql': "{{ config(materialized='table') }}\nselect * from (values ('us'), ('eu')) as t(code)\n",
      'models/schema.yml': SCHEMA_YML,
      'macros/tests.sql': MACROS,
      'sources/app.yml': SOURCE_YML,
      'data/signups/part-1.json': SIGNUPS,
      'data-tests/no_gold_members.sql': "select id, level from {{ ref('people') }} where level = 'gold'\n",
      'data-tests/scores_below_100.sql': "-- passes: no score reaches 100\nselect * from {{ ref('people') }} where score >= 100;\n-- a closing note after the semicolon\n",
    });
    run = await p.sqlkit('build', '--store-failures');
    results = byName(run);
  });

  const expectFail = (name: string, failures: number) => {
    const result = results.get(name);
    expect(result, name).toBeDefined();
    expect(result).toMatchObject({ kind: 'test', status: 'fail', failures });
    expect(result!.message).toContain(failures === 1 ? '1 failing row' : `${failures} failing rows`);
    return result!;
  };
  const expectPass = (name: string) => {
    expect(results.get(name), name).toMatchObject({ kind: 'test', status: 'pass', failures: 0 });
  };

  it('exits 1 and reports every test once, with nothing left over from the run', async () => {
    expect(run.stderr).toBe('');
    expectExit(run, 1);
    const tests = run.results.filter((r) => r.kind === 'test');
    expect(tests).toHaveLength(22);
    expect(new Set(tests.map((t) => t.name)).size).toBe(22);
    expect(tests.filter((t) => t.status === 'error')).toEqual([]);
    expect(results.get('people')?.status).toBe('success');
    expect(await p.leftovers()).toEqual([]);
  });

  it('not_null and unique count the planted nulls and duplicates', () => {
    const notNull = expectFail('not_null_people_id', 1);
    expect(notNull.sample?.columns.map((c) => c.name)).toEqual(['id', 'level', 'score', 'country']);
    expect(notNull.sample?.rows).toEqual([[null, 'free', 5, 'us']]);
    const unique = expectFail('unique_people_id', 1);
    expect(unique.sample?.rows).toEqual([[2, 2]]);
    expectPass('not_null_people_level');
  });

  it('accepted_values quotes values (escaping quotes) unless quote: false', () => {
    const levels = expectFail('accepted_values_people_level__free__paid', 2);
    expect(levels.sample?.columns.map((c) => c.name)).toEqual(['value_field', 'n_records']);
    expect(new Set(levels.sample?.rows.map((r) => r[0]))).toEqual(new Set(['gold', "bad's"]));
    expectPass('level_all_known');
    const scores = expectFail('accepted_values_people_score__10__20', 3);
    expect(scores.sample?.rows.map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([5, 7, 30]);
    expectPass('score_all_known');
    expect(p.compiled('models/schema/accepted_values_people_score__10__20.sql')).toContain('not in (10, 20)');
    expect(p.compiled('models/schema/level_all_known.sql')).toContain("not in ('free', 'paid', 'gold', 'bad''s')");
  });

  it('relationships finds children without a parent, and honours where:', () => {
    const orphans = expectFail('relationships_people_country__ref_countries__code', 1);
    expect(orphans.sample?.rows).toEqual([['xx']]);
    expectPass('known_country_where_not_xx');
  });

  it('where: (as a key or under config:) filters the rows a test sees', () => {
    const forId2 = expectFail('score_not_null_for_id_2', 1);
    expect(forId2.sample?.rows).toEqual([[2, 'gold', null, 'eu']]);
    expectPass('score_not_null_except_gold');
    expect(p.compiled('models/schema/score_not_null_for_id_2.sql')).toContain('where id = 2');
  });

  it('runs custom generic tests from macros/, in both the {% test %} and {% macro test_ %} forms, with arguments', () => {
    const atLeast = expectFail('at_least_people_score__8', 2);
    expect(atLeast.sample?.columns.map((c) => c.name)).toEqual(['too_small']);
    expect(atLeast.sample?.rows.map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([5, 7]);
    expectPass('score_at_least_5');
    const inRange = expectFail('in_range_people_score__10__25', 3);
    expect(inRange.sample?.rows.map((r) => Number(r[2])).sort((a, b) => a - b)).toEqual([5, 7, 30]);
    expectPass('score_in_default_range');
    expect(p.compiled('models/schema/score_in_default_range.sql')).toContain('not between 1 and 100');
  });

  it('runs a model-level custom test (no column), and relationships to a source, sampling only `limit` rows', () => {
    const rowCount = expectFail('row_count_at_least_people__10', 1);
    expect(rowCount.sample?.rows).toEqual([[6]]);
    const noSignup = expectFail('relationships_people_id__source_app_signups__user_id', 2);
    expect(noSignup.sample?.rows).toHaveLength(1);
    expect([4, 5]).toContain(Number(noSignup.sample?.rows[0]?.[0]));
  });

  it('runs singular tests from data-tests/', () => {
    const gold = expectFail('no_gold_members', 1);
    expect(gold.sample?.rows).toEqual([[2, 'gold']]);
    expectPass('scores_below_100');
  });

  it('tests a source table loaded from files', () => {
    expect(results.get('app.signups')).toMatchObject({ status: 'success', rowsAffected: 5 });
    const missing = expectFail('source_not_null_app_signups_user_id', 2);
    expect(missing.sample?.rows.map((r) => r[1]).sort()).toEqual(['free', 'paid']);
    expectPass('source_unique_app_signups_user_id');
    expectPass('source_accepted_values_app_signups_plan__free__paid');
  });

  it('--store-failures keeps each failing test\'s rows in <schema>_test_failures', async () => {
    expect(results.get('not_null_people_id')?.message).toContain('stored in main_test_failures.not_null_people_id');
    expect(await p.query('select id, level, score::int as score, country from main_test_failures.not_null_people_id')).toEqual([
      { id: null, level: 'free', score: 5, country: 'us' },
    ]);
    expect(await p.query('select value_field from main_test_failures.accepted_values_people_level__free__paid order by 1')).toEqual([
      { value_field: "bad's" },
      { value_field: 'gold' },
    ]);
    expect(await p.query('select id::int as id, level from main_test_failures.no_gold_members')).toEqual([{ id: 2, level: 'gold' }]);
    expect(await p.query('select user_id, plan from main_test_failures.source_not_null_app_signups_user_id order by plan')).toEqual([
      { user_id: null, plan: 'free' },
      { user_id: null, plan: 'paid' },
    ]);
    // A passing test stores an empty table, so a stale failure never lingers.
    expect(await p.query('select count(*)::int as n from main_test_failures.level_all_known')).toEqual([{ n: 0 }]);
  });

  it('replaces stored failures on the next run instead of adding to them, and stores nothing without the flag', async () => {
    p.write({ 'models/people.sql': PEOPLE.replace("(null, 'free', 5, 'us')", "(null, 'free', 5, 'us'), (null, 'paid', 6, 'eu')") });
    const again = await p.sqlkit('build', '--store-failures', '-s', 'people+');
    expectExit(again, 1);
    expect(again.result('not_null_people_id').failures).toBe(2);
    expect(await p.query('select level from main_test_failures.not_null_people_id order by level')).toEqual([{ level: 'free' }, { level: 'paid' }]);

    p.write({ 'models/people.sql': PEOPLE });
    const plain = await p.sqlkit('build', '-s', 'people+');
    expect(plain.result('not_null_people_id')).toMatchObject({ status: 'fail', failures: 1 });
    expect(plain.result('not_null_people_id').message).not.toContain('stored in');
    // Only the test configured with store_failures: true stores its rows.
    const storing = plain.events.filter((e) => e.event === 'statement' && String(e.sql).includes('main_test_failures')).map((e) => e.uniqueId);
    expect(new Set(storing)).toEqual(new Set(['test.demo.relationships_people_id__source_app_signups__user_id']));
    expect(plain.result('relationships_people_id__source_app_signups__user_id').message).toContain('stored in main_test_failures.');
    expect(await p.query('select from_field::int as id from main_test_failures.relationships_people_id__source_app_signups__user_id order by 1')).toEqual([{ id: 4 }, { id: 5 }]);
    expect(await p.query('select count(*)::int as n from main_test_failures.not_null_people_id')).toEqual([{ n: 2 }]);
    expect(await p.leftovers()).toEqual([]);
  });
});

describe('severity and thresholds', () => {
  // Three rows have a null score.
  const MODEL = "{{ config(materialized='table') }}\nselect * from (values (1, null), (2, null), (3, null), (4, 40)) as t(id, score)\n";
  const yml = (test: string) => `models:\n  - name: scores\n    columns:\n      - name: score\n        tests:\n          - not_null:\n${test}`;

  async function runWith(config: string): Promise<{ run: SqlkitRun; result: NodeRunResult }> {
    const p = duckdbE2eProject({ 'models/scores.sql': MODEL, 'models/schema.yml': yml(config) });
    const run = await p.sqlkit('build');
    expect(run.stderr).toBe('');
    return { run, result: run.result('not_null_scores_score') };
  }

  it('severity warn reports warn and exits 0; severity error reports fail and exits 1', async () => {
    const warn = await runWith('              severity: warn\n');
    expect(warn.result).toMatchObject({ status: 'warn', failures: 3 });
    expectExit(warn.run, 0);
    const error = await runWith('              severity: error\n');
    expect(error.result).toMatchObject({ status: 'fail', failures: 3 });
    expectExit(error.run, 1);
  });

  it('error_if and warn_if compare the failure count with a threshold', async () => {
    // 3 failures: ">2" is met -> fail.
    const over = await runWith('              error_if: ">2"\n');
    expect(over.result.status).toBe('fail');
    expectExit(over.run, 1);
    // ">3" is not met -> falls through to warn_if (default != 0) -> warn, exit 0.
    const under = await runWith('              config:\n                error_if: ">3"\n');
    expect(under.result).toMatchObject({ status: 'warn', failures: 3 });
    expectExit(under.run, 0);
    // Neither threshold met -> pass.
    const neither = await runWith('              error_if: ">=10"\n              warn_if: ">5"\n');
    expect(neither.result).toMatchObject({ status: 'pass', failures: 3 });
    expectExit(neither.run, 0);
    // With severity warn, error_if never fails the test.
    const warnOnly = await runWith('              severity: warn\n              error_if: ">0"\n              warn_if: "=3"\n');
    expect(warnOnly.result.status).toBe('warn');
    expectExit(warnOnly.run, 0);
  });

  it('rejects a threshold that is not a comparison before touching the warehouse, naming the YAML line', async () => {
    const p = duckdbE2eProject({ 'models/scores.sql': MODEL, 'models/schema.yml': yml('              error_if: "more than 2"\n') });
    const run = await p.sqlkit('build');
    expectExit(run, 2);
    expect(run.runId).toBeUndefined();
    const errors = run.events.filter((e) => e.event === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'CONFIG_INVALID', location: { file: 'models/schema.yml', line: 7 } });
    expect((errors[0]!.location as { snippet: string }).snippet).toContain('error_if: "more than 2"');
    expect(String(errors[0]!.message)).toContain('error_if');
    expect(existsSync(p.db)).toBe(false);
  });

  it('a singular test takes its severity from config(), in either case', async () => {
    const p = duckdbE2eProject({
      'models/scores.sql': MODEL,
      'data-tests/warned.sql': "{{ config(severity='warn') }}\nselect * from {{ ref('scores') }} where score is null\n",
      'data-tests/failed.sql': "{{ config(severity='ERROR') }}\nselect * from {{ ref('scores') }} where score is null\n",
    });
    const run = await p.sqlkit('build');
    expect(run.stderr).toBe('');
    expect(run.result('warned')).toMatchObject({ status: 'warn', failures: 3 });
    expect(run.result('failed')).toMatchObject({ status: 'fail', failures: 3 });
    expectExit(run, 1);
  });
});

describe('sqlkit build', () => {
  // orders -> order_totals;   customers -> customer_report   (two independent branches)
  const files = (ordersTest: string, customersTest: string) => ({
    'models/orders.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 10), (2, null), (3, 30)) as t(id, amount)\n",
    'models/order_totals.sql': "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('orders') }}\n",
    'models/customers.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 'ann'), (2, null)) as t(id, name)\n",
    'models/customer_report.sql': "{{ config(materialized='view') }}\nselect count(*) as customers from {{ ref('customers') }}\n",
    'models/schema.yml': `models:
  - name: orders
    columns:
      - name: amount
        tests:
          - not_null: ${ordersTest}
  - name: customers
    columns:
      - name: name
        tests:
          - not_null: ${customersTest}
`,
  });

  it("runs each model's tests right after it, before the models downstream", async () => {
    const p = duckdbE2eProject(files('{ where: "amount is not null" }', '{ where: "name is not null" }'));
    const run = await p.sqlkit('build', '--threads', '1');
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const order = run.results.map((r) => r.name);
    const at = (name: string) => order.indexOf(name);
    expect(order).toHaveLength(6);
    expect(at('not_null_orders_amount')).toBe(at('orders') + 1);
    expect(at('not_null_customers_name')).toBe(at('customers') + 1);
    expect(at('order_totals')).toBeGreaterThan(at('not_null_orders_amount'));
    expect(at('customer_report')).toBeGreaterThan(at('not_null_customers_name'));
    const time = (name: string, key: 'startedAt' | 'completedAt') => Date.parse(run.result(name)[key]);
    expect(time('order_totals', 'startedAt')).toBeGreaterThanOrEqual(time('not_null_orders_amount', 'completedAt'));
  });

  it('skips the models downstream of an error-severity test failure, but not independent branches or after a warning', async () => {
    const p = duckdbE2eProject(files('{ severity: error }', '{ severity: warn }'));
    const run = await p.sqlkit('build');
    expect(run.stderr).toBe('');
    expectExit(run, 1);
    expect(Object.fromEntries(run.results.map((r) => [r.name, r.status]))).toEqual({
      orders: 'success',
      not_null_orders_amount: 'fail',
      order_totals: 'skipped',
      customers: 'success',
      not_null_customers_name: 'warn',
      customer_report: 'success',
    });
    expect(run.result('order_totals')).toMatchObject({ skippedBecause: 'test.demo.not_null_orders_amount', message: 'skipped because not_null_orders_amount failed' });
    expect(run.statements('model.demo.order_totals')).toEqual([]);
    expect(await p.relationType('order_totals')).toBeUndefined();
    expect(await p.query('select customers::int as n from main.customer_report')).toEqual([{ n: 2 }]);

    // `run` does not test, so nothing is skipped.
    const plain = await p.sqlkit('run');
    expectExit(plain, 0);
    expect(plain.results.map((r) => r.name).sort()).toEqual(['customer_report', 'customers', 'order_totals', 'orders']);
    expect(await p.query('select total::int as total from main.order_totals')).toEqual([{ total: 40 }]);
  });
});
