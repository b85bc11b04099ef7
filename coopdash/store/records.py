"""What an undo or a restore puts back (the records) and what it never rolls back (rights
and the logs of what happened), and the one function that does it: `copy_records`.

Used by `history.undo` (records of a kept version), `snapshots.restore` (records of a
backup file) and a store file replaced from outside coopdash (`snapshots.writing`).
Each runs inside one write: the copy of the current version keeps its `KEPT_TABLES`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

import coopdash.store.base as base
import coopdash.store.query as query
from coopdash.contract import TABLE_ORDER

# Writes that change no record (rights, the logs of what happened, a saved view, the
# schema): never undone, never rolled back by an undo (`history.undo`; docs/architecture.md
# "Undo"). Every other write changes records and is undoable while its base is kept.
NO_RECORD_WRITES = ("role", "access", "send", "view", "upgrade", "signout")
# What an undo leaves as it is (rights, logs, bookmarks, the store's own bookkeeping) and
# what it restores (the records and their change trail). Every table is in exactly one
# (tests/unit/test_undo.py): a new table must be placed here by its migration's author.
KEPT_TABLES = ("meta", "write_log", "users", "role_log", "access_log", "send_log",
               "saved_views", "sign_outs")
RECORD_TABLES = (*TABLE_ORDER, "import_log", "import_added", "history")


def copy_records(con: duckdb.DuckDBPyConnection, src: Path, write_id: int) -> None:
    """On the writing connection `con`: every table of `RECORD_TABLES` as it is in the
    store file `src` (migrated on a private copy first when it is older than this
    release); rights and logs stay. `write_log`'s undone marks follow: when `src` is an
    earlier state of this store (its newest write is in `con`'s log), the writes up to
    it are marked as they stood then and the later ones that changed records are undone
    by `write_id`; otherwise every write that changed records is undone by `write_id`.

    A write costs what it changes (`_apply_difference`): a table whose content is the
    same in `src` is not touched, and a changed one gets only the rows that differ."""
    src, scratch = _current_schema(src, con)
    con.execute(f"attach '{str(src).replace(chr(39), chr(39) * 2)}' as src (read_only)")
    try:
        for table in RECORD_TABLES:
            if _has(con, "src", table):
                _apply_difference(con, table, _columns(con, table))
            else:
                con.execute(f"delete from {query.ident(table)}")
        _mark_undone(con, _shared_last_write(con), write_id)
    finally:
        con.execute("detach src")
        if scratch is not None:
            scratch.unlink(missing_ok=True)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of `table` in this store, quoted, in their order."""
    return [query.ident(r[0]) for r in con.execute(
        "select column_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and table_name = $t order by column_index",
        {"t": table}).fetchall()]


BUCKETS = 16384  # a table's rows, by row hash, in this many buckets compared as digests
# More than this share of the buckets differ (at 1M rows: some 2,300 rows changed): the
# table is rewritten whole, cheaper than comparing most of its rows (a replace undone).
REWRITE_SHARE = 0.25


def _apply_difference(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> None:
    """Make `main.table` hold the rows of `src.table` (as multisets) by deleting the
    rows that are not in `src` and inserting those that are only there. One pass over
    each side digests its rows by bucket of row hash (count + sum of hashes, as the
    cache's `query.table_digests`): a table whose buckets all match is left alone, and
    only the rows of the buckets that differ are read again. Of those, rows whose 64-bit
    hashes pair up on both sides are taken as equal (as the digests take them); the
    others are compared in full (`_surplus`). A table most of whose buckets differ is
    rewritten whole instead (`REWRITE_SHARE`)."""
    cols, t = ", ".join(columns), query.ident(table)
    con.execute(f"""create or replace temp table _diff_buckets as
        select h % {BUCKETS} as b from (select hash({cols}) as h, 1 as side from main.{t}
                                     union all select hash({cols}), -1 from src.{t})
        group by b having sum(side) <> 0 or sum(h::hugeint * side) <> 0""")
    differ = con.execute("select count(*) from _diff_buckets").fetchall()[0][0]
    if differ > BUCKETS * REWRITE_SHARE:
        con.execute(f"delete from main.{t}")
        con.execute(f"insert into main.{t} ({cols}) select {cols} from src.{t}")
    elif differ:
        _apply_buckets(con, t, columns)
    con.execute("drop table _diff_buckets")


def _apply_buckets(con: duckdb.DuckDBPyConnection, t: str, columns: list[str]) -> None:
    """`_apply_difference` for the rows of the buckets in `_diff_buckets`."""
    cols = ", ".join(columns)
    for name, db, rid in (("ours", "main", "rowid as _diff_rid, "), ("theirs", "src", "")):
        con.execute(f"create or replace temp table _diff_{name} as select * from ("
                    f"select {rid}hash({cols}) as _diff_h, {cols} from {db}.{t}) "
                    f"where _diff_h % {BUCKETS} in (select b from _diff_buckets)")
    con.execute("""create or replace temp table _diff_hashes as
        select _diff_h from (select _diff_h, 1 as side from _diff_ours
                             union all select _diff_h, -1 from _diff_theirs)
        group by _diff_h having sum(side) <> 0""")
    ours, theirs = (f"(select * from _diff_{name} where _diff_h in "
                    "(select _diff_h from _diff_hashes))" for name in ("ours", "theirs"))
    con.execute(f"delete from main.{t} where rowid in (select _diff_rid from "
                f"{_surplus(ours, theirs, columns, '_diff_rid')})")
    con.execute(f"insert into main.{t} ({cols}) select {cols} from "
                f"{_surplus(theirs, ours, columns)}")
    for temp in ("_diff_hashes", "_diff_ours", "_diff_theirs"):
        con.execute(f"drop table {temp}")


def _surplus(mine: str, other: str, columns: list[str], order: str = "1") -> str:
    """The rows of table `mine` beyond the copies of the same row in `other` (a multiset
    difference that keeps `mine`'s extra columns, such as its rowids), as a subquery."""
    cols = ", ".join(f"m.{c}" for c in columns)
    same = " and ".join(f"o.{c} is not distinct from m.{c}" for c in columns)
    return f"""(select * from (
        select m.*, row_number() over (partition by {cols} order by {order}) as _diff_n,
               (select count(*) from {other} o where {same}) as _diff_there
        from {mine} m) where _diff_n > _diff_there)"""


def _current_schema(src: Path, con: duckdb.DuckDBPyConnection) -> tuple[Path, Path | None]:
    """`src`, or a migrated private copy of it (beside the work file) when it is older."""
    probe = base.open_file(src, read_only=True)
    try:
        pending = base.pending_migrations(probe)
    finally:
        probe.close()
    if not pending:
        return src, None
    work = Path(con.execute("select path from duckdb_databases() where database_name = "
                            "current_database()").fetchall()[0][0])
    scratch = work.with_name(f"source-{os.getpid()}.duckdb")
    shutil.copyfile(src, scratch)
    base.open_file(scratch).close()  # migrates
    return scratch, scratch


def _has(con: duckdb.DuckDBPyConnection, database: str, table: str,
         column: str | None = None) -> bool:
    return con.execute(
        "select count(*) from duckdb_columns() where database_name = $d and table_name = $t "
        "and ($c is null or column_name = $c)",
        {"d": database, "t": table, "c": column}).fetchall()[0][0] > 0


def _shared_last_write(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest write of `src` when `con`'s log has it too (same id and time): `src`
    is an earlier state of this store. None: another store, or one without a log."""
    if not _has(con, "src", "write_log"):
        return None
    row = con.execute(
        "select s.write_id from (select write_id, written_at from src.write_log "
        "order by write_id desc limit 1) s join write_log w using (write_id) "
        "where w.written_at = s.written_at").fetchall()
    return row[0][0] if row else None


def _mark_undone(con: duckdb.DuckDBPyConnection, last: int | None, write_id: int) -> None:
    last = -1 if last is None else last
    con.execute("update write_log set undone_by = null where write_id <= $b", {"b": last})
    if _has(con, "src", "write_log", "undone_by"):
        con.execute("update write_log w set undone_by = s.undone_by "
                    "from src.write_log s where s.write_id = w.write_id and w.write_id <= $b",
                    {"b": last})
    con.execute("update write_log set undone_by = $u where write_id > $b "
                "and undone_by is null and what not in $logs",
                {"u": write_id, "b": last, "logs": list(NO_RECORD_WRITES)})
