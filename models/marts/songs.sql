-- One row per song.
{{ first_by(source('sparkify', 'songs'), 'song_id', 'title, artist_id',
            ['song_id', 'title', 'artist_id', 'year', 'duration']) }}
