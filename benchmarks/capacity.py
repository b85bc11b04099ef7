"""Capacity (issue 22 §3): how many people one coopdash server serves at 1M participants.

    .venv/bin/python -m benchmarks capacity [--participants 1000000] [--steps 10,25,50,100]
        [--seconds 300] [--think 5] [--processes 1] [--writes 10] [--browsers 2]
        [--work DIR] [--db STORE] [--doc] [--quick] [--from-json FILE] [--profile]

A real `streamlit run app.py` (or `--processes N` of them over the same store, each on
its own port: a session stays with one process, as behind the shipped nginx's sticky
upstream) serves a store of `--participants`; an unmeasured round first goes through every
page with no filter and with each kind of program on each process (`warm`: the steps
measure a warm cache, as after a day's use). For each step of `--steps` sessions, for
`--seconds`:
- that many sessions of the load client (tests/wsload.py: Streamlit's own WebSocket
  protocol, one asyncio process, no browser) arrive over the step's first 20 s and go
  round the pages (Overview, Delegations, Funding, Timeline, every Explorer tab, Weekly,
  Data), a person's think time (`--think` s on average, 0.5× to 1.5×) between two
  clicks; every second round with one kind of program chosen in the sidebar's filter
  (a widget state), the other with none;
- the command line lands `--writes` imports and as many undos (benchmarks/soak.py's
  workbooks and rounds: import A, import B, undo B, undo A);
- `--browsers` Chromium sessions (benchmarks/soak.py's) go round the same pages and read
  the Overview as a person sees it.
Per step: the time from the click (the `rerun_script` sent) to the finished run, median /
95th percentile / worst; errors (exception boxes, runs that did not end within 120 s,
closed sockets, tracebacks in the server's log); half-applied states (every unfiltered
Overview, from the load client and from Chromium, must show the six headline figures of
ONE published version's `summary --json`) and stale ones; the server's CPU (cores busy
over the step, and the share of it spent by the servers' main threads: the event loop
that turns runs' messages into bytes and writes the WebSockets) and memory (RSS of its
process tree, max); the load client's own CPU (it runs on the same cores); the load
average. `--profile`: every measured script run profiled in the servers
(`COOPDASH_PROFILE`, coopdash/web/profiling.py) and added up in the work folder
(profile.txt: the functions by own and by cumulative time). Every run and warm-up is also
logged by the servers (`COOPDASH_RUN_LOG`, runs.jsonl in the work folder): per step, the
time runs waited for a run slot (`COOPDASH_RUNS`) against the time they ran, what they
spent computing cache misses themselves or finding (or waiting for) cached values, the
runs that overlapped a warm-up after a write against the others, and the slowest runs.

Not a test: `--doc` writes its result (in docs/benchmarks: capacity.json, or capacity-N.json
for N processes) and regenerates docs/benchmarks.md; the raw JSON is in the work folder.
`--quick`: 10,000 participants, steps 2 and 4, 20 s each, 2 writes, no browser.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import pstats
import random
import resource
import shutil
import ssl
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from websockets.exceptions import WebSocketException

from benchmarks import results, served, soak
from coopdash import settings
from coopdash.figures import explorer as ex
from coopdash.i18n import t
from tests import nginx_util, wsload

LANG = soak.LANG
ARRIVAL_S = 20.0  # sessions arrive over this many seconds of a step
RUN_TIMEOUT_S = 120.0
GOAL_SESSIONS, GOAL_P95_S = 50, 2.0
ROUTE = (("", ""), ("delegations", ""), ("funding", ""), ("timeline", ""),
         *(("explorer", f"tab={tab}") for tab in ex.TAB_NAMES), ("weekly", ""), ("data", ""))


@dataclass
class Sample:
    """One run as a load session saw it."""

    session: int
    page: str
    at_s: float  # since the step began
    seconds: float | None  # click to finished run; None: it did not finish
    errors: list[str] = field(default_factory=list)
    headline: list[str] | None = None  # the unfiltered Overview's six figures
    filtered: bool = False


# --- one person -------------------------------------------------------------------------

BROKEN = (wsload.RunTimeoutError, ConnectionError, TimeoutError, OSError,
          WebSocketException)  # a run or a socket that failed: an error, then a reload


async def click(session: wsload.Session, sid: int, page: str, query: str, t0: float,
                filtered: bool) -> Sample:
    at = round(time.monotonic() - t0, 2)
    try:
        run = await session.run(page, "&".join(q for q in (f"lang={LANG}", query) if q),
                                timeout=RUN_TIMEOUT_S)
    except BROKEN as exc:
        return Sample(sid, page or "overview", at, None, [f"{type(exc).__name__}: {exc}"])
    sample = Sample(sid, page or "overview", at, round(run.seconds, 3), run.exceptions(),
                    filtered=filtered)
    if not page and not filtered:
        shown = run.metrics()
        sample.headline = [shown.get(t(key, LANG), "?") for key, _ in soak.HEADLINE]
    return sample


class Person:
    """One load session's person: arrives, goes round the pages with think time, every
    second round with one kind of program chosen in the filter; reloads (a new session)
    after a run or a socket that failed, as a person would."""

    def __init__(self, url: str, sid: int, t0: float, args) -> None:
        self.url, self.sid, self.t0, self.args = url, sid, t0, args
        self.rng = random.Random(sid)
        self.session: wsload.Session | None = None
        self.samples: list[Sample] = []
        self.filtered = False
        self.opened = 0
        self.connect_s: list[float] = []  # how long each WebSocket took to be accepted

    async def think(self) -> None:
        await asyncio.sleep(self.args.think * self.rng.uniform(0.5, 1.5))

    async def visit(self, page: str, query: str) -> None:
        if self.session is None:
            at = round(time.monotonic() - self.t0, 2)
            try:
                self.session = await wsload.Session.open(self.url, ssl=self.args.tls)
                self.connect_s.append(time.monotonic() - self.t0 - at)
            except BROKEN as exc:  # the server did not even take the connection
                self.samples.append(Sample(self.sid, "connect", at, None,
                                           [f"{type(exc).__name__}: {exc}"]))
                return
            self.opened, self.filtered = self.opened + 1, False
        self.samples.append(await click(self.session, self.sid, page, query, self.t0,
                                        self.filtered))
        if self.samples[-1].seconds is None:
            await self.leave()

    def refilter(self, rounds: int) -> None:
        """Every second round one kind of program chosen, the other none."""
        if self.session is None or self.session.last is None:
            return
        chosen = [self.rng.choice(self.session.options("flt_kinds"))] if rounds % 2 else []
        self.session.choose("flt_kinds", chosen)
        self.filtered = bool(chosen)

    async def leave(self) -> None:
        if self.session is not None:
            with contextlib.suppress(*BROKEN):
                await self.session.close()
        self.session = None

    async def go_round(self, until: float) -> list[Sample]:
        await asyncio.sleep(self.rng.uniform(0, min(ARRIVAL_S, self.args.seconds / 4)))
        start, rounds = self.sid % len(ROUTE), 0
        try:
            while time.monotonic() < until:
                for page, query in ROUTE[start:] + ROUTE[:start]:
                    if time.monotonic() >= until:
                        break
                    await self.visit(page, query)
                    await self.think()
                rounds += 1
                self.refilter(rounds)
        finally:
            await self.leave()
        return self.samples


# --- one step -----------------------------------------------------------------------------

def cpu_seconds(servers: list[served.Server]) -> float:
    """User + system CPU seconds of every server's process tree so far."""
    total = 0.0
    for server in servers:
        top = psutil.Process(server.proc.pid)
        for p in (top, *top.children(recursive=True)):
            times = p.cpu_times()
            total += times.user + times.system
    return total


