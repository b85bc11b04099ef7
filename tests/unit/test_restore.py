"""Versions are never reused (issue 19 §2): `restore FILE` and a backup moved over the
store from outside publish a number never used before, so a reader keyed by version (the
dashboard's caches) can never show a discarded state; roles and logs stay."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from coopdash import store
from coopdash.store import history, snapshots, users
from coopdash.workbook import importer
from tests.unit.test_undo import cli, logs, marks, newest, records, seats_book


def used_versions(db: Path) -> set[int]:
    with store.reading(db) as con:
        return {r[0] for r in con.execute("select write_id from write_log").fetchall()}


def test_restore_while_a_reader_serves_publishes_a_new_number(published, tmp_path):
    """import A → backup → import B, role change → a Reader (the dashboard's) on the
    current version → `restore backup` as an admin: a version above every one used, the
    reader's next version has the backup's records, the role given after the backup
    stays, B is marked undone by the restore; a keeper may not restore."""
    importer.import_file(published, seats_book(tmp_path, "3"), actor="ana")
    saved = tmp_path / "nightly.duckdb"
    assert cli("backup", str(saved), db=published).returncode == 0
    at_backup = records(published)
    importer.import_file(published, seats_book(tmp_path, "4"), actor="ana")
    b = newest(published)
    with store.writing(published, actor="admin", what="role") as con:
        users.set_role(con, "new@x.id", "analyst", actor="admin")
    reader = store.Reader(published)
    seen = reader.version()
    kept = logs(published)
    used = used_versions(published)

    keeper = cli("restore", str(saved), db=published, env={"COOPDASH_ROLE": "keeper"})
    assert keeper.returncode == 1 and "Only an administrator" in keeper.stderr
    done = cli("restore", str(saved), db=published, env={"COOPDASH_ROLE": "admin"})
    assert done.returncode == 0, done.stderr
    now = reader.version()
    assert now > max(used) and now != seen
    assert records(published) == at_backup
    con = reader.connection(now)
    assert con.execute("select count(*) from delegations where seats_planned = 4"
                       ).fetchall()[0][0] == 0
    assert logs(published) == kept  # the role given after the backup is still there
    assert marks(published)[b][2] == now and marks(published)[now][0] == "restore"


def test_a_backup_moved_over_the_store_gets_a_new_number_and_keeps_undo(published, tmp_path):
    """`mv backup coopdash.duckdb` while a reader serves: the reader's next version is a
    number never used (before: the backup's own number, whose cached results were the
    discarded state's), the undo bases stay on disk, and history says what happened."""
    importer.import_file(published, seats_book(tmp_path, "3"), actor="ana")
    a = newest(published)
    saved = tmp_path / "copy.duckdb"
    store.backup(published, saved)
    at_backup = records(published)
    importer.import_file(published, seats_book(tmp_path, "8"), actor="ana")
    reader = store.Reader(published)
    reader.version()
    used = used_versions(published)

    moved = tmp_path / "incoming.duckdb"
    shutil.copy(saved, moved)
    os.replace(moved, published)
    now = reader.version()
    assert now > max(used)
    assert records(published) == at_backup
    with store.reading(published) as con:  # import A's base was not deleted as
        df = history.writes(con, published, show_private=True)  # "never published"
    assert df.set_index("write_id").loc[a, "is_undoable"]
    m = marks(published)
    assert m[now][0] == "restore" and m[a][2] is None and m[max(used)][2] == now
    with store.reading(published) as con:
        note = con.execute("select note from write_log where write_id = $v",
                           {"v": now}).fetchall()[0][0]
    assert note == snapshots.REPLACED_NOTE
    # the restore is itself undoable: back to the state before the file was moved
    store.undo(published, now, actor="admin", admin=True)
    assert records(published) != at_backup
