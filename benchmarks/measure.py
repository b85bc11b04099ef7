"""The measuring functions of the Scale benchmark (`benchmarks/run.py`), one per figure.

Each returns plain, JSON-ready dicts and asserts no time: the budgets are judged in
`benchmarks/report.py`. They are importable so that `tests/apptest/test_bench_smoke.py` can run
them on a small store. Work that must own the store file or measure its own peak memory
runs in a fresh child process (`in_child`), so the parent never holds the DuckDB lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
STATIC_CACHE = ROOT / "bench-work" / "compressed"
TODAY = dt.date(2026, 11, 28)  # the fixed "today" of every measurement
SEED = 7
HOME = "ID"
NARROW_KIND = "study_visit"  # the one narrowing filter: program kind
PAGES = ("overview", "delegations", "funding", "timeline", "explorer", "weekly", "data")


# --- small helpers ------------------------------------------------------------------------

def in_child(fn: Callable[..., Any], *args: Any) -> Any:
    """Run `fn(*args)` in a fresh (spawned) Python process and return its result."""
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(milliseconds, result) of one call."""
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def median_ms(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> tuple[float, Any]:
    """Median milliseconds of `repeats` calls after `warmup` untimed ones."""
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(max(repeats, 1)):
        ms, out = timed(fn)
        times.append(ms)
    return statistics.median(times), out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def bench_env(db: Path | str) -> dict[str, str]:
    """The settings every measurement runs with (fixed today, English, keeper; Streamlit's
    scripts in brotli 11 kept in one folder for every run, as a deployment keeps them)."""
    return {"COOPDASH_DB": str(db), "COOPDASH_FIRST_RUN": "none",
            "COOPDASH_TODAY": TODAY.isoformat(), "COOPDASH_LANG": "en",
            "COOPDASH_ROLE": "keeper", "COOPDASH_ACTOR": "bench",
            "COOPDASH_STATIC_CACHE": str(STATIC_CACHE)}


# --- 1. stores from the demo generator ------------------------------------------------------

def generate(participants: int, folder: Path, xlsx: bool) -> dict[str, Any]:
    """Demo data for `participants` written as a CSV folder (and an .xlsx when asked)."""
    from coopdash.workbook import demo

    folder.mkdir(parents=True, exist_ok=True)
    gen_ms, frames = timed(lambda: demo.generate(participants, seed=SEED, today=TODAY))
    csv_dir = folder / f"csv-{participants}"
    shutil.rmtree(csv_dir, ignore_errors=True)
    demo.write(frames, csv_dir)
    book = None
    if xlsx:
        book = folder / f"book-{participants}.xlsx"
        book.unlink(missing_ok=True)
        demo.write(frames, book)
    rows = {t: len(df) for t, df in frames.items()}
    return {"participants": participants, "rows": rows, "rows_total": sum(rows.values()),
            "generate_ms": gen_ms, "csv_dir": str(csv_dir),
            "xlsx": str(book) if book else None}


def _import_child(src: str, db: str) -> dict[str, Any]:
    import psutil

    from coopdash import store
    from coopdash.workbook import importer

    base = psutil.Process().memory_info().rss / 2**20
    got: dict[str, Any] = {}

    def fill(con) -> None:
        r = importer.import_path(con, src, actor="bench", mode="init")
        got.update(rows=r.rows, import_s=r.seconds)

    total_ms, _ = timed(lambda: store.create(db, fill))
    return {**got, "rows_per_s": got["rows"] / got["import_s"], "store_create_ms": total_ms,
            "base_rss_mb": base, "peak_rss_mb": peak_rss_mb(),
            "store_mb": Path(db).stat().st_size / 2**20}


def import_store(src: Path | str, db: Path) -> dict[str, Any]:
    """Import `src` (CSV folder or workbook) through the real importer into a new store at
    `db`, in a child process: rows per second and the child's peak RSS."""
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    return in_child(_import_child, str(src), str(db))


# --- 3. every query file alone on DuckDB ----------------------------------------------------

def default_params(filters=None, today: dt.date = TODAY) -> dict[str, Any]:
    """Every parameter any query names, at its default (filters empty, IDR, fixed today)."""
    from coopdash.figures import thresholds
    from coopdash.figures.filters import Filters

    f = filters or Filters()
    return {**f.params(HOME), **thresholds.params(), "currency": "IDR", "today": today,
            "as_of": today,
            "before": today.replace(year=today.year - 1),
            "ref": today, "home": HOME, "show_names": True, "limit": 25,
            "week_start": today - dt.timedelta(days=7), "week_end": today,
            "meeting_week": f"{today.isocalendar().year}-W{today.isocalendar().week:02d}",
            "email": "viewer@office.example", "owner": "viewer@office.example",
            "view_id": 1, "name": "bench", "show_private": True,
            "target": "partners", "q": "a", "ids": []}


def _writes(name: str) -> bool:
    """A query file that changes the store (saved views, roles): not a page read."""
    from coopdash.store import query

    code = [ln for ln in query.sql_text(name).splitlines() if not ln.lstrip().startswith("--")]
    first = " ".join(code).split(maxsplit=1)
    return bool(first) and first[0].lower() in {"insert", "update", "delete"}


def _derived_params(con, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters a query takes from another query's result (as its page passes them)."""
    from coopdash.store import query

    if "agreement_ids" in query.param_names(name):  # the agreements the timeline shows
        shown = query.run(con, "timeline_agreements", params)
        params = {**params, "agreement_ids": shown["agreement_id"].tolist()}
    return params


def _query_call(con, name: str) -> Callable[[], pd.DataFrame]:
    from coopdash.figures import explorer as ex
    from coopdash.store import query

    params = _derived_params(con, name, default_params())
    tab = next((t for t in ex.TABS.values() if t.query == name), None)
    if tab is None:
        return lambda: query.run(con, name, params)
    # an explorer query runs as the explorer runs it: sorted, first page of 50
    params = {**params, **ex.tab_params(tab, "", {}, "en")}
    return lambda: ex.fetch(con, tab, params, page=1)


def time_queries(con, repeats: int) -> list[dict[str, Any]]:
    """Median warm time of every `queries/*.sql` with the default parameters (a query
    that fails is recorded with its error, not fatal)."""
    from coopdash.store import query

    out = []
    for name in query.query_names():
        if _writes(name):
            continue
        try:
            ms, df = median_ms(_query_call(con, name), repeats)
        except Exception as exc:  # another engineer's query in flux: report it
            out.append({"query": name, "median_ms": None, "rows": 0, "error": str(exc)[:300]})
            continue
        out.append({"query": name, "median_ms": ms, "rows": len(df)})
    return out


# --- 5. the pandas peer -----------------------------------------------------------------------

def _aggregates():
    """name -> (DuckDB call, peer call); each call takes (con or frames, Filters).
    The peer's semantics and its hand-checked tests live in tests/peer.py and
    tests/unit/test_peer.py; here the same pairs are timed (and checked once more)."""
    from coopdash.figures import funding, summary
    from coopdash.figures.scope import Scope
    from coopdash.store import query
    from tests import peer

    def sql(name: str):
        return lambda con, f: query.run(con, name, {**default_params(f)})

    return {
        "headline": (lambda con, f: summary.headline(con, Scope(TODAY, f, "IDR", HOME)),
                     lambda fr, f: peer.headline(fr, f, "IDR", TODAY, HOME, today=TODAY)),
        "delegations_by_kind": (sql("delegations_by_kind"), peer.delegations_by_kind),
        "delegations_reciprocity": (sql("delegations_reciprocity"), peer.reciprocity_by_year),
        "delegations_provinces": (sql("delegations_provinces"),
                                  peer.home_participants_by_province),
        "funding_over_time": (lambda con, f: funding.part(query.run(con, "funding_page", {
            **default_params(f), "limit": funding.TOP_PARTNERS}), "year"),
                              lambda fr, f: peer.funding_by_source_year(fr, f, "IDR")),
    }


# what the peer computes of each page (a lower bound of the page's work)
PEER_OF_PAGE = {
    "overview": ("headline", "delegations_reciprocity"),
    "delegations": ("delegations_by_kind", "delegations_reciprocity", "delegations_provinces"),
    "funding": ("funding_over_time",),
}


def filters_by_name() -> dict[str, Any]:
    from coopdash.figures.filters import Filters

    return {"default": Filters(), "narrow": Filters(kinds=(NARROW_KIND,))}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01, 1e-9 * max(abs(a), abs(b)))


def _same_money(x: dict, y: dict) -> bool:
    """Two funding dicts agree: amounts to the cent (or 1e-9 relative), the rest exactly."""
    def same(k: str) -> bool:
        if k != "amount" or x[k] is None or y[k] is None:
            return x[k] == y[k]
        return _close(x[k], y[k])
    return x.keys() == y.keys() and all(same(k) for k in x)


def headline_diff(sql: dict, mine: dict) -> list[str]:
    """Where two headline dicts differ (amounts to the cent or 1e-9 relative)."""
    diffs = []
    for key in sorted(set(sql) | set(mine)):
        a, b = sql.get(key), mine.get(key)
        if key == "funding":
            a, b = dict(a), dict(b)  # compared apart: the totals, then each source
            sa, sb = a.pop("by_source"), b.pop("by_source")
            for s in sorted(set(sa) | set(sb)):
                if not _same_money(sa.get(s, {}), sb.get(s, {})):
                    diffs.append(f"funding.{s}: sql {sa.get(s)} != peer {sb.get(s)}")
            if not _same_money(a, b):
                diffs.append(f"funding: sql {a} != peer {b}")
        elif a != b:
            diffs.append(f"{key}: sql {a} != peer {b}")
    return diffs


def frame_diff(sql: pd.DataFrame, mine: pd.DataFrame) -> list[str]:
    try:
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), sql.reset_index(drop=True),
                                      check_dtype=False, check_exact=False, rtol=1e-9)
    except AssertionError as exc:
        return [str(exc)[:500]]
    return []


