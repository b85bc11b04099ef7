"""The command line says plainly when another program holds the store."""

from __future__ import annotations

import shutil
import subprocess
import sys


def test_summary_on_a_store_held_by_another_program(sample_store, tmp_path):
    """While a dashboard (here: another process) holds the store, `summary` exits 2 and
    says the store is in use — not that it does not exist."""
    db = tmp_path / "held.duckdb"
    shutil.copy(sample_store, db)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
         " time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"  # connected: the store is held
        done = subprocess.run([sys.executable, "-m", "coopdash", "summary", "--db", str(db),
                               "--lang", "en"], capture_output=True, text=True, timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2
    assert "in use by another program" in done.stderr
    assert "No store" not in done.stderr
