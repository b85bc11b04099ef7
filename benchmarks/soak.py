"""Soak benchmark (issue 11): a real `streamlit run app.py` over a store of 100,000
participants; 20 Chromium contexts (one browser) cycle through every page for 5 minutes
while the command line runs 10 imports and 10 undos and a keeper edits follow-ups on the
Weekly page. Not a test: it writes the "Soak" section of docs/benchmarks.md and a JSON file.

    .venv/bin/python -m benchmarks soak [--participants 100000] [--sessions 20]
        [--seconds 300] [--writes 10] [--work DIR] [--db STORE] [--doc] [--quick]

What it records:
- errors shown: every exception box (`stException`) on any page after it settled;
- tracebacks in the server's log;
- half-applied states: on every Overview load the six headline figures (agreements,
  programs, seats out, seats in, funding lines, open follow-ups) must equal, all six, the
  `summary --json` of ONE published version. Every version published during the run is
  hard-linked as soon as it appears (a link keeps the file even when the store prunes it),
  and `summary --json` is run on each afterwards. The workbooks add programs, delegations,
  funding lines and follow-ups at once, so half an import would show;
- stale loads: an Overview load that began more than 5 s after a version was published
  and still shows an older state (the issue's "every session sees a new import within
  seconds");
- page settle time: from the click (or the first open) until the script run ended, held
  still for 0.4 s, with every chart drawn (median, 95th percentile, worst);
- memory: RSS of the server's process tree, every 2 s.

`--quick` (3 contexts, 30 s, 2 imports and 2 undos, 10,000 participants) is the short
run; tests/unit/test_soak_check.py checks its state checker (no test runs the soak).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import sections, served
from coopdash import store
from coopdash.figures import explorer as ex
from coopdash.i18n import t
from tests.headline import HEADLINE, shown_figures

ROOT = served.ROOT
DOC = ROOT / "docs" / "benchmarks.md"
LANG = "en"
NAV = ("overview", "delegations", "funding", "timeline", "explorer", "weekly", "data")
SETTLE_QUIET_MS = 400
STAGGER = 1.5  # seconds between two sessions' first opening (people arrive, not at once)
LOAD_TIMEOUT_MS = 180_000

# Sets window.__soak: the script's run state, how many runs ended, and since when the
# page has been "ready" (no run going, every Plotly chart drawn, no skeleton left where an
# element's code is still loading; 0 while not).
PROBE = """
if (window === window.top) {
  window.__soak = {state: null, done: 0, doneAt: 0, readyAt: 0};
  setInterval(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    const s = window.__soak, state = app.getAttribute('data-test-script-state');
    if (state !== s.state) {
      s.state = state;
      if (state === 'notRunning') { s.done += 1; s.doneAt = performance.now(); }
    }
    const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
    const ready = state === 'notRunning' && charts.every(el => el.querySelector('.main-svg'))
      && !document.querySelector('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]');
    if (!ready) s.readyAt = 0; else if (!s.readyAt) s.readyAt = performance.now();
  }, 10);
}
"""
SETTLED = f"""([n]) => window.__soak && window.__soak.done > n && window.__soak.readyAt > 0
    && performance.now() - window.__soak.readyAt > {SETTLE_QUIET_MS}"""


# --- the store and the workbooks -----------------------------------------------------------

def build_store(work: Path, participants: int, given: Path | None) -> Path:
    """A store with the sample case and the demo at `participants` (or a copy of `given`)."""
    from coopdash.workbook import bootstrap

    db = work / "soak.duckdb"
    shutil.rmtree(f"{db}.versions", ignore_errors=True)
    db.unlink(missing_ok=True)
    if given:
        shutil.copyfile(given, db)
        store.upgrade(db)  # published as a version, so the run starts on one
    else:
        os.environ["COOPDASH_TODAY"] = served.TODAY
        store.create(db, bootstrap.populate("demo", participants=participants))
    return db


def workbook(db: Path, k: int, work: Path) -> Path:
    """A real workbook (CSV folder) that adds 3 + k programs with their delegations,
    funding lines and open follow-ups: copies of stored ones under new ids, so the
    headline's programs, seats, funding lines and open follow-ups all move at once."""
    out = work / f"soak-workbook-{k:02d}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    prefix = f"soak{k:02d}-"
    with store.reading(db) as con:
        ids = [r[0] for r in con.execute(
            "select program_id from programs order by program_id in (select program_id "
            "from actions where status = 'open') desc, program_id limit $n",
            {"n": 3 + k}).fetchall()]
        for table in ("programs", "delegations", "funding", "actions"):
            df = con.execute(f"select columns(*)::varchar from {table} "
                             "where list_contains($ids, program_id)", {"ids": ids}).df().fillna("")
            for col in ("program_id", "delegation_id", "funding_id", "action_id"):
                if col in df:
                    df[col] = df[col].map(lambda v: prefix + v if v else v)
            if table == "actions":
                df["status"], df["closed_on"] = "open", ""
            df.to_csv(out / f"{table}.csv", index=False)
    return out


