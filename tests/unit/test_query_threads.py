"""`COOPDASH_QUERY_THREADS` (coopdash/settings.py): the DuckDB threads the dashboard's
queries run with. The dashboard's reader (coopdash/web/storage.py) gives every connection
it opens, each version's, that setting; 0 leaves DuckDB's own (one thread per core)."""

from __future__ import annotations

import duckdb
import pytest

from coopdash import settings as settings_mod
from coopdash import store
from coopdash.web import storage


def _threads(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select current_setting('threads')").fetchall()[0][0])


def _dashboard_threads(monkeypatch, db, value: str | None) -> int:
    monkeypatch.setenv("COOPDASH_DB", str(db))
    if value is None:
        monkeypatch.delenv("COOPDASH_QUERY_THREADS", raising=False)
    else:
        monkeypatch.setenv("COOPDASH_QUERY_THREADS", value)
    storage._reader.clear()
    return _threads(storage.reader(settings_mod.get()).connection())


def test_the_dashboards_connections_have_the_setting(monkeypatch, published):
    assert settings_mod.load({}).query_threads == 1
    assert _dashboard_threads(monkeypatch, published, None) == 1
    assert _dashboard_threads(monkeypatch, published, "3") == 3


def test_a_new_version_is_opened_with_it_too(monkeypatch, published):
    assert _dashboard_threads(monkeypatch, published, "3") == 3
    reader = storage.reader(settings_mod.get())
    first = reader.connection()
    with store.writing(published, what="test") as con:  # publishes the next version
        con.execute("update partners set name = name || ' (renamed)' "
                    "where partner_id = (select min(partner_id) from partners)")
    after = reader.connection()
    assert after is not first
    assert _threads(after) == 3


def test_zero_leaves_duckdbs_own(monkeypatch, published, tmp_path):
    own = _threads(duckdb.connect(str(tmp_path / "other.duckdb")))
    assert _dashboard_threads(monkeypatch, published, "0") == own


@pytest.mark.parametrize("text", ["-1", "two", "1.5"])
def test_a_value_that_cannot_be_used_is_refused(text):
    with pytest.raises(settings_mod.SettingError) as refused:
        settings_mod.load({"COOPDASH_QUERY_THREADS": text})
    assert refused.value.name == "COOPDASH_QUERY_THREADS"
