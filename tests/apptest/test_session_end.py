"""The test process ends only once every store watcher the AppTest runs started has
(conftest.stop_warmers, called at the end of the session): a daemon thread still inside
DuckDB at the interpreter's exit aborts the process, whatever the tests said."""

from __future__ import annotations

import threading

from conftest import WARMER, stop_warmers


def test_the_session_end_waits_for_every_store_watcher(app, sample_store):
    at = app(sample_store, lang="en").run()
    assert not at.exception
    assert [t for t in threading.enumerate() if t.name == WARMER]  # started by the run
    assert stop_warmers() == []
    assert not [t for t in threading.enumerate() if t.name == WARMER]
