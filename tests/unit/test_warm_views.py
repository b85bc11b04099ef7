"""The warm-up after a write builds the views (figures, headline figures) sessions drew,
on the new version, before anyone asks: a real versioned store, the real query runner
and view cache of coopdash.web.cache, the warm-up of coopdash.web.warmup."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from coopdash import settings as settings_mod
from coopdash import store
from coopdash.access import Person
from coopdash.contract import CODES
from coopdash.figures.filters import Filters
from coopdash.store import query
from coopdash.web import cache, context, places, recipes, warmup

BUILT: list[tuple[int, str]] = []


def lines_chart(df: pd.DataFrame, lang: str) -> dict:
    """A stand-in builder (pure): what it was built from."""
    BUILT.append((int(df["n_lines"].sum()), lang))
    return {"lines": int(df["n_lines"].sum()), "lang": lang}


@pytest.fixture
def shared(sample_store, tmp_path, monkeypatch) -> str:
    db = tmp_path / "shared.duckdb"
    shutil.copy(sample_store, db)
    store.upgrade(db)
    monkeypatch.setenv("COOPDASH_DB", str(db))
    monkeypatch.setattr(cache, "_asked_queries", {})  # only what this test's session ran
    monkeypatch.setattr(cache, "_asked_views", {})
    monkeypatch.setattr(cache, "_asked_computed", {})
    BUILT.clear()
    return str(db)


def _ctx(version: int) -> context.Context:
    s = settings_mod.get()
    return context.Context(s, "en", "IDR", Filters(), version, s.today(),
                      Person(role="viewer", actor="pytest"))


def _lines_in_store(db: str) -> int:
    with store.reading(db) as con:
        return con.execute("select count(*) from funding").fetchall()[0][0]


def test_the_views_of_a_new_version_are_built_by_the_warm_up(shared):
    """A session draws a view of `funding_by_source`; a write removes a funding line and
    publishes a new version; `warmup.warm` builds the view on it (from the new data); the next
    session's same call on the new version is then a hit, showing the new count."""
    v1 = store.current(shared)[0]
    first = cache.view(lines_chart, cache.run("funding_by_source", _ctx(v1)), "en")
    assert first["lines"] == _lines_in_store(shared) and len(BUILT) == 1
    with store.writing(shared, actor="pytest", what="edit") as con:
        con.execute("delete from funding where funding_id = "
                    "(select min(funding_id) from funding)")
    v2 = store.current(shared)[0]
    assert v2 > v1
    warmup.warm(shared, v2)
    assert BUILT[-1] == (first["lines"] - 1, "en") and len(BUILT) == 2
    second = cache.view(lines_chart, cache.run("funding_by_source", _ctx(v2)), "en")
    assert second == {"lines": _lines_in_store(shared), "lang": "en"}
    assert len(BUILT) == 2  # a hit: built by the warm-up, not by this call


def test_a_view_of_a_derived_frame_has_no_recipe():
    """A frame a page made itself (not from `cache.run`) cannot be rebuilt from a query: no
    recipe (the first run on the new version builds it)."""
    df = pd.DataFrame({"n_lines": [1]})
    assert recipes.recipe((df, "en"), {}, lambda _df: None) is None
    made = recipes.recipe((df, "en"), {"k": [1, 2]}, lambda _df: ("db", 3, "q", "{}"))
    assert made == ((recipes.Ref("q", "{}"), "en"), {"k": [1, 2]})


def test_a_view_of_the_reference_provinces_has_no_recipe_and_does_not_fail():
    """The Delegations map is drawn from a query's frame and the provinces reference list
    (known to `cache` by name, not by a query): such a view has no recipe to replay, and
    noting it must not fail (it raised IndexError and broke the map tab)."""
    df = pd.DataFrame({"province_code": ["32"], "n_people": [3]})
    cache.remember(df, ("db", 1, "delegations_provinces", "{}"))
    made = recipes.recipe((df, places.provinces(), "id"), {}, cache.source_of)
    assert made is None
    assert recipes.recipe((df, "id"), {}, cache.source_of) == (
        (recipes.Ref("delegations_provinces", "{}"), "id"), {})



