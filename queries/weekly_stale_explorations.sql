-- Agreements still at the exploration stage with no milestone in the 60 days before $ref
-- (or none at all): they need a decision to push on or to drop.
with last_step as (
    select agreement_id, max(occurred_on) as last_milestone_on
    from milestones
    where occurred_on <= $ref::date
    group by agreement_id
),

final as (
    select
        a.agreement_id,
        a.title,
        pa.name as partner_name,
        a.stage,
        l.last_milestone_on,
        datediff('day', l.last_milestone_on, $ref::date) as days_quiet
    from f_agreements($f) a
    join partners pa on pa.partner_id = a.partner_id
    left join last_step l on l.agreement_id = a.agreement_id
    where a.stage = 'exploration'
      and (l.last_milestone_on is null or l.last_milestone_on < $ref::date - 60)
)

select * from final
order by last_milestone_on nulls first, agreement_id
