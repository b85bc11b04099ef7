"""The pages' own computations (the explorer's row count and page, the weekly review) go
through the one cache boundary (`cache.computed`), so the warm-up after a write computes
them on the new version, when sessions asked for them since the previous write: real
versioned store, real AppTest of the dashboard."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coopdash import settings as settings_mod
from coopdash import store
from coopdash.figures import explorer as ex
from coopdash.figures import weekly
from coopdash.i18n import fmt_int, t
from coopdash.web import cache, warmup


@pytest.fixture
def shared(sample_store, tmp_path, monkeypatch) -> str:
    db = tmp_path / "shared.duckdb"
    shutil.copy(sample_store, db)
    store.upgrade(db)
    monkeypatch.setattr(cache, "_asked_queries", {})  # only what this test's session ran
    monkeypatch.setattr(cache, "_asked_views", {})
    monkeypatch.setattr(cache, "_asked_computed", {})
    return str(db)


def _lines_in_store(db: str) -> int:
    with store.reading(db) as con:
        return con.execute("select count(*) from funding").fetchall()[0][0]


def _counting(monkeypatch, module, name: str) -> list[int]:
    """Count the calls of `module.name` (the real function runs), by data version."""
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(store.current(settings_mod.get().db_path)[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _both_pages(at) -> None:
    """A session opens the explorer's funding tab, then the weekly page."""
    at.session_state["explorer_tab"] = "funding"
    at.switch_page("pages/explorer.py").run()
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, [e.value for e in at.exception]


def _delete_a_funding_line(db: str) -> int:
    """One write (a funding line removed); the new version."""
    with store.writing(db, actor="pytest", what="edit") as con:
        con.execute("delete from funding where funding_id = "
                    "(select min(funding_id) from funding)")
    return store.current(db)[0]


def _retitle_programs(db: str) -> int:
    """One write that changes what the explorer's funding tab reads each time (the
    sample's one funding line is gone after the first delete: a second delete would
    change nothing, and results keyed by what they read would rightly stay)."""
    with store.writing(db, actor="pytest", what="edit") as con:
        con.execute("update programs set title = title || '+'")
    return store.current(db)[0]


def test_the_explorer_and_weekly_pages_are_computed_again_by_the_warm_up(shared, app,
                                                                          monkeypatch):
    """The explorer's row count and page and the weekly review go through the one cache
    boundary: after a write, `warmup.warm` computes them on the new version, so the next
    run of each page finds them (no second computation) and shows the new rows. A write
    after which nobody opened them is followed by a warm-up that computes nothing: the
    next runs compute them, once."""
    monkeypatch.setattr(warmup, "watch", lambda *_: None)  # this test warms, no thread
    counts = _counting(monkeypatch, ex, "count")
    pages = _counting(monkeypatch, ex, "fetch")
    reviews = _counting(monkeypatch, weekly, "review")
    at = app(Path(shared))
    _both_pages(at)
    remembered = {build.__qualname__ for build, *_ in cache.asked().computed}
    assert {"count_rows", "page_rows", "page_data"} <= remembered
    before = _lines_in_store(shared)
    v2 = _delete_a_funding_line(shared)
    warmup.warm(shared, v2)
    # each remembered call computed on the new version (the pages may remember more than
    # one call of a kind, as in one CI run: 3 row counts), then found by the pages' runs
    warmed = [counts.count(v2), pages.count(v2), reviews.count(v2)]
    assert min(warmed) >= 1, warmed
    _both_pages(at)
    assert [counts.count(v2), pages.count(v2), reviews.count(v2)] == warmed  # all hits
    at.session_state["explorer_tab"] = "funding"
    at.switch_page("pages/explorer.py").run()
    n = before - 1
    shown = "**" + t("explorer.count", "id", n=fmt_int(n, "id"), page="1",
                     pages=fmt_int(ex.n_pages(n, ex.DEFAULT_PAGE_SIZE), "id")) + "**"
    assert shown in [m.value for m in at.markdown]
    # asked since this warm-up: the pages' runs on v2 (its own computations are not);
    # the sample's one funding line is gone, so the explorer asks for no page of rows
    assert {b.__qualname__ for b, *_ in cache.asked().computed} == {"count_rows", "page_data"}
    warmup.warm(shared, v3 := _retitle_programs(shared))
    assert min(counts.count(v3), reviews.count(v3)) >= 1
    # nobody asks on v3: the warm-up after the next write computes nothing ...
    warmup.warm(shared, v4 := _retitle_programs(shared))
    assert [counts.count(v4), reviews.count(v4)] == [0, 0]
    _both_pages(at)  # ... the pages' runs do, once: their next runs find it
    lazily = [counts.count(v4), reviews.count(v4)]
    assert min(lazily) >= 1, lazily
    _both_pages(at)
    assert [counts.count(v4), reviews.count(v4)] == lazily
