import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, selectNodes, SqlkitError, type OpenedProject } from '../../../src/index.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../../support/temp-project.js';

/*
 * The project every selector below runs against (edges point from a dependency to its dependent):
 *
 *   source raw.orders    -> stg_orders    -\
 *                                           -> orders_enriched -> customer_stats -> report
 *   source raw.customers -> stg_customers -/
 *   lonely (no dependencies)
 *
 * Tests, each given an explicit name so the expectations below are ours and not sqlkit's naming scheme:
 *   t_stg_orders_id_not_null, t_stg_orders_id_unique  on stg_orders
 *   t_enriched_customer_rel  on orders_enriched (relationships to stg_customers, so it depends on both)
 *   t_report_total_not_null  on report
 *   t_raw_customers_id_not_null on source raw.customers
 *   enriched_amount_positive  (singular test reading orders_enriched)
 */
const FILES = {
  'project.yml': duckdbProjectYml({
    extra: `models:
  +materialized: view
  staging:
    +tags: [staging]
  marts:
    +materialized: table
`,
  }),
  'sources/raw.yml': `sources:
  - name: raw
    tags: [raw]
    tables:
      - name: orders
        tags: [big]
      - name: customers
        columns:
          - name: id
            tests:
              - not_null: { name: t_raw_customers_id_not_null }
`,
  'models/staging/stg_orders.sql': `select id, customer_id, amount from {{ source('raw', 'orders') }}\n`,
  'models/staging/stg_customers.sql': `select id, name from {{ source('raw', 'customers') }}\n`,
  'models/marts/orders_enriched.sql': `{{ config(tags=['daily']) }}
select o.id, o.customer_id, o.amount, c.name
from {{ ref('stg_orders') }} o join {{ ref('stg_customers') }} c on c.id = o.customer_id
`,
  'models/marts/customer_stats.sql': `select customer_id, sum(amount) as total from {{ ref('orders_enriched') }} group by 1\n`,
  'models/marts/report.sql': `{{ config(materialized='view', tags=['daily', 'finance']) }}
select * from {{ ref('customer_stats') }}
`,
  'models/other/lonely.sql': `{{ config(materialized='ephemeral') }}\nselect 1 as one\n`,
  'models/schema.yml': `models:
  - name: stg_orders
    columns:
      - name: id
        tests:
          - not_null: { name: t_stg_orders_id_not_null }
          - unique: { name: t_stg_orders_id_unique }
  - name: orders_enriched
    columns:
      - name: customer_id
        tests:
          - relationships: { name: t_enriched_customer_rel, to: "ref('stg_customers')", field: id }
  - name: report
    columns:
      - name: total
        tests:
          - not_null: { name: t_report_total_not_null }
`,
  'data-tests/enriched_amount_positive.sql': `select * from {{ ref('orders_enriched') }} where amount < 0\n`,
};

const MODELS = ['customer_stats', 'lonely', 'orders_enriched', 'report', 'stg_customers', 'stg_orders'];
const SOURCES = ['raw.customers', 'raw.orders'];
const TESTS = ['enriched_amount_positive', 't_enriched_customer_rel', 't_raw_customers_id_not_null', 't_report_total_not_null', 't_stg_orders_id_not_null', 't_stg_orders_id_unique'];

let project: OpenedProject;

beforeAll(() => {
  project = openProject({ projectDir: writeProject(FILES), env: {} });
});
afterAll(removeTempProjects);

/** Names of the nodes a selection picks, sorted. */
function select(select: string | string[] | undefined, exclude?: string | string[]): string[] {
  const { manifest } = project.compiled;
  const ids = selectNodes(new Map(Object.entries(manifest.nodes)), project.compiled.graph, {
    ...(select === undefined ? {} : { select: ([] as string[]).concat(select) }),
    ...(exclude === undefined ? {} : { exclude: ([] as string[]).concat(exclude) }),
  });
  return [...ids].map((id) => manifest.nodes[id]!.name).sort();
}

function selectError(selector: string, exclude?: string): SqlkitError {
  try {
    select(selector, exclude);
  } catch (error) {
    expect(error).toBeInstanceOf(SqlkitError);
    return error as SqlkitError;
  }
  throw new Error(`selector '${selector}' did not fail`);
}