def load_peer(con) -> tuple[float, dict[str, pd.DataFrame]]:
    from tests import peer

    return timed(lambda: peer.load(con))


def compare_peer(con, frames, repeats: int) -> list[dict[str, Any]]:
    """Each page aggregate on DuckDB and in the peer, default and narrowing filter:
    equal or not (and where), and the median time of each."""
    out = []
    for name, (duck, mine) in _aggregates().items():
        for which, f in filters_by_name().items():
            duck_ms, a = median_ms(lambda d=duck, f=f: d(con, f), repeats)
            peer_ms, b = median_ms(lambda m=mine, f=f: m(frames, f), repeats, warmup=0)
            diffs = headline_diff(a, b) if name == "headline" else frame_diff(a, b)
            out.append({"aggregate": name, "filter": which, "equal": not diffs,
                        "diffs": diffs, "duckdb_ms": duck_ms, "peer_ms": peer_ms})
    return out


def _data_child(db: str, repeats: int, peer_repeats: int) -> dict[str, Any]:
    from coopdash import store

    con = store.connect(db, read_only=True)
    try:
        queries = time_queries(con, repeats)
        load_ms, frames = load_peer(con)
        peer = compare_peer(con, frames, peer_repeats)
    finally:
        con.close()
    return {"queries": queries, "peer_load_ms": load_ms, "peer": peer,
            "peak_rss_mb": peak_rss_mb()}


