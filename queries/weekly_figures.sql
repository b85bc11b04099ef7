-- Headline figures of the weekly review as they stood on $as_of (run once for the week and
-- once for the week before, to show the change). Each is defined by the records' own dates,
-- so "as they stood" needs no snapshot: a follow-up was open on a day as the shared macro
-- action_open_on says (the Overview and summary --json count it the same way);
-- "next 30 days" is $next_days (coopdash.figures.thresholds); programs take place as
-- `takes_place` says, and "programs this year" is `started_this_year`, as on the Overview.
with acts as (
    select * from f_actions($f)
    where action_open_on(status, opened_on, closed_on, $as_of::date)
),

progs as (
    select * from f_programs($f) where takes_place(status)
),

final as (
    select
        (select count(*) from acts) as n_actions_open,
        (select count(*) from acts where due_on < $as_of::date) as n_actions_overdue,
        (select count(*) from f_agreements($f)
         where stage in ('signed', 'active', 'extended')
           and coalesce(starts_on, signed_on, $as_of::date) <= $as_of::date
           and (ends_on is null or ends_on >= $as_of::date)) as n_agreements_in_force,
        (select count(*) from progs
         where starts_on > $as_of::date and starts_on <= $as_of::date + $next_days::integer)
            as n_programs_next_30,
        (select count(*) from f_programs($f)
         where started_this_year(status, starts_on, $as_of)) as n_programs_this_year
)

select * from final
