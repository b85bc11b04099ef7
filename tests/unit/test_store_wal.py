"""A stale or foreign `.wal` beside the store is reported as what it is, `init` does not
create a store beside one, and `import` while the store is busy says so plainly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from coopdash import cli
from tests.fixtures_store import sha256


def _foreign_wal(tmp_path):
    """A write-ahead log taken from another database while it was open."""
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table t (a int)")
    con.execute("checkpoint")
    con.execute("insert into t values (1)")
    wal = tmp_path / "foreign.wal"
    shutil.copy(str(other) + ".wal", wal)
    con.close()
    return wal


def test_import_beside_a_foreign_wal_names_it_and_changes_nothing(tmp_path, sample_store,
                                                                  capsys):
    """`import` with another store's .wal beside: exit 2, the .wal named as not this
    store's, store and .wal byte-identical."""
    db = tmp_path / "s.duckdb"
    shutil.copy(sample_store, db)
    wal = tmp_path / "s.duckdb.wal"
    shutil.copy(_foreign_wal(tmp_path), wal)
    before = (sha256(db), sha256(wal))
    # a file that reads and checks clean (the sample case), so the import reaches the store
    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    code = cli.main(["import", str(sample), "--db", str(db), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"Beside the store {db} lies {wal}" in err
    assert "does not belong to this store" in err and "in use by another program" not in err
    assert (sha256(db), sha256(wal)) == before


def test_summary_beside_a_foreign_wal_says_the_same(tmp_path, sample_store, capsys):
    """Every command that opens the store reports the foreign .wal the same way."""
    db = tmp_path / "s.duckdb"
    shutil.copy(sample_store, db)
    shutil.copy(_foreign_wal(tmp_path), tmp_path / "s.duckdb.wal")
    code = cli.main(["summary", "--db", str(db), "--lang", "en"])
    assert code == 2
    assert "does not belong to this store" in capsys.readouterr().err


def test_init_refuses_to_create_a_store_beside_a_leftover_wal(tmp_path, capsys):
    """`init` where only a .wal lies: exit 2, no store created, the .wal untouched."""
    wal = tmp_path / "new.duckdb.wal"
    shutil.copy(_foreign_wal(tmp_path), wal)
    before = sha256(wal)
    code = cli.main(["init", "--db", str(tmp_path / "new.duckdb"), "--with", "none",
                     "--lang", "en"])
    assert code == 2
    assert "already lies: a write-ahead log left by an earlier store" in capsys.readouterr().err
    assert not (tmp_path / "new.duckdb").exists()
    assert sha256(wal) == before


def test_import_while_busy_says_so_in_the_chosen_language(sample_store, tmp_path):
    """`import` while another program holds the store: exit 2, the localised message,
    not DuckDB's raw English error."""
    db = tmp_path / "held.duckdb"
    shutil.copy(sample_store, db)
    csv = tmp_path / "partners.csv"
    csv.write_text("partner_id,name,country,org_type\nq1,Q,JP,ngo\n", encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
         " print('held', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run([sys.executable, "-m", "coopdash", "import", str(csv), "--db",
                               str(db), "--lang", "id"], capture_output=True, text=True,
                              timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    assert "sedang dipakai program lain" in done.stderr
    assert "IO Error" not in done.stderr and "Traceback" not in done.stderr
