"""One writer, many readers, versions kept: real stores, real `python -m coopdash`
processes, a real `kill -9`. (The browser and a real `streamlit run`:
tests/browser/test_store_served.py.)"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli
from fixtures_store import rows

from coopdash import store
from coopdash.workbook import importer

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, db: Path, stdin: str | None = None, env: dict | None = None,
        ) -> subprocess.CompletedProcess:
    """`python -m coopdash ARGS --db DB --lang en`, run in this process."""
    return run_cli(*args, "--db", str(db), "--lang", "en", env=env, stdin=stdin)


def summary(db: Path) -> dict:
    done = cli("summary", "--json", "--as-of", "2026-11-28", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_import_history_undo_restores_the_exact_summary_and_records(published, demo_folder):
    """import -> history names it with its counts -> undo ID --yes: `summary` and every
    record are exactly those before the import; the undo is in the history."""
    before_summary, before_rows = summary(published), rows(published)
    done = cli("import", str(demo_folder), db=published)
    assert done.returncode == 0, done.stderr
    assert summary(published) != before_summary
    hist = cli("history", db=published)
    assert hist.returncode == 0, hist.stderr
    newest = hist.stdout.splitlines()[1].split("  ")
    write_id = int(newest[0])
    assert newest[3:5] == ["import", "demo"] and newest[6] == "yes"
    assert "participants +3000 ~0 -0" in newest[7]

    refused = cli("undo", str(write_id), db=published, stdin="n\n")
    assert refused.returncode == 1 and "will be lost" in refused.stdout
    assert rows(published) != before_rows  # nothing happened without a yes

    done = cli("undo", str(write_id), "--yes", db=published)
    assert done.returncode == 0, done.stderr
    assert summary(published) == before_summary
    assert rows(published) == before_rows
    top = cli("history", db=published).stdout.splitlines()[1].split("  ")
    assert top[3] == "undo" and top[7] == f"undo {write_id}"


def test_only_the_last_imports_stay_undoable(published, tmp_path):
    """With COOPDASH_UNDO_KEEP=2, the third-newest import says it can no longer be undone
    (and nothing changes); the two newest can; old versions' files are gone from disk."""
    env = {"COOPDASH_UNDO_KEEP": "2"}
    ids = []
    for seats in ("1", "2", "3"):
        folder = tmp_path / f"book-{seats}"
        folder.mkdir()
        src = (ROOT / "data/sample/delegations.csv").read_text(encoding="utf-8").splitlines()
        head = src[0].split(",")
        col = head.index("seats_planned")
        lines = [src[0]] + [",".join(c if i != col else seats for i, c in
                                     enumerate(line.split(","))) for line in src[1:2]]
        (folder / "delegations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        done = cli("import", str(folder), db=published, env=env)
        assert done.returncode == 0, done.stderr
        with store.reading(published) as con:
            ids.append(con.execute("select max(write_id) from write_log").fetchall()[0][0])
    refused = cli("undo", str(ids[0]), "--yes", db=published, env=env)
    assert refused.returncode == 1 and "can no longer be undone" in refused.stderr
    assert len(store.snapshots.kept_versions(published)) == 3  # current + 2 bases
    assert cli("undo", str(ids[1]), "--yes", db=published, env=env).returncode == 0


def test_backup_while_a_writer_works_equals_the_store(published, demo_folder, tmp_path):
    """`backup` taken while an import runs is a store that opens on its own and gives the
    summary and records of the version current when it was taken."""
    before_summary, before_rows = summary(published), rows(published)
    writer = subprocess.Popen([sys.executable, "-m", "coopdash", "import", str(demo_folder),
                               "--db", str(published)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        _wait_for_holder(published)
        out = tmp_path / "nightly" / "backup.duckdb"
        out.parent.mkdir()
        done = cli("backup", str(out), db=published)
        assert done.returncode == 0, done.stderr
        still_writing = store.holder(published) is not None
    finally:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    after = (summary(published), rows(published))
    got = (summary(out), rows(out))
    # taken while the import ran: the state before it (if the import had already been
    # published when the backup began, the state after it), never a mix
    assert got == (before_summary, before_rows) if still_writing else got in (
        (before_summary, before_rows), after)
    done = cli("backup", str(out), db=published)  # after the import: the new state
    assert (summary(out), rows(out)) == after


def _wait_for_holder(db: Path, timeout: float = 60) -> store.snapshots.Holder:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        who = store.holder(db)
        if who is not None:
            return who
        time.sleep(0.02)
    raise AssertionError("the writer never took the store")


def test_two_writers_one_waits_then_both_land_in_order(published, demo_folder, tmp_path):
    """Two imports at once: the second waits for the first, then both land, in the order
    they took the store; the history lists both."""
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(ROOT / "data/sample/actions.csv", small / "actions.csv")
    first = subprocess.Popen([sys.executable, "-m", "coopdash", "import", str(demo_folder),
                              "--db", str(published)], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _wait_for_holder(published)
    second = cli("import", str(small), db=published, env={"COOPDASH_WRITE_WAIT": "120"})
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert second.returncode == 0, second.stderr
    with store.reading(published) as con:
        log = con.execute("select what, file_name from write_log order by write_id desc "
                          "limit 2").fetchall()
        n = con.execute("select count(*) from participants").fetchall()[0][0]
    assert log == [("import", "small"), ("import", "demo")]
    assert n == 7 + 3000


def test_a_writer_that_waits_too_long_says_who_holds_the_store(published, tmp_path):
    """While another writer holds the store (here: this test, as ana importing demo), an
    import with COOPDASH_WRITE_WAIT=1 gives up after about a second, exits 2 naming the
    holder (who, what, which file, process) and changes nothing."""
    before = rows(published)
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(ROOT / "data/sample/actions.csv", small / "actions.csv")
    with store.writing(published, actor="ana", what="import", file_name="demo"):
        started = time.monotonic()
        second = cli("import", str(small), db=published, env={"COOPDASH_WRITE_WAIT": "1"})
        waited = time.monotonic() - started
    assert second.returncode == 2
    assert "being written by ana (import demo" in second.stderr
    assert f"process {os.getpid()}" in second.stderr
    assert waited < 30
    assert rows(published) == before  # the refused import changed nothing


def test_a_reader_finishes_on_its_version_and_sees_the_next_one(published):
    """A reader opened before a write keeps reading the state it began on while the write
    lands; `Reader` notices the new version with a stat and opens it."""
    reader = store.Reader(published)
    v0 = reader.version()
    old = reader.connection(v0)
    with store.writing(published, actor="pytest", what="edit") as con:
        con.execute("delete from actions")
    assert old.execute("select count(*) from actions").fetchall() == [(1,)]
    v1 = reader.version()
    assert v1 > v0
    assert reader.connection(v1).execute("select count(*) from actions").fetchall() == [(0,)]
    assert reader.connection(v0) is old  # still the state it began on


def test_a_failed_write_publishes_nothing(published):
    """An exception inside `writing` leaves the store file byte-identical and no work file."""
    before = published.read_bytes()
    with pytest.raises(RuntimeError), store.writing(published, actor="pytest", what="edit") as con:
        con.execute("delete from participants")
        raise RuntimeError("the caller failed")
    assert published.read_bytes() == before
    assert not list(store.versions_dir(published).glob("work-*"))


def test_kill_9_of_an_import_leaves_before_or_after(published, demo_folder, tmp_path):
    """`kill -9` of an import at random moments: each time the store opens and holds
    exactly the state before the import or after it; the next write sweeps the leftovers.
    (The crash benchmark does this 20 times at 100k participants.)"""
    before = rows(published)
    after_db = tmp_path / "after.duckdb"
    shutil.copy(published, after_db)
    assert cli("import", str(demo_folder), db=after_db).returncode == 0
    after = rows(after_db)
    rng = random.Random(5)
    outcomes = []
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "coopdash", "import", str(demo_folder),
                                 "--db", str(published)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        timer = threading.Timer(rng.uniform(0.5, 6.0), os.kill, (proc.pid, signal.SIGKILL))
        timer.start()
        proc.wait(timeout=120)
        timer.cancel()
        now = rows(published)
        assert now in (before, after)
        outcomes.append("after" if now == after else "before")
        if now == after:  # back to before for the next try
            with store.reading(published) as con:
                last = con.execute("select max(write_id) from write_log").fetchall()[0][0]
            store.undo(published, last, actor="pytest", admin=True)
            assert rows(published) == before
    with store.writing(published, actor="pytest", what="edit"):
        pass
    assert not list(store.versions_dir(published).glob("work-*"))
    print("outcomes:", outcomes)


def test_a_new_store_is_created_whole_or_not_at_all(tmp_path):
    """`store.create` whose filling fails leaves no store behind (nothing published, not
    even an empty versions folder)."""
    db = tmp_path / "new.duckdb"

    def fill(con):
        importer.import_path(con, ROOT / "data/sample", actor="pytest")
        raise RuntimeError("disk full, say")
    with pytest.raises(RuntimeError):
        store.create(db, fill)
    assert not db.exists()
    assert not store.versions_dir(db).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_keeper_undoes_an_import_on_the_data_page(app, published, demo_folder):
    """Data page: the import is listed; the keeper picks it, sees the warning naming what
    will be lost, confirms, undoes: the summary is the one before the import."""
    before = summary(published)
    assert cli("import", str(demo_folder), db=published).returncode == 0
    at = app(published, lang="en")
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    pick = at.selectbox(key="data_undo_pick")
    write_id = pick.value
    assert "demo" in pick.format_func(write_id)
    assert any(f"before write {write_id}" in w.value and "1 writes will be lost" in w.value
               for w in at.warning)
    assert at.button(key="data_undo_button").disabled
    at.checkbox(key=f"data_undo_sure_{write_id}").check().run()
    at.button(key="data_undo_button").click().run()
    assert not at.exception, at.exception
    assert any(f"Write {write_id} undone" in s.value for s in at.success)
    assert summary(published) == before


def test_a_viewer_sees_no_undo(app, published):
    """A viewer sees the writes but no undo control."""
    at = app(published, lang="en", role="viewer")
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert not [s for s in at.selectbox if s.key == "data_undo_pick"]
