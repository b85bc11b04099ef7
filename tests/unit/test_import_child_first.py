"""`python -m coopdash import` starts the reading child before it imports DuckDB, pandas,
numpy and pyarrow, so the file's parse and those imports (about 0.6 s on a quiet machine)
run at once (issue 22 §4); a child started for nothing is killed, its directory removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from conftest import ROOT

from coopdash import store
from coopdash.workbook import handover

# Runs the command line in a process of its own (nothing imported before it) and notes,
# at each process it starts, which of the heavy modules it had imported by then.
PROBE = """
import json, subprocess, sys
seen = []
popen = subprocess.Popen.__init__
def noted(self, args, *a, **kw):
    seen.append([" ".join(map(str, args[1:3])),
                 sorted(m for m in ("pandas", "numpy", "pyarrow", "duckdb")
                        if m in sys.modules)])
    popen(self, args, *a, **kw)
subprocess.Popen.__init__ = noted
from coopdash.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seen": seen}))
"""


def _partners(folder):
    folder.mkdir()
    (folder / "partners.csv").write_text(
        "partner_id,name,country,office_city,org_type\n"
        "p-a,Partner A,SG,Singapore,government\np-b,Partner B,JP,Tokyo,government\n",
        encoding="utf-8")
    return folder


def test_the_import_starts_its_reading_child_before_the_heavy_imports(tmp_path):
    db = tmp_path / "new.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "import", str(_partners(tmp_path / "in")), "--new",
         "--db", str(db), "--lang", "en"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, env={**os.environ, "COOPDASH_ACTOR": "pytest"})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["code"] == 0
    assert out["seen"] == [["-m coopdash.workbook.child", []]]  # the one process it starts
    with store.reading(db) as con:
        assert con.execute("select partner_id from partners order by 1").fetchall() == [
            ("p-a",), ("p-b",)]


def test_a_child_no_longer_needed_is_killed_and_its_directory_removed(tmp_path):
    big = tmp_path / "participants.csv"  # long enough to be parsing when closed
    big.write_bytes(b"participant_id,full_name\n" + b"pt-1,Nama Peserta\n" * 2_000_000)
    child = handover.start(big)
    time.sleep(0.2)
    assert child.proc.poll() is None  # still at work
    child.close()
    assert child.proc.returncode == -9  # killed
    assert not child.out.exists()
    try:
        os.kill(child.proc.pid, 0)
    except ProcessLookupError:
        return
    raise AssertionError(f"the reading child {child.proc.pid} is still there")
