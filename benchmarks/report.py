"""Budgets, verdicts and the Markdown of the Scale benchmark's section of
docs/benchmarks.md (docs/benchmarks/scale.json), from the raw results dict."""

from __future__ import annotations

from typing import Any

from benchmarks.measure import PEER_OF_PAGE

BUDGETS = {
    "csv_rows_per_s": 200_000,  # CSV import, rows per second over all tables
    "warm_ms": 150,  # a page's warm rerun
    "warm_vs_sql": 2.0,  # a page's warm rerun, at most this times the SQL it runs
    "browser_warm_ms": 1000,  # click on a sidebar link -> first chart visible
    "server_rss_mb": 600,  # the server with ten sessions on 1,000,000 participants
}


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def _n(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return [*out, ""]


# --- judging --------------------------------------------------------------------------------

def peer_equivalent(size: dict, page: str, which: str) -> tuple[float | None, float | None]:
    """(peer ms, DuckDB ms) of the aggregates the peer computes for `page`."""
    names = PEER_OF_PAGE.get(page)
    if not names:
        return None, None
    rows = [r for r in size["data"]["peer"] if r["aggregate"] in names and r["filter"] == which]
    return sum(r["peer_ms"] for r in rows), sum(r["duckdb_ms"] for r in rows)


def page_rows(size: dict) -> list[dict[str, Any]]:
    """One judged row per page and filter."""
    out = []
    for p in size["pages"]["pages"]:
        for which in ("default", "narrow"):
            m = p[which]
            peer_ms, duck_ms = peer_equivalent(size, p["page"], which)
            out.append({
                "page": p["page"], "filter": which, **m, "peer_ms": peer_ms,
                "peer_duckdb_ms": duck_ms,
                "warm_ok": m["warm_ms"] <= BUDGETS["warm_ms"],
                # a run with no SQL of its own (all cached) has nothing to compare with
                "warm_sql_ok": (m["warm_ms"] <= BUDGETS["warm_vs_sql"] * m["sql_ms"]
                                if m["n_queries"] else None),
                "peer_ok": None if peer_ms is None else m["cold_ms"] < peer_ms,
            })
    return out


def judge(results: dict) -> list[dict[str, Any]]:
    """Every budgeted figure: what, size, value, budget, ok."""
    out = []
    for n, size in results["sizes"].items():
        rps = size["import_csv"]["rows_per_s"]
        out.append({"figure": "CSV import (rows/s)", "size": n, "value": _n(rps),
                    "budget": f"≥ {BUDGETS['csv_rows_per_s']:,}",
                    "ok": rps >= BUDGETS["csv_rows_per_s"]})
        rows = page_rows(size)
        worst = max(rows, key=lambda r: r["warm_ms"])
        out.append({"figure": "slowest warm rerun (ms)", "size": n,
                    "value": f"{worst['warm_ms']:.0f} ({worst['page']}, {worst['filter']})",
                    "budget": f"≤ {BUDGETS['warm_ms']}", "ok": worst["warm_ok"]})
        missed = [f"{r['page']}/{r['filter']}" for r in rows if r["warm_sql_ok"] is False]
        out.append({"figure": "warm rerun ≤ 2× its SQL", "size": n,
                    "value": "all pages" if not missed else "missed: " + ", ".join(missed),
                    "budget": "every page", "ok": not missed})
        slow = [f"{r['page']}/{r['filter']}" for r in rows if r["peer_ok"] is False]
        out.append({"figure": "page (cold) faster than the pandas peer", "size": n,
                    "value": "all pages" if not slow else "slower: " + ", ".join(slow),
                    "budget": "every page", "ok": not slow})
        if size["pages"].get("skipped"):
            out.append({"figure": "pages not measured (scaled cold run > 1 min)", "size": n,
                        "value": ", ".join(size["pages"]["skipped"]), "budget": "none",
                        "ok": False})
        bad = [f"{r['aggregate']}/{r['filter']}" for r in size["data"]["peer"]
               if not r["equal"]]
        out.append({"figure": "peer figures == DuckDB figures", "size": n,
                    "value": "all equal" if not bad else "differ: " + ", ".join(bad),
                    "budget": "equal", "ok": not bad})
    out += _judge_browser(results)
    return out


def _judge_browser(results: dict) -> list[dict[str, Any]]:
    b = results.get("browser")
    if not b:
        return []
    out = []
    if "changes" in b:
        warm = max(b["changes"]["warm_change_ms"].values())
        out.append({"figure": "browser: warm page change → first chart (ms)",
                    "size": b["size"], "value": _n(warm),
                    "budget": f"≤ {BUDGETS['browser_warm_ms']:,}",
                    "ok": warm <= BUDGETS["browser_warm_ms"]})
    if "memory" in b:
        peak = b["memory"]["peak_rss_mb"]
        out.append({"figure": f"server peak RSS, {b['memory']['sessions']} sessions (MB)",
                    "size": b["size"], "value": _n(peak),
                    "budget": f"≤ {BUDGETS['server_rss_mb']}",
                    "ok": peak <= BUDGETS["server_rss_mb"]})
    return out


# --- Markdown ---------------------------------------------------------------------------------

def markdown(results: dict) -> str:
    m, v = results["machine"], results["versions"]
    lines = [
        "Reproduce with:", "",
        f"    {results['command']}", "",
        f"Date: {results['date']}. Machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gb']:.0f} GB memory, {m['os']}. Versions: "
        + ", ".join(f"{k} {x}" for k, x in v.items()) + ".", "",
        "Stores come from the demo generator (seed 7, today fixed at "
        f"{results['today']}; about 10 participants per delegation, 2 delegations per "
        "program) and are imported through the real importer. Times are wall-clock; "
        "query and warm times are medians of warm runs. \"Cold\" = empty `st.cache_data`; "
        "\"narrow\" = one program kind chosen in the sidebar. Raw results: the "
        "figures of `docs/benchmarks/scale.json`.", "",
        "### Budgets", "",
        *_table(["figure", "participants", "value", "budget", "verdict"],
                [[j["figure"], f"{int(j['size']):,}", j["value"], j["budget"],
                  verdict(j["ok"])] for j in judge(results)]),
    ]
    for n, size in results["sizes"].items():
        lines += _size_section(int(n), size)
    lines += _browser_section(results.get("browser"))
    return "\n".join(lines) + "\n"


def _size_section(n: int, size: dict) -> list[str]:
    gen = size["generated"]
    lines = [f"### {n:,} participants", "",
             "Rows: " + ", ".join(f"{t} {c:,}" for t, c in gen["rows"].items())
             + f" (total {gen['rows_total']:,}).", ""]
    lines += ["#### Import", ""]
    rows = []
    for label, key in (("CSV folder", "import_csv"), (".xlsx workbook", "import_xlsx")):
        r = size.get(key)
        if not r:
            continue
        ok = r["rows_per_s"] >= BUDGETS["csv_rows_per_s"] if key == "import_csv" else None
        rows.append([label, f"{r['rows']:,}", _n(r["import_s"], 1), _n(r["rows_per_s"]),
                     _n(r["peak_rss_mb"]), _n(r["store_mb"], 1), verdict(ok)])
    lines += _table(["source", "rows", "import s", "rows/s", "peak RSS MB", "store MB",
                     f"≥ {BUDGETS['csv_rows_per_s']:,} rows/s"], rows)
    lines += _pages_table(size)
    lines += ["#### Pandas peer against DuckDB", "",
              f"Peer load (every table into DataFrames, once): "
              f"{size['data']['peer_load_ms']:,.0f} ms.", ""]
    lines += _table(["aggregate", "filter", "equal", "DuckDB ms", "peer ms", "peer / DuckDB"],
                    [[r["aggregate"], r["filter"], "yes" if r["equal"] else "**no**",
                      _n(r["duckdb_ms"], 1), _n(r["peer_ms"], 1),
                      f"{r['peer_ms'] / max(r['duckdb_ms'], 1e-9):.1f}×"]
                     for r in size["data"]["peer"]])
    lines += ["#### Queries alone on DuckDB (default parameters, median of warm runs)", ""]
    lines += _table(["query", "median ms", "rows"],
                    [[q["query"], _n(q["median_ms"], 1) if not q.get("error") else
                      "**error**: " + q["error"].replace("|", "/")[:120], f"{q['rows']:,}"]
                     for q in size["data"]["queries"]])
    return lines


def _pages_table(size: dict) -> list[str]:
    rows = [[r["page"], r["filter"], _n(r["cold_ms"]), f"{r['sql_ms']:,.0f} ({r['n_queries']})",
             _n(r["warm_ms"]), verdict(r["warm_ok"]), verdict(r["warm_sql_ok"]),
             _n(r["peer_ms"]), verdict(r["peer_ok"])] for r in page_rows(size)]
    errors = [f"{p['page']}/{w}: {e}" for p in size["pages"]["pages"]
              for w in ("default", "narrow") for e in p[w]["errors"]]
    lines = ["#### Pages (AppTest of dashboard.py + switch_page)", "",
             f"First run of a fresh AppTest (imports, connection, overview): "
             f"{size['pages']['first_run_ms']:,.0f} ms. SQL = time inside the query runner "
             "during the cold run (number of queries). Peer = the pandas peer computing the "
             "page's aggregates (a lower bound of the page's work).", ""]
    lines += _table(["page", "filter", "cold ms", "SQL ms (n)", "warm ms", "warm ≤ 150 ms",
                     "warm ≤ 2× SQL", "peer ms", "cold < peer"], rows)
    if errors:
        lines += ["Exceptions on pages:", "", *[f"- {e}" for e in errors], ""]
    if size["pages"].get("skipped"):
        lines += ["Not measured at this size (the smaller size's cold run, scaled, would "
                  "take over a minute): " + ", ".join(size["pages"]["skipped"]) + ".", ""]
    return lines


def _browser_section(b: dict | None) -> list[str]:
    if not b:
        return ["### Browser", "", "Not measured in this run (`--quick` or `--no-browser`).", ""]
    lines = [f"### Browser (Chromium, {b['size']:,} participants)", ""]
    c = b.get("changes")
    if c:
        rows = [["first load, cold server (new context, Plotly bundle not cached)",
                 _n(c["first_load_cold_ms"]), "–"],
                ["first load, warm server (new context)", _n(c["first_load_warm_server_ms"]),
                 "–"]]
        rows += [[f"first visit of {k} (cold cache for that page)", _n(x), "–"]
                 for k, x in c["first_visit_ms"].items()]
        rows += [[f"warm page change → {k} (median)", _n(x),
                  verdict(x <= BUDGETS["browser_warm_ms"])]
                 for k, x in c["warm_change_ms"].items()]
        lines += _table(["navigation → first chart visible", "ms",
                         f"≤ {BUDGETS['browser_warm_ms']:,} ms"], rows)
    mem = b.get("memory")
    if mem:
        lines += _table(
            ["server RSS with children", "MB"],
            [["idle after start", _n(mem["idle_rss_mb"])],
             [f"{mem['sessions']} sessions open (settled)", _n(mem["held_rss_mb"])],
             [f"peak ({verdict(mem['peak_rss_mb'] <= BUDGETS['server_rss_mb'])} "
              f"≤ {BUDGETS['server_rss_mb']} MB)", _n(mem["peak_rss_mb"])]])
        lines += ["Overview load per session (ms): "
                  + ", ".join(f"{x:,.0f}" for x in mem["load_ms"]), ""]
    return lines
