-- The latest imports, one row per import and table: who, when, which file, what changed.
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
order by import_id desc, table_name
limit 200
