-- Agreements whose term ends within 90 days of $ref and that are not already over.
with final as (
    select
        a.agreement_id,
        a.title,
        pa.name as partner_name,
        a.instrument,
        a.stage,
        a.ends_on,
        datediff('day', $ref::date, a.ends_on) as days_left
    from f_agreements($f) a
    join partners pa on pa.partner_id = a.partner_id
    where a.ends_on between $ref::date and $ref::date + 90
      and a.stage not in ('expired', 'terminated')
)

select * from final
order by ends_on, agreement_id
