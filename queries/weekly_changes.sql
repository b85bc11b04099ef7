-- Every recorded change of one ISO week, one row per changed field (or per record added /
-- removed), with who loaded it and a readable name of the record when it still exists.
-- Participants' names are personal data: shown only when $show_names.
with h as (
    select h.*, l.actor, l.file_name, l.mode, l.imported_at
    from history h
    left join import_log l on l.import_id = h.import_id
    where h.changed_at >= $week_start::timestamp
      and h.changed_at < ($week_end::date + 1)::timestamp
),

names as (
    select 'partners' as table_name, partner_id as record_id, name as record_label
    from partners
    union all
    select 'agreements', agreement_id, title from agreements
    union all
    select 'milestones', milestone_id, title from milestones
    union all
    select 'programs', program_id, title from programs
    union all
    select 'delegations', d.delegation_id, p.title
    from delegations d left join programs p on p.program_id = d.program_id
    union all
    select 'funding', fu.funding_id, coalesce(fu.funder, p.title)
    from funding fu left join programs p on p.program_id = fu.program_id
    union all
    select 'actions', action_id, title from actions
    union all
    select 'participants', participant_id, case when $show_names then full_name end
    from participants
),

final as (
    select
        h.changed_at,
        h.import_id,
        h.actor,
        h.file_name,
        h.mode,
        h.table_name,
        h.record_id,
        n.record_label,
        h.change,
        h.field,
        case when h.table_name = 'participants' and h.field = 'full_name' and not $show_names
             then '•••' else h.old_value end as old_value,
        case when h.table_name = 'participants' and h.field = 'full_name' and not $show_names
             then '•••' else h.new_value end as new_value
    from h
    left join names n on n.table_name = h.table_name and n.record_id = h.record_id
)

select * from final
order by table_name, record_id, changed_at, field nulls first