def loop_seconds(servers: list[served.Server]) -> float:
    """User + system CPU seconds of the servers' main threads (the event loop) so far."""
    total = 0.0
    for server in servers:
        for thread in psutil.Process(server.proc.pid).threads():
            if thread.id == server.proc.pid:
                total += thread.user_time + thread.system_time
    return total


def own_seconds() -> float:
    """User + system CPU seconds of this process (the load client) so far."""
    times = psutil.Process().cpu_times()
    return times.user + times.system


def children_seconds() -> float:
    """User + system CPU seconds of this process's finished children so far: the
    command-line writes (and Chromium, once closed)."""
    times = resource.getrusage(resource.RUSAGE_CHILDREN)
    return times.ru_utime + times.ru_stime


def machine_seconds() -> float:
    """CPU seconds the whole machine spent busy so far (every core, every process)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


async def chromium(urls: list[str], n: int, t0: float, until: float) -> list[soak.Load]:
    """`n` Chromium sessions (soak.py's) going round the pages, beside the load."""
    if not n:
        return []
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=served.CHROMIUM,
                                           args=served.CHROMIUM_ARGS)
        try:
            got = await asyncio.gather(*(soak.session(browser, urls[i % len(urls)], i,
                                                      until, t0) for i in range(n)))
        finally:
            await browser.close()
    return [load for loads in got for load in loads]


