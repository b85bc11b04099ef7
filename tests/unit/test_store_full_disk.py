"""A write that fills the disk (a real tmpfs of a few MB, mounted in a private mount
namespace): the store stays exactly as it was, no work file is left, and the command line
and the Data page's code path say so plainly, with no traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

from coopdash.i18n import t
from coopdash.workbook import demo

CHILD = r'''
import hashlib, json, os, subprocess, sys
from pathlib import Path
disk, src, folder, upload = map(Path, sys.argv[1:5])
size_mb = 2 * src.stat().st_size // 2**20 + 1  # the store and its work copy, barely
subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(disk)],
               check=True)
db = disk / "store.duckdb"
subprocess.run(["cp", str(src), str(db)], check=True)
import datetime as dt
from coopdash import contract, settings, store
from coopdash.figures import summary
from coopdash.figures.scope import Scope
from coopdash.workbook import uploads

def cli(*args):
    return subprocess.run([sys.executable, "-m", "coopdash", *args, "--db", str(db),
                           "--lang", "en"], capture_output=True, text=True)

def state():
    with store.reading(db) as con:
        tables = {t: hashlib.sha256(repr(con.execute(f"select * from {t} order by all")
                                         .fetchall()).encode()).hexdigest()
                  for t in contract.TABLE_ORDER}
        figures = summary.headline(con, Scope.of(settings.get()),  # = summary --json
                                   dt.date(2026, 11, 28))
    return {"summary": json.dumps(figures, default=str), "tables": tables}

out = {"before": state()}
done = cli("import", str(folder))
out["cli"] = {"rc": done.returncode, "stderr": done.stderr}
out["after_cli"] = state()
try:
    uploads.apply_upload(db, upload.name, upload.read_bytes(), replace=False,
                        actor="keeper", lang="id")
    out["page"] = "loaded"
except store.StoreFullError as exc:
    out["page"] = exc.message("id")
out["after_page"] = state()
out["left"] = sorted(p.name for p in store.versions_dir(db).iterdir())
print(json.dumps(out))
'''


def _can_mount_privately() -> bool:
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                           "/mnt"], capture_output=True)
    return done.returncode == 0


pytestmark = pytest.mark.skipif(not _can_mount_privately(),
                                reason="needs root and mount namespaces (unshare -m)")


def test_a_full_disk_leaves_the_store_as_it_was_and_says_so(sample_store, tmp_path):
    """An import and an upload that need more room than the disk has: both refused with
    the plain 'disk is full, nothing was changed' message; summary and every record
    table identical to before; only the published version and the lock remain."""
    folder = demo.write(demo.generate(participants=1000, seed=5), tmp_path / "demo")
    upload = tmp_path / "upload.zip"
    with zipfile.ZipFile(upload, "w") as z:
        for f in sorted(folder.glob("*.csv")):
            z.write(f, f.name)
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["unshare", "-m", sys.executable, "-c", CHILD, str(disk),
                           str(sample_store), str(folder), str(upload)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.splitlines()[-1])

    assert got["cli"]["rc"] == 2
    assert got["cli"]["stderr"].startswith(t("snap.disk.full", "en", path="", size=0,
                                             folder="")[:24])
    assert "Nothing was changed" in got["cli"]["stderr"]
    assert "Traceback" not in got["cli"]["stderr"]
    assert "Tidak ada yang berubah" in got["page"]
    assert got["after_cli"] == got["before"]
    assert got["after_page"] == got["before"]
    assert json.loads(got["before"]["summary"])["programs"]["total"] > 0
    assert not [name for name in got["left"] if name.startswith("work-")]
