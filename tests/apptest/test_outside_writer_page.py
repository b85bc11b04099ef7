"""An outside program holding the store (issue 19 §3, §6): the dashboard draws a plain
message in the reader's language, not Streamlit's error page, and never the server's
store path."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from coopdash import store
from coopdash.web import storage, warmup

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB's exclusive lock on the file
print("ready", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held(published):
    """`published`, held read-write by an outside DuckDB process while the test runs."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(published)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield published
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "in use by another program on the server"),
    ("id", "sedang dipakai oleh program lain di server"),
])
def test_an_outside_writer_gets_a_plain_page_without_the_path(app, held, lang, words):
    at = app(held, lang=lang)
    at.run()
    assert not at.exception, at.exception
    shown = [e.value for e in at.error]
    assert any(words in text for text in shown), shown
    everything = " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(
        str(getattr(e, "value", "")) for e in at.sidebar)
    assert str(held) not in everything and held.name not in everything


def test_a_damaged_store_file_gets_a_plain_page_without_the_path(app, tmp_path):
    db = tmp_path / "coopdash.duckdb"
    db.write_bytes(b"not a database" * 500)
    at = app(db, lang="en")
    at.run()
    assert not at.exception, at.exception
    assert any("not a readable coopdash store" in e.value for e in at.error)
    assert not any(str(db) in e.value for e in at.error)


def test_off_a_page_run_a_held_store_is_an_error_and_the_warm_up_skips_it(
        held, monkeypatch, caplog):
    """The warm-up's thread, off any page's run, asks for a connection while an outside
    program holds the store: it hears so (StoreBusyError), where it used to get None and
    die later on a TypeError in the query runner; the watcher then skips that version
    with a warning, and goes on watching."""
    monkeypatch.setenv("COOPDASH_DB", str(held))
    with pytest.raises(store.StoreBusyError):
        storage.connection()
    with caplog.at_level(logging.WARNING, logger="coopdash.web.warmup"):
        warmup._warm_unless_held(str(held), 7, lambda: 7)
    assert any("warm-up of version 7 skipped" in r.getMessage() for r in caplog.records)
