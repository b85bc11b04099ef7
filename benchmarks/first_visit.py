"""A person's first visit, against the framework's floor: coopdash's Overview beside a bare
Streamlit page with one Plotly chart, both measured in the same run, on loopback and
through the shipped nginx over the office's slow link (10 Mbit/s each way, 40 ms round
trip: `benchmarks.link`, a TCP relay every byte crosses, the WebSocket's too; not
Chromium's own network emulation, which held responses already received for 78 or
157 s in some visits: docs/benchmarks-diary.md, 2026-12-07, the stalls).

    .venv/bin/python -m benchmarks first-visit                   # the demo store
    .venv/bin/python -m benchmarks first-visit -n 1000000 --rounds 3 --write

Both apps run as real `streamlit run` servers at the sub-path /coopdash/ (the bare one is
written to bench-work/first-visit/bare.py: `st.title` and one `st.plotly_chart`), each
with its own nginx running deploy/nginx-coopdash.conf (tests/nginx_util.py: HTTP/2, TLS,
the shipped compression). Every visit is a new browser context (nothing cached) except
"return", a new tab of a context that visited before (the browser's cache warm). Time =
from `page.goto` to the page's title and every chart on it drawn (3 on the Overview, 1 on
the bare page); "moved" = the bytes Chromium's network layer received for the visit
(CDP `encodedDataLength`, headers included, WebSocket frames not). Rounds are interleaved
(bare, coopdash, bare, coopdash…) so that the machine's load falls on both alike; the
figures are medians, the ratios are of medians of the same run, and the load average is
written beside them. Where a loopback visit's time went is read from Chromium's own
clocks and from counters the page carries from its first script (`COUNTERS`: Plotly's
draws, the boxes measured); what each part of the Overview costs, from the Overview served
with that part left out (benchmarks/first_visit_app.py: one chart, or the sidebar's
filters; `--no-parts` skips them). With `--write`, the result `speed-first-visit` (`-N` at N
participants) is saved in docs/benchmarks/ and docs/benchmarks.md regenerated.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from benchmarks import sections
from benchmarks.browser import _conftest, chromium
from benchmarks.first_page import _ALL_CHARTS, built_store
from benchmarks.link import shaped_link
from benchmarks.measure import ROOT, STATIC_CACHE, bench_env
from coopdash.store import snapshots
from tests.nginx_util import free_port, nginx_in_front

WORK = ROOT / "bench-work" / "first-visit"
DOC = ROOT / "docs" / "benchmarks.md"
BASE = "coopdash"
# the office's link (benchmarks.link): Mbit/s each way, ms each way (a 40 ms round trip)
SLOW = {"mbit": 10, "delay_ms": 20}
BARE = '''import plotly.express as px
import streamlit as st

st.title("Bare")
st.plotly_chart(px.bar(x=["a", "b", "c"], y=[3, 1, 2]))
'''
# url path, title key in the catalogue, charts that must be drawn
PAGES = {"overview": ("", "lead.overview.title", 3),
         "delegations": ("delegations", "lead.deleg.title", 1),
         "funding": ("funding", "lead.funding.title", 1),
         "timeline": ("timeline", "lead.timeline.title", 1)}


def store(n: int) -> Path:
    """The demo store (n = 0) or one of `n` demo participants (benchmarks.first_page)."""
    if n:
        return built_store(n)
    db = ROOT / "bench-work" / "demo.duckdb"
    if not db.exists():
        subprocess.run([sys.executable, "-m", "coopdash", "init", "--db", str(db), "--with",
                        "demo"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return db


def published_copy(db: Path, name: str) -> Path:
    """A copy of `db` served as a deployment serves its store: published (a version in
    its versions folder, `coopdash.store.snapshots`). A bare copy would be a store not
    yet adopted, whose every `Reader.version()` opens the file instead of one `stat`."""
    copy = WORK / f"{name}.duckdb"
    shutil.copy(db, copy)
    snapshots.versions_dir(copy).mkdir()
    snapshots._adopt(copy)  # what the copy's first write would do
    return copy


@contextlib.contextmanager
def bare_server() -> Iterator[str]:
    """`streamlit run bare.py` at the sub-path, with the flags of the tests' servers."""
    script = WORK / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    with streamlit_server(script, WORK, dict(os.environ)) as url:
        yield url


