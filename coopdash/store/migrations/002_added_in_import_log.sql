-- coopdash store, schema version 2: records added by an import are no longer written to
-- `history` one row each. `import_log.added_ids` (one list per import per table) already
-- names them, with who loaded them and when; the weekly review reads added records from
-- there (`unnest(added_ids)` only for the first lines it shows). `history` keeps one row
-- per changed field (change = 'changed', old -> new) and one per removed record
-- (change = 'removed', field null). The check still allows 'added' (DuckDB cannot alter
-- a check), but nothing writes it any more.
--
-- A store of schema version 1 holds one 'added' row per added record. Version 1 built
-- `added_ids` from those very rows, so they are in the log already; the update below only
-- repairs a log whose list disagrees with its rows (a hand-edited store), then the rows go.
update import_log l
set added_ids = a.ids
from (
    select import_id, list(record_id order by record_id) as ids, count(*) as n
    from history
    where change = 'added'
    group by import_id
) a
where a.import_id = l.import_id
  and coalesce(len(l.added_ids), 0) <> a.n;

delete from history where change = 'added';
