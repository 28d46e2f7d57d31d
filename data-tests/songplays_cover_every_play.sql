-- Singular test: songplays has exactly one row per NextSong event in the raw logs. Returns a row when it does not.
with expected as (
    select count(*) as plays
    from {{ source('sparkify', 'events') }}
    where page = '{{ var("play_page") }}'
),
actual as (
    select count(*) as plays from {{ ref('songplays') }}
)
select expected.plays as expected_plays, actual.plays as actual_plays
from expected cross join actual
where expected.plays <> actual.plays
