{#- TIMESTAMP -> epoch milliseconds, the inverse of epoch_ms_to_timestamp. An incremental filter written on the raw
    epoch column (ts > ...) rather than on the converted one lets the engine skip old rows while it scans. -#}
{% macro duckdb__timestamp_to_epoch_ms(expression) -%}
epoch_ms({{ expression }})
{%- endmacro %}

{% macro default__timestamp_to_epoch_ms(expression) -%}
cast(round(extract(epoch from {{ expression }}) * 1000) as bigint)
{%- endmacro %}