async def drive(urls: list[str], n: int, args, db: Path, books: list[Path],
                browser_urls: list[str]) -> dict:
    t0 = time.monotonic()
    until = t0 + args.seconds
    people = [Person(urls[i % len(urls)], i, t0, args) for i in range(n)]
    done, loads, *samples = await asyncio.gather(
        soak.writes(db, books, args.seconds, t0) if books else asyncio.sleep(0, []),
        chromium(browser_urls, args.browsers, t0, until),
        *(p.go_round(until) for p in people))
    return {"t0": t0, "writes": done, "browser": loads,
            "samples": [s for group in samples for s in group],
            "opened": sum(p.opened for p in people),
            "connect_s": [c for p in people for c in p.connect_s]}


def run_log(work: Path) -> Path:
    """The file every server appends a line to per run and per warm-up."""
    return work / "runs.jsonl"


def logged_since(path: Path, offset: int) -> list[dict]:
    """The run log's records from byte `offset` on."""
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        fh.seek(offset)
        return [json.loads(line) for line in fh.read().decode().splitlines() if line]


def step(servers: list[served.Server], urls: list[str], n: int, args, db: Path,
         books: list[Path], work: Path) -> dict:
    """One step of `n` sessions; its figures (the state checks come later, at the end)."""
    keep = work / f"versions-{n}"
    log_at = run_log(work).stat().st_size if run_log(work).exists() else 0
    logged = [len(s.log_text()) for s in servers]
    load_before, cpu0, wall0 = os.getloadavg(), cpu_seconds(servers), time.monotonic()
    loop0, own0 = loop_seconds(servers), own_seconds()
    kids0, machine0 = children_seconds(), machine_seconds()
    t0 = time.monotonic()
    versions = soak.Versions(db, keep, t0)
    memory = [soak.Memory(s, t0) for s in servers]
    for thread in (versions, *memory):
        thread.start()
    got = asyncio.run(drive(urls, n, args, db, books, [s.url for s in servers]))
    for thread in (versions, *memory):
        thread.stop.set()
        thread.join()
    wall = time.monotonic() - wall0
    shift = got["t0"] - t0  # the sessions' clock starts a little after the threads'
    cpu = cpu_seconds(servers) - cpu0
    return {"sessions": n, "processes": len(servers), "seconds": args.seconds,
            "think_s": args.think, "load_before": load_before,
            "load_after": os.getloadavg(),
            "cpu_cores": round(cpu / wall, 2), "wall_s": round(wall),
            "loop_share": round((loop_seconds(servers) - loop0) / max(cpu, 1e-9), 2),
            "client_cores": round((own_seconds() - own0) / wall, 2),
            "writer_cores": round((children_seconds() - kids0) / wall, 2),
            "machine_cores": round((machine_seconds() - machine0) / wall, 2),
            "rss_mb_max": round(sum(max(m for _, m in mem.samples) for mem in memory)),
            "rss_mb_end": round(sum(mem.samples[-1][1] for mem in memory)),
            "sessions_opened": got["opened"], "writes": got["writes"],
            "connect_p95_s": pct(got["connect_s"], 0.95),
            "connect_worst_s": round(max(got["connect_s"], default=0), 2),
            "samples": got["samples"], "browser": got["browser"],
            "seen": [(at - shift, v) for at, v in versions.seen], "keep": keep,
            "versions_missed": versions.missed,
            "logged": logged_since(run_log(work), log_at),
            "tracebacks": sum(s.log_text()[at:].count("Traceback")
                              for s, at in zip(servers, logged, strict=True))}


