-- Programs starting or ending within $next_days days of $ref (the review's reference
-- day) that take place (`takes_place`), with their delegations' readiness: seats planned
-- against people confirmed (`is_confirmed`), per side, counted among the filtered people
-- like the week's programs that took place; is_soon marks those within $soon_days days
-- (coopdash.figures.thresholds).
with progs as (
    select p.*, pa.name as partner_name
    from f_programs($f) p
    join partners pa on pa.partner_id = p.partner_id
    where takes_place(p.status)
),

dated as (
    select
        *,
        starts_on between $ref::date and $ref::date + $next_days::integer as is_starting,
        case when is_starting then 'starts' else 'ends' end as event,
        case when is_starting then starts_on else ends_on end as event_on
    from progs
    where starts_on between $ref::date and $ref::date + $next_days::integer
       or ends_on between $ref::date and $ref::date + $next_days::integer
),

readiness as (
    select
        d.program_id,
        count(*) as n_delegations,
        sum(d.seats_planned) filter (where d.side = 'home') as home_seats,
        coalesce(sum(x.n_confirmed) filter (where d.side = 'home'), 0) as home_confirmed,
        sum(d.seats_planned) filter (where d.side = 'partner') as partner_seats,
        coalesce(sum(x.n_confirmed) filter (where d.side = 'partner'), 0) as partner_confirmed,
        sum(d.seats_planned) as seats_planned,
        coalesce(sum(x.n_confirmed), 0) as n_confirmed,
        coalesce(sum(x.n_nominated), 0) as n_nominated
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
        p.starts_on,
        p.ends_on,
        p.event,
        p.event_on,
        datediff('day', $ref::date, p.event_on) as days_to,
        datediff('day', $ref::date, p.event_on) <= $soon_days as is_soon,
        coalesce(r.n_delegations, 0) as n_delegations,
        r.home_seats,
        coalesce(r.home_confirmed, 0) as home_confirmed,
        r.partner_seats,
        coalesce(r.partner_confirmed, 0) as partner_confirmed,
        r.seats_planned,
        coalesce(r.n_confirmed, 0) as n_confirmed,
        coalesce(r.n_nominated, 0) as n_nominated
    from dated p
    left join readiness r on r.program_id = p.program_id
)

select * from final
order by event_on, program_id
