-- Headline: participants by status.
select status, count(*) as n
from f_participants($f)
group by status
order by status