# --- what runs beside the browsers ---------------------------------------------------------

class Versions(threading.Thread):
    """Every version the store publishes, seen within 50 ms (one `stat`), hard-linked
    into `keep/` so it outlives pruning; (seconds since start, version) in `seen`."""

    def __init__(self, db: Path, keep: Path, t0: float) -> None:
        super().__init__(daemon=True)
        self.db, self.keep, self.t0 = db, keep, t0
        self.seen: list[tuple[float, int]] = []
        self.missed = 0
        self.stop = threading.Event()
        keep.mkdir(parents=True, exist_ok=True)

    def run(self) -> None:
        while not self.stop.is_set():
            self.look()
            self.stop.wait(0.05)

    def look(self) -> None:
        try:
            version, f = store.snapshots.current(self.db)
        except store.StoreError:
            return
        if version is None or (self.seen and self.seen[-1][1] == version):
            return
        try:
            os.link(f, self.keep / f"{version:09d}.duckdb")
        except FileExistsError:
            pass
        except FileNotFoundError:
            self.missed += 1
            return
        self.seen.append((time.monotonic() - self.t0, version))


class Memory(threading.Thread):
    """RSS of the server's process tree every `every` seconds."""

    def __init__(self, server: served.Server, t0: float, every: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.server, self.t0, self.every = server, t0, every
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((round(time.monotonic() - self.t0, 1),
                                 round(self.server.rss_mb(), 1)))
            self.stop.wait(self.every)


async def cli(*args: str, db: Path, root: Path = ROOT) -> dict:
    """One `python -m coopdash` write from the command line (with the code in `root`):
    seconds, exit code, output."""
    start = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coopdash", *args, "--db", str(db), "--lang", LANG,
        cwd=root, env=served.env(db), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return {"args": list(args[:2]), "s": round(time.monotonic() - start, 2),
            "rc": proc.returncode, "out": out.decode(errors="replace")[-600:]}


def import_id(db: Path, name: str) -> int:
    with store.reading(db) as con:
        return con.execute("select max(write_id) from write_log where what = 'import' "
                           "and file_name = $f", {"f": name}).fetchall()[0][0]


async def writes(db: Path, books: list[Path], seconds: float, t0: float) -> list[dict]:
    """Imports and undos from the command line, spread over the run: rounds of
    import A, import B, undo B, undo A (so undo also restores the state before two)."""
    steps: list[tuple[str, Path]] = []
    for a, b in zip(books[::2], books[1::2], strict=True):
        steps += [("import", a), ("import", b), ("undo", b), ("undo", a)]
    gap = seconds * 0.9 / len(steps)
    done = []
    for i, (kind, book) in enumerate(steps):
        await asyncio.sleep(max(0.0, t0 + seconds * 0.05 + i * gap - time.monotonic()))
        at = round(time.monotonic() - t0, 1)
        if kind == "import":
            got = await cli("import", str(book), db=db)
        else:
            got = await cli("undo", str(import_id(db, book.name)), "--yes", db=db)
        done.append({"at_s": at, "kind": kind, "workbook": book.name, **got})
    return done


# --- the browser sessions ------------------------------------------------------------------

@dataclass
class Load:
    session: int
    page: str
    at_s: float
    settle_s: float | None
    run_s: float | None = None  # of which until the server's script run ended
    exceptions: list[str] = field(default_factory=list)
    headline: list[str] | None = None
    note: str = ""


async def settle(page, action, t0_run: float, sid: int, name: str, fresh: bool = False
                 ) -> Load:
    """Do `action` (a click, or a goto when `fresh`: a new document, whose clock starts
    at its navigation) and wait until the page settled; what it shows."""
    before = [0, 0.0] if fresh else await page.evaluate(
        "[window.__soak.done, performance.now()]")
    at = round(time.monotonic() - t0_run, 2)
    try:
        await action()
        await page.wait_for_function(SETTLED, arg=[before[0]], timeout=LOAD_TIMEOUT_MS,
                                     polling=50)
    except Exception as exc:
        return Load(sid, name, at, None, note=f"did not settle: {type(exc).__name__}")
    ready, done = await page.evaluate("[window.__soak.readyAt, window.__soak.doneAt]")
    boxes = [await e.inner_text() for e in
             await page.locator('[data-testid="stException"]').all()]
    load = Load(sid, name, at, round((ready - before[1]) / 1000, 3),
                round((done - before[1]) / 1000, 3), boxes)
    if name == "overview":
        load.headline = await headline(page)
    return load


async def headline(page) -> list[str]:
    """The six headline figures as the Overview shows them (label -> value)."""
    shown = {}
    for m in await page.locator('[data-testid="stMetric"]').all():
        label = (await m.locator('[data-testid="stMetricLabel"]').inner_text()).strip()
        shown[label] = (await m.locator('[data-testid="stMetricValue"]').inner_text()).strip()
    return [shown.get(t(key, LANG), "?") for key, _ in HEADLINE]


def open_page(page, url: str, path: str = ""):
    """Opening `path` in a new document: goto returns at the first byte, the probe
    decides when the page settled."""
    return lambda: page.goto(f"{url}/{path}?lang={LANG}", wait_until="commit")


async def nav_click(page, name: str):
    links = page.locator('[data-testid="stSidebarNav"] a')
    return await links.nth(NAV.index(name)).click()


async def new_context(browser, height: int):
    """A context that waits as long as a load may take (Playwright's default 30 s for a
    click or a goto is shorter than a cold page on a machine this busy)."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": height})
    ctx.set_default_timeout(LOAD_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(LOAD_TIMEOUT_MS)
    await ctx.add_init_script(PROBE)
    return ctx


async def session(browser, url: str, sid: int, until: float, t0: float) -> list[Load]:
    """One person's tab: open the dashboard, then go round every page and every
    Explorer tab through the sidebar (one Streamlit session) until `until`."""
    await asyncio.sleep(max(0.0, t0 + sid * STAGGER - time.monotonic()))
    ctx = await new_context(browser, 1400)
    await ctx.route(lambda u: not u.startswith(("http://127.0.0.1", "data:", "blob:")),
                    lambda route: route.abort())
    page = await ctx.new_page()
    loads = [await settle(page, open_page(page, url), t0, sid,
                          "overview", fresh=True)]
    order = list(NAV[sid % len(NAV):] + NAV[:sid % len(NAV)])  # spread the pages
    tab = [ex.DEFAULT_TAB]
    try:
        while time.monotonic() < until:
            for name in order:
                if time.monotonic() >= until:
                    break
                loads.append(await settle(page, lambda n=name: nav_click(page, n), t0,
                                          sid, name))
                if name == "explorer":
                    loads += await explorer_tabs(page, sid, t0, until, tab)
    finally:
        await ctx.close()
    return loads


async def explorer_tabs(page, sid: int, t0: float, until: float, shown: list[str]
                        ) -> list[Load]:
    """Click every Explorer tab but the one shown (`shown[0]`, kept up to date: a click
    on the selected button of a segmented control would clear it)."""
    group = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first
    loads = []
    for i, tab in enumerate(ex.TAB_NAMES):
        if tab == shown[0] or time.monotonic() >= until:
            continue
        loads.append(await settle(page, lambda i=i: group.locator("button").nth(i).click(),
                                  t0, sid, f"explorer:{tab}"))
        shown[0] = tab
    return loads


async def keeper(browser, url: str, until: float, t0: float, shots: Path) -> list[dict]:
    """A keeper on the Weekly page changes a follow-up's owner and saves, again and
    again: each save is one published write through the page's own code."""
    ctx = await new_context(browser, 2400)
    page = await ctx.new_page()
    edits = []
    await settle(page, open_page(page, url, "weekly"), t0, -1, "weekly",
                 fresh=True)
    try:
        while not edits or time.monotonic() < until:  # at least one edit
            edits.append(await edit_once(page, t0, len(edits)))
            await asyncio.sleep(5)
        await page.screenshot(path=str(shots / "soak-keeper-weekly.png"), full_page=True)
    finally:
        await ctx.close()
    return edits


async def edit_once(page, t0: float, n: int) -> dict:
    form = page.locator('[data-testid="stForm"]').filter(
        has=page.get_by_role("button", name=t("weekly.edit.submit_update", LANG), exact=True))
    owner = f"soak keeper {n}"
    at = round(time.monotonic() - t0, 1)
    await form.get_by_label(t("weekly.edit.owner", LANG)).fill(owner)
    load = await settle(page, lambda: form.get_by_role(
        "button", name=t("weekly.edit.submit_update", LANG), exact=True).click(), t0, -1,
        "keeper-save")
    alerts = [await a.inner_text() for a in
              await page.locator('[data-testid="stAlert"]').all()]
    saved = any(t("weekly.edit.saved", LANG, title="")[:12] in a for a in alerts)
    return {"at_s": at, "owner": owner, "saved": saved, "settle_s": load.settle_s,
            "exceptions": load.exceptions,
            "message": "" if saved else " | ".join(alerts)[:300] or load.note}


async def browse(url: str, args, db: Path, books: list[Path], t0: float, shots: Path):
    from playwright.async_api import async_playwright

    until = t0 + args.seconds
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=served.CHROMIUM,
                                           args=served.CHROMIUM_ARGS)
        try:
            jobs = [session(browser, url, i, until, t0) for i in range(args.sessions)]
            results = await asyncio.gather(
                writes(db, books, args.seconds, t0), keeper(browser, url, until, t0, shots),
                *jobs)
            await last_look(browser, url, shots)
        finally:
            await browser.close()
    return results[0], results[1], [load for loads in results[2:] for load in loads]


