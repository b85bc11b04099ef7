-- Milestones dated in one ISO week (their occurred_on): letters, meetings, signings...
-- of the agreements the partner filters keep.
with final as (
    select
        m.milestone_id,
        m.occurred_on,
        m.kind,
        m.title,
        m.channel,
        m.reference,
        a.agreement_id,
        a.title as agreement_title,
        pa.name as partner_name
    from milestones m
    join f_agreements($f) a on a.agreement_id = m.agreement_id
    join partners pa on pa.partner_id = a.partner_id
    where m.occurred_on between $week_start::date and $week_end::date
)

select * from final
order by occurred_on, milestone_id
