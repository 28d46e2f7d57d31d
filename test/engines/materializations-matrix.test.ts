import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalRows, type EngineContext } from '../support/engine-harness.js';
import { testEngines, type TestEngine } from '../support/engines.js';
import { enginesWithData } from '../support/engines-with-data.js';
import { readRunResults, runCli, statusByName } from '../support/sqlkit-cli.js';
import { writeProject } from '../support/temp-project.js';

const engines = testEngines();

const order = (id: number, customer: number, status: string, amount: string, updated: number) =>
  JSON.stringify({ Order_Id: id, CUSTOMER_ID: customer, Status: status, amount, Updated_At: updated });

/** A small shop project exercising every materialization and test kind, built the same way on every engine. */
function shopProject(ctx: EngineContext, dataDir: string): string {
  const dir = writeProject({
    'project.yml': `name: shop
models:
  +materialized: table
  staging: { +materialized: ephemeral }
targets:
  dev:
${ctx.targetYaml('')}`,
    'sources/shop.yml': `sources:
  - name: shop
    schema: shop_raw
    tables:
      - name: orders
        json: auto_ignorecase
        timeformat: epochmillisecs
        incremental: true
        location:
          local: { path: ${dataDir} }
          s3: { path: "s3://shop/orders", region: us-east-1 }
        columns:
          - { name: order_id, type: integer }
          - { name: customer_id, type: integer }
          - { name: status, type: varchar(16) }
          - { name: amount, type: "numeric(10,2)" }
          - { name: updated_at, type: timestamp }
`,
    'models/staging/stg_orders.sql': "select order_id, customer_id, lower(status) as status, amount, updated_at from {{ source('shop', 'orders') }}",
    'models/orders.sql': `{{ config(materialized='incremental', unique_key='order_id') }}
-- the latest version of each order; incremental runs read only versions newer than the table's newest
select order_id, customer_id, status, amount, updated_at
from (
  select *, row_number() over (partition by order_id order by updated_at desc) as version
  from {{ ref('stg_orders') }}
  {% if is_incremental() %}
  where updated_at > (select max(updated_at) from {{ this }})
  {% endif %}
) as versions
where version = 1`,
    'models/customer_totals.sql': "select customer_id, count(*) as orders, sum(amount) as total from {{ ref('orders') }} group by customer_id",
    'models/open_orders.sql': "{{ config(materialized='view') }}\nselect order_id, customer_id from {{ ref('orders') }} where status = 'open'",
    // dbt's pivot idiom: one column per status found in the data, read with run_query() when the model runs.
    'models/status_counts.sql': `{%- set statuses = run_query("select distinct status from " ~ ref('orders') ~ " order by status") -%}
select
{%- if execute %}{% for status in statuses.columns[0].values() %}
  sum(case when status = '{{ status }}' then 1 else 0 end) as {{ status }}_orders,{% endfor %}{% endif %}
  count(*) as all_orders
from {{ ref('orders') }}`,
    'models/shop.yml': `models:
  - name: orders
    columns:
      - name: order_id
        tests: [unique, not_null]
      - name: status
        tests:
          - accepted_values: { values: [open, shipped, cancelled] }
      - name: amount
        tests:
          - positive
          - accepted_values: { values: [10.00], quote: false, severity: warn }
  - name: customer_totals
    columns:
      - name: customer_id
        tests:
          - relationships: { to: ref('orders'), field: customer_id }
`,
    'macros/positive.sql': '{% test positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}',
    'data-tests/totals_match_orders.sql': "select 1 as mismatch from (select sum(total) as t from {{ ref('customer_totals') }}) a cross join (select sum(amount) as t from {{ ref('orders') }}) b where a.t <> b.t",
  });
  return dir;
}