def test_the_warm_up_builds_only_what_was_asked_since_the_last_write(shared):
    """A view drawn on v1 is built again by the warm-up after the write of v2; nobody
    draws it on v2, so the warm-up after the write of v3 builds nothing (its own builds do
    not count as asked); the first call on v3 builds it, and the next one finds it."""
    v1 = store.current(shared)[0]
    cache.view(lines_chart, cache.run("funding_by_source", _ctx(v1)), "en")
    for expected in (2, 2):  # built on v2 by the warm-up; on v3 by nobody
        with store.writing(shared, actor="pytest", what="edit") as con:
            # a change each time (the sample has one funding line: a second delete would
            # change nothing, and what `funding_by_source` reads would stay as it was)
            con.execute("update funding set funder = coalesce(funder, '') || '+'")
        warmup.warm(shared, store.current(shared)[0])
        assert len(BUILT) == expected
    assert not cache.asked().views  # (the sidebar's options are warmed after every write)
    assert "funding_by_source" not in [name for name, _ in cache.asked().queries]
    v3 = store.current(shared)[0]
    for _ in range(2):
        third = cache.view(lines_chart, cache.run("funding_by_source", _ctx(v3)), "en")
    assert third == {"lines": _lines_in_store(shared), "lang": "en"} and len(BUILT) == 3
    assert "funding_by_source" in [name for name, _ in cache.asked().queries]
    assert len(cache.asked().views) == 1


def test_runs_asking_for_the_same_missing_result_at_once_compute_it_once(shared,
                                                                         monkeypatch):
    """No thundering herd after a write: eight sessions' runs (threads) ask for the same
    query on a version nobody computed yet, all at once; the store is asked once and every
    run gets that one result."""
    runs: list[str] = []
    real = query.run

    def counted(con, name, params):
        runs.append(name)
        time.sleep(0.3)  # the first run is still computing while the others ask
        return real(con, name, params)

    monkeypatch.setattr(query, "run", counted)
    ctx = _ctx(store.current(shared)[0])
    start = threading.Barrier(8)

    def session() -> int:
        start.wait()
        return int(cache.run("funding_by_source", ctx)["n_lines"].sum())

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: session(), range(8)))
    assert runs == ["funding_by_source"]
    assert got == [_lines_in_store(shared)] * 8


def _asked_store(monkeypatch) -> list[str]:
    """The queries that reach the store from now on (every other call is a cache hit)."""
    ran: list[str] = []
    real = query.run

    def counted(con, name, params):
        ran.append(name)
        return real(con, name, params)

    monkeypatch.setattr(query, "run", counted)
    return ran


def _sum(df: pd.DataFrame, column: str) -> int:
    return int(df[column].sum())


def test_a_write_recomputes_only_the_queries_that_read_what_it_changed(shared, monkeypatch):
    """A follow-up written (the `actions` table alone) leaves the delegations' figures,
    which read no follow-up, cached: the next run on the new version finds them without
    asking the store; the funding mix, which reads the follow-ups (its filters do), is
    computed again on the new version and shows what the store holds."""
    v1 = store.current(shared)[0]
    people = cache.run("delegations_by_kind", _ctx(v1))
    cache.run("funding_by_source", _ctx(v1))
    assert "actions" not in query.tables_read("delegations_by_kind", frozenset({"actions"}))
    assert "actions" in query.tables_read("funding_by_source", frozenset({"actions"}))
    with store.writing(shared, actor="pytest", what="edit") as con:
        con.execute("update actions set title = title || ' (updated)'")
    v2 = store.current(shared)[0]
    ran = _asked_store(monkeypatch)
    again = cache.run("delegations_by_kind", _ctx(v2))
    assert ran == []  # a hit: what it reads did not change
    pd.testing.assert_frame_equal(again, people)
    lines = cache.run("funding_by_source", _ctx(v2))
    assert ran == ["funding_by_source"]
    assert _sum(lines, "n_lines") == _lines_in_store(shared)


