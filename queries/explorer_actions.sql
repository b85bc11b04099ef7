-- Explorer, actions tab: follow-ups of the filtered partners with what they belong to
-- and whether they are overdue on $today. $q searches the text columns; $status is the
-- tab's own filter.
with final as (
    select
        ac.action_id,
        ac.title,
        ac.owner,
        code_label($label_keys, $label_values, 'action_status', ac.status) as status_label,
        ac.status,
        ac.opened_on,
        ac.due_on,
        ac.closed_on,
        coalesce(ac.status = 'open' and ac.due_on < $today::date, false) as is_overdue,
        case when ac.status = 'open' and ac.due_on < $today::date
             then date_diff('day', ac.due_on, $today::date) end as days_overdue,
        ac.agreement_id,
        ag.title as agreement_title,
        ac.program_id,
        pr.title as program_title,
        pa.name as partner_name
    from f_actions($f) ac
    left join agreements ag on ag.agreement_id = ac.agreement_id
    left join programs pr on pr.program_id = ac.program_id
    left join partners pa on pa.partner_id = ac.partner_id
    where in_list($status, ac.status)
      and ($q = ''
           or matches(ac.action_id, $q)
           or matches(ac.title, $q)
           or matches(ac.owner, $q)
           or matches(ag.title, $q)
           or matches(pr.title, $q)
           or matches(pa.name, $q))
)
select * from final
