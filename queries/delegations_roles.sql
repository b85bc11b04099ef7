-- Participants by role and side (not withdrawn).
with final as (
    select role, side, count(*) as n_people,
           count(*) filter (where status = 'attended') as n_attended
    from f_participants($f)
    where is_recorded(status)
    group by all
)
select * from final order by n_people desc, role, side
