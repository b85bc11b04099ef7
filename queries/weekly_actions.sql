-- Open follow-ups (the filtered ones), with what they are linked to and how late they are
-- on $ref. The page and the pack pick "overdue" and "due this week" from these rows; the
-- page's forms edit them.
with final as (
    select
        ac.action_id,
        ac.title,
        ac.owner,
        ac.opened_on,
        ac.due_on,
        ac.status,
        ac.closed_on,
        ac.agreement_id,
        ag.title as agreement_title,
        ac.program_id,
        pr.title as program_title,
        ac.due_on < $ref::date as is_overdue,
        datediff('day', ac.due_on, $ref::date) as days_late
    from f_actions($f) ac
    left join agreements ag on ag.agreement_id = ac.agreement_id
    left join programs pr on pr.program_id = ac.program_id
    where ac.status = 'open'
)

select * from final
order by due_on nulls last, opened_on, action_id
