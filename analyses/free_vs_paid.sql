-- Listening by subscription level at the time of the play.
select
    level,
    count(*) as plays,
    count(distinct user_id) as users,
    round(count(*) * 1.0 / count(distinct user_id), 1) as plays_per_user
from {{ ref('songplays') }}
group by level
order by level
