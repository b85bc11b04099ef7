-- Agreements whose term ends within $expiring_days days of $ref (from $ref itself to
-- $ref + $expiring_days, both included) and that are not already over (expired or
-- terminated). The one definition of "expiring": the weekly review, its meeting pack and
-- the timeline read this file, with the thresholds of coopdash.figures.thresholds.
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
    where a.ends_on between $ref::date and $ref::date + $expiring_days::integer
      and a.stage not in ('expired', 'terminated')
)

select * from final
order by ends_on, agreement_id
