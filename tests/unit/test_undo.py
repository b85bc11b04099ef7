"""Undo restores records, never rights or records of what happened (issue 19 §1): real
published stores, real imports, the real `python -m coopdash undo`/`history`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopdash import saved_views, store
from coopdash.contract import TABLE_ORDER, key_columns
from coopdash.store import history, users
from coopdash.store import records as store_records
from coopdash.workbook import importer

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coopdash", *args, "--db", str(db),
                           "--lang", "en"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, **(env or {})})


def records(db: Path) -> dict[str, list[tuple]]:
    """Every record of every contract table, in key order, and the change trail."""
    with store.reading(db) as con:
        out = {name: con.execute(f"select * from {name} order by "
                                 f"{', '.join(key_columns(name))}").fetchall()
               for name in TABLE_ORDER}
        out["import_log"] = con.execute("select * from import_log order by import_id").fetchall()
        out["history"] = con.execute("select * from history order by all").fetchall()
    return out


def logs(db: Path) -> dict[str, list[tuple]]:
    with store.reading(db) as con:
        return {name: con.execute(f"select * from {name} order by all").fetchall()
                for name in ("users", "role_log", "access_log", "send_log", "saved_views")}


def marks(db: Path) -> dict[int, tuple]:
    """write id -> (what, undoes, undone_by), as the store says."""
    with store.reading(db) as con:
        return {r[0]: r[1:] for r in con.execute(
            "select write_id, what, undoes, undone_by from write_log").fetchall()}


def seats_book(tmp_path: Path, seats: str) -> Path:
    """A CSV folder changing the first delegation's planned seats."""
    folder = tmp_path / f"book-{seats}"
    folder.mkdir()
    src = (ROOT / "data/sample/delegations.csv").read_text(encoding="utf-8").splitlines()
    col = src[0].split(",").index("seats_planned")
    line = ",".join(c if i != col else seats for i, c in enumerate(src[1].split(",")))
    (folder / "delegations.csv").write_text(f"{src[0]}\n{line}\n", encoding="utf-8")
    return folder


def newest(db: Path) -> int:
    with store.reading(db) as con:
        return con.execute("select max(write_id) from write_log").fetchall()[0][0]


def rights_and_logs_written(db: Path) -> None:
    """A role change, an access-log row, a send-log row and a saved view: four writes."""
    with store.writing(db, actor="admin@x.id", what="role", file_name="ana@x.id") as con:
        users.set_role(con, "ana@x.id", "keeper", actor="admin@x.id")
    with store.writing(db, actor="ana@x.id", what="access") as con:
        users.log_access(con, actor="ana@x.id", role="keeper", table="participants",
                         filters={}, n_rows=5, fmt="csv")
    with store.writing(db, actor="ana@x.id", what="send") as con:
        con.execute("insert into send_log values (1, now()::timestamp, 'ana@x.id', "
                    "'2026-W48', 'pdf', ['b@x.id'], true, null)")
    with store.writing(db, actor="ana@x.id", what="view") as con:
        saved_views.save(con, saved_views.Who("ana@x.id", True, False), "mine", "overview", {})


def test_every_table_is_either_kept_or_restored_by_an_undo(published):
    """A new table must be placed by its author: kept (rights, logs) or restored."""
    with store.reading(published) as con:
        tables = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where not temporary").fetchall()}
    kept, restored = set(store_records.KEPT_TABLES), set(store_records.RECORD_TABLES)
    assert not kept & restored
    assert tables == kept | restored


def test_undo_restores_records_never_roles_or_logs_and_undo_of_undo_brings_back(
        published, tmp_path):
    """import → role, access, send, view writes → undo the import: the records are those
    before it, roles and every log as they were just before the undo; `history` lists
    every write, the import as undone by the undo. Undo of that undo: the records after
    the import again, exactly, and the marks too; the logs still untouched."""
    before = records(published)
    importer.import_file(published, seats_book(tmp_path, "7"), actor="ana@x.id")
    imported = newest(published)
    after_import = records(published)
    assert after_import != before
    rights_and_logs_written(published)
    kept = logs(published)
    assert kept["users"] and all(kept.values())

    first = store.undo(published, imported, actor="boss", admin=True)
    assert records(published) == before
    assert logs(published) == kept
    m = marks(published)
    assert m[imported] == ("import", None, first)
    assert m[first] == ("undo", imported, None)
    assert [w for w, (what, _, by) in m.items() if by is not None] == [imported]
    hist = cli("history", db=published, env={"COOPDASH_ROLE": "admin"})
    assert hist.returncode == 0, hist.stderr
    lines = {int(line.split("  ")[0]): line for line in hist.stdout.splitlines()[1:]}
    assert set(lines) == set(m)  # every write is still listed
    assert f"already undone by write {first}" in lines[imported]
    role_write = min(w for w, (what, _, _) in m.items() if what == "role")
    assert "changed no record" in lines[role_write]

    second = store.undo(published, first, actor="boss", admin=True)
    assert records(published) == after_import
    assert logs(published) == kept
    m = marks(published)
    assert m[imported][2] is None and m[first][2] == second
    assert m[second] == ("undo", first, None)

    third = store.undo(published, second, actor="boss", admin=True)
    assert records(published) == before and logs(published) == kept
    assert marks(published)[imported][2] == first and marks(published)[third][1] == second


