-- Typed app events with the event time as a timestamp. Ephemeral: inlined into the models that use it.
select
    ts,
    {{ epoch_ms_to_timestamp('ts') }} as start_time,
    user_id,
    first_name,
    last_name,
    gender,
    level,
    song,
    artist,
    length,
    session_id,
    item_in_session,
    location,
    user_agent,
    page
from {{ source('sparkify', 'events') }}
