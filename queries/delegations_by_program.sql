-- The largest programs by delegation size (seats planned, people confirmed, attended),
-- one row per program and side; at most $limit programs.
-- Confirmed is `is_confirmed` (confirmed or attended).
with per_program as (
    select d.program_id, d.side, d.program_kind, d.program_starts_on, d.host_country,
           bool_or(d.is_outbound) as is_outbound, bool_or(d.is_inbound) as is_inbound,
           coalesce(sum(d.seats_planned), 0)::bigint as n_seats,
           coalesce(sum(pe.n_confirmed), 0)::bigint as n_confirmed,
           coalesce(sum(pe.n_attended), 0)::bigint as n_attended
    from f_delegations($f) d
    left join delegation_people($f) pe on pe.delegation_id = d.delegation_id
    group by all
),
ranked as (
    select program_id, max(greatest(n_seats, n_confirmed)) as size
    from per_program group by program_id
    order by size desc, program_id limit $limit
),
final as (
    select pp.*, pr.title, pa.name as partner_name
    from per_program pp
    join ranked r on r.program_id = pp.program_id
    join programs pr on pr.program_id = pp.program_id
    join partners pa on pa.partner_id = pr.partner_id
)
select * from final order by greatest(n_seats, n_confirmed) desc, program_id, side