def test_an_edit_is_undoable_as_the_newest_write_and_roles_say_why_not(published):
    """A dashboard-style edit (`what="edit"`) is undoable while it is recent, and its undo
    restores the record; a role change is listed as not undoable, with the reason."""
    before = records(published)
    with store.writing(published, actor="ana", what="edit", mode="edit") as con:
        con.execute("update programs set title = 'Changed' where program_id = "
                    "(select min(program_id) from programs)")
    edit = newest(published)
    with store.writing(published, actor="admin", what="role") as con:
        users.set_role(con, "b@x.id", "viewer", actor="admin")
    role_write = newest(published)
    with store.reading(published) as con:
        df = history.writes(con, published, show_private=True)
    row = df[df["write_id"] == edit].iloc[0]
    assert row["is_undoable"], row["why_not"]
    role = df[df["write_id"] == role_write].iloc[0]
    assert not role["is_undoable"] and role["why_not"] == "no_record"
    with pytest.raises(store.UndoRefusedError, match="changed no record"):
        store.undo(published, role_write, actor="admin", admin=True)
    store.undo(published, edit, actor="ana", admin=False)  # her own, discards only hers
    assert records(published) == before
    assert logs(published)["users"]  # the role given after the edit stays


def test_keep_counts_writes_that_change_records_edits_included(published, monkeypatch):
    """COOPDASH_UNDO_KEEP=2: after three edits the oldest says truthfully why it cannot be
    undone; role changes in between push nothing out."""
    monkeypatch.setenv("COOPDASH_UNDO_KEEP", "2")
    ids = []
    for title in ("A", "B", "C"):
        with store.writing(published, actor="ana", what="edit") as con:
            con.execute("update programs set title = $t where program_id = "
                        "(select min(program_id) from programs)", {"t": title})
        ids.append(newest(published))
        with store.writing(published, actor="admin", what="role") as con:
            users.set_role(con, f"{title.lower()}@x.id", "viewer", actor="admin")
    with store.reading(published) as con:
        df = history.writes(con, published, show_private=True).set_index("write_id")
    assert df.loc[ids[0], "why_not"] == "pruned"
    assert df.loc[ids[1], "is_undoable"] and df.loc[ids[2], "is_undoable"]
    with pytest.raises(store.UndoRefusedError,
                       match="only the states before the last 2 writes that changed records"):
        store.undo(published, ids[0], actor="ana", admin=True)


def test_who_may_undo_admin_any_keeper_only_their_own(published, tmp_path):
    """A keeper may undo her own write; not one that would discard another person's
    write (exit 1, says whose); a viewer may not undo; an admin may."""
    importer.import_file(published, seats_book(tmp_path, "5"), actor="ana")
    ana = newest(published)
    importer.import_file(published, seats_book(tmp_path, "6"), actor="budi")
    budi = newest(published)
    keeper = {"COOPDASH_ROLE": "keeper", "COOPDASH_ACTOR": "ana"}
    refused = cli("undo", str(ana), "--yes", db=published, env=keeper)
    assert refused.returncode == 1
    assert "Only an administrator may undo" in refused.stderr and "budi" in refused.stderr
    viewer = cli("undo", str(budi), "--yes", db=published,
                 env={"COOPDASH_ROLE": "viewer", "COOPDASH_ACTOR": "budi"})
    assert viewer.returncode == 1 and "may not undo" in viewer.stderr
    assert newest(published) == budi  # nothing was written
    own = cli("undo", str(budi), "--yes", db=published,
              env={"COOPDASH_ROLE": "keeper", "COOPDASH_ACTOR": "budi"})
    assert own.returncode == 0, own.stderr
    admin = cli("undo", str(ana), "--yes", db=published,
                env={"COOPDASH_ROLE": "admin", "COOPDASH_ACTOR": "boss"})
    assert admin.returncode == 0, admin.stderr
    with pytest.raises(store.UndoRefusedError):
        store.undo(published, ana, actor="ana", admin=False)  # already undone
