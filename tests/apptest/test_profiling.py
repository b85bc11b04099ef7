"""`COOPDASH_PROFILE` (coopdash/web/profiling.py): each run of the dashboard profiled into
the folder it names, nothing written without it. Real AppTest of the dashboard."""

from __future__ import annotations

import pstats
import shutil


def test_every_run_is_profiled_into_the_folder_named(app, sample_store, tmp_path,
                                                     monkeypatch):
    db = tmp_path / "store.duckdb"
    shutil.copy(sample_store, db)
    folder = tmp_path / "profile"
    monkeypatch.setenv("COOPDASH_PROFILE", str(folder))
    at = app(db)
    at.run()
    at.run()
    assert not at.exception
    runs = sorted(folder.glob("run-*.prof"))
    assert len(runs) == 2
    profiled = {name for _, _, name in pstats.Stats(str(runs[0])).stats}
    assert {"build_context", "sidebar"} <= profiled  # the frame's work, seen in the run


def test_nothing_is_profiled_by_default(app, sample_store, tmp_path, monkeypatch):
    db = tmp_path / "store.duckdb"
    shutil.copy(sample_store, db)
    monkeypatch.delenv("COOPDASH_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    app(db).run()
    assert not list(tmp_path.rglob("*.prof"))