def measure_data(db: Path, repeats: int, peer_repeats: int) -> dict[str, Any]:
    """Queries and peer in a child process (which releases the store when done)."""
    return in_child(_data_child, str(db), repeats, peer_repeats)


# --- 4. pages in AppTest ----------------------------------------------------------------------

@contextlib.contextmanager
def sql_clock() -> Iterator[dict[str, float]]:
    """Sum the time spent in the one query runner (the explorer's pages and counts too)
    while inside."""
    from coopdash.store import query

    spent = {"ms": 0.0, "n": 0}
    originals = {(query, "run"): query.run}

    def wrap(fn):
        def clocked(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent["ms"] += (time.perf_counter() - t0) * 1000
                spent["n"] += 1
        return clocked

    for (mod, attr), fn in originals.items():
        setattr(mod, attr, wrap(fn))
    try:
        yield spent
    finally:
        for (mod, attr), fn in originals.items():
            setattr(mod, attr, fn)


def apptest_like_a_server() -> None:
    """Make AppTest run pages as a server does, for timing:
    - the PagesManager workaround of tests/conftest.py: AppTest would otherwise run a
      switched-to page without dashboard.py (the legacy pages/ folder path);
    - one script cache for every run: AppTest makes a new `ScriptCache` per run, so it
      compiles (and rewrites for "magic") dashboard.py and the page on every run, which
      a server does once (about 48 ms per run for the weekly page): a warm rerun timed
      without this counts a compile no user ever waits for."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    if getattr(PagesManager, "_bench_patched", False):
        return
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    PagesManager._bench_patched = True
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def app_test(db: Path | str):
    """An AppTest of dashboard.py over `db`, after one run (imports, connection made)."""
    os.environ.update(bench_env(db))
    apptest_like_a_server()
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=1800)
    at.run()
    return at


def _errors(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception]


def _cold_and_warm(at, go: Callable[[], Any], repeats: int) -> dict[str, Any]:
    with sql_clock() as sql:
        cold, _ = timed(go)
    first, _ = timed(at.run)
    # a rerun over 2 s is measured once: repeating it would only cost minutes
    warm = first if first > 2000 else median_ms(at.run, repeats - 1, warmup=0)[0]
    return {"cold_ms": cold, "sql_ms": sql["ms"], "n_queries": sql["n"], "warm_ms": warm,
            "errors": _errors(at)}


def time_page(at, page: str, repeats: int) -> dict[str, Any]:
    """Cold run (empty st.cache_data) and warm rerun of one page, with the default
    filters and then with one program kind chosen."""
    import streamlit as st

    st.cache_data.clear()
    row: dict[str, Any] = {"page": page}
    row["default"] = _cold_and_warm(at, lambda: at.switch_page(f"pages/{page}.py").run(),
                                    repeats)
    at.multiselect(key="flt_kinds").set_value([NARROW_KIND])
    row["narrow"] = _cold_and_warm(at, at.run, repeats)
    at.multiselect(key="flt_kinds").set_value([]).run()
    return row


def _pages_child(db: str, repeats: int, pages: tuple[str, ...]) -> dict[str, Any]:
    first_ms, at = timed(lambda: app_test(db))
    rows = [time_page(at, page, repeats) for page in pages]
    return {"first_run_ms": first_ms, "pages": rows, "peak_rss_mb": peak_rss_mb()}


def measure_pages(db: Path, repeats: int, pages: tuple[str, ...] = PAGES) -> dict[str, Any]:
    return in_child(_pages_child, str(db), repeats, tuple(pages))


def too_slow(pages: dict[str, Any], factor: float, limit_ms: float = 60_000) -> list[str]:
    """Pages whose cold run, scaled by `factor` (the next size / this size), would pass
    `limit_ms`: the next size skips them (the report says so) to keep the run bounded."""
    return [p["page"] for p in pages["pages"]
            if max(p["default"]["cold_ms"], p["narrow"]["cold_ms"]) * factor > limit_ms]


def _profile_child(db: str, page: str, out_dir: str) -> list[str]:
    import streamlit as st
    from pyinstrument import Profiler
    from streamlit.testing.v1 import local_script_runner as lsr

    at = app_test(db)
    prof: dict[str, Profiler | None] = {"now": None}
    original = lsr.LocalScriptRunner._run_script_thread

    def profiled(self, *args, **kwargs):  # AppTest runs the script in its own thread
        p = prof["now"]
        if p is None:
            return original(self, *args, **kwargs)
        with p:
            return original(self, *args, **kwargs)

    lsr.LocalScriptRunner._run_script_thread = profiled
    written = []
    for phase, runs in (("cold", 1), ("warm", 5)):
        if phase == "cold":
            st.cache_data.clear()
            at.switch_page(f"pages/{page}.py")
        prof["now"] = Profiler(interval=0.001)
        for _ in range(runs):
            at.run()
        path = Path(out_dir) / f"{page}-{phase}.txt"
        path.write_text(prof["now"].output_text(unicode=False, show_all=False),
                        encoding="utf-8")
        written.append(str(path))
    lsr.LocalScriptRunner._run_script_thread = original
    return written


def profile_page(db: Path, page: str, out_dir: Path) -> list[str]:
    """pyinstrument profiles (text) of a page's cold run and of five warm reruns."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return in_child(_profile_child, str(db), page, str(out_dir))
