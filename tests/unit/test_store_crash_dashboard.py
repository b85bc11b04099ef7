"""`kill -9` in the middle of the dashboard's own writes, run in a child process through
the very functions the pages call: the Data page's upload (`uploads.apply_upload`) and the
Weekly page's follow-up save (`store.writing` + `meeting_edits.save_action`, as `storage.writing`
does). Each time the store holds exactly the state before or after. (The benchmark
benchmarks/crash_dashboard.py kills a real `streamlit run` in Chromium, 15 times.)"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from fixtures_store import rows

from coopdash import store
from coopdash.workbook import demo

ROOT = Path(__file__).resolve().parents[2]

UPLOAD = """
import sys
from pathlib import Path
from coopdash.workbook import uploads
upload = Path(sys.argv[2])
uploads.apply_upload(sys.argv[1], upload.name, upload.read_bytes(), replace=False,
                    actor="keeper", lang="en")
"""

EDIT = """
import sys
from coopdash import store
from coopdash.workbook import meeting_edits
db, owner = sys.argv[1], sys.argv[2]
with store.reading(db) as con:
    record = con.execute("select * from actions where status = 'open' "
                         "order by action_id limit 1").df().iloc[0].to_dict()
record["owner"] = owner
with store.writing(db, actor="keeper", what="edit", file_name=meeting_edits.EDIT_FILE_NAME,
                   mode="edit") as con:
    meeting_edits.save_action(con, record, actor="keeper")
"""


def child(code: str, *args: str, kill_after: float | None = None) -> float:
    """Run `code` in a child; kill -9 it after `kill_after` s. Its wall time."""
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    else:
        assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
    return time.monotonic() - t0


def private_copy(db: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.rmtree(f"{copy}.versions", ignore_errors=True)
    shutil.copyfile(store.snapshots.current(db)[1], copy)
    return copy


def test_kill_9_during_an_upload_leaves_before_or_after(published, tmp_path):
    """The Data page's upload killed at a random moment of the write: before or after,
    never between."""
    folder = demo.write(demo.generate(participants=1500, seed=13), tmp_path / "demo")
    upload = tmp_path / "upload.zip"
    with zipfile.ZipFile(upload, "w") as z:
        for f in sorted(folder.glob("*.csv")):
            z.write(f, f.name)
    before = rows(published)
    calm = private_copy(published, tmp_path, "calm.duckdb")
    took = child(UPLOAD, str(calm), str(upload))
    after = rows(calm)
    assert after != before
    child(UPLOAD, str(published), str(upload),
          kill_after=random.Random(3).uniform(0.4, 1.0) * took)
    assert rows(published) in (before, after)


def test_kill_9_during_a_follow_up_save_leaves_before_or_after(published, tmp_path):
    """The Weekly page's follow-up save killed at a random moment: before or after (the
    same save done whole on a private copy), never between."""
    before = rows(published)
    calm = private_copy(published, tmp_path, "calm.duckdb")
    took = child(EDIT, str(calm), "crash edit")
    after = rows(calm)
    assert after != before
    child(EDIT, str(published), "crash edit",
          kill_after=random.Random(4).uniform(0.4, 1.0) * took)
    assert rows(published) in (before, after)