describe('materializations and tests on every engine', () => {
  const { contexts, dataDirs } = enginesWithData(engines, 'shop', 'orders');
  const snapshots = new Map<TestEngine, Map<string, string[]>>();

  for (const engine of engines) {
    it(`builds, loads incrementally and fully refreshes on ${engine}`, async () => {
      const ctx = contexts.get(engine)!;
      const data = dataDirs.get(engine)!;
      writeFileSync(join(data, 'day1.json'), [order(1, 100, 'OPEN', '10.00', 1_000), order(2, 100, 'shipped', '25.50', 2_000), order(3, 200, 'open', '7.25', 3_000)].join('\n') + '\n');
      const dir = shopProject(ctx, data);
      const schema = engine === 'duckdb' ? 'main' : 'public';
      const q = (sql: string) => ctx.query(sql, dir);

      const first = await runCli(['build'], { cwd: dir, env: ctx.env });
      expect(first.code, first.stdout).toBe(0);
      const firstResults = statusByName(readRunResults(dir));
      expect(firstResults).toMatchObject({ 'shop.orders': 'success', orders: 'success', customer_totals: 'success', open_orders: 'success', totals_match_orders: 'pass' });
      expect(firstResults['accepted_values_orders_amount__10']).toBe('warn');
      expect(Number((await q(`select count(*) as n from ${schema}.orders`))[0]!.n)).toBe(3);
      const counts = (await q(`select * from ${schema}.status_counts`))[0]!;
      expect(Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)]))).toEqual({ open_orders: 2, shipped_orders: 1, all_orders: 3 });
      const ephemeral = await q(`select count(*) as n from information_schema.tables where table_name = 'stg_orders'`);
      expect(Number(ephemeral[0]!.n)).toBe(0);

      // Day two: one new order, one update to order 1 (newer updated_at): delete+insert replaces it.
      writeFileSync(join(data, 'day2.json'), [order(4, 300, 'open', '3.00', 4_000), order(1, 100, 'cancelled', '10.00', 5_000)].join('\n') + '\n');
      const second = await runCli(['build', '--log-format', 'json', '--debug'], { cwd: dir, env: ctx.env });
      expect(second.code, second.stdout).toBe(0);
      const orders = readRunResults(dir).results.find((r) => r.name === 'orders')!;
      expect(orders.rowsAffected).toBe(2);
      // Engines that read local files append only the new file; Redshift's COPY from S3 reloads the prefix.
      const load = readRunResults(dir).results.find((r) => r.name === 'shop.orders')!;
      expect(load.message).toBe(engine === 'redshift' ? '5 rows loaded from its location' : '2 rows appended from 1 file');
      const events = second.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; uniqueId?: string; sql?: string });
      const statementsOf = (id: string) => events.filter((e) => e.event === 'statement' && e.uniqueId === id).map((e) => e.sql!);
      const statements = statementsOf('model.shop.orders');
      expect(statementsOf('model.shop.status_counts')[0]).toMatch(/^select distinct status from .*"orders" order by status$/);
      // The delete of replaced rows: before the insert, using the staged rows; on DuckDB after it, using the rows it added.
      expect(statements.some((s) => /^(with sqlkit_new as [\s\S]*\n)?delete from .*"orders" using/i.test(s))).toBe(true);
      expect(statements.some((s) => /^insert into .*"orders"/i.test(s))).toBe(true);
      const rows = await q(`select order_id, status from ${schema}.orders order by order_id`);
      expect(rows.map((r) => [Number(r.order_id), r.status])).toEqual([[1, 'cancelled'], [2, 'shipped'], [3, 'open'], [4, 'open']]);
      expect((await q(`select order_id from ${schema}.open_orders order by order_id`)).map((r) => Number(r.order_id))).toEqual([3, 4]);

      const tables = new Map<string, string[]>();
      expect(Object.keys((await q(`select * from ${schema}.status_counts`))[0]!)).toEqual(['cancelled_orders', 'open_orders', 'shipped_orders', 'all_orders']);
      for (const table of ['orders', 'customer_totals', 'open_orders', 'status_counts']) tables.set(table, canonicalRows(await q(`select * from ${schema}.${table}`)));

      const refresh = await runCli(['run', '--full-refresh', '-s', 'orders+'], { cwd: dir, env: ctx.env });
      expect(refresh.code).toBe(0);
      expect(readRunResults(dir).results.find((r) => r.name === 'orders')!.message).toMatch(/full refresh/);
      expect(canonicalRows(await q(`select * from ${schema}.orders`))).toEqual(tables.get('orders'));

      // A failing error-severity test fails the build (exit 1) and skips only downstream models.
      writeFileSync(join(data, 'day3.json'), order(5, 400, 'lost', '1.00', 6_000) + '\n');
      const failing = await runCli(['build'], { cwd: dir, env: ctx.env });
      expect(failing.code).toBe(1);
      const statuses = statusByName(readRunResults(dir));
      expect(statuses['accepted_values_orders_status__open__shipped__cancelled']).toBe('fail');
      expect(statuses.customer_totals).toBe('skipped');
      expect(statuses.open_orders).toBe('skipped');
      snapshots.set(engine, tables);
    });
  }

  it.runIf(engines.length > 1)('leaves identical rows on every engine', () => {
    const [first, ...others] = engines;
    for (const engine of others) {
      for (const [table, rows] of snapshots.get(first!)!) expect(snapshots.get(engine)!.get(table), `${table} on ${engine}`).toEqual(rows);
    }
  });
});