def test_a_participant_changed_recomputes_what_counts_people(shared, monkeypatch):
    """The other way round: a write to participants (read through the shared filter
    macros, not named in the query's own text) is seen by the delegations' figures."""
    v1 = store.current(shared)[0]
    before = cache.run("delegations_by_kind", _ctx(v1))
    with store.writing(shared, actor="pytest", what="edit") as con:
        con.execute("delete from participants where participant_id = "
                    "(select min(participant_id) from participants)")
    ran = _asked_store(monkeypatch)
    after = cache.run("delegations_by_kind", _ctx(store.current(shared)[0]))
    assert ran == ["delegations_by_kind"]
    assert not after.equals(before)


def test_an_undo_finds_the_results_of_the_state_it_brings_back(shared, monkeypatch):
    """An import's undo puts back the records as they were: the results computed on the
    state before the import are found again (no query asks the store), and they are that
    state's figures, not the import's."""
    v1 = store.current(shared)[0]
    first = cache.run("funding_by_source", _ctx(v1))
    with store.writing(shared, actor="pytest", what="edit") as con:
        con.execute("update funding set funder = coalesce(funder, '') || '+'")
        con.execute("insert into funding select * replace ('extra-line' as funding_id) "
                    "from funding limit 1")
    v2 = store.current(shared)[0]
    grown = cache.run("funding_by_source", _ctx(v2))
    assert _sum(grown, "n_lines") == _sum(first, "n_lines") + 1
    write = store.current(shared)[0]
    store.undo(shared, write, actor="pytest", admin=True)
    v3 = store.current(shared)[0]
    ran = _asked_store(monkeypatch)
    back = cache.run("funding_by_source", _ctx(v3))
    assert ran == []
    pd.testing.assert_frame_equal(back, first)
    assert _sum(back, "n_lines") == _lines_in_store(shared)


COUNTED: list[int] = []


def open_actions(ctx: context.Context) -> int:
    """A stand-in for the explorer's row count: reads the store through one query."""
    from coopdash.figures import explorer as ex
    from coopdash.web import storage

    tab = ex.TABS["actions"]
    n = ex.count(storage.connection(version=ctx.data_version), tab,
                 ctx.params(**ex.tab_params(tab, "", {}, ctx.lang)))
    COUNTED.append(n)
    return n


def _actions_in_store(db: str) -> int:
    with store.reading(db) as con:
        return con.execute("select count(*) from actions").fetchall()[0][0]


def test_a_computed_result_that_names_its_query_is_kept_while_that_query_reads_the_same(
        shared):
    """The explorer's count and page name the query they read (`_reads`): a write to
    participants, which `explorer_actions` does not read, leaves the count cached (not
    computed again); a follow-up removed makes it cold, and the count computed again is
    the store's."""
    COUNTED.clear()
    assert "participants" not in query.tables_read("explorer_actions",
                                                   frozenset({"participants", "actions"}))
    v1 = store.current(shared)[0]
    first = cache.computed(open_actions, _ctx(v1), _reads=("explorer_actions",))
    assert first == _actions_in_store(shared) and len(COUNTED) == 1
    with store.writing(shared, actor="pytest", what="edit") as con:
        con.execute("delete from participants where participant_id = "
                    "(select min(participant_id) from participants)")
    v2 = store.current(shared)[0]
    assert cache.computed(open_actions, _ctx(v2), _reads=("explorer_actions",)) == first
    assert len(COUNTED) == 1  # kept: what it reads did not change
    with store.writing(shared, actor="pytest", what="edit") as con:
        con.execute("delete from actions where action_id = (select min(action_id) from actions)")
    v3 = store.current(shared)[0]
    third = cache.computed(open_actions, _ctx(v3), _reads=("explorer_actions",))
    assert third == first - 1 == _actions_in_store(shared) and len(COUNTED) == 2


