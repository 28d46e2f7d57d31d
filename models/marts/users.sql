-- One row per user, with the name and level of their most recent event: users move between free and paid.
-- Incremental: a run re-derives only the users seen in events newer than the table's newest update.
{{ config(materialized='incremental', unique_key='user_id') }}

with identified_events as (
    select *, start_time as updated_at from {{ ref('stg_events') }}
    where user_id is not null
    {% if is_incremental() %}
    {#- The newest update already in the table, read before this query runs: as a constant on the raw epoch column,
        it lets the engine skip old events as it scans (as in songplays). An empty table loads everything. #}
    {%- set newest = run_query('select ' ~ timestamp_to_epoch_ms('max(updated_at)') ~ ' from ' ~ this).rows[0][0] %}
    {% if newest is not none %}and ts > {{ newest }}{% endif %}
    {% endif %}
)

{{ first_by('identified_events', 'user_id', 'ts desc, session_id desc, item_in_session desc',
            ['user_id', 'first_name', 'last_name', 'gender', 'level', 'updated_at']) }}
