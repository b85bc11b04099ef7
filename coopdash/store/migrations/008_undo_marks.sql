-- coopdash store: undo is a new write that restores records only (migration 008).
--
-- An undo (coopdash.store.history.undo) restores the *records* (the contract's tables and
-- their change trail, `import_log` and `history`) as they were before the write it undoes;
-- it never rolls back rights or the logs of what happened (`users`, `role_log`,
-- `access_log`, `send_log`, `saved_views`, `write_log`, `meta`). So `write_log` keeps
-- every write, undone or not:
--   `undoes`     on an undo's row: the write it undid (with every later record write);
--   `undone_by`  on a write whose records are not in the store any more: the undo that
--                removed them (null again when an undo of that undo brings them back).
-- Older stores' undos (before this migration) dropped the undone writes' rows; nothing
-- to fill in for them.
alter table write_log add column if not exists undoes integer;
alter table write_log add column if not exists undone_by integer;