@contextlib.contextmanager
def plain_server(db: Path) -> Iterator[str]:
    """coopdash as `streamlit run dashboard.py`: without app.py's middlewares (no kept
    compression, no preload), what a first visit was before them."""
    copy = published_copy(db, "plain")
    with streamlit_server(ROOT / "dashboard.py", ROOT,
                          {**os.environ, **bench_env(copy)}) as url:
        yield url


@contextlib.contextmanager
def streamlit_server(script: Path, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.baseUrlPath", BASE],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{BASE}"
    try:
        _wait_health(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_health(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the bare streamlit server stopped")
        with contextlib.suppress(OSError), urllib.request.urlopen(
                url + "/_stcore/health", timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("the bare streamlit server did not start")


# a part of the Overview left out (benchmarks/first_visit_app.py) -> what the table says
PARTS = {"ov_recip": "the reciprocity chart", "ov_funding": "the funding mix chart",
         "ov_timeline": "the agreements' timeline chart",
         "filters": "the sidebar's filters (partner, country, province… lists)"}


def _charts(part: str) -> int:
    """The charts drawn on the Overview served without `part`."""
    return 2 if part.startswith("ov_") else 3


@contextlib.contextmanager
def without_part(db: Path, part: str) -> Iterator[str]:
    """coopdash as app.py serves it, with the Overview's `part` left out."""
    copy = published_copy(db, f"without-{part}")
    env = {**os.environ, **bench_env(copy), "COOPDASH_BENCH_LEAVE_OUT": part,
           "PYTHONPATH": str(ROOT)}
    with streamlit_server(ROOT / "benchmarks" / "first_visit_app.py", ROOT, env) as url:
        yield url


@contextlib.contextmanager
def coopdash_server(db: Path) -> Iterator[str]:
    copy = published_copy(db, "served")
    proc, url = _conftest().start_server(copy, bench_env(copy), base_path=BASE)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextlib.contextmanager
def through_nginx(url: str, name: str) -> Iterator[tuple[str, str]]:
    """The shipped nginx in front of the app at `url`; yields the https base URL and the
    SPKI hash of its certificate (what Chromium is told to trust)."""
    work = WORK / f"nginx-{name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    app_port = int(url.split(":")[2].split("/")[0])
    with nginx_in_front(app_port, work) as (base, _):
        yield base, spki(work / "coopdash.crt")


def spki(cert: Path) -> str:
    """base64(sha256(the certificate's public key)), for --ignore-certificate-errors-spki-list."""
    key = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-pubkey"],
                         check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=key,
                         check=True, capture_output=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def trusting(spkis: list[str]):
    """Chromium trusting the test certificates as real ones: with a certificate error
    ignored instead, Chromium would cache nothing, and a return visit would be a first."""
    return chromium("--ignore-certificate-errors-spki-list=" + ",".join(spkis))


def visit(context, url: str, title: str, charts: int) -> dict:
    """One visit in a new tab of `context`: ms to the title and `charts` charts drawn,
    bytes moved, and where the time went (`Breakdown`)."""
    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Performance.enable")
        moved: list[int] = []
        seen = Breakdown()
        cdp.on("Network.loadingFinished", lambda e: moved.append(e["encodedDataLength"]))
        cdp.on("Network.loadingFinished", seen.finished)
        cdp.on("Network.requestWillBeSent", seen.request)
        cdp.on("Network.webSocketWillSendHandshakeRequest", seen.ws_asked)
        cdp.on("Network.webSocketFrameReceived", seen.frame)
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=300_000)
        page.wait_for_function(_ALL_CHARTS, arg=[[title], charts], polling=20,
                               timeout=300_000)
        ms = (time.perf_counter() - t0) * 1000
        # Streamlit draws each chart a second time once it is shown: count that work too
        page.wait_for_function(_SETTLED, polling=100, timeout=120_000)
        return {"ms": ms, "moved": sum(moved), **seen.figures(cdp, page)}
    finally:
        page.close()


class Breakdown:
    """Where a visit's time went, from Chromium's own clocks (CDP): when the page's
    scripts had run and opened the WebSocket (its first message), when the server's run
    had finished (`script_finished` received), the bytes and messages of the WebSocket,
    and how long the page's main thread was busy (tasks, of which JavaScript), and the
    elements drawn."""

    def __init__(self) -> None:
        self.start: float | None = None  # the document's request (CDP monotonic seconds)
        self.ws: list[tuple[float, str, int]] = []
        self.ws_at: float | None = None  # the WebSocket's handshake asked for
        self.done: list[tuple[float, int]] = []  # each answer: when it ended, bytes
        self.late = 0  # scripts asked for by a script (not named by the HTML page)

    def request(self, event: dict) -> None:
        if self.start is None:
            self.start = event["timestamp"]
        if (event.get("type") == "Script" and event["initiator"]["type"] == "script"
                and event["request"]["url"].endswith(".js")):
            self.late += 1

    def finished(self, event: dict) -> None:
        self.done.append((event["timestamp"], event["encodedDataLength"]))

    def ws_asked(self, event: dict) -> None:
        if self.ws_at is None:
            self.ws_at = event["timestamp"]

    def frame(self, event: dict) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        answer = event["response"]
        raw = (base64.b64decode(answer["payloadData"]) if answer["opcode"] == 2
               else answer["payloadData"].encode())
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        self.ws.append((event["timestamp"], msg.WhichOneof("type") or "", len(raw)))

    def figures(self, cdp, page) -> dict:
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        finished = [at for at, kind, _ in self.ws if kind == "script_finished"]

        def since(at: float | None) -> float | None:
            return None if at is None or self.start is None else (at - self.start) * 1000

        counted = page.evaluate(_COUNTED)
        before_ws = sum(size for at, size in self.done
                        if self.ws_at is not None and at <= self.ws_at)
        return {"ws_asked_ms": since(self.ws_at), "before_ws_bytes": before_ws,
                "late_scripts": self.late,
                "ws_first_ms": since(self.ws[0][0] if self.ws else None),
                "run_done_ms": since(finished[0] if finished else None),
                "ws_bytes": sum(size for *_, size in self.ws), "ws_messages": len(self.ws),
                "busy_ms": metrics["TaskDuration"] * 1000,
                "script_ms": metrics["ScriptDuration"] * 1000,
                "layout_ms": (metrics["LayoutDuration"] + metrics["RecalcStyleDuration"]) * 1000,
                "elements": counted["elements"], "nodes": counted["nodes"],
                "draws": counted["draws"], "boxes": counted["boxes"],
                "box_ms": counted["boxMs"]}


# Counted in the page from its first script on: Plotly's draws (`plotly_afterplot`, once
# per draw asked for; a redraw for margins pushed by labels inside it is not counted), and
# the boxes measured
# (`getBoundingClientRect`: Plotly measures every text it places with it, each a forced
# layout), with the time spent in them
COUNTERS = """(() => {
  const seen = window.__firstVisit = {draws: 0, boxes: 0, boxMs: 0};
  const box = Element.prototype.getBoundingClientRect;
  Element.prototype.getBoundingClientRect = function () {
    const t0 = performance.now();
    try { return box.call(this); } finally { seen.boxMs += performance.now() - t0; seen.boxes++; }
  };
  Object.defineProperty(HTMLElement.prototype, "emit", {configurable: true, get() {},
    set(emit) {  // Plotly's Events.init sets gd.emit once per chart
      Object.defineProperty(this, "emit", {configurable: true, writable: true,
        value(event, data) {
          if (event === "plotly_afterplot") seen.draws++;
          return emit.call(this, event, data); }}); }});
})();"""
_SETTLED = """() => {  // no new Plotly draw for a second
  const seen = window.__firstVisit, now = performance.now();
  if (seen.settled !== seen.draws) { seen.settled = seen.draws; seen.since = now; }
  return now - seen.since > 1000; }"""
_COUNTED = """() => ({...window.__firstVisit,
  nodes: document.getElementsByTagName('*').length,
  elements: document.querySelectorAll('[data-testid="stElementContainer"]').length})"""


def new_context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(COUNTERS)
    return context


def first(browser, url: str, title: str, charts: int) -> dict:
    context = new_context(browser)
    try:
        return visit(context, url, title, charts)
    finally:
        context.close()


def returning(browser, url: str, title: str, charts: int) -> dict:
    """A second visit (new tab) of a browser that came before: its cache is warm."""
    context = new_context(browser)
    try:
        visit(context, url, title, charts)
        return visit(context, url, title, charts)
    finally:
        context.close()


def one_round(browser, urls: dict[str, str], out: dict[str, list]) -> None:
    from coopdash.i18n import t

    overview = t("lead.overview.title", "en")
    for place in ("loopback", "nginx_slow"):
        out[f"bare_{place}"].append(first(browser, urls[f"bare_{place}"], "Bare", 1))
        out[f"overview_{place}"].append(
            first(browser, urls[f"coopdash_{place}"] + "/", overview, 3))
    out["overview_return_slow"].append(
        returning(browser, urls["coopdash_nginx_slow"] + "/", overview, 3))
    for key, server in (("plain", "plain"), ("overview", "coopdash")):
        out[f"{key}_direct_slow"].append(
            first(browser, urls[f"{server}_direct_slow"] + "/", overview, 3))
    out["plain_loopback"].append(first(browser, urls["plain_loopback"] + "/", overview, 3))
    for part, url in urls.get("parts", {}).items():
        out[f"without_{part}"].append(
            first(browser, url + "/", overview, _charts(part)))
    for name, (path, key, charts) in PAGES.items():
        if name != "overview":
            out[f"{name}_loopback"].append(
                first(browser, f"{urls['coopdash_loopback']}/{path}", t(key, "en"), charts))


def run(n: int, rounds: int, parts: bool = True) -> dict:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    db = store(n)
    out: dict = {"participants": n, "load_before": os.getloadavg()[0], "rounds": rounds}
    keys = ["bare_loopback", "overview_loopback", "bare_nginx_slow", "overview_nginx_slow",
            "overview_return_slow", "plain_direct_slow", "overview_direct_slow",
            "plain_loopback"] + [f"{p}_loopback" for p in PAGES if p != "overview"]
    keys += [f"without_{part}" for part in PARTS] if parts else []
    visits: dict[str, list] = {k: [] for k in keys}
    with bare_server() as bare, coopdash_server(db) as coop, plain_server(db) as plain, \
            through_nginx(bare, "bare") as (bare_tls, bare_key), \
            through_nginx(coop, "coopdash") as (coop_tls, coop_key), \
            contextlib.ExitStack() as stack, \
            trusting([bare_key, coop_key]) as browser:
        urls = {"bare_loopback": bare + "/", "coopdash_loopback": coop,
                "bare_nginx_slow": stack.enter_context(slow(bare_tls)) + "/",
                "coopdash_nginx_slow": stack.enter_context(slow(coop_tls)),
                "plain_direct_slow": stack.enter_context(slow(plain)),
                "coopdash_direct_slow": stack.enter_context(slow(coop)),
                "plain_loopback": plain}
        urls["parts"] = {part: stack.enter_context(without_part(db, part))
                         for part in (PARTS if parts else ())}
        warm_up(browser, urls)
        for _ in range(rounds):
            one_round(browser, urls, visits)
    out["load_after"] = os.getloadavg()[0]
    out["visits"] = visits
    out["median_ms"] = {k: statistics.median(v["ms"] for v in vs) for k, vs in visits.items()}
    out["worst_ms"] = {k: max(v["ms"] for v in vs) for k, vs in visits.items()}
    out["moved"] = {k: statistics.median(v["moved"] for v in vs) for k, vs in visits.items()}
    out["breakdown"] = {k: {f: _median(v[f] for v in vs) for f in BREAKDOWN}
                        for k, vs in visits.items()}
    return out


def warm_up(browser, urls: dict) -> None:
    """Each server, origin and TLS stack once, unmeasured; then the scripts those visits
    asked for are made in brotli 11 (`best_made`), as a deployment serves them."""
    for key, url in urls.items():
        if key == "parts":
            for part, part_url in url.items():
                first(browser, part_url + "/", "", _charts(part))
            continue
        ours = not key.startswith("bare")
        first(browser, url + ("/" if ours else ""), "" if ours else "Bare",
              3 if ours else 1)
    best_made()


def best_made(quiet_s: float = 5, most_s: float = 1800) -> None:
    """Wait until the servers' brotli 11 of the Plotly chunk is in the shared folder and
    nothing new came there for `quiet_s` (coopdash.web.compress.Best: made once, in a
    background thread at the lowest priority; a later run finds them all there)."""
    import streamlit

    from coopdash.web.compress import Best

    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    plotly = Best(STATIC_CACHE).path(next(js.glob("PlotlyChart.*.js")).read_bytes())
    deadline, seen, since = time.monotonic() + most_s, None, time.monotonic()
    while time.monotonic() < deadline:
        now = sorted(STATIC_CACHE.glob("*.br")) if STATIC_CACHE.exists() else []
        if now != seen:
            seen, since = now, time.monotonic()
        elif plotly.exists() and time.monotonic() - since > quiet_s:
            return
        time.sleep(0.5)
    raise RuntimeError(f"brotli 11 of the first visit's scripts not made in {most_s:.0f} s")


@contextlib.contextmanager
def slow(url: str) -> Iterator[str]:
    """`url` (scheme://127.0.0.1:port/path) reached across the office's link."""
    scheme, rest = url.split("://", 1)
    host_port, path = rest.split("/", 1)
    host, port = host_port.split(":")
    with shaped_link(int(port), **SLOW) as near:
        yield f"{scheme}://{host}:{near}/{path}"


BREAKDOWN = ("ws_first_ms", "run_done_ms", "ms", "busy_ms", "script_ms", "ws_bytes",
             "elements", "layout_ms", "nodes", "draws", "boxes", "box_ms", "ws_asked_ms",
             "before_ws_bytes", "late_scripts")


def _median(values) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def breakdown_table(r: dict) -> str:
    """Where a loopback visit's time went (medians of the run's rounds)."""
    rows = [("bare page", "bare_loopback"), ("coopdash Overview", "overview_loopback"),
            ("Overview without app.py's middlewares", "plain_loopback"),
            *((f"coopdash {p.title()}", f"{p}_loopback") for p in PAGES if p != "overview")]

    lines = ["| loopback visit | WebSocket's first message | server's run finished | "
             "charts drawn | page's main thread busy | of which JavaScript | of which layout "
             "and style | WebSocket kB | elements | DOM nodes | Plotly draws | boxes measured "
             "| ms measuring them |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, key in rows:
        b = r["breakdown"][key]
        lines.append(f"| {label} | " + " | ".join(
            [_cell(b[f]) for f in BREAKDOWN[:5]]
            + [_cell(b["layout_ms"]), _cell(b["ws_bytes"] / 1000)]
            + [_cell(b[f]) for f in ("elements", "nodes", "draws", "boxes", "box_ms")]) + " |")
    return "\n".join(lines)


def link_table(r: dict) -> str:
    """Where a visit over the office's link spends its time against loopback: when the
    page asked for its WebSocket (its scripts had run; the handshake then waits behind
    every byte already sent down the link), the bytes that had come by then, and the
    scripts the page found only as the run's elements arrived (each a round trip)."""
    rows = [("bare page", "bare"), ("coopdash Overview", "overview")]
    lines = ["| visit | WebSocket asked for, loopback | through nginx at 10 Mbit/s | MB "
             "come before it (slow) | WebSocket's first message, loopback | slow | scripts "
             "found late (slow) |", "|---|---|---|---|---|---|---|"]
    for label, key in rows:
        fast, slow = r["breakdown"][f"{key}_loopback"], r["breakdown"][f"{key}_nginx_slow"]
        if "ws_asked_ms" not in fast:  # a result written before these were counted
            return ""
        lines.append(f"| {label} | {_cell(fast['ws_asked_ms'])} | {_cell(slow['ws_asked_ms'])} "
                     f"| {slow['before_ws_bytes'] / 1e6:.2f} | {_cell(fast['ws_first_ms'])} | "
                     f"{_cell(slow['ws_first_ms'])} | {_cell(slow['late_scripts'])} |")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def parts_table(r: dict) -> str:
    """What each part of the Overview costs a first visit: the whole Overview against the
    Overview with that part left out, in the same run (medians; the part's cost is the
    difference)."""
    whole = r["breakdown"]["overview_loopback"]
    lines = ["| Overview on loopback | charts drawn ms | the part's share | page's main "
             "thread busy ms | the part's share | boxes measured | DOM nodes |",
             "|---|---|---|---|---|---|---|", f"| whole | {_cell(whole['ms'])} | – | "
             f"{_cell(whole['busy_ms'])} | – | {_cell(whole['boxes'])} | "
             f"{_cell(whole['nodes'])} |"]
    for part, label in PARTS.items():
        b = r["breakdown"].get(f"without_{part}")
        if b is None:
            continue
        lines.append(f"| without {label} | {_cell(b['ms'])} | "
                     f"{_cell(whole['ms'] - b['ms'])} | {_cell(b['busy_ms'])} | "
                     f"{_cell(whole['busy_ms'] - b['busy_ms'])} | {_cell(b['boxes'])} | "
                     f"{_cell(b['nodes'])} |")
    return "\n".join(lines)


def section(r: dict) -> str:
    m, moved = r["median_ms"], r["moved"]
    store_name = f"{r['participants']:,} participants" if r["participants"] else "demo store"
    rows = [
        ("bare page, loopback", "bare_loopback"),
        ("coopdash Overview, loopback", "overview_loopback"),
        ("bare page, nginx at 10 Mbit/s, 40 ms", "bare_nginx_slow"),
        ("coopdash Overview, nginx at 10 Mbit/s, 40 ms", "overview_nginx_slow"),
        ("coopdash Overview again (browser cache warm), nginx at 10 Mbit/s, 40 ms",
         "overview_return_slow"),
        ("coopdash Overview without app.py's compression and preload, loopback",
         "plain_loopback"),
        ("coopdash Overview without app.py's compression and preload, 10 Mbit/s, 40 ms "
         "(no nginx)", "plain_direct_slow"),
        ("coopdash Overview, 10 Mbit/s, 40 ms (no nginx)", "overview_direct_slow"),
        *((f"coopdash {p.title()}, first visit, loopback", f"{p}_loopback")
          for p in PAGES if p != "overview")]
    worst = r["worst_ms"]
    table = "\n".join(f"| {label} | {m[k]:,.0f} | {worst[k]:,.0f} | {moved[k] / 1e6:.2f} |"
                      for label, k in rows)
    body = "\n".join([
        f"{store_name}; {r['rounds']} rounds, medians; load average {r['load_before']:.1f} "
        f"before, {r['load_after']:.1f} after (a machine shared with other work: the "
        "absolute figures are slow, the ratios are the result). The office's link, "
        "10 Mbit/s each way and a 40 ms round trip, is a TCP relay every byte crosses "
        "(`benchmarks/link.py`), not Chromium's network emulation.",
        "",
        "| visit (new browser session unless said) | median ms | worst ms | MB moved |",
        "|---|---|---|---|",
        table,
        "",
        f"- Overview / bare page on loopback: "
        f"**{m['overview_loopback'] / m['bare_loopback']:.2f}×** (goal ≤ 1.2×)",
        f"- Overview / bare page through nginx at 10 Mbit/s: "
        f"**{m['overview_nginx_slow'] / m['bare_nginx_slow']:.2f}×**",
        f"- Overview through nginx at 10 Mbit/s / Overview on loopback: "
        f"**{m['overview_nginx_slow'] / m['overview_loopback']:.2f}×** (goal ≤ 1.3×); "
        f"a return visit: **{m['overview_return_slow'] / m['overview_loopback']:.2f}×**",
        f"- At 10 Mbit/s without nginx, with app.py's compression and preload / without: "
        f"**{m['overview_direct_slow'] / m['plain_direct_slow']:.2f}×** "
        f"({moved['overview_direct_slow'] / 1e6:.2f} MB moved against "
        f"{moved['plain_direct_slow'] / 1e6:.2f} MB)",
        "",
        "Where the time of a loopback visit went (ms from the page's request, medians; "
        "Chromium's own clocks: the WebSocket's first message is when the page's scripts "
        "had run and connected, the server's run finished when its `script_finished` "
        "arrived; the main thread's busy time is what Chromium spent on the page's tasks, "
        "JavaScript included, on two cores shared with the servers, read once the page has "
        "settled (no new Plotly draw for a second: Streamlit draws each chart again after "
        "showing it); layout and style is Chromium's own; counted in the page: Plotly's "
        "draws (`plotly_afterplot`), "
        "the boxes measured (`getBoundingClientRect`: Plotly places each text it draws by "
        "measuring it, a forced layout) and the time spent in them):",
        "",
        breakdown_table(r),
        *(["", "Over the office's link (ms from the page's request, medians; the link is one "
           "queue each way, so what was sent before the WebSocket's handshake arrives first):",
           "", link_table(r)] if link_table(r) else []),
        *(["", "What each part of the Overview costs a first visit (the Overview with the "
           "part left out, served by benchmarks/first_visit_app.py, in the same rounds; "
           "a part's share = the whole's median minus the median without it):", "",
           parts_table(r)] if "without_filters" in r["breakdown"] else []),
    ])
    return body


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--participants", type=int, default=0,
                    help="0: the demo store (default); else demo participants")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    ap.add_argument("--no-parts", action="store_true",
                    help="leave out the visits without one part of the Overview each")
    args = ap.parse_args(argv)
    result = run(args.participants, args.rounds, parts=not args.no_parts)
    (WORK / "result.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    body = section(result)
    print(body)
    if args.write:
        name = "speed:first-visit" + (f"-{args.participants}" if args.participants else "")
        title = "A first visit against the framework's floor" + (
            f" ({args.participants:,} participants)" if args.participants else "")
        sections.put_titled(DOC, name, title, "python -m benchmarks first-visit "
                            + " ".join(argv if argv is not None else sys.argv[1:]), body,
                            figures=result)


if __name__ == "__main__":
    main()
