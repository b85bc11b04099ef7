-- The first $limit lines of one ISO week's change list, the meaningful ones first:
-- changed fields (old -> new), then removed records, then added records; within each, by
-- table, record and field. One line per changed field, per removed record (history) and
-- per added record (import_log.added_ids, unnested only up to $limit lines). With who
-- loaded it and a readable name of the record when it still exists. The totals are in
-- weekly_change_counts.sql. Participants' names and ids are personal data: shown only
-- when $show_names (otherwise a participant line names the delegation and its program).
-- History rows 'added' of schema version 1 are ignored (import_log has them).
with week_log as (
    select import_id, imported_at, actor, file_name, mode, table_name, added_ids
    from import_log
    where imported_at >= $week_start::timestamp
      and imported_at < ($week_end::date + 1)::timestamp
),

logged as (
    select
        h.import_id,
        h.changed_at,
        h.table_name,
        h.record_id,
        h.change,
        h.field,
        h.old_value,
        h.new_value
    from history h
    where h.changed_at >= $week_start::timestamp
      and h.changed_at < ($week_end::date + 1)::timestamp
      and h.change <> 'added'
    order by h.change = 'removed', h.table_name, h.record_id, h.field nulls first,
        h.changed_at
    limit $limit
),

added as (
    select import_id, imported_at as changed_at, table_name, record_id
    from (
        select import_id, imported_at, table_name, unnest(added_ids) as record_id
        from week_log
        where len(added_ids) > 0
    )
    order by table_name, record_id, changed_at
    limit $limit
),

lines as (
    select * from logged
    union all
    select import_id, changed_at, table_name, record_id, 'added', null, null, null
    from added
    order by change = 'added', change = 'removed', table_name, record_id, field nulls first,
        changed_at
    limit $limit
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
    select 'participants', pt.participant_id,
        case when $show_names then pt.full_name else p.title end
    from participants pt
    left join delegations d on d.delegation_id = pt.delegation_id
    left join programs p on p.program_id = d.program_id
),

-- without $show_names a participant is named by their delegation, never by id or name
-- (a removed participant, whose delegation is no longer known, by a mask)
by_delegation as (
    select participant_id, delegation_id from participants
),

final as (
    select
        x.changed_at,
        x.import_id,
        l.actor,
        l.file_name,
        l.mode,
        x.table_name,
        case when x.table_name = 'participants' and not $show_names
             then coalesce(pd.delegation_id, '•••') else x.record_id end as record_id,
        n.record_label,
        x.change,
        x.field,
        case when x.table_name = 'participants' and x.field = 'full_name' and not $show_names
             then '•••' else x.old_value end as old_value,
        case when x.table_name = 'participants' and x.field = 'full_name' and not $show_names
             then '•••' else x.new_value end as new_value
    from lines x
    left join week_log l on l.import_id = x.import_id
    left join names n on n.table_name = x.table_name and n.record_id = x.record_id
    left join by_delegation pd
        on x.table_name = 'participants' and pd.participant_id = x.record_id
)

select * from final
order by change = 'added', change = 'removed', table_name, record_id, field nulls first,
    changed_at
