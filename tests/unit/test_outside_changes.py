"""Nothing committed is dropped (issue 19 §3): a `.wal` beside a store holding committed
rows is replayed into a new published version, written in history as changes from outside
coopdash, and the `.wal` goes; a WAL that is not the store's is refused plainly.

The older store is built by code, as the release before history existed (067185d^, the
parent of "Store: one writer, many readers") made it: its migrations were 001-004 and 006,
byte for byte the files still in `coopdash/store/migrations/`, each recorded in `meta`.
A child process commits rows and dies without a checkpoint (`os._exit`, as a killed
process would), leaving them only in `<store>.wal`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from coopdash import store
from coopdash.store import history

ROOT = Path(__file__).resolve().parents[2]
OLD_RELEASE_MIGRATIONS = ("001_initial", "002_added_in_import_log", "003_minutes",
                          "004_access", "006_saved_views")

CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    import duckdb
    db, folder = sys.argv[1], Path(sys.argv[2])
    con = duckdb.connect(db)
    for name in {migrations!r}:
        con.execute((folder / f"{{name}}.sql").read_text(encoding="utf-8"))
        con.execute("insert or replace into meta values ($k, 'applied')",
                    {{"k": "migration." + name[:3]}})
    con.execute("insert or replace into meta values ('schema_version', '6')")
    con.execute("insert or replace into meta values ('data_version', '3')")
    con.execute("insert into partners values ('p-old', 'Checkpointed', 'SG', null, 'ngo')")
    con.execute("checkpoint")
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("set checkpoint_threshold = '10GB'")
    con.execute("insert into partners values ('p-wal', 'Only in the WAL', 'JP', null, 'ngo')")
    con.execute("insert into users values ('ana@x.id', 'keeper', now()::timestamp, 'it')")
    sys.stdout.flush()
    os._exit(0)  # dies after the commit, before any checkpoint
""").format(migrations=OLD_RELEASE_MIGRATIONS)


def older_store_with_wal(tmp_path: Path) -> Path:
    db = tmp_path / "old" / "coopdash.duckdb"
    db.parent.mkdir()
    done = subprocess.run([sys.executable, "-c", CHILD, str(db),
                           str(ROOT / "coopdash/store/migrations")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert store.wal_path(db).stat().st_size > 0
    return db


def cli(*args: str, db: Path, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coopdash", *args, "--db", str(db),
                           "--lang", lang], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "COOPDASH_ROLE": "admin"})


def test_an_older_release_store_with_a_wal_keeps_its_committed_rows(tmp_path):
    """The first command on it (here `history`) replays the WAL into a published
    version: both partners and the role are there, `history` lists the write as changes
    from outside coopdash, the WAL is gone, and undoing that write takes the rows away
    again (its base is the state before them)."""
    db = older_store_with_wal(tmp_path)
    done = cli("history", db=db)
    assert done.returncode == 0, done.stderr
    assert "changes from outside coopdash" in done.stdout
    assert not store.wal_path(db).exists()
    with store.reading(db) as con:
        ids = [r[0] for r in con.execute(
            "select partner_id from partners order by 1").fetchall()]
        role = con.execute("select role from users where email = 'ana@x.id'").fetchall()
        df = history.writes(con, db, show_private=True)
    assert ids == ["p-old", "p-wal"] and role == [("keeper",)]
    outside = df[df["what"] == "outside"]
    assert len(outside) == 1 and outside["is_undoable"].iloc[0]
    store.undo(db, int(outside["write_id"].iloc[0]), actor="it", admin=True)
    with store.reading(db) as con:
        assert con.execute("select partner_id from partners").fetchall() == [("p-old",)]
        # the role is a right: never rolled back by an undo
        assert con.execute("select count(*) from users").fetchall() == [(1,)]


def test_a_reader_sees_the_committed_rows_at_once(tmp_path):
    """The dashboard's Reader on such a store: its first version already holds them."""
    db = older_store_with_wal(tmp_path)
    reader = store.Reader(db)
    con = reader.connection(reader.version())
    assert con.execute("select count(*) from partners where partner_id = 'p-wal'"
                       ).fetchall() == [(1,)]
    assert not store.wal_path(db).exists()