const sorted = (...names: string[]) => [...names].sort();

describe('the fixture project', () => {
  it('compiles to the nodes the selectors below assume', () => {
    const byType = (type: string) => Object.values(project.compiled.manifest.nodes).filter((n) => n.resourceType === type).map((n) => n.name).sort();
    expect(byType('model')).toEqual(MODELS);
    expect(byType('source')).toEqual(SOURCES);
    expect(byType('test')).toEqual(TESTS);
  });

  it('selects every node when nothing is selected', () => {
    expect(select(undefined)).toEqual(sorted(...MODELS, ...SOURCES, ...TESTS));
  });
});

describe('graph operators', () => {
  it('name picks the model and the tests on it', () => {
    expect(select('customer_stats')).toEqual(['customer_stats']);
    expect(select('stg_orders')).toEqual(['stg_orders', 't_stg_orders_id_not_null', 't_stg_orders_id_unique']);
  });

  it('name+ adds every descendant, and their tests', () => {
    expect(select('orders_enriched+')).toEqual(
      sorted('orders_enriched', 'customer_stats', 'report', 't_enriched_customer_rel', 'enriched_amount_positive', 't_report_total_not_null'),
    );
  });

  it('+name adds every ancestor, sources included, and the tests on all of them', () => {
    expect(select('+customer_stats')).toEqual(
      sorted(
        'customer_stats', 'orders_enriched', 'stg_orders', 'stg_customers', 'raw.orders', 'raw.customers',
        't_enriched_customer_rel', 'enriched_amount_positive', 't_stg_orders_id_not_null', 't_stg_orders_id_unique', 't_raw_customers_id_not_null',
      ),
    );
  });

  it('N+name stops after N generations of parents', () => {
    const models = (names: string[]) => names.filter((n) => MODELS.includes(n) || SOURCES.includes(n));
    expect(models(select('1+customer_stats'))).toEqual(['customer_stats', 'orders_enriched']);
    expect(models(select('2+customer_stats'))).toEqual(sorted('customer_stats', 'orders_enriched', 'stg_orders', 'stg_customers'));
    expect(models(select('3+customer_stats'))).toEqual(sorted('customer_stats', 'orders_enriched', 'stg_orders', 'stg_customers', 'raw.orders', 'raw.customers'));
  });

  it('name+N stops after N generations of children', () => {
    const models = (names: string[]) => names.filter((n) => MODELS.includes(n));
    expect(models(select('stg_orders+1'))).toEqual(['orders_enriched', 'stg_orders']);
    expect(models(select('stg_orders+2'))).toEqual(['customer_stats', 'orders_enriched', 'stg_orders']);
    expect(models(select('stg_orders+'))).toEqual(['customer_stats', 'orders_enriched', 'report', 'stg_orders']);
  });

  it('combines parents and children around one node: 1+name+1', () => {
    const models = select('1+orders_enriched+1').filter((n) => MODELS.includes(n));
    expect(models).toEqual(['customer_stats', 'orders_enriched', 'stg_customers', 'stg_orders']);
  });

  it('@name adds descendants and every ancestor of those descendants', () => {
    // stg_customers+ is stg_customers, orders_enriched, customer_stats, report; @ also brings in what they read:
    // stg_orders and both sources. lonely stays out.
    const picked = select('@stg_customers');
    expect(picked.filter((n) => MODELS.includes(n) || SOURCES.includes(n))).toEqual(
      sorted('stg_customers', 'orders_enriched', 'customer_stats', 'report', 'stg_orders', 'raw.orders', 'raw.customers'),
    );
    expect(picked).not.toContain('lonely');
    // @ differs from name+: the sibling parent stg_orders only comes with @.
    expect(select('stg_customers+')).not.toContain('stg_orders');
  });
});

