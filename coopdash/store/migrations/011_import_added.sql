-- coopdash store, schema version 11: the records an import added are rows of their own
-- table, `import_added` (one per added record), and `import_log` no longer holds lists.
--
-- Why: `import_log` is a small table that every write appends to, and DuckDB rewrites a
-- table's last row group whole at the checkpoint after an append. With the lists in it,
-- the log of the first import at 1M participants (a list of a million ids) was in that
-- row group, so one changed cell from the browser rewrote those million ids (0.57 s of a
-- 0.64 s save, docs/benchmarks.md "Writes from the browser"). In a table of rows, an
-- append rewrites only its last row group (at most 122,880 short rows).
--
-- Records changed and removed were named twice: in `import_log.changed_ids` /
-- `removed_ids` and in `history` (one row per changed field, one per removed record).
-- `history` alone names them now. An undo restores `import_added` with the other
-- record tables (coopdash.store.records.RECORD_TABLES).
create table import_added (
    import_id integer not null,
    record_id varchar not null
);

insert into import_added
select import_id, unnest(added_ids) as record_id
from import_log
where len(added_ids) > 0;

alter table import_log drop column added_ids;
alter table import_log drop column changed_ids;
alter table import_log drop column removed_ids;