async def last_look(browser, url: str, shots: Path) -> None:
    ctx = await new_context(browser, 1800)
    page = await ctx.new_page()
    await settle(page, open_page(page, url), time.monotonic(), -2,
                 "overview", fresh=True)
    await page.screenshot(path=str(shots / "soak-overview-after.png"), full_page=True)
    await ctx.close()


# --- the verdict ------------------------------------------------------------------------------

def check_states(loads: list[Load], figures: dict[int, list[str]],
                 seen: list[tuple[float, int]], grace: float = 5.0) -> dict:
    """Each Overview load against the versions: whole (equal to one version), and fresh
    (not older than what was published `grace` seconds before it began)."""
    half, stale, ok = [], [], 0
    for load in loads:
        if load.headline is None:
            continue
        matches = {v for v, fig in figures.items() if fig == load.headline}
        if not matches:
            half.append(load)
            continue
        ok += 1
        current = [v for at, v in seen if at <= load.at_s - grace]
        newer = [v for at, v in seen if at <= load.at_s + (load.settle_s or 0)]
        due = current[-1] if current else None
        if due is not None and not matches & set(newer[newer.index(due):]):
            stale.append(load)
    return {"overview_loads": ok + len(half), "half_applied": len(half),
            "half_examples": [vars(x) for x in half[:5]], "stale": len(stale),
            "stale_examples": [vars(x) for x in stale[:5]]}


