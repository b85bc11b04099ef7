-- What one ISO week's imports (and page edits) did, per table: records added (named by
-- import_added, which lists them), records changed and removed (distinct records in
-- history), and how many lines the week's change list has (one per changed field, per
-- removed record, per added record). Counted here, never by fetching the lines.
-- History rows 'added' (written by schema version 1, dropped by migration 002) are
-- ignored: import_added names those records too. With a sidebar filter on, the counts are
-- those of the lines weekly_changes.sql keeps (records the filters place, tables they
-- cannot place, removed records); without one, added records are counted from the log's
-- totals without reading its records.
with placed as (
    select table_name, record_id from f_placed($f) where f_active($f)
),

kept as (
    select * from (values ('fx_rates'), ('minutes')) v(table_name)
),

week_log as (
    select import_id, table_name, n_added
    from import_log
    where imported_at >= $week_start::timestamp
      and imported_at < ($week_end::date + 1)::timestamp
),

log as (
    select table_name, sum(n_added) as n_added
    from week_log
    where not f_active($f) or table_name in (select table_name from kept)
    group by table_name
    union all
    select table_name, count(*) as n_added
    from (select l.table_name, ia.record_id
          from week_log l
          join import_added ia on ia.import_id = l.import_id
          where f_active($f) and l.table_name not in (select table_name from kept)) a
    where exists (select 1 from placed p
                  where p.table_name = a.table_name and p.record_id = a.record_id)
    group by table_name
),

hist as (
    select
        table_name,
        count(distinct record_id) filter (where change = 'changed') as n_changed,
        count(distinct record_id) filter (where change = 'removed') as n_removed,
        count(*) as n_lines
    from history
    where changed_at >= $week_start::timestamp
      and changed_at < ($week_end::date + 1)::timestamp
      and change <> 'added'
      and (not f_active($f) or change = 'removed'
           or table_name in (select table_name from kept)
           or exists (select 1 from placed p
                      where p.table_name = history.table_name
                        and p.record_id = history.record_id))
    group by table_name
),

final as (
    select
        coalesce(l.table_name, h.table_name) as table_name,
        coalesce(l.n_added, 0)::bigint as n_added,
        coalesce(h.n_changed, 0)::bigint as n_changed,
        coalesce(h.n_removed, 0)::bigint as n_removed,
        (coalesce(h.n_lines, 0) + coalesce(l.n_added, 0))::bigint as n_lines
    from log l
    full join hist h on h.table_name = l.table_name
)

select * from final
where n_added + n_changed + n_removed > 0
order by table_name
