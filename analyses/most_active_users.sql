-- The users who play the most songs, with their current level.
select users.user_id, users.first_name, users.last_name, users.level, count(*) as plays
from {{ ref('songplays') }} as songplays
join {{ ref('users') }} as users on users.user_id = songplays.user_id
group by users.user_id, users.first_name, users.last_name, users.level
order by plays desc, users.user_id
