-- One row per distinct songplay start time, broken into calendar parts.
-- Read from the play events with songplays' own filter (one songplay per NextSong event, so the same start times)
-- rather than from songplays itself: the two build side by side instead of one after the other.
-- Incremental: like songplays, it reads its newest start time first, so the scan skips old events.
{{ config(materialized='incremental', unique_key='start_time',
          incremental_predicates=["sqlkit_dest.start_time >= (select min(start_time) from sqlkit_new)"]) }}

with plays as (
    select start_time from {{ ref('stg_events') }}
    where page = '{{ var("play_page") }}'
    {% if is_incremental() %}
    {%- set newest = run_query('select ' ~ timestamp_to_epoch_ms('max(start_time)') ~ ' from ' ~ this).rows[0][0] %}
    {% if newest is not none %}and ts > {{ newest }}{% endif %}
    {% endif %}
)

select distinct
    start_time,
    cast(extract(hour from start_time) as integer) as hour,
    cast(extract(day from start_time) as integer) as day,
    cast(extract(week from start_time) as integer) as week,
    cast(extract(month from start_time) as integer) as month,
    cast(extract(year from start_time) as integer) as year,
    cast(extract(dow from start_time) as integer) as weekday
from plays
