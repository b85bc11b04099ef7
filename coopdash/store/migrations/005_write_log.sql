-- coopdash store, schema version 5: every published write is logged.
--
-- A write (an import, a follow-up edit, an undo, a role change, ...) is applied by the one
-- writer to a private copy of the store and published as a new immutable version
-- (coopdash.store.snapshots). `write_log` has one row per published version: its id is
-- the data version it published, `base_version` the version it was applied to (the state
-- `undo` restores). `import_log.write_id` ties an import's per-table rows to its write, so
-- `python -m coopdash history` counts added / changed / removed per table and write.
create table write_log (
    write_id integer primary key,
    written_at timestamp not null,
    actor varchar not null,
    what varchar not null,
    file_name varchar,
    mode varchar,
    base_version integer,
    note varchar
);

alter table import_log add column write_id integer;

-- imports made before this version: one write per (time, actor, file, mode), numbered in
-- order; their states before were never kept, so they cannot be undone (base_version null)
create temp table _legacy as
select imported_at, actor, file_name, mode,
       dense_rank() over (order by imported_at, min(import_id)) as write_id
from import_log
group by imported_at, actor, file_name, mode;

insert into write_log
select write_id, imported_at, actor, case when mode = 'edit' then 'edit' else 'import' end,
       file_name, mode, null, null
from _legacy;

update import_log l set write_id = g.write_id
from _legacy g
where l.imported_at = g.imported_at and l.actor = g.actor and l.file_name = g.file_name
  and l.mode = g.mode;

drop table _legacy;
