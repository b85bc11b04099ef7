-- Delegation sizes per program kind and direction: seats planned against the people
-- confirmed (`is_confirmed`: confirmed or attended) and the people who attended.
with final as (
    select d.program_kind,
           case when d.is_outbound then 'outbound' when d.is_inbound then 'inbound'
                else 'other' end as direction,
           count(*) as n_delegations,
           count(distinct d.program_id) as n_programs,
           coalesce(sum(d.seats_planned), 0)::bigint as n_seats,
           coalesce(sum(pe.n_confirmed), 0)::bigint as n_confirmed,
           coalesce(sum(pe.n_attended), 0)::bigint as n_attended,
           coalesce(sum(pe.n_people), 0)::bigint as n_people
    from f_delegations($f) d
    left join delegation_people($f) pe on pe.delegation_id = d.delegation_id
    group by all
)
select * from final order by program_kind, direction
