-- One row per distinct songplay start time, broken into calendar parts.
{{ config(materialized='incremental', unique_key='start_time',
          incremental_predicates=["sqlkit_dest.start_time >= (select min(start_time) from sqlkit_new)"]) }}

select distinct
    start_time,
    cast(extract(hour from start_time) as integer) as hour,
    cast(extract(day from start_time) as integer) as day,
    cast(extract(week from start_time) as integer) as week,
    cast(extract(month from start_time) as integer) as month,
    cast(extract(year from start_time) as integer) as year,
    cast(extract(dow from start_time) as integer) as weekday
from {{ ref('songplays') }}
{% if is_incremental() %}
where start_time > (select max(start_time) from {{ this }})
{% endif %}
