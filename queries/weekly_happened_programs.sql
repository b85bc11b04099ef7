-- Programs that took place in one ISO week ($week_start .. $week_end), placed by their own
-- dates: `held` (started and ended in the week, or a one-day program), `started`, `ended`,
-- or `ongoing` (started before the week and ends after it). A program took place as
-- `takes_place` says (not cancelled or postponed). With their delegations per side:
-- seats planned, people confirmed (`is_confirmed`: confirmed or attended), attended (the filtered people: a home-province filter counts only
-- that province's participants).
with progs as (
    select p.*, pa.name as partner_name
    from f_programs($f) p
    join partners pa on pa.partner_id = p.partner_id
    where takes_place(p.status)
      and p.starts_on <= $week_end::date
      and coalesce(p.ends_on, p.starts_on) >= $week_start::date
),

placed as (
    select
        *,
        case when starts_on >= $week_start::date
                  and coalesce(ends_on, starts_on) <= $week_end::date then 'held'
             when starts_on >= $week_start::date then 'started'
             when ends_on <= $week_end::date then 'ended'
             else 'ongoing' end as event
    from progs
),

sides as (
    select
        d.program_id,
        sum(d.seats_planned) filter (where d.side = 'home') as home_seats,
        coalesce(sum(x.n_confirmed) filter (where d.side = 'home'), 0) as home_confirmed,
        coalesce(sum(x.n_attended) filter (where d.side = 'home'), 0) as home_attended,
        sum(d.seats_planned) filter (where d.side = 'partner') as partner_seats,
        coalesce(sum(x.n_confirmed) filter (where d.side = 'partner'), 0) as partner_confirmed,
        coalesce(sum(x.n_attended) filter (where d.side = 'partner'), 0) as partner_attended
    from f_delegations($f) d
    left join delegation_people($f) x on x.delegation_id = d.delegation_id
    group by d.program_id
),

final as (
    select
        p.program_id,
        p.title,
        p.partner_name,
        p.kind,
        p.status,
        p.mode,
        p.starts_on,
        p.ends_on,
        p.event,
        s.home_seats,
        coalesce(s.home_confirmed, 0) as home_confirmed,
        coalesce(s.home_attended, 0) as home_attended,
        s.partner_seats,
        coalesce(s.partner_confirmed, 0) as partner_confirmed,
        coalesce(s.partner_attended, 0) as partner_attended
    from placed p
    left join sides s on s.program_id = p.program_id
)

select * from final
order by starts_on, program_id
