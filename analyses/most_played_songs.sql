-- Sparkify's most played songs (plays matched to a known song).
select songs.title, artists.name as artist, count(*) as plays
from {{ ref('songplays') }} as songplays
join {{ ref('songs') }} as songs on songs.song_id = songplays.song_id
join {{ ref('artists') }} as artists on artists.artist_id = songplays.artist_id
group by songs.title, artists.name
order by plays desc, songs.title
