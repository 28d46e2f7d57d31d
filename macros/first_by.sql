{#- Keeps one row per `partition_by`: the first in `order_by` order. Portable across DuckDB, PostgreSQL and
    Redshift (no DISTINCT ON, no QUALIFY). -#}
{% macro first_by(relation, partition_by, order_by, columns) -%}
select {{ columns | join(', ') }}
from (
    select *, row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as sqlkit_row_number
    from {{ relation }}
) as ranked
where sqlkit_row_number = 1
{%- endmacro %}
