import { describe, expect, it } from 'vitest';
import { BUILTIN_TEST_MACROS, BUILTIN_TEST_SQL } from '../../../src/data-tests/builtin-tests.js';
import { compileFast } from '../../../src/templating/fast-template.js';
import { createTemplateEngine, queryTable, type RenderHooks, type TemplateEngine } from '../../../src/templating/index.js';
import { SqlkitError } from '../../../src/errors/index.js';

const MACROS = {
  path: 'macros/helpers.sql',
  text: `{% macro cents(col) %}round({{ col }} * 100){% endmacro %}
{% macro greet(name, punctuation='!') %}hello {{ name }}{{ punctuation }}{% endmacro %}
{% macro broken() %}
x {{ missing_function() }}
{% endmacro %}
{% macro duckdb__epoch(c) %}epoch_ms({{ c }}){% endmacro %}
{% macro default__epoch(c) %}to_timestamp({{ c }}){% endmacro %}
{% macro args(a, b, c='C', d=c ~ '!') -%}
  [{{ a }}|{{ b }}|{{ c }}|{{ d }}]{% if a == 1 %} one{% elif a %} some{% else %} none{% endif %}
{%- endmacro %}
{% macro nested(x) %}{% set doubled = x * 2 %}{{ greet(doubled) }}/{{ cents(x) }}/{{ epoch(x) }}{% endmacro %}
{% macro undefined_inside() %}ok {{ nothing_here }}{% endmacro %}`,
};

function engines(): { fast: TemplateEngine; slow: TemplateEngine } {
  const options = { engineName: 'duckdb', target: { name: 'dev', type: 'duckdb', schema: 'main', threads: 4 }, projectName: 'demo', macros: [MACROS], builtinMacros: [BUILTIN_TEST_MACROS] };
  return { fast: createTemplateEngine(options).engine, slow: createTemplateEngine({ ...options, nunjucksOnly: true }).engine };
}

function hooks(): RenderHooks {
  const relation = (name: string) => ({ name, identifier: name, schema: 'main', toString: () => `"main"."${name}"` });
  return {
    ref: (name) => {
      if (name === 'missing') throw new SqlkitError('REF_UNKNOWN_MODEL', `ref('${name}') does not match any model.`);
      return relation(name);
    },
    source: (s, t) => relation(`${s}_${t}`),
    config: () => undefined,
    variable: (name, fallback, hasFallback) => {
      const vars: Record<string, unknown> = { threshold: 10, tags: ['a', 'b'], label: "it's", nothing: null, flag: false };
      if (name in vars) return vars[name];
      if (hasFallback) return fallback;
      throw new SqlkitError('TEMPLATE_UNKNOWN_VAR', `var('${name}') is not defined.`);
    },
    envVar: (name, fallback) => fallback ?? `env:${name}`,
    isIncremental: () => true,
    self: () => relation('self_model'),
    runQuery: (sql) => queryTable(['status', 'n'], sql.includes('none') ? [] : [['open', 2], ['shipped', 5]]),
    executing: () => true,
  };
}

type Outcome = { output: string } | { code: string; message: string; line?: number; column?: number; file?: string };

function outcome(engine: TemplateEngine, text: string): Outcome {
  try {
    return { output: engine.render(engine.compile({ path: 'models/m.sql', text }), hooks()) };
  } catch (error) {
    const e = error as SqlkitError;
    return { code: e.code, message: e.message, line: e.location?.line, column: e.location?.column, file: e.location?.file };
  }
}

