-- The imports (and page edits) recorded in one ISO week, one row per import per table:
-- who loaded what, when, and how many records were added / changed / removed.
select
    import_id,
    imported_at,
    actor,
    file_name,
    mode,
    table_name,
    n_added,
    n_changed,
    n_removed
from import_log
where imported_at >= $week_start::timestamp
  and imported_at < ($week_end::date + 1)::timestamp
order by imported_at, import_id, table_name
