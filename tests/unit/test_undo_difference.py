"""An undo writes what it changes (issue 22 §3): the records after an undo are exactly
those of the version before the undone write, table by table (EXCEPT ALL both ways), and
a table the undone write did not touch is not written at all (its storage blocks are the
ones of the version before the undo). Real published stores, a real import, a real edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from coopdash import store
from coopdash.store import records as store_records
from coopdash.store import snapshots
from coopdash.workbook import importer
from tests.unit.test_undo import newest, seats_book

UNTOUCHED = "partners"  # neither the import nor the edit below changes it


def edit(db: Path) -> None:
    """A dashboard-style edit that changes, removes and adds rows, a row twice included
    (participants and import_added have no key: the undo compares whole rows)."""
    with store.writing(db, actor="ana", what="edit", mode="edit") as con:
        con.execute("update programs set title = 'Changed' where program_id = "
                    "(select min(program_id) from programs)")
        con.execute("delete from participants where participant_id = "
                    "(select max(participant_id) from participants)")
        con.execute("insert into participants select * from participants "
                    "where participant_id = (select min(participant_id) from participants)")
        con.execute("insert into import_added select * from import_added limit 1")
        con.execute("insert into import_added select * from import_added limit 1")


def difference(current: Path, base: Path) -> dict[str, tuple[int, int]]:
    """table -> (rows only in `current`, rows only in `base`), as multisets."""
    con = duckdb.connect(str(current), read_only=True)
    try:
        con.execute(f"attach '{base}' as base (read_only)")
        return {t: tuple(con.execute(
            f"select count(*) from (select * from {a}.{t} except all select * from {b}.{t})"
        ).fetchall()[0][0] for a, b in (("main", "base"), ("base", "main")))
            for t in store_records.RECORD_TABLES}
    finally:
        con.close()


def blocks(db: Path, table: str) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(
            f"select block_id from pragma_storage_info('{table}') where block_id >= 0 "
            "order by row_group_id, column_id, segment_id").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("buckets", [None, 1], ids=["difference", "rewritten"])
@pytest.mark.parametrize("write", ["import", "edit"])
def test_undo_is_the_base_version_exactly_and_leaves_an_untouched_table_unwritten(
        published, tmp_path, monkeypatch, write, buckets):
    """`buckets=1`: every changed table has all its buckets changed, so it is rewritten
    whole (`records.REWRITE_SHARE`, what a replace undone does at 1M)."""
    if buckets is not None:
        monkeypatch.setattr(store_records, "BUCKETS", buckets)
    if write == "import":
        importer.import_file(published, seats_book(tmp_path, "7"), actor="ana")
    else:
        edit(published)
    undone = newest(published)
    with store.reading(published) as con:
        base_version = con.execute("select base_version from write_log where write_id = $w",
                                   {"w": undone}).fetchall()[0][0]
    base = tmp_path / "base.duckdb"  # the undo prunes it from the versions kept
    shutil.copyfile(snapshots.version_file(published, base_version), base)
    changed = {t for t, d in difference(snapshots.current(published)[1], base).items()
               if d != (0, 0)}
    assert changed and UNTOUCHED not in changed
    before_undo = blocks(snapshots.current(published)[1], UNTOUCHED)
    assert before_undo

    store.undo(published, undone, actor="boss", admin=True)
    now = snapshots.current(published)[1]
    assert difference(now, base) == {t: (0, 0) for t in store_records.RECORD_TABLES}
    assert blocks(now, UNTOUCHED) == before_undo
