"""`COOPDASH_RUNS` (coopdash/web/admission.py): a server process computes at most that
many script runs at once; the others wait their turn and all of them finish. Real threads
through the real context manager that dashboard.py wraps each run in."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from coopdash import settings as settings_mod
from coopdash.web import admission


def _peak(runs: int) -> tuple[int, int]:
    """`runs` runs of 0.1 s started at once: (most running together, how many ended)."""
    going, peak, ended = 0, 0, 0
    lock, start = threading.Lock(), threading.Barrier(runs)

    def run() -> None:
        nonlocal going, peak, ended
        start.wait()
        with admission.admitted():
            with lock:
                going += 1
                peak = max(peak, going)
            time.sleep(0.1)
            with lock:
                going, ended = going - 1, ended + 1

    with ThreadPoolExecutor(runs) as pool:
        for done in [pool.submit(run) for _ in range(runs)]:
            done.result()
    return peak, ended


def test_at_most_the_limit_of_runs_go_at_once(monkeypatch):
    monkeypatch.setenv("COOPDASH_RUNS", "2")
    assert _peak(8) == (2, 8)


def test_no_limit_with_zero(monkeypatch):
    monkeypatch.setenv("COOPDASH_RUNS", "0")
    assert _peak(6) == (6, 6)


def test_four_by_default_and_a_negative_limit_is_refused(monkeypatch):
    monkeypatch.delenv("COOPDASH_RUNS", raising=False)
    assert settings_mod.get().runs == 4
    monkeypatch.setenv("COOPDASH_RUNS", "-1")
    with pytest.raises(settings_mod.SettingError):
        settings_mod.get()


def test_the_shipped_config_watches_no_source_files():
    """With Streamlit's file watcher on (its default), every new session walked Python's
    loaded modules after its first run: 0.41 CPU-s for a new session's Overview against
    0.16 without, at 1M. The shipped config turns it off, in an option Streamlit knows."""
    import tomllib

    from conftest import ROOT
    from streamlit import config

    shipped = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert "server.fileWatcherType" in config._config_options_template
    assert shipped["server"]["fileWatcherType"] == "none"


def test_the_shipped_config_collects_no_garbage_after_every_run():
    """Streamlit collected all of Python's garbage (`gc.collect(2)`) after every script
    run: with a server's caches at 1M participants about 0.1 CPU-s a warm run, on every
    page alike (0.150-0.156 CPU-s a run with it, 0.043 without). The shipped config turns
    it off, in an option Streamlit knows (on by default)."""
    import tomllib

    from conftest import ROOT
    from streamlit import config

    shipped = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config._config_options_template["runner.postScriptGC"].default_val is True
    assert shipped["runner"]["postScriptGC"] is False
