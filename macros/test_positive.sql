{#- A custom generic test: fails for rows where the column is zero or negative. Use it in YAML as `- positive`. -#}
{% test positive(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} <= 0
{% endtest %}
