"""The browser figures: time to the first chart in Chromium, and the server's memory with
ten sessions open. The server is the real `streamlit run dashboard.py`, started by
`start_server` of tests/conftest.py with the same Chromium flags as the browser tests."""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from benchmarks.measure import ROOT, bench_env

CHART = ".js-plotly-plot .main-svg"
# The titles (h1) and sidebar link texts of the timed pages, in both languages: a page
# change in the browser was seen to switch the language (reported), so match either.
TITLES = {
    "overview": ("International cooperation at a glance", "Ikhtisar kerja sama internasional"),
    "delegations": ("Delegations", "Delegasi"),
    "funding": ("Funding", "Pendanaan"),
}
NAV = {"overview": ("Overview", "Ikhtisar"), "delegations": ("Delegations", "Delegasi"),
       "funding": ("Funding", "Pendanaan")}
# true once the page titled one of `titles` is drawn (not stale) with a chart visible
_FRESH_CHART = """(titles) => {
  const fresh = el => !el.closest('[data-stale="true"]');
  const h1 = Array.from(document.querySelectorAll('h1')).filter(fresh);
  if (!h1.some(h => titles.some(t => h.innerText.trim().startsWith(t)))) return false;
  return Array.from(document.querySelectorAll('.js-plotly-plot .main-svg')).some(
    el => fresh(el) && el.getBoundingClientRect().height > 0);
}"""


def _conftest():
    """tests/conftest.py as a module (its server and Chromium launchers). It imports its
    neighbour as `browser_util` (pytest puts tests/ on the path): that name is given the
    module `tests.browser_util`, so the import path stays as it is."""
    sys.modules.setdefault("browser_util", importlib.import_module("tests.browser_util"))
    spec = importlib.util.spec_from_file_location("_coopdash_conftest",
                                                  ROOT / "tests" / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@contextmanager
def served(db: Path):
    """The dashboard served on loopback over `db`; yields (process, url)."""
    proc, url = _conftest().start_server(db, bench_env(db))
    try:
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def chromium(*extra_args: str):
    """Chromium as the tests launch it (their flags), with `extra_args`."""
    from playwright.sync_api import sync_playwright

    args = [*_conftest().CHROMIUM_ARGS, *extra_args]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.route(lambda url: not url.startswith(("http://127.0.0.1", "data:", "blob:")),
              lambda route: route.abort())
    return ctx, ctx.new_page()


def _wait_page(page, name: str, timeout_s: float) -> None:
    page.wait_for_function(_FRESH_CHART, arg=list(TITLES[name]), polling=50,
                           timeout=timeout_s * 1000)


def first_load_ms(browser, url: str, timeout_s: float = 300) -> tuple[float, Any]:
    """A new browser context opens the overview: ms to the first chart visible."""
    ctx, page = _new_page(browser)
    t0 = time.perf_counter()
    page.goto(url + "/")
    _wait_page(page, "overview", timeout_s)
    return (time.perf_counter() - t0) * 1000, (ctx, page)


def change_ms(page, name: str, timeout_s: float = 300) -> float:
    """Click the sidebar link to `name`: ms until its first chart is visible."""
    words = "|".join(NAV[name])
    link = page.locator('[data-testid="stSidebarNav"] a').filter(
        has_text=re.compile(rf"^\W*\w*\s*({words})\s*$")).first
    t0 = time.perf_counter()
    link.click()
    _wait_page(page, name, timeout_s)
    return (time.perf_counter() - t0) * 1000


def page_changes(db: Path, warm_rounds: int = 3) -> dict[str, Any]:
    """First load (cold server), first visits of two pages, then warm page changes."""
    out: dict[str, Any] = {}
    with served(db) as (_, url), chromium() as browser:
        out["first_load_cold_ms"], (ctx, page) = first_load_ms(browser, url)
        out["first_visit_ms"] = {n: change_ms(page, n) for n in ("delegations", "funding")}
        warm: dict[str, list[float]] = {n: [] for n in TITLES}
        for _ in range(warm_rounds):
            for name in ("overview", "delegations", "overview", "funding"):
                warm[name].append(change_ms(page, name))
        out["warm_change_ms"] = {n: statistics.median(v) for n, v in warm.items()}
        ctx.close()
        out["first_load_warm_server_ms"], (ctx, _) = first_load_ms(browser, url)
        ctx.close()
    return out


class RssSampler:
    """Peak RSS (MB) of a process and all its children, sampled in a thread."""

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.every_s = every_s
        self.peak_mb = 0.0
        self.last_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> float:
        import psutil

        total = 0
        for p in (self.proc, *self.proc.children(recursive=True)):
            with suppress(psutil.Error):
                total += p.memory_info().rss
        self.last_mb = total / 2**20
        self.peak_mb = max(self.peak_mb, self.last_mb)
        return self.last_mb

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def server_memory(db: Path, sessions: int = 10, settle_s: float = 3.0) -> dict[str, Any]:
    """A fresh server over `db`; `sessions` browser contexts each load the overview and
    stay open. Peak RSS of the server (with children) over the whole time."""
    with served(db) as (proc, url), chromium() as browser, RssSampler(proc.pid) as rss:
        idle = rss.sample()
        opened, loads = [], []
        for _ in range(sessions):
            ms, (ctx, _) = first_load_ms(browser, url)
            opened.append(ctx)
            loads.append(ms)
        time.sleep(settle_s)
        held = rss.sample()
        for ctx in opened:
            ctx.close()
    return {"sessions": sessions, "idle_rss_mb": idle, "held_rss_mb": held,
            "peak_rss_mb": rss.peak_mb, "load_ms": loads}