const CORPUS = [
  'select 1',
  'select * from {{ ref("orders") }} where id > {{ var("threshold") }}',
  "{{ config(materialized='table', tags=['a', 'b']) }}\nselect * from {{ source('shop', 'orders') }}",
  'select {{ cents("amount") }} as cents, {{ greet("ann") }}, {{ greet("bob", punctuation="?") }}',
  '{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}',
  'a\n  {%- if var("flag") -%}\n  yes\n  {%- elif var("threshold") > 5 -%}\n  big\n  {%- else -%}\n  no\n  {%- endif -%}\n  b',
  'x {# a comment #} y {#- trimmed -#}   z',
  "{% set n = var('threshold') * 2 + 1 %}{{ n }} {{ n / 4 }} {{ n % 4 }} {{ n - 3 - 2 }} {{ 2 + 3 - 1 }}",
  "{{ 'a' ~ 1 ~ none }} {{ 'it''s' if false else 'x' }}",
  "{{ 'a' ~ 'b' }} {{ \"q\\\"uote\\n\" }} {{ 'x' in ['x', 'y'] }} {{ 'z' in 'xyz' }} {{ not var('flag') }}",
  "{{ var('tags')[1] }} {{ var('tags') }} {{ target.schema }} {{ target['type'] }} {{ {'k': 1, v: 2}['v'] }}",
  '{{ var("label") }} {{ var("x", "default") }} {{ var("n", 3.5) }} {{ env_var("HOME_DIR", "/home") }}',
  "{{ 1 == '1' }} {{ 1 != 2 }} {{ 1 === 1 }} {{ (1 + 2) * 3 }} {{ -var('threshold') }} {{ true and 'yes' }} {{ false or 0 or 'z' }}",
  '{{ epoch("ts") }} {{ adapter.dispatch("epoch")("ts") }}',
  '{% set t = target %}{{ t.name }}-{{ t.threads }}',
  'select 1\n\n{{ ref("missing") }}',
  'line1\nline2 {{ unknown_function(1) }}',
  'x\n{{ undefined_variable }}',
  '{{ var("nothing") }}',
  '{{ var("not_defined") }}',
  'a\n{{ broken() }}',
  "{{ greet(ref('missing')) }}",
  "{{ 'a' in 5 }}",
  '{{ target.nope.deeper }}x',
  '{{ target.nope.deeper() }}',
  "{{ [1, 2, 3] }} {{ {'a': 1} }} {{ 10 / 4 }} {{ 7 % 3 }}",
  '{%- set x = 1 -%}\n  {{- x -}}\n  ',
  "{{ args(1, 2) }} {{ args(0, 2, 3) }} {{ args('a', 'b', 'c', 'd', 'e') }} {{ args(1, b=5) }} {{ args(c='x', a=2, b=3) }}",
  '{{ args() }}',
  '{{ nested(3) }}',
  'a\n{{ undefined_inside() }}',
  "{{ args(ref('missing'), 1) }}",
  "{% if greet('x') %}truthy{% endif %} {{ greet('') ~ '|' }}",
  "{% if execute %}{% set r = run_query('select status, n from ' ~ ref('orders')) %}{{ r.rows[0][0] }} {{ r.rows[1][1] + 1 }} {{ r.column_names }} {{ r.columns[1][0] }}{% endif %}",
  "{% set r = run_query('select none') %}{% if r.rows | length == 0 %}empty{% endif %} {{ r.rows[0][0] is not defined }}",
  "{% for s in run_query('select status').columns[0].values() %}sum(case when status = '{{ s }}' then 1 end) as {{ s }}{% if not loop.last %}, {% endif %}{% endfor %}",
];

describe('the fast template interpreter', () => {
  it('renders the corpus exactly as nunjucks does, errors included', () => {
    const { fast, slow } = engines();
    for (const text of CORPUS) expect(outcome(fast, text), text).toEqual(outcome(slow, text));
  });

  it('handles the common model shapes itself and leaves the rest to nunjucks', () => {
    for (const text of CORPUS.slice(0, 8)) expect(compileFast(text), text).toBeDefined();
    for (const text of ['{{ x | upper }}', '{% for a in b %}{{ a }}{% endfor %}', '{% macro m() %}{% endmacro %}', "{{ 'a' if true else 'b' }}", '{{ x is defined }}', '{% raw %}{{ x }}{% endraw %}', 'a #} b', '{{ 2 ** 3 }}', '{{ (1, 2) }}']) {
      expect(compileFast(text), text).toBeUndefined();
    }
  });

  it('agrees with nunjucks on randomly generated expressions', () => {
    const { fast, slow } = engines();
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const atoms = ['1', '2.5', "'s'", '"t"', 'true', 'none', "var('threshold')", "var('tags')", 'target.schema', "ref('a')", "[1, 'x']", "{'k': 3}", 'is_incremental()', "var('flag')", 'target'];
    const binary = ['+', '-', '*', '/', '%', '~', '==', '!=', '<', '>=', 'and', 'or', 'in'];
    const expression = (depth: number): string => {
      const pick = random(depth > 2 ? 1 : 5);
      if (pick === 0) return atoms[random(atoms.length)]!;
      if (pick === 1) return `not ${expression(depth + 1)}`;
      if (pick === 2) return `(${expression(depth + 1)})`;
      if (pick === 3) return `-${atoms[random(2)]}`;
      return `${expression(depth + 1)} ${binary[random(binary.length)]} ${expression(depth + 1)}`;
    };
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const text = `a{{ ${expression(0)} }}b{% if ${expression(0)} %}T{% else %}F{% endif %}`;
      expect(outcome(fast, text), text).toEqual(outcome(slow, text));
      compared++;
    }
    expect(compared).toBe(400);
  });

  it('renders built-in generic tests without nunjucks, byte for byte', () => {
    const { slow } = engines();
    const cases: [string, Record<string, unknown>][] = [
      ['not_null', { model: '"main"."users"', column_name: 'user_id' }],
      ['unique', { model: '(select * from "main"."t" where x > 1) as sqlkit_where', column_name: 'id' }],
      ['accepted_values', { model: '"main"."users"', column_name: 'level', values: ['free', "pa'id", 3] }],
      ['accepted_values', { model: '"main"."t"', column_name: 'hour', values: [0, 1, 23], quote: false }],
      ['accepted_values', { model: '"main"."t"', column_name: 'flag', values: [true] }],
      ['relationships', { model: '"main"."songplays"', column_name: 'user_id', to: '"main"."users"', field: 'user_id' }],
    ];
    for (const [name, args] of cases) {
      expect(BUILTIN_TEST_SQL[name]!(args), name).toBe(slow.callMacro(`test_${name}`, [], args, hooks(), 'models/x.yml'));
    }
  });
});
