-- Artists with the most plays.
select artists.name as artist, count(*) as plays, count(distinct songplays.user_id) as listeners
from {{ ref('songplays') }} as songplays
join {{ ref('artists') }} as artists on artists.artist_id = songplays.artist_id
group by artists.name
order by plays desc, artists.name
