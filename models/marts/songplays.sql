-- The fact table: one row per song play (a NextSong event).
-- song_id and artist_id are set when a song matches on title, artist name and duration; null otherwise.
-- Incremental: a run adds the plays newer than the newest one already in the table (log days arrive in order);
-- --full-refresh rebuilds it. A songplay_id fixes its start_time, so the delete of replaced rows looks only at
-- rows from the new rows' first start_time on, not the whole table.
{{ config(materialized='incremental', unique_key='songplay_id',
          incremental_predicates=["sqlkit_dest.start_time >= (select min(start_time) from sqlkit_new)"]) }}

with plays as (
    select * from {{ ref('stg_events') }}
    where page = '{{ var("play_page") }}'
    {% if is_incremental() %}
    {#- The newest play already in the table, read before this query runs. As a constant on the raw epoch column it
        lets the engine skip old rows as it scans and plan the song join from the real row count (as a subquery,
        DuckDB guessed a few dozen rows and built its hash table on the plays). An empty table loads everything. #}
    {%- set newest = run_query('select ' ~ timestamp_to_epoch_ms('max(start_time)') ~ ' from ' ~ this).rows[0][0] %}
    {% if newest is not none %}and ts > {{ newest }}{% endif %}
    {% endif %}
),

song_matches as (
    -- at most one song per (title, artist name, duration), so the join never duplicates a play
    {{ first_by(source('sparkify', 'songs'), 'title, artist_name, duration', 'song_id',
                ['title', 'artist_name', 'duration', 'song_id', 'artist_id']) }}
)

select
    md5(cast(plays.session_id as varchar) || '-' || cast(plays.item_in_session as varchar) || '-' || cast(plays.ts as varchar)) as songplay_id,
    plays.start_time,
    plays.user_id,
    plays.level,
    song_matches.song_id,
    song_matches.artist_id,
    plays.session_id,
    plays.location,
    plays.user_agent
from plays
left join song_matches
    on plays.song = song_matches.title
    and plays.artist = song_matches.artist_name
    and plays.length = song_matches.duration
