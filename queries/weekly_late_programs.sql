-- Programs whose start date has passed on $ref while their status is still `planned`.
with final as (
    select
        p.program_id,
        p.title,
        pa.name as partner_name,
        p.kind,
        p.status,
        p.starts_on,
        datediff('day', p.starts_on, $ref::date) as days_late
    from f_programs($f) p
    join partners pa on pa.partner_id = p.partner_id
    where p.status = 'planned' and p.starts_on < $ref::date
)

select * from final
order by starts_on, program_id