# --- the verdict ----------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float | None:
    """The `q` quantile (nearest rank) of `values`, None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def as_loads(samples: list[Sample]) -> list[soak.Load]:
    return [soak.Load(s.session, s.page, s.at_s, s.seconds, headline=s.headline)
            for s in samples if s.headline is not None]


def _overlaps(run: dict, warms: list[dict]) -> bool:
    end = run["at"] + run["queued_s"] + run["ran_s"]
    return any(w["pid"] == run["pid"] and w["at"] < end and run["at"] < w["at"] + w["ran_s"]
               for w in warms)


def _group(runs: list[dict]) -> dict:
    """Server-side times of a group of runs: waiting for a slot, running, and in the
    cache boundary (computing misses / finding values or waiting for another's)."""
    ran = sum(r["ran_s"] for r in runs)
    return {"runs": len(runs),
            "p95_s": pct([r["queued_s"] + r["ran_s"] for r in runs], 0.95),
            "queued_p50_s": pct([r["queued_s"] for r in runs], 0.5),
            "queued_p95_s": pct([r["queued_s"] for r in runs], 0.95),
            "ran_p95_s": pct([r["ran_s"] for r in runs], 0.95),
            "computed_share": round(sum(r["computed_s"] for r in runs) / max(ran, 1e-9), 2),
            "cache_share": round(sum(r["cache_s"] for r in runs) / max(ran, 1e-9), 2),
            "cpu_share": round(sum(r["cpu_s"] for r in runs) / max(ran, 1e-9), 2)}


def where_waited(logged: list[dict]) -> dict:
    """The servers' run log of a step (`COOPDASH_RUN_LOG`) summed up: every run, those
    that overlapped a warm-up after a write on their process and the others, the
    warm-ups, and the slowest runs."""
    runs = [r for r in logged if r["kind"] == "run"]
    warms = [r for r in logged if r["kind"] == "warm"]
    during = [r for r in runs if _overlaps(r, warms)]
    slowest = sorted(runs, key=lambda r: -(r["queued_s"] + r["ran_s"]))[:8]
    parts = sorted({k for w in warms for k in w["parts"]})
    return {
        "all": _group(runs), "during_warmup": _group(during),
        "otherwise": _group([r for r in runs if not _overlaps(r, warms)]),
        "warmups": len(warms), "warmup_p50_s": pct([w["ran_s"] for w in warms], 0.5),
        "warmup_worst_s": round(max((w["ran_s"] for w in warms), default=0), 2),
        "warmup_parts_s": {k: round(statistics.mean(w["parts"].get(k, 0) for w in warms), 2)
                           for k in parts},
        "slowest": [{k: r[k] for k in ("page", "queued_s", "ran_s", "cpu_s", "cache_s",
                                       "computed_s", "misses")} | {
                     "during_warmup": _overlaps(r, warms)} for r in slowest]}


def judge(raw: dict) -> dict:
    """A step's raw record turned into its figures (percentiles, errors, states)."""
    samples: list[Sample] = raw["samples"]
    times = [s.seconds for s in samples if s.seconds is not None]
    figures = soak.version_figures(raw["keep"])
    states = soak.check_states(as_loads(samples), figures, raw["seen"])
    seen_by_browser = soak.check_states(raw["browser"], figures, raw["seen"])
    errors = [(s.page, e[:300]) for s in samples for e in s.errors]
    browser_errors = [(x.page, e[:300]) for x in raw["browser"] for e in x.exceptions]
    per_page = {}
    for page in sorted({s.page for s in samples}):
        got = [s.seconds for s in samples if s.page == page and s.seconds is not None]
        per_page[page] = {"runs": len(got), "p50_s": pct(got, 0.5), "p95_s": pct(got, 0.95)}
    writes = raw["writes"]
    return {
        **{k: v for k, v in raw.items()
           if k not in ("samples", "browser", "seen", "keep", "logged")},
        "server": where_waited(raw["logged"]),
        "writes": [{k: v for k, v in w.items() if k != "out" or w["rc"]} for w in writes],
        "runs": len(samples), "p50_s": pct(times, 0.5), "p95_s": pct(times, 0.95),
        "cpu_s_per_run": round(raw["cpu_cores"] * raw["wall_s"] / max(1, len(samples)), 2),
        "worst_s": max(times, default=None), "errors": len(errors),
        "error_examples": errors[:8], "per_page": per_page,
        "imports_ok": sum(w["kind"] == "import" and w["rc"] == 0 for w in writes),
        "undos_ok": sum(w["kind"] == "undo" and w["rc"] == 0 for w in writes),
        "write_median_s": writes and statistics.median(w["s"] for w in writes),
        "versions": len(raw["seen"]),
        "overview_checks": states["overview_loads"], "half_applied": states["half_applied"],
        "stale": states["stale"], "half_examples": states["half_examples"][:3],
        "browser_loads": len(raw["browser"]),
        "browser_unsettled": sum(x.settle_s is None for x in raw["browser"]),
        "browser_settle_p95_s": pct([x.settle_s for x in raw["browser"]
                                     if x.settle_s is not None], 0.95),
        "browser_overview_checks": seen_by_browser["overview_loads"],
        "browser_half_applied": seen_by_browser["half_applied"],
        "browser_errors": len(browser_errors), "browser_error_examples": browser_errors[:5],
    }


def knee(steps: list[dict]) -> str:
    """The largest step that met the goal (p95 ≤ 2 s, no error, no half-applied state)."""
    good = [s["sessions"] for s in steps if s["p95_s"] is not None
            and s["p95_s"] <= GOAL_P95_S and not s["errors"] and not s["half_applied"]
            and not s["browser_half_applied"]]
    return str(max(good)) if good else "none"


# --- writing it down -------------------------------------------------------------------------

COLUMNS = ("sessions (step's length, s) | runs | p50 / p95 / worst (s) | errors | "
           "WebSockets opened, accepted in p95 / worst (s) | Overview checks: "
           "half-applied / stale | Chromium: loads, p95 settle (s), half-applied, errors | "
           "imports + undos ok | server CPU: cores, s per run, event loop's share | "
           "CPU of the load client / the command-line writes / the whole machine (cores) | "
           "RSS max (MB) | load avg before → after")


def row(s: dict) -> str:
    ok = f"{s['imports_ok']} + {s['undos_ok']} of {len(s['writes'])}"
    return (f"| {s['sessions']} ({s.get('wall_s', '?')}) | {s['runs']} | "
            f"{s['p50_s']} / {s['p95_s']} / "
            f"{s['worst_s'] and round(s['worst_s'], 2)} | {s['errors']} + "
            f"{s['tracebacks']} tracebacks | {s.get('sessions_opened', '?')}, "
            f"{s.get('connect_p95_s', '?')} / {s.get('connect_worst_s', '?')} | "
            f"{s['overview_checks']}: {s['half_applied']} / "
            f"{s['stale']} | {s['browser_loads']}, {s['browser_settle_p95_s']}, "
            f"{s['browser_half_applied']} of {s['browser_overview_checks']}, "
            f"{s['browser_errors']} | {ok} | {s['cpu_cores']}, {s['cpu_s_per_run']}, "
            f"{s.get('loop_share', '?')} | {s.get('client_cores', '?')} / "
            f"{s.get('writer_cores', '?')} / {s.get('machine_cores', '?')} | "
            f"{s['rss_mb_max']:,} | "
            f"{s['load_before'][0]:.1f} → {s['load_after'][0]:.1f} |")


def markdown(r: dict) -> str:
    head = (f"{r['processes']} server process(es) (`streamlit run app.py`) over a store of "
            f"{r['participants']:,} participants; per step, that many sessions of the "
            "load client (tests/wsload.py: Streamlit's WebSocket protocol, no browser) "
            f"for {r['seconds']:.0f} s"
            + (" (the issue asks 300 s: a shorter step, to fit the curve in the time "
               "measured; `--seconds 300` runs the issue's)" if r["seconds"] < 300 else "")
            + ", going round every page and Explorer tab with "
            f"{r['think_s']} s of think time on average between clicks, every second round "
            "with a kind of program chosen in the filter; meanwhile the command line lands "
            f"{r['writes']} imports and {r['writes']} undos, and {r['browsers']} Chromium "
            "sessions go round the same pages. Times: from the click (`rerun_script` sent) "
            "to the finished run. A step lasts until its writes are done and its runs "
            "have ended (each run waits at most 120 s: an error after). "
            + ("Before the steps, an unmeasured round of every page with no filter and with "
               "each kind of program on each process: the steps measure a warm cache, as "
               "after a day's use. " if r.get("warmed_filters") else "")
            + ("The sessions go through the shipped nginx (deploy/nginx-coopdash.conf: TLS, "
               "HTTP/2, the sticky upstream that spreads new browsers over the processes), as "
               "a deployment runs; the Chromium sessions straight to the processes. "
               if r.get("nginx") else
               "Sessions go to the processes in turn, straight to their ports (as the "
               "shipped nginx's sticky upstream spreads browsers; not through nginx). "
               if r["processes"] > 1 else "")
            + "Server CPU: cores busy over the step, CPU seconds per run "
            "(the cache warm-ups after each write included) and the share of the servers' "
            "event loops (main threads); the load client's own CPU, the command-line writes' "
            "(imports and undos: their own processes) and the whole machine's (every "
            "process: the servers get what the rest leaves); nginx's is in the last only. "
            "Runs per process at once: "
            f"{r.get('runs_at_once', '?')} (`COOPDASH_RUNS`). Goal: 50 sessions at p95 ≤ 2 s "
            "with 0 errors. Largest step "
            f"that met it: **{r['knee']}**.\n\n")
    table = [f"| {COLUMNS} |", "|" + "---|" * (COLUMNS.count("|") + 1),
             *(row(s) for s in r["steps"])]
    slow = ["", "Slowest pages per step (p95, s): " + "; ".join(
        f"{s['sessions']}: " + ", ".join(
            f"{p} {v['p95_s']}" for p, v in sorted(
                s["per_page"].items(), key=lambda kv: -(kv[1]["p95_s"] or 0))[:3])
        for s in r["steps"])]
    waited = [waits(s) for s in r["steps"] if s.get("server")]
    if waited:
        slow += ["", "Where the runs' time went in the servers (their run log, "
                 "`COOPDASH_RUN_LOG`), per step: " + "; ".join(waited)]
    return head + "\n".join(table + slow)


def waits(s: dict) -> str:
    """A step's server-side times, in a sentence."""
    w, every = s["server"], s["server"]["all"]

    def group(g: dict) -> str:
        return f"{g['runs']} runs p95 {g['p95_s']} s"

    return (f"{s['sessions']}: {group(every)} (waiting for a run slot p50 / p95 "
            f"{every['queued_p50_s']} / {every['queued_p95_s']} s, running p95 "
            f"{every['ran_p95_s']} s; of the running time, computing cache misses "
            f"{every['computed_share']:.0%}, finding cached values or waiting for another's "
            f"computation {every['cache_share']:.0%}, the run thread's CPU "
            f"{every['cpu_share']:.0%}); overlapping a warm-up after a write "
            f"{group(w['during_warmup'])}, the others {group(w['otherwise'])}; "
            f"{w['warmups']} warm-ups, p50 / worst {w['warmup_p50_s']} / "
            f"{w['warmup_worst_s']} s")


def write_doc(r: dict) -> None:
    """Its result file (docs/benchmarks: capacity.json, capacity-N.json for N processes,
    capacity-no-writes.json), the page regenerated."""
    name = "capacity" + ("" if r["processes"] == 1 else f"-{r['processes']}") + (
        "" if r["writes"] else "-no-writes")
    title = (f"Capacity: sessions per server at {r['participants']:,} participants, "
             f"{r['processes']} process{'es' if r['processes'] > 1 else ''}"
             + ("" if r["writes"] else ", no writes (what the reruns cost alone)"))
    results.save(name, title, "python -m benchmarks capacity", markdown(r), figures=r,
                 when=r.get("when"))


# --- the run ---------------------------------------------------------------------------------

def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--steps", default="10,25,50,100", help="sessions per step")
    ap.add_argument("--seconds", type=float, default=300, help="per step")
    ap.add_argument("--think", type=float, default=5.0,
                    help="a person's mean seconds between two clicks")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--writes", type=int, default=10,
                    help="imports (and as many undos); 0: none (what the reruns cost alone)")
    ap.add_argument("--browsers", type=int, default=2, help="Chromium sessions beside")
    ap.add_argument("--work", default=None, help="a folder for the store and results")
    ap.add_argument("--db", default=None, help="start from a copy of this store")
    ap.add_argument("--doc", action="store_true", help="write docs/benchmarks.md")
    ap.add_argument("--from-json", default=None, metavar="FILE",
                    help="no run: write the result of an earlier run (its capacity.json)")
    ap.add_argument("--nginx", action="store_true",
                    help="the sessions go through the shipped nginx (deploy/), as deployed")
    ap.add_argument("--profile", action="store_true",
                    help="profile every measured run in the servers (work folder: profile.txt)")
    ap.add_argument("--quick", action="store_true",
                    help="10,000 participants, steps 2 and 4, 20 s, 2 writes, no browser")
    args = ap.parse_args(argv)
    if args.quick:
        args.participants, args.steps, args.seconds = 10_000, "2,4", 20
        args.writes, args.browsers = 2, 0
    args.steps = [int(n) for n in args.steps.split(",") if n]
    args.tls = None  # the load client's TLS context (--nginx)
    if args.writes % 2:
        ap.error("--writes must be even (imports come in pairs)")
    return args


