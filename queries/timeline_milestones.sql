-- The milestones (letters, meetings, signings, extensions...) of the agreements listed in
-- $agreement_ids (those the timeline shows) that pass the filters.
with final as (
    select m.milestone_id, m.agreement_id, m.occurred_on, m.kind, m.title, m.channel,
           m.reference, a.title as agreement_title
    from milestones m
    join f_agreements($f) a on a.agreement_id = m.agreement_id
    where list_contains($agreement_ids::varchar[], m.agreement_id)
)
select * from final order by occurred_on, milestone_id
