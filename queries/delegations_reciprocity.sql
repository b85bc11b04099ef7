-- Outbound against inbound over time (the program's start year; undated programs are
-- counted apart with year null): seats planned and people (not withdrawn).
with dirs as (
    select d.delegation_id, year(d.program_starts_on) as year,
           case when d.is_outbound then 'outbound' else 'inbound' end as direction,
           d.seats_planned
    from f_delegations($f) d
    where d.is_outbound or d.is_inbound
),
final as (
    select dirs.year, dirs.direction,
           count(*) as n_delegations,
           coalesce(sum(dirs.seats_planned), 0)::bigint as n_seats,
           coalesce(sum(pe.n_people), 0)::bigint as n_people
    from dirs left join delegation_people($f) pe on pe.delegation_id = dirs.delegation_id
    group by all
)
select * from final order by year nulls last, direction