def profile_text(folder: Path, top: int = 60) -> str:
    """The profiles in `folder` added up, the script runs apart from the warm-ups after
    writes: the functions by own time, then by cumulative time (pstats' text)."""
    out = io.StringIO()
    for kind, what in (("run", "runs"), ("warm", "warm-ups after a write")):
        files = sorted(folder.glob(f"{kind}-*.prof"))
        if not files:
            out.write(f"no {what} profiled\n")
            continue
        stats = pstats.Stats(*map(str, files), stream=out)
        out.write(f"{len(files)} {what} profiled, {stats.total_tt:.2f} CPU-s\n")
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def warm(servers: list[served.Server]) -> None:
    """Unmeasured rounds of every page on each process, with no filter and with each kind
    of program the sessions may choose (their caches, as after a day's use): the steps
    measure runs on a warm cache, not a filter's first runs (at 1M participants a page's
    first run with a kind chosen costs about five times a warm one)."""
    async def once(url: str) -> None:
        session = await wsload.Session.open(url)
        await session.run(ROUTE[0][0], ROUTE[0][1], timeout=600)
        for chosen in ([], *([kind] for kind in session.options("flt_kinds"))):
            session.choose("flt_kinds", chosen)
            for page, query in ROUTE:
                await session.run(page, query, timeout=600)
        await session.close()

    for server in servers:
        asyncio.run(once(server.url))