def _stand_in(*args) -> tuple:
    BUILT.append((0, repr(args)))
    return args


def test_the_caches_keep_a_round_of_filters(shared):
    """Sessions cycling the pages with no filter or one kind of program chosen, in both
    languages (the capacity benchmark's load; a day's use), ask per filter and language
    about 45 views and 13 computed results (the explorer's pages and counts, the weekly
    review): the caches keep a whole round, so the second round builds nothing. With 256
    views and 64 computed results kept, every round was computed again (at 1M
    participants 0.31-0.37 CPU-s a run instead of 0.06-0.07)."""
    v = store.current(shared)[0]
    s = settings_mod.get()
    states = [Filters(), *(Filters(kinds=(k,)) for k in CODES["program_kind"])]
    contexts = [context.Context(s, lang, "IDR", f, v, s.today(), Person(role="viewer",
                                                                         actor="pytest"))
                for f in states for lang in ("id", "en")]

    def round_of_pages() -> int:
        BUILT.clear()
        for ctx in contexts:
            for i in range(45):
                cache.view(_stand_in, "view", i, ctx.lang, ctx.filters.kinds)
            for i in range(13):
                cache.computed(_stand_in, ctx, "computed", i)
        return len(BUILT)

    assert round_of_pages() == len(contexts) * (45 + 13)
    assert round_of_pages() == 0


def _change_funding(db: str) -> int:
    with store.writing(db, actor="pytest", what="edit") as con:
        con.execute("update funding set funder = coalesce(funder, '') || '+'")
    return store.current(db)[0]


def test_the_warm_up_replays_what_was_asked_most_first(shared):
    """The English view asked three times, then the Indonesian one once (the most recent):
    after a write the warm-up builds the English one first (the order was the most recent
    first)."""
    v1 = store.current(shared)[0]
    for lang in ("en", "en", "en", "id"):
        cache.view(lines_chart, cache.run("funding_by_source", _ctx(v1)), lang)
    assert [lang for _, lang in BUILT] == ["en", "id"]
    warmup.warm(shared, _change_funding(shared))
    assert [lang for _, lang in BUILT[2:]] == ["en", "id"]


def test_a_warm_up_stops_when_a_newer_version_is_published(shared):
    """Two writes land before the warm-up of the first gets going: it replays nothing on
    that version (sessions read the newer one), and leaves what was asked to the next
    warm-up, which builds both views on the newest version. Stopped after one call, it
    leaves the rest the same way."""
    v1 = store.current(shared)[0]
    for lang in ("en", "id"):
        cache.view(lines_chart, cache.run("funding_by_source", _ctx(v1)), lang)
    v2 = _change_funding(shared)
    v3 = _change_funding(shared)
    assert warmup.warm(shared, v2, current=lambda: v3) == 0
    assert len(BUILT) == 2  # nothing built on v2
    assert len(cache.asked().views) == 2 and cache.asked().queries
    warmup.warm(shared, v3, current=lambda: v3)
    assert sorted(BUILT[2:]) == [(_lines_in_store(shared), "en"),
                                 (_lines_in_store(shared), "id")]
    assert not cache.asked().views
    for lang in ("en", "id"):  # asked on v3; then a write, and one call replayed on v4
        cache.view(lines_chart, cache.run("funding_by_source", _ctx(v3)), lang)
    v4, v5 = _change_funding(shared), None
    seen = iter([v4])
    assert warmup.warm(shared, v4, current=lambda: next(seen, v5)) == 1  # the query
    assert len(BUILT) == 4 and len(cache.asked().views) == 2
