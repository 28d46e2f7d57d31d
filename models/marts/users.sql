-- One row per user, with the name and level of their most recent event: users move between free and paid.
-- Incremental: a run re-derives only the users seen in events newer than the table's newest update.
{{ config(materialized='incremental', unique_key='user_id') }}

with identified_events as (
    select *, start_time as updated_at from {{ ref('stg_events') }}
    where user_id is not null
    {% if is_incremental() %}
    and ts > (select {{ timestamp_to_epoch_ms('max(updated_at)') }} from {{ this }})
    {% endif %}
)

{{ first_by('identified_events', 'user_id', 'ts desc, session_id desc, item_in_session desc',
            ['user_id', 'first_name', 'last_name', 'gender', 'level', 'updated_at']) }}