def summarise(loads: list[Load], edits: list[dict], done: list[dict], versions: Versions,
              memory: Memory, log: str, figures: dict, args, participants: int,
              load_avg: tuple) -> dict:
    settles = sorted(x.settle_s for x in loads if x.settle_s is not None)
    runs = sorted(x.run_s for x in loads if x.run_s is not None)
    boxes = [(x.page, e[:300]) for x in loads for e in x.exceptions]
    boxes += [("keeper", e[:300]) for e in (x for ed in edits for x in ed["exceptions"])]
    per_page = {}
    for name in sorted({x.page for x in loads}):
        s = sorted(x.settle_s for x in loads if x.page == name and x.settle_s is not None)
        per_page[name] = {"loads": len(s), "median_s": s and round(statistics.median(s), 2),
                          "worst_s": s and round(s[-1], 2)}
    rss = [m for _, m in memory.samples]
    return {
        "when": dt.datetime.now().replace(microsecond=0).isoformat(),
        "participants": participants, "sessions": args.sessions, "seconds": args.seconds,
        "load_average_after": load_avg,
        "page_loads": len(loads), "unsettled": sum(x.settle_s is None for x in loads),
        "unsettled_examples": [vars(x) for x in loads if x.settle_s is None][:5],
        "settle_median_s": settles and round(statistics.median(settles), 2),
        "settle_p95_s": settles and round(settles[int(0.95 * (len(settles) - 1))], 2),
        "settle_worst_s": settles and round(settles[-1], 2), "per_page": per_page,
        "run_median_s": runs and round(statistics.median(runs), 2),
        "errors_shown": len(boxes), "error_examples": boxes[:10],
        "tracebacks": log.count("Traceback"),
        "traceback_tail": log[log.find("Traceback"):][:3000] if "Traceback" in log else "",
        "writes": [{k: v for k, v in w.items() if k != "out" or w["rc"]} for w in done],
        "imports_ok": sum(w["kind"] == "import" and w["rc"] == 0 for w in done),
        "undos_ok": sum(w["kind"] == "undo" and w["rc"] == 0 for w in done),
        "keeper_edits": len(edits), "keeper_saved": sum(e["saved"] for e in edits),
        "keeper_not_saved": [e for e in edits if not e["saved"]][:10],
        "versions_seen": len(versions.seen), "versions_missed": versions.missed,
        "version_figures": {str(v): f for v, f in figures.items()},
        **check_states(loads, figures, versions.seen),
        "rss_mb_start": rss and rss[0], "rss_mb_max": rss and max(rss),
        "rss_mb_end": rss and rss[-1], "rss_samples": memory.samples,
    }


