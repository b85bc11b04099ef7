"""An import reads and checks its file before it takes the store's one write lock, and the
participants' key is kept by the importer (migration 007): real stores, real
`python -m coopdash` processes."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest
from conftest import run_cli

from coopdash import store
from coopdash.store import base
from coopdash.workbook import demo

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m coopdash ARGS --db DB --lang en`, run in this process."""
    return run_cli(*args, "--db", str(db), "--lang", "en", env=env)


def _reading_child(proc: subprocess.Popen, timeout: float = 60) -> psutil.Process:
    """The sandboxed child that parses the import's file, as soon as it runs."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in parent.children(recursive=True):
            try:
                if "coopdash.workbook.child" in " ".join(child.cmdline()):
                    return child
            except psutil.NoSuchProcess:
                continue
        assert proc.poll() is None, "the import ended before its file was read"
        time.sleep(0.005)
    raise AssertionError("no reading child appeared")


def _log(db: Path) -> list[tuple]:
    with store.reading(db) as con:
        return con.execute("select what, file_name from write_log order by write_id"
                           ).fetchall()


def test_a_small_write_lands_while_an_import_parses_its_file(published, demo_folder):
    """While an import's file is being parsed (its reading child held stopped here), nobody
    holds the store: a role change with COOPDASH_WRITE_WAIT=0 lands at once; then the
    import lands after it, both in the history in that order."""
    proc = subprocess.Popen([sys.executable, "-m", "coopdash", "import", str(demo_folder),
                             "--db", str(published)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    child = _reading_child(proc)
    child.suspend()
    try:
        assert store.holder(published) is None
        small = cli("users", "set", "rina@example.org", "viewer", db=published,
                    env={"COOPDASH_WRITE_WAIT": "0"})
        assert small.returncode == 0, small.stderr
    finally:
        child.resume()
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert _log(published)[-2:] == [("role", "rina@example.org"), ("import", "demo")]
    with store.reading(published) as con:
        assert con.execute("select count(*) from participants").fetchall()[0][0] == 7 + 3000


def test_a_file_refused_on_its_cells_never_waits_for_the_store(published, tmp_path):
    """A file with a bad cell is refused while another writer holds the store (an import
    that may not wait at all): exit 1 with the located report, which also holds the check
    against the store (a delegation that does not exist), never exit 2 "busy"."""
    folder = tmp_path / "bad"
    folder.mkdir()
    with (folder / "participants.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["participant_id", "delegation_id", "full_name", "status"])
        out.writerow(["NEW-1", "NO-SUCH-DELEGATION", "Budi", "confirmed"])
        out.writerow(["NEW-2", "NO-SUCH-DELEGATION", "Sari", "maybe"])
    before = published.read_bytes()
    with store.writing(published, actor="ana", what="import", file_name="other"):
        done = cli("import", str(folder), db=published, env={"COOPDASH_WRITE_WAIT": "0"})
        assert published.read_bytes() == before  # (this block publishes when it ends)
    assert done.returncode == 1, done.stderr
    assert "table participants, row 3, column status" in done.stderr
    assert "table participants, row 2, column delegation_id" in done.stderr


def _ids_in(folder: Path) -> list[str]:
    with (folder / "participants.csv").open(newline="", encoding="utf-8") as fh:
        return [row["participant_id"] for row in csv.DictReader(fh)]


def test_participants_keep_one_record_per_id_through_imports(tmp_path, demo_folder):
    """Without an index on participant_id, ids stay unique: a new store from the demo, the
    same folder again (upsert), a folder whose ids partly overlap, and a replace each leave
    exactly the set of ids the files say (counted from the CSVs), each once."""
    db = tmp_path / "s.duckdb"
    assert cli("import", str(demo_folder), "--new", db=db).returncode == 0
    assert cli("import", str(demo_folder), db=db).returncode == 0
    first = _ids_in(demo_folder)
    other = tmp_path / "other"
    demo.write(demo.generate(participants=3500, seed=11), other)
    assert cli("import", str(other), db=db).returncode == 0
    with store.reading(db) as con:
        got = [r[0] for r in con.execute("select participant_id from participants").fetchall()]
    assert len(got) == len(set(got)) == len(set(first) | set(_ids_in(other)))
    assert cli("import", str(demo_folder), "--replace", db=db).returncode == 0
    with store.reading(db) as con:
        got = [r[0] for r in con.execute("select participant_id from participants").fetchall()]
    assert sorted(got) == sorted(first)


def test_a_file_that_repeats_a_participant_id_is_refused(published, tmp_path):
    """A repeated participant_id is refused on every repeat, located, the store unchanged
    (the key the index no longer enforces)."""
    folder = tmp_path / "dup"
    folder.mkdir()
    with store.reading(published) as con:
        delegation = con.execute("select min(delegation_id) from delegations").fetchall()[0][0]
    with (folder / "participants.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["participant_id", "delegation_id", "full_name", "status"])
        for name in ("Budi", "Sari", "Dewi"):
            out.writerow(["P-SAME", delegation, name, "confirmed"])
    before = published.read_bytes()
    done = cli("import", str(folder), db=published)
    assert done.returncode == 1
    assert "Problems found: 2." in done.stderr  # the second and third uses of the id
    assert "table participants, row 3, column participant_id" in done.stderr
    assert "table participants, row 4, column participant_id" in done.stderr
    assert published.read_bytes() == before


def test_migration_007_keeps_every_participant_and_its_rules(tmp_path):
    """A store at schema 006 (participants with a primary key) upgraded by 007: the same
    rows in the same order, no primary key any more, the column rules still enforced."""
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    for script in base.migrations():
        if int(script.name[:3]) <= 6:
            con.execute(script.read_text(encoding="utf-8"))
            base._set_meta(con, f"migration.{script.name[:3]}", "applied")
    base._set_meta(con, "schema_version", "6")
    con.execute("insert into participants (participant_id, delegation_id, full_name, status)"
                " values ('P2', 'D1', 'Budi', 'confirmed'), ('P1', 'D1', 'Sari', 'attended')")
    before = con.execute("select * from participants").fetchall()
    base.migrate(con)
    assert con.execute("select * from participants").fetchall() == before
    assert before[0][7] == "member"  # the role's default
    assert con.execute("select count(*) from duckdb_constraints() where table_name = "
                       "'participants' and constraint_type = 'PRIMARY KEY'").fetchall() == [(0,)]
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into participants (participant_id, delegation_id, full_name, "
                    "status) values ('P3', 'D1', 'Dewi', 'maybe')")
    con.close()
