-- The follow-ups created in one weekly meeting ($meeting_week) and where they stood on
-- $ref: `overdue` or `open` when open that day (`action_open_on`, the one definition),
-- else as closed: `done` or `dropped`. The partner filters apply, as to every follow-up
-- list.
with final as (
    select
        ac.action_id,
        ac.title,
        ac.owner,
        ac.opened_on,
        ac.due_on,
        ac.status,
        ac.closed_on,
        ag.title as agreement_title,
        pr.title as program_title,
        case when not action_open_on(ac.status, ac.opened_on, ac.closed_on, $ref::date)
                 then ac.status
             when ac.due_on < $ref::date then 'overdue'
             else 'open' end as state
    from f_actions($f) ac
    left join agreements ag on ag.agreement_id = ac.agreement_id
    left join programs pr on pr.program_id = ac.program_id
    where ac.meeting_week = $meeting_week
)

select * from final
order by state = 'overdue' desc, state = 'open' desc, due_on nulls last, action_id
