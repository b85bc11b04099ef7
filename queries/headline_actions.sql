-- Headline: open follow-ups, and those open past their due date on $today.
select
    count(*) filter (where status = 'open') as n_open,
    count(*) filter (where status = 'open' and due_on < $today::date) as n_overdue
from f_actions($f)