describe('methods', () => {
  it('tag: matches tags set in the model, in folder config and on sources', () => {
    expect(select('tag:finance')).toEqual(['report', 't_report_total_not_null']);
    expect(select('tag:daily')).toEqual(sorted('orders_enriched', 'report', 't_enriched_customer_rel', 'enriched_amount_positive', 't_report_total_not_null'));
    expect(select('tag:staging').filter((n) => MODELS.includes(n))).toEqual(['stg_customers', 'stg_orders']);
    expect(select('tag:raw').filter((n) => SOURCES.includes(n))).toEqual(SOURCES);
    expect(select('tag:big')).toEqual(['raw.orders']);
  });

  it('path: matches a folder (with or without a trailing slash) and a single file', () => {
    const models = (names: string[]) => names.filter((n) => MODELS.includes(n));
    expect(models(select('path:models/marts'))).toEqual(['customer_stats', 'orders_enriched', 'report']);
    expect(models(select('path:models/marts/'))).toEqual(['customer_stats', 'orders_enriched', 'report']);
    expect(models(select('path:models/staging'))).toEqual(['stg_customers', 'stg_orders']);
    expect(select('path:models/marts/report.sql')).toEqual(['report', 't_report_total_not_null']);
    expect(select('path:models/other/lonely.sql')).toEqual(['lonely']);
  });

  it('path: does not match a folder whose name merely starts with the value', () => {
    const error = selectError('path:models/mart');
    expect(error.code).toBe('SELECT_INVALID');
  });

  it('path: with a glob', () => {
    expect(select('path:models/staging/stg_*.sql').filter((n) => MODELS.includes(n))).toEqual(['stg_customers', 'stg_orders']);
  });

  it('source:src selects every table of the source; source:src.table one table', () => {
    expect(select('source:raw').filter((n) => SOURCES.includes(n))).toEqual(SOURCES);
    expect(select('source:raw.customers')).toEqual(['raw.customers', 't_raw_customers_id_not_null']);
    expect(select('source:raw.orders')).toEqual(['raw.orders']);
    expect(select('source:raw+').filter((n) => MODELS.includes(n))).toEqual(['customer_stats', 'orders_enriched', 'report', 'stg_customers', 'stg_orders']);
  });

  it('resource_type: selects one kind of node', () => {
    expect(select('resource_type:source')).toEqual(sorted(...SOURCES, 't_raw_customers_id_not_null'));
    expect(select('resource_type:test')).toEqual(TESTS);
    expect(select('resource_type:model').filter((n) => !TESTS.includes(n))).toEqual(MODELS);
  });

  it('config.materialized: matches the resolved materialization (folder config, then the model)', () => {
    const models = (names: string[]) => names.filter((n) => MODELS.includes(n));
    expect(models(select('config.materialized:table'))).toEqual(['customer_stats', 'orders_enriched']);
    expect(models(select('config.materialized:view'))).toEqual(['report', 'stg_customers', 'stg_orders']);
    expect(select('config.materialized:ephemeral')).toEqual(['lonely']);
  });

  it('test_name: matches the generic test used, not the name of the test node', () => {
    expect(select('test_name:not_null')).toEqual(['t_raw_customers_id_not_null', 't_report_total_not_null', 't_stg_orders_id_not_null']);
    expect(select('test_name:relationships')).toEqual(['t_enriched_customer_rel']);
    expect(select('test_name:enriched_amount_positive')).toEqual(['enriched_amount_positive']);
  });

  it('test_type: tells generic tests from singular ones', () => {
    expect(select('test_type:singular')).toEqual(['enriched_amount_positive']);
    expect(select('test_type:generic')).toEqual(TESTS.filter((t) => t !== 'enriched_amount_positive'));
  });

  it('globs match names', () => {
    // t_enriched_customer_rel comes along because it also reads stg_customers
    expect(select('stg_*')).toEqual(['stg_customers', 'stg_orders', 't_enriched_customer_rel', 't_stg_orders_id_not_null', 't_stg_orders_id_unique']);
    expect(select('*_stats')).toEqual(['customer_stats']);
    expect(select('stg_order?')).toEqual(['stg_orders', 't_stg_orders_id_not_null', 't_stg_orders_id_unique']);
  });
});

