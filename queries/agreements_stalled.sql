-- Stalled explorations: agreements not yet signed (stage exploration, drafting or
-- approval) whose last milestone on or before $ref is $stalled_days days old or more, or
-- that have no milestone at all by then. They need a decision to push on or to drop. The
-- one definition of "stalled": the weekly review, its meeting pack and the timeline read
-- this file, with the threshold of coopdash.figures.thresholds. A milestone dated after
-- $ref (planned, or recorded later) does not count: a past week is seen as it stood.
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
    where a.stage in ('exploration', 'drafting', 'approval')
      and (l.last_milestone_on is null
           or l.last_milestone_on <= $ref::date - $stalled_days::integer)
)

select * from final
order by last_milestone_on nulls first, agreement_id
