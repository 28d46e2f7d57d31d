{#- Epoch milliseconds -> TIMESTAMP (UTC), keeping the milliseconds. One variant per engine family:
    sqlkit calls duckdb__ on DuckDB and default__ on PostgreSQL and Redshift. -#}
{% macro duckdb__epoch_ms_to_timestamp(column) -%}
epoch_ms({{ column }})
{%- endmacro %}

{% macro default__epoch_ms_to_timestamp(column) -%}
(timestamp 'epoch' + ({{ column }} / 1000.0) * interval '1 second')
{%- endmacro %}
