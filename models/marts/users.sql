-- One row per user, with the name and level of their most recent event: users move between free and paid.
with identified_events as (
    select * from {{ ref('stg_events') }}
    where user_id is not null
)

{{ first_by('identified_events', 'user_id', 'ts desc, session_id desc, item_in_session desc',
            ['user_id', 'first_name', 'last_name', 'gender', 'level']) }}
