import { describe, expect, it } from 'vitest';
import type { RunQuery } from '../../../src/compile/node-renderer.js';
import { compileErrors, compileFiles, lineOf } from '../../support/compile-files.js';

const PIVOT = `{% set statuses = run_query("select distinct status from " ~ ref('orders') ~ " order by 1") %}
select
{%- if execute %}
  {%- for status in statuses.columns[0].values() %}
  sum(case when status = '{{ status }}' then 1 else 0 end) as {{ status }}_orders,
  {%- endfor %}
{%- endif %}
  count(*) as all_orders
from {{ ref('orders') }}
`;

/** A warehouse stand-in that answers from a table of query texts, and records what it was asked. */
function answering(answers: Record<string, { columns: string[]; rows: unknown[][] }>): { query: RunQuery; asked: string[] } {
  const asked: string[] = [];
  const query: RunQuery = async (sql) => {
    asked.push(sql);
    const answer = answers[sql];
    if (!answer) throw new Error(`unexpected query: ${sql}`);
    return { columns: answer.columns.map((name) => ({ name })), rows: answer.rows };
  };
  return { query, asked };
}

describe('run_query()', () => {
  it('renders with no rows and execute false at compile time, then with the rows when the model runs', async () => {
    const compiled = compileFiles({ 'models/orders.sql': "select 1 as id, 'open' as status", 'models/by_status.sql': PIVOT });
    const node = compiled.manifest.nodes['model.demo.by_status']!;
    expect('compiledSql' in node && node.compiledSql).not.toContain('sum(case');
    expect(node.dependsOn).toEqual(['model.demo.orders']);
    expect(compiled.renderer.runsQueries('model.demo.by_status')).toBe(true);
    expect(compiled.renderer.runsQueries('model.demo.orders')).toBe(false);

    const { query, asked } = answering({ 'select distinct status from "main"."orders" order by 1': { columns: ['status'], rows: [['open'], ['shipped']] } });
    const sql = await compiled.renderer.render('model.demo.by_status', { incremental: false, query });
    expect(asked).toEqual(['select distinct status from "main"."orders" order by 1']);
    expect(sql).toContain(`sum(case when status = 'open' then 1 else 0 end) as open_orders`);
    expect(sql).toContain(`sum(case when status = 'shipped' then 1 else 0 end) as shipped_orders`);
    expect(sql).toContain('from "main"."orders"');
  });

  it("renders again when it runs a model that calls run_query() only under {% if execute %}, as dbt projects do", async () => {
    const guarded = `{% if execute %}{% set n = run_query('select count(*) from ' ~ ref('orders')).rows[0][0] %}{% endif %}
select {{ n if execute else 0 }} as orders`;
    const counts = answering({ 'select count(*) from "main"."orders"': { columns: ['count'], rows: [[3]] } }).query;
    // The ref inside the guard is unknown when the project compiles: a depends_on line declares it, as in dbt.
    const undeclared = compileFiles({ 'models/orders.sql': 'select 1 as id', 'models/guarded.sql': guarded });
    expect(undeclared.renderer.runsQueries('model.demo.guarded')).toBe(true);
    await expect(undeclared.renderer.render('model.demo.guarded', { incremental: false, query: counts })).rejects.toMatchObject({ code: 'TEMPLATE_UNDECLARED_DEPENDENCY' });

    const compiled = compileFiles({ 'models/orders.sql': 'select 1 as id', 'models/guarded.sql': `-- depends_on: {{ ref('orders') }}\n${guarded}` });
    expect(compiled.manifest.nodes['model.demo.guarded']!.dependsOn).toEqual(['model.demo.orders']);
    const sql = await compiled.renderer.render('model.demo.guarded', { incremental: false, query: counts });
    expect(sql).toContain('select 3 as orders');
  });

  it('runs a query built from an earlier result once that result is known, and never one built from a missing result', async () => {
    const compiled = compileFiles({
      'models/orders.sql': 'select 1 as id',
      'models/latest.sql': `{% set newest = run_query("select max(id) from " ~ ref('orders')).rows[0][0] %}
{% set label = run_query("select label from labels where id = " ~ newest).rows[0][0] %}
{% if execute %}select '{{ label }}' as label, {{ newest }} as id{% else %}select 1{% endif %}`,
    });
    const { query, asked } = answering({
      'select max(id) from "main"."orders"': { columns: ['max'], rows: [[7]] },
      'select label from labels where id = 7': { columns: ['label'], rows: [['seven']] },
    });
    const sql = await compiled.renderer.render('model.demo.latest', { incremental: false, query });
    expect(sql.trim()).toBe(`select 'seven' as label, 7 as id`);
    expect(asked).toEqual(['select max(id) from "main"."orders"', 'select label from labels where id = 7']);
  });

  it('renders an incremental model against its own table, and an empty result as none', async () => {
    const files = {
      'models/events.sql': 'select 1 as ts',
      'models/inc.sql': `{{ config(materialized='incremental') }}
select ts from {{ ref('events') }}
{% if is_incremental() %}
{%- set newest = run_query('select max(ts) from ' ~ this).rows[0][0] %}
{%- if newest is not none %} where ts > {{ newest }}{% endif %}
{% endif %}`,
    };
    const newest = (value: unknown) => answering({ 'select max(ts) from "main"."inc"': { columns: ['max'], rows: [[value]] } }).query;
    // Only is_incremental() guards the query: the model is not one of those that render again on every run.
    expect(compileFiles(files).renderer.runsQueries('model.demo.inc')).toBe(false);
    expect(await compileFiles(files).renderer.render('model.demo.inc', { incremental: true, query: newest(42) })).toContain('where ts > 42');
    expect(await compileFiles(files).renderer.render('model.demo.inc', { incremental: true, query: newest(null) })).not.toContain('where');
  });

  it('stops a template that keeps asking for new queries, naming the model', async () => {
    const compiled = compileFiles({
      'models/loop.sql': `{% macro chase(n) %}{% if execute %}{{ chase(run_query('select ' ~ n).rows[0][0]) }}{% endif %}{% endmacro %}select 1 {{ chase(0) }}`,
    });
    const query: RunQuery = async (sql) => ({ columns: [{ name: 'n' }], rows: [[Number(sql.slice(7)) + 1]] });
    await expect(compiled.renderer.render('model.demo.loop', { incremental: false, query })).rejects.toMatchObject({ code: 'TEMPLATE_RENDER', message: expect.stringContaining('loop still asked for new run_query() results after 100 queries') });
  });

  it('reports a template error that remains once every query has answered', async () => {
    const compiled = compileFiles({ 'models/bad.sql': "{% set r = run_query('select 1') %}select {% if execute %}{{ r.rows[0][5] }}{% else %}1{% endif %}" });
    const query: RunQuery = async () => ({ columns: [{ name: 'x' }], rows: [[1]] });
    await expect(compiled.renderer.render('model.demo.bad', { incremental: false, query })).rejects.toMatchObject({ code: 'TEMPLATE_RENDER', location: { file: 'models/bad.sql' } });
  });

  it('explains, at compile time, a template that uses the rows of run_query() outside {% if execute %}', () => {
    const unguarded = "select 1 as id,\n  {{ run_query('select 2').rows[0][0] }} as two";
    const [error] = compileErrors({ 'models/unguarded.sql': unguarded });
    expect(error).toMatchObject({ code: 'TEMPLATE_RENDER', location: { file: 'models/unguarded.sql', line: 2 } });
    expect(error!.hint).toContain('{% if execute %}');
  });

  it('is refused in a data test, and in an ephemeral model, with the file and line', () => {
    const ephemeral = "{{ config(materialized='ephemeral') }}\nselect 1 as id\n{% set r = run_query('select 1') %}";
    const [modelError] = compileErrors({ 'models/eph.sql': ephemeral });
    expect(modelError).toMatchObject({ code: 'TEMPLATE_RENDER', location: { file: 'models/eph.sql', line: lineOf(ephemeral, 'run_query') } });
    expect(modelError!.message).toContain('ephemeral');
    expect(modelError!.hint).toContain("materialized='view'");

    const [testError] = compileErrors({ 'models/m.sql': 'select 1 as id', 'data-tests/check.sql': "{% set r = run_query('select 1') %}select * from {{ ref('m') }}" });
    expect(testError).toMatchObject({ code: 'TEMPLATE_RENDER', location: { file: 'data-tests/check.sql' } });
    expect(testError!.message).toContain('run_query() is only available in models');
  });
});
