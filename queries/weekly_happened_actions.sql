-- Follow-ups opened (opened_on) or closed (closed_on: done or dropped) in one ISO week,
-- with the meeting that created them. One follow-up opened and closed in the same week
-- gives two lines.
with acts as (
    select ac.*, ag.title as agreement_title, pr.title as program_title
    from f_actions($f) ac
    left join agreements ag on ag.agreement_id = ac.agreement_id
    left join programs pr on pr.program_id = ac.program_id
),

final as (
    select opened_on as event_on, 'opened' as event, * from acts
    where opened_on between $week_start::date and $week_end::date
    union all
    select closed_on, status, * from acts
    where closed_on between $week_start::date and $week_end::date
      and status in ('done', 'dropped')
)

select
    event_on, event, action_id, title, owner, status, due_on, meeting_week,
    agreement_title, program_title
from final
order by event_on, event <> 'opened', action_id
