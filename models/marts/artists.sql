-- One row per artist. Song files disagree on the name or location of some artists (426 artist_ids in the full
-- song set), so the most complete record wins: one with a location, then with coordinates, then the lowest song_id.
with artist_records as (
    select
        artist_id,
        artist_name as name,
        nullif(artist_location, '') as location,
        artist_latitude as latitude,
        artist_longitude as longitude,
        song_id
    from {{ source('sparkify', 'songs') }}
    where artist_id is not null
)

{{ first_by('artist_records', 'artist_id',
            'case when location is null then 1 else 0 end, case when latitude is null then 1 else 0 end, song_id',
            ['artist_id', 'name', 'location', 'latitude', 'longitude']) }}