describe('set operations', () => {
  it('space separated selectors are a union, within one --select and across several', () => {
    const expected = sorted('lonely', 'report', 't_report_total_not_null');
    expect(select('lonely report')).toEqual(expected);
    expect(select(['lonely', 'report'])).toEqual(expected);
  });

  it('a comma is an intersection', () => {
    expect(select('tag:daily,config.materialized:table').filter((n) => MODELS.includes(n))).toEqual(['orders_enriched']);
    expect(select('path:models/marts,tag:finance').filter((n) => MODELS.includes(n))).toEqual(['report']);
    // the intersection is taken before tests are attached: this picks orders_enriched's tests, not report's
    expect(select('tag:daily,config.materialized:table')).toEqual(sorted('orders_enriched', 't_enriched_customer_rel', 'enriched_amount_positive'));
  });

  it('an intersection with graph operators applies the operator first', () => {
    expect(select('+report,tag:staging').filter((n) => MODELS.includes(n))).toEqual(['stg_customers', 'stg_orders']);
  });

  it('--exclude removes nodes from the selection', () => {
    expect(select('orders_enriched+', 'report')).toEqual(sorted('orders_enriched', 'customer_stats', 't_enriched_customer_rel', 'enriched_amount_positive'));
    expect(select(undefined, 'path:models/marts tag:staging').filter((n) => MODELS.includes(n))).toEqual(['lonely']);
    expect(select('stg_*', 'stg_orders')).toEqual(['stg_customers', 't_enriched_customer_rel']);
  });

  it('--exclude with graph operators', () => {
    expect(select('+report', '+orders_enriched').filter((n) => MODELS.includes(n) || SOURCES.includes(n))).toEqual(['customer_stats', 'report']);
  });
});

describe('tests follow the nodes they test', () => {
  it('selecting a model selects its tests, including tests that also read another selected model', () => {
    expect(select('stg_customers')).toEqual(['stg_customers', 't_enriched_customer_rel']);
  });

  it('excluding a model excludes its tests, even when the selection named them', () => {
    expect(select('resource_type:test', 'stg_orders')).toEqual(TESTS.filter((t) => !t.startsWith('t_stg_orders')));
    const all = select(undefined, 'orders_enriched');
    expect(all).not.toContain('t_enriched_customer_rel');
    expect(all).not.toContain('enriched_amount_positive');
    expect(all).toContain('t_stg_orders_id_unique');
  });

  it('a test can be selected on its own, without its model', () => {
    expect(select('t_stg_orders_id_unique')).toEqual(['t_stg_orders_id_unique']);
  });

  it('an unrelated selection picks no tests', () => {
    expect(select('lonely')).toEqual(['lonely']);
  });
});

describe('selector errors', () => {
  it('an unknown method is SELECT_INVALID with a did-you-mean hint', () => {
    const error = selectError('tags:daily');
    expect(error.code).toBe('SELECT_INVALID');
    expect(error.message).toContain("unknown method 'tags'");
    expect(error.hint).toContain("did you mean 'tag'?");
    expect(selectError('resource-type:model').hint).toContain("did you mean 'resource_type'?");
  });

  it('a name matching nothing is SELECT_INVALID with a did-you-mean hint', () => {
    const error = selectError('stg_order');
    expect(error.code).toBe('SELECT_INVALID');
    expect(error.message).toContain('stg_order');
    expect(error.hint).toContain("did you mean 'stg_orders'?");
  });

  it('a selector matching nothing fails even inside a union, and in --exclude', () => {
    expect(selectError('report tag:nope').code).toBe('SELECT_INVALID');
    expect(selectError('report', 'repotr').hint).toContain("did you mean 'report'?");
  });

  it.each([
    ['a trailing comma', 'report,'],
    ['a leading comma', ',report'],
    ['two commas', 'report,,lonely'],
    ['a bare +', '+'],
    ['a doubled +', 'report++'],
    ['+ on both sides of @', '@report+'],
    ['N+ with @', '2+@report'],
    ['an empty method value', 'tag:'],
    ['an empty method', ':report'],
    ['config without a key', 'config:table'],
    ['@ alone', '@'],
  ])('rejects %s (%s) as SELECT_INVALID', (_what, selector) => {
    const error = selectError(selector);
    expect(error.code).toBe('SELECT_INVALID');
    expect(error.message).toMatch(/^Invalid selector /);
    expect(error.hint).toMatch(/Examples: /);
  });
});
