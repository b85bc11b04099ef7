-- Headline figures of the weekly review as they stood on $as_of (run once for the week and
-- once for the week before, to show the change). Each is defined by the records' own dates,
-- so "as they stood" needs no snapshot: an action was open on a day if it was opened by
-- then and not yet closed.
with acts as (
    select * from f_actions($f)
    where opened_on <= $as_of::date and (closed_on is null or closed_on > $as_of::date)
),

progs as (
    select * from f_programs($f) where status not in ('cancelled', 'postponed')
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
         where starts_on > $as_of::date and starts_on <= $as_of::date + 30)
            as n_programs_next_30,
        (select count(*) from progs
         where starts_on <= $as_of::date
           and starts_on >= date_trunc('year', $as_of::date)::date) as n_programs_this_year
)

select * from final
