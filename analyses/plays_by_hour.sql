-- When people listen: plays per hour of day (UTC).
select time.hour, count(*) as plays
from {{ ref('songplays') }} as songplays
join {{ ref('time') }} as time on time.start_time = songplays.start_time
group by time.hour
order by time.hour