def version_figures(keep: Path) -> dict[int, list[str]]:
    """`summary --json` of every version seen, as the Overview would print it."""
    return {int(f.stem): shown_figures(served.summary_json(f))
            for f in sorted(keep.glob("*.duckdb"))}


# --- writing it down ---------------------------------------------------------------------------

def markdown(r: dict) -> str:
    w = r["writes"]
    imp = [x["s"] for x in w if x["kind"] == "import"]
    und = [x["s"] for x in w if x["kind"] == "undo"]
    rows = [
        ("errors shown on pages (exception boxes; target 0)", r["errors_shown"]),
        ("tracebacks in the server's log (target 0)", r["tracebacks"]),
        ("Overview loads checked against the versions", r["overview_loads"]),
        ("… that showed a half-applied state (target 0)", r["half_applied"]),
        ("… that showed a state older than one published 5 s before the load began",
         r["stale"]),
        ("page loads (sidebar clicks and Explorer tabs)", r["page_loads"]),
        ("… that did not settle within 180 s", r["unsettled"]),
        ("page settle time, median / 95th pct / worst (s)",
         f"{r['settle_median_s']} / {r['settle_p95_s']} / {r['settle_worst_s']}"),
        ("… median time until the server's script run ended (the rest is the browser "
         "drawing)", r["run_median_s"]),
        ("command-line imports / undos that succeeded",
         f"{r['imports_ok']} of {len(imp)} / {r['undos_ok']} of {len(und)}"),
        ("import / undo time, median (s)",
         f"{imp and statistics.median(imp):.1f} / {und and statistics.median(und):.1f}"),
        ("keeper's follow-up saves on the Weekly page: saved / tried",
         f"{r['keeper_saved']} / {r['keeper_edits']}"),
        ("versions published and checked (missed)",
         f"{r['versions_seen']} ({r['versions_missed']})"),
        ("server RSS, process tree: start / max / end (MB)",
         f"{r['rss_mb_start']:,.0f} / {r['rss_mb_max']:,.0f} / {r['rss_mb_end']:,.0f}"),
    ]
    head = (f"{r['sessions']} Chromium contexts (one browser) against one `streamlit run "
            f"app.py` over a store of {r['participants']:,} participants, for "
            f"{r['seconds']} s; each context goes round the sidebar's pages (Overview, "
            "Delegations, Funding, Timeline, Explorer and each of its tabs, Weekly, Data) "
            "in one Streamlit session. Meanwhile the command line runs imports and undos "
            "(rounds of import A, import B, undo B, undo A; each workbook adds programs, "
            "delegations, funding lines and open follow-ups) and a keeper saves a "
            "follow-up on the Weekly page every 5 s. `uptime` load average after the run: "
            f"{' / '.join(f'{x:.2f}' for x in r['load_average_after'])}.\n\n")
    table = ["| figure | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    pages = ["", "| page | loads | median settle (s) | worst (s) |", "|---|---|---|---|",
             *(f"| {p} | {v['loads']} | {v['median_s']} | {v['worst_s']} |"
               for p, v in r["per_page"].items())]
    mem = ["", "Server memory over time (s: MB): " + ", ".join(
        f"{a:.0f}: {b:,.0f}" for a, b in r["rss_samples"][::max(1, len(r["rss_samples"])
                                                              // 15)])]
    return head + "\n".join(table + pages + mem)


def write_doc(body: str, figures: dict | None = None) -> None:
    sections.put_titled(DOC, "store:soak", "Soak: 20 sessions, imports, undos and edits at once",
                        "python -m benchmarks soak --doc", body, figures=figures)


# --- the run -------------------------------------------------------------------------------------

def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=100_000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--writes", type=int, default=10, help="imports (and as many undos)")
    ap.add_argument("--work", default=None, help="a folder for the store and results")
    ap.add_argument("--db", default=None, help="start from a copy of this store")
    ap.add_argument("--doc", action="store_true",
                    help="write docs/benchmarks/store-soak.json and the page")
    ap.add_argument("--quick", action="store_true",
                    help="3 contexts, 30 s, 2 imports and 2 undos, 10,000 participants")
    args = ap.parse_args(argv)
    if args.quick:
        args.participants, args.sessions, args.seconds, args.writes = 10_000, 3, 30, 2
    if args.writes % 2:
        ap.error("--writes must be even (imports come in pairs)")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="coopdash-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    db = build_store(work, args.participants, Path(args.db) if args.db else None)
    books = [workbook(db, k, work) for k in range(1, args.writes + 1)]
    server = served.start(db, work / "server.log")
    try:
        t0 = time.monotonic()
        versions, memory = Versions(db, work / "versions-seen", t0), Memory(server, t0)
        versions.start()
        memory.start()
        done, edits, loads = asyncio.run(browse(server.url, args, db, books, t0, work))
        versions.stop.set()
        memory.stop.set()
        versions.join()
        memory.join()
    finally:
        server.stop()
    result = summarise(loads, edits, done, versions, memory, server.log_text(),
                       version_figures(work / "versions-seen"), args, args.participants,
                       os.getloadavg())
    (work / "soak.json").write_text(json.dumps(result, indent=1, default=str))
    if args.doc:
        write_doc(markdown(result), result)
    print(markdown(result))
    print(f"results: {work / 'soak.json'}")
    return result


if __name__ == "__main__":
    main()
