-- The first $limit lines of one ISO week's change list, the meaningful ones first:
-- changed fields (old -> new), then removed records, then added records; within each, by
-- table, record and field. One line per changed field, per removed record (history) and
-- per added record (import_added, read only up to $limit lines). With who
-- loaded it and a readable name of the record when it still exists. The totals are in
-- weekly_change_counts.sql. Participants' names and ids are personal data: shown only
-- when $show_names (otherwise a participant line names the delegation and its program),
-- and so are their positions (one regency's head is one person): their old and new values
-- are masked too.
-- History rows 'added' of schema version 1 are ignored (import_added has them).
-- With a sidebar filter on, only the lines of records the filters place (`f_placed`) are
-- kept, and those of tables no filter can place (exchange rates, minutes) and of removed
-- records. A removed record is named by its last label, which history kept.
with placed as (
    select table_name, record_id from f_placed($f) where f_active($f)
),

kept as (
    select * from (values ('fx_rates'), ('minutes')) v(table_name)
),

week_log as (
    select import_id, imported_at, actor, file_name, mode, table_name
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
      and (not f_active($f) or h.change = 'removed'
           or h.table_name in (select table_name from kept)
           or exists (select 1 from placed p
                      where p.table_name = h.table_name and p.record_id = h.record_id))
    order by h.change = 'removed', h.table_name, h.record_id, h.field nulls first,
        h.changed_at
    limit $limit
),

added as (
    select import_id, imported_at as changed_at, table_name, record_id
    from (
        select l.import_id, l.imported_at, l.table_name, ia.record_id
        from week_log l
        join import_added ia on ia.import_id = l.import_id
    ) a
    where not f_active($f) or a.table_name in (select table_name from kept)
       or exists (select 1 from placed p
                  where p.table_name = a.table_name and p.record_id = a.record_id)
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

old_labels as (  -- a record removed before its label was kept: its last changed label
    select h.table_name, h.record_id, arg_max(h.new_value, h.changed_at) as label
    from history h
    join (select distinct table_name, record_id from lines where change = 'removed') r
      on r.table_name = h.table_name and r.record_id = h.record_id
    where h.change = 'changed' and h.field in ('name', 'title', 'full_name', 'funder')
    group by h.table_name, h.record_id
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
    union all
    select 'minutes', meeting_week, meeting_week from minutes
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
        case when x.change = 'removed' and x.table_name = 'participants' and not $show_names
                 then null
             when x.change = 'removed' then coalesce(x.old_value, o.label)
             else n.record_label end as record_label,
        x.change,
        x.field,
        case when x.table_name = 'participants' and not $show_names
                  and (x.field in ('full_name', 'position') or x.change = 'removed')
             then '•••' else x.old_value end as old_value,
        case when x.table_name = 'participants' and x.field in ('full_name', 'position')
                  and not $show_names
             then '•••' else x.new_value end as new_value
    from lines x
    left join week_log l on l.import_id = x.import_id
    left join names n on n.table_name = x.table_name and n.record_id = x.record_id
    left join by_delegation pd
        on x.table_name = 'participants' and pd.participant_id = x.record_id
    left join old_labels o on o.table_name = x.table_name and o.record_id = x.record_id
)

select * from final
order by change = 'added', change = 'removed', table_name, record_id, field nulls first,
    changed_at
