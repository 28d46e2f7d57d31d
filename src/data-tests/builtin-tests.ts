import type { ProjectFile } from '../project/index.js';

/**
 * The built-in generic tests, written as macros like any user test: each returns SQL selecting the failing rows.
 * A project macro with the same name (e.g. `test_unique`) takes precedence, as in dbt.
 */
export const BUILTIN_TEST_MACROS: ProjectFile = {
  path: '<sqlkit>/data-tests/builtin-tests.sql',
  text: `
{% macro test_not_null(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is null
{% endmacro %}

{% macro test_unique(model, column_name) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endmacro %}

{% macro test_accepted_values(model, column_name, values, quote=true) %}
select {{ column_name }} as value_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
  and {{ column_name }} not in (
  {%- for value in values -%}
    {% if quote %}'{{ value | replace("'", "''") }}'{% else %}{{ value }}{% endif %}{% if not loop.last %}, {% endif %}
  {%- endfor -%}
  )
group by {{ column_name }}
{% endmacro %}

{% macro test_relationships(model, column_name, to, field) %}
{#- model is '(select ... where ...) as sqlkit_where' when the test has a where config, so it cannot take an alias itself. -#}
select child.{{ column_name }} as from_field
from (select * from {{ model }}) as child
left join {{ to }} as parent
  on child.{{ column_name }} = parent.{{ field }}
where child.{{ column_name }} is not null
  and parent.{{ field }} is null
{% endmacro %}
`,
};

/**
 * The same SQL the built-in macros above render, byte for byte, produced without nunjucks: with thousands of
 * tests, calling a nunjucks macro per test was a large part of compile time. Used only while the project does not
 * override the macro; a unit test renders both and compares them.
 */
export const BUILTIN_TEST_SQL: Record<string, (args: Record<string, unknown>) => string> = {
  not_null: ({ model, column_name: c }) => `\nselect *\nfrom ${text(model)}\nwhere ${text(c)} is null\n`,
  unique: ({ model, column_name: c }) =>
    `\nselect ${text(c)} as unique_field, count(*) as n_records\nfrom ${text(model)}\nwhere ${text(c)} is not null\ngroup by ${text(c)}\nhaving count(*) > 1\n`,
  accepted_values: ({ model, column_name: c, values, quote = true }) => {
    const list = (values as unknown[]).map((v) => (quote ? `'${replaceQuotes(v)}'` : text(v))).join(', ');
    return `\nselect ${text(c)} as value_field, count(*) as n_records\nfrom ${text(model)}\nwhere ${text(c)} is not null\n  and ${text(c)} not in (${list})\ngroup by ${text(c)}\n`;
  },
  relationships: ({ model, column_name: c, to, field }) =>
    `select child.${text(c)} as from_field\nfrom (select * from ${text(model)}) as child\nleft join ${text(to)} as parent\n  on child.${text(c)} = parent.${text(field)}\nwhere child.${text(c)} is not null\n  and parent.${text(field)} is null\n`,
};

function text(value: unknown): string {
  if (value === null || value === undefined) throw new Error('attempted to output null or undefined value');
  return `${value}`;
}

/** nunjucks' replace filter: numbers become strings, other non-strings pass through unchanged. */
function replaceQuotes(value: unknown): string {
  if (typeof value === 'number') return String(value).split("'").join("''");
  if (typeof value !== 'string') return text(value);
  return value.split("'").join("''");
}

/** Arguments each built-in test requires, checked before rendering so the YAML line is reported. */
export const BUILTIN_TEST_ARGS: Record<string, readonly string[]> = {
  not_null: [],
  unique: [],
  accepted_values: ['values'],
  relationships: ['to', 'field'],
};

/** dbt's `{% test name(...) %}` block is a macro named `test_name`; rewrite the tags so nunjucks reads it. */
export function rewriteTestBlocks(text: string): string {
  if (!/{%-?\s*test\s/.test(text)) return text;
  return text
    .replace(/{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g, '{%$1 macro test_$2(')
    .replace(/{%(-?)\s*endtest\s*(-?)%}/g, '{%$1 endmacro $2%}');
}
