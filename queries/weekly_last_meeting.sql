-- The last weekly meeting before $meeting_week: the latest earlier week that has minutes
-- or follow-ups created in it (meetings may skip a week). Week labels `YYYY-Www` sort as
-- the weeks do.
with weeks as (
    select meeting_week from minutes
    union
    select meeting_week from actions where meeting_week is not null
)

select max(meeting_week) as meeting_week
from weeks
where meeting_week < $meeting_week