def serve(args, db: Path, work: Path, stack: contextlib.ExitStack
          ) -> tuple[list[served.Server], list[str]]:
    """The server processes (stopped when `stack` closes) and the URLs the load client's
    sessions use: each process's own, or with `--nginx` the shipped nginx in front of them
    (TLS, HTTP/2, the sticky upstream; the processes under its base path)."""
    extra = {"COOPDASH_RUN_LOG": str(run_log(work))}
    if args.profile:
        extra["COOPDASH_PROFILE"] = str(work / "profile")
    base = nginx_util.BASE_PATH if args.nginx else ""
    servers = []
    for i in range(args.processes):
        servers.append(served.start(db, work / f"server-{i}.log", base_path=base, **extra))
        stack.callback(servers[-1].stop)
    if not args.nginx:
        return servers, [s.url for s in servers]
    front = work / "nginx"
    shutil.rmtree(front, ignore_errors=True)
    front.mkdir()
    url, _ = stack.enter_context(nginx_util.nginx_in_front([s.port for s in servers], front))
    args.tls = ssl.create_default_context()
    args.tls.check_hostname, args.tls.verify_mode = False, ssl.CERT_NONE  # made on the spot
    return servers, [url]


def main(argv: list[str] | None = None) -> dict:
    args = parse(argv)
    if args.from_json:
        result = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        write_doc(result)
        print(markdown(result))
        return result
    work = Path(args.work or tempfile.mkdtemp(prefix="coopdash-capacity-"))
    work.mkdir(parents=True, exist_ok=True)
    db = soak.build_store(work, args.participants, Path(args.db) if args.db else None)
    books = [soak.workbook(db, k, work) for k in range(1, args.writes + 1)]
    profiles = work / "profile"
    result = {"participants": args.participants, "processes": args.processes,
              "seconds": args.seconds, "think_s": args.think, "writes": args.writes,
              "browsers": args.browsers, "nginx": args.nginx, "steps": [], "knee": "none",
              "warmed_filters": True,  # `warm`: every kind of program, before the steps
              "runs_at_once": settings.get().runs,  # the servers inherit the environment
              "when": results.stamp()}  # the run's start: date, commit, machine, load
    with contextlib.ExitStack() as stack:
        servers, urls = serve(args, db, work, stack)
        warm(servers)
        shutil.rmtree(profiles, ignore_errors=True)  # the unmeasured round's
        for n in args.steps:
            result["steps"].append(judge(step(servers, urls, n, args, db, books, work)))
            result["knee"] = knee(result["steps"])
            (work / "capacity.json").write_text(json.dumps(result, indent=1, default=str))
            print(row(result["steps"][-1]), flush=True)
    if args.profile:
        (work / "profile.txt").write_text(profile_text(profiles), encoding="utf-8")
    if args.doc:
        write_doc(result)
    print(markdown(result))
    print(f"results: {work / 'capacity.json'}")
    return result
