"""`COOPDASH_PROFILE` (coopdash/web/profiling.py): each run of the dashboard profiled into
the folder it names; `COOPDASH_RUN_LOG`: each run's times logged into the file it names;
nothing written without them. Real AppTest of the dashboard."""

from __future__ import annotations

import json
import os
import pstats
import shutil

from coopdash import store


def _two_runs(app, sample_store, tmp_path, monkeypatch, variable: str, value: str):
    """The dashboard over a copy of the sample store, run twice with `variable` set to
    `value`; the store's path."""
    db = tmp_path / "store.duckdb"
    shutil.copy(sample_store, db)
    monkeypatch.setenv(variable, value)
    at = app(db)
    at.run()
    at.run()
    assert not at.exception
    return db


def test_every_run_is_profiled_into_the_folder_named(app, sample_store, tmp_path,
                                                     monkeypatch):
    folder = tmp_path / "profile"
    _two_runs(app, sample_store, tmp_path, monkeypatch, "COOPDASH_PROFILE", str(folder))
    runs = sorted(folder.glob("run-*.prof"))
    assert len(runs) == 2
    profiled = {name for _, _, name in pstats.Stats(str(runs[0])).stats}
    assert {"build_context", "sidebar"} <= profiled  # the frame's work, seen in the run


def test_nothing_is_profiled_or_logged_by_default(app, sample_store, tmp_path, monkeypatch):
    db = tmp_path / "store.duckdb"
    shutil.copy(sample_store, db)
    monkeypatch.delenv("COOPDASH_PROFILE", raising=False)
    monkeypatch.delenv("COOPDASH_RUN_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    app(db).run()
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".prof", ".jsonl")]


def test_every_run_is_logged_with_its_wait_and_its_cache_work(app, sample_store, tmp_path,
                                                              monkeypatch):
    """`COOPDASH_RUN_LOG`: one line per run, the page and version it showed, its time
    waiting for a slot and running; the first run computes what it shows (misses), the
    rerun finds it (no miss)."""
    log = tmp_path / "runs.jsonl"
    db = _two_runs(app, sample_store, tmp_path, monkeypatch, "COOPDASH_RUN_LOG", str(log))
    first, second = [json.loads(line) for line in log.read_text().splitlines()]
    version = store.Reader(db).version()
    for record in (first, second):
        assert (record["kind"], record["page"], record["version"]) == ("run", "overview",
                                                                       version)
        assert record["pid"] == os.getpid()
        assert 0 <= record["queued_s"] < record["ran_s"]
        assert record["cache_s"] + record["computed_s"] <= record["ran_s"]
    assert first["misses"] > 0 and first["computed_s"] > 0
    assert second["misses"] == 0 and second["computed_s"] == 0 and second["cache_s"] > 0
    assert second["at"] > first["at"]
