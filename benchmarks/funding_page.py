"""The Funding page cold at 1M participants against the pandas peer, in one run.

    .venv/bin/python -m benchmarks funding-page                # 3 rounds
    .venv/bin/python -m benchmarks funding-page --rounds 5 --write

The store is `bench-work/store-<n>.duckdb` (imported once from the demo CSVs of
`import-profile` when missing; a copied store without its versions folder is published
first, as a deployment serves it: else every run's `Reader.version()` opens the file
instead of one `stat`). In one child process: a fresh AppTest of dashboard.py
(as `benchmarks/measure.py` times pages: one script cache, as a server), then per round
the Funding page cold (no query result cached, no chart or table built from one:
`st.cache_data` and the views of `coopdash.web.cache` empty), default filters and then one
program kind, with the time spent in the query runner and its number of queries; and,
in the same rounds, the pandas peer's aggregate of the page (`measure.PEER_OF_PAGE`:
what the scale benchmark compares the page with), on the frames loaded once. The ratio
is page cold / peer, medians of the rounds (issue 22: at most 1). The floor: a bare page
(`st.title` and one Plotly chart, `first_visit.BARE`) in its own AppTest, its cold run
timed in the same rounds: what any page costs in AppTest and Streamlit (reported, not
subtracted). `--write` saves
docs/benchmarks/funding-page.json and regenerates the page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import first_visit, import_profile, measure
from coopdash.store import snapshots

FILTERS = ("default", "narrow")


def store(n: int) -> Path:
    """The store of `n` participants (imported once from the demo CSVs)."""
    db = import_profile.WORK / f"store-{n}.duckdb"
    if not db.exists():
        measure.import_store(import_profile.source(n, xlsx=False), db)
    if not snapshots.versions_dir(db).exists():  # a copy: published as a deployment's is
        snapshots.versions_dir(db).mkdir()
        snapshots._adopt(db)  # what its first write would do
    return db


def _clocked(fn) -> tuple[float, float]:
    """(wall ms, CPU ms of this process: every thread, DuckDB's too) of one call."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def _cold() -> None:
    """Nothing cached: no query result (`st.cache_data`) and no view built from one (the
    charts and tables of `cache.view`, kept by `st.cache_resource`), as on a new data
    version or new filters. The store's reader and its connection stay."""
    import streamlit as st

    from coopdash.web import cache

    st.cache_data.clear()
    cache._view.clear()
    cache._computed.clear()


def _round(at, bare, peer_frames, peer_fn) -> dict[str, Any]:
    _cold()
    bare_ms, bare_cpu = _clocked(bare.run)
    out: dict[str, Any] = {"bare": {"cold_ms": bare_ms, "cold_cpu_ms": bare_cpu,
                                    "errors": measure._errors(bare)}}
    for which, f in measure.filters_by_name().items():
        _cold()
        if which == "default":
            go = lambda: at.switch_page("pages/funding.py").run()  # noqa: E731
        else:
            at.multiselect(key="flt_kinds").set_value([measure.NARROW_KIND])
            go = at.run
        with measure.sql_clock() as sql:
            cold, cold_cpu = _clocked(go)
        peer_ms, peer_cpu = _clocked(lambda f=f: peer_fn(peer_frames, f))
        out[which] = {"cold_ms": cold, "cold_cpu_ms": cold_cpu, "sql_ms": sql["ms"],
                      "n_queries": sql["n"], "peer_ms": peer_ms, "peer_cpu_ms": peer_cpu,
                      "errors": measure._errors(at)}
    at.multiselect(key="flt_kinds").set_value([]).run()
    return out


def _child(db: str, rounds: int) -> dict[str, Any]:
    from coopdash import store as store_mod

    names = measure.PEER_OF_PAGE["funding"]
    aggregates = measure._aggregates()

    def peer_fn(frames, f):
        return [aggregates[name][1](frames, f) for name in names]

    con = store_mod.connect(db, read_only=True)
    try:
        _, frames = measure.load_peer(con)
    finally:
        con.close()
    at = measure.app_test(db)
    return {"rounds": [_round(at, _bare(), frames, peer_fn) for _ in range(rounds)],
            "peer_of_page": list(names)}


def _bare():
    """An AppTest of the bare page (`first_visit.BARE`), after one run (imports done)."""
    from streamlit.testing.v1 import AppTest

    script = import_profile.WORK / "funding-bare.py"
    script.write_text(first_visit.BARE, encoding="utf-8")
    bare = AppTest.from_file(str(script), default_timeout=600)
    bare.run()
    return bare


def run(n: int, rounds: int) -> dict[str, Any]:
    load = [os.getloadavg()[0]]
    got = measure.in_child(_child, str(store(n)), rounds)
    load.append(os.getloadavg()[0])
    summary = {}
    for which in FILTERS:
        rows = [r[which] for r in got["rounds"]]
        cold = statistics.median(r["cold_ms"] for r in rows)
        peer = statistics.median(r["peer_ms"] for r in rows)
        cpu = {k: statistics.median(r[k] for r in rows) for k in ("cold_cpu_ms",
                                                                   "peer_cpu_ms")}
        summary[which] = {"cold_ms": cold, "peer_ms": peer, "ratio": cold / peer, **cpu,
                          "ratio_cpu": cpu["cold_cpu_ms"] / cpu["peer_cpu_ms"],
                          "sql_ms": statistics.median(r["sql_ms"] for r in rows),
                          "n_queries": max(r["n_queries"] for r in rows),
                          "errors": sorted({e for r in rows for e in r["errors"]})}
    bare = [r["bare"] for r in got["rounds"]]
    floor = {k: statistics.median(r[k] for r in bare) for k in ("cold_ms", "cold_cpu_ms")}
    return {"participants": n, **got, "summary": summary, "bare": floor, "load": load}


def _floor(f: dict[str, Any]) -> list[str]:
    if "bare" not in f:  # results written before the floor was measured
        return []
    b, s = f["bare"], f["summary"]["default"]
    return [f"The floor: a bare page (`st.title` and one Plotly chart) cold in its own "
            f"AppTest, in the same rounds: {b['cold_ms']:,.0f} ms, CPU {b['cold_cpu_ms']:,.0f} ms "
            f"(the page with the default filters: {s['cold_cpu_ms'] / b['cold_cpu_ms']:.1f}× "
            "that CPU). Not subtracted from the page.", ""]


def markdown(f: dict[str, Any]) -> str:
    s = f["summary"]
    lines = [
        f"**Funding page cold / the pandas peer: {s['default']['ratio']:.2f}× with the "
        f"default filters, {s['narrow']['ratio']:.2f}× with one program kind** (goal ≤ 1×), "
        f"CPU {s['default']['ratio_cpu']:.2f}× and {s['narrow']['ratio_cpu']:.2f}×; "
        f"medians of {len(f['rounds'])} rounds at {f['participants']:,} participants, "
        f"load average {f['load'][0]:.1f} before, {f['load'][1]:.1f} after.", "",
        "Cold = the page's run in AppTest (dashboard.py and the page, as a server runs "
        "them) with no query result and no view (chart, table) cached; SQL = the time "
        "inside the query runner during that run, with the number of queries. Peer = the "
        "pandas peer computing "
        f"{', '.join(f['peer_of_page'])} on frames loaded once (`tests/peer.py`), "
        "timed in the same round. CPU = this process's CPU time (every thread, DuckDB's "
        "too) during the same call: steadier than wall-clock on a shared machine.", "",
        *_floor(f),
        "| filter | cold ms | cold CPU ms | SQL ms (queries) | peer ms | peer CPU ms | "
        "cold / peer | CPU: cold / peer |", "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *[f"| {w} | {x['cold_ms']:,.0f} | {x['cold_cpu_ms']:,.0f} | {x['sql_ms']:,.0f} "
          f"({x['n_queries']}) | {x['peer_ms']:,.0f} | {x['peer_cpu_ms']:,.0f} | "
          f"{x['ratio']:.2f}× | {x['ratio_cpu']:.2f}× |" for w, x in s.items()], "",
        "| round | filter | cold ms | cold CPU ms | SQL ms | peer ms | peer CPU ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *[f"| {i + 1} | {w} | {r[w]['cold_ms']:,.0f} | {r[w]['cold_cpu_ms']:,.0f} | "
          f"{r[w]['sql_ms']:,.0f} | {r[w]['peer_ms']:,.0f} | {r[w]['peer_cpu_ms']:,.0f} |"
          for i, r in enumerate(f["rounds"]) for w in FILTERS]]
    errors = sorted({e for x in s.values() for e in x["errors"]})
    if errors:
        lines += ["", "Errors on the page: " + "; ".join(errors)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--participants", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--write", action="store_true",
                    help="write docs/benchmarks/funding-page.json and the page")
    args = ap.parse_args(argv)
    import_profile.WORK.mkdir(exist_ok=True)
    figures = run(args.participants, args.rounds)
    print(markdown(figures))
    if args.write:
        from benchmarks import results

        results.save("funding-page", f"The Funding page cold at {args.participants:,} "
                     "participants against the pandas peer",
                     "python -m benchmarks funding-page " + " ".join(argv or sys.argv[1:]),
                     markdown(figures), figures=figures)


if __name__ == "__main__":
    main()
