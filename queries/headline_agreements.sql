-- Headline: agreements by stage.
select stage, count(*) as n
from f_agreements($f)
group by stage
order by stage
