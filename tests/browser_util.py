"""Small helpers for the Playwright tests: waiting for Streamlit, reading what is shown."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

# url path of each page; the default page (overview) lives at the root
PAGES = {"overview": "", "delegations": "delegations", "funding": "funding",
         "timeline": "timeline", "explorer": "explorer", "weekly": "weekly", "data": "data"}


SERVER_LOGS = Path(__file__).resolve().parent.parent / "test-output" / "servers"


@dataclass(frozen=True)
class Served:
    name: str
    log: Path
    proc: subprocess.Popen
    url: str = ""


SERVED: list[Served] = []  # every server this test process started, in order
_numbers = itertools.count(1)


def server_log_file(name: str) -> Path:
    """A new file in test-output/servers/ (kept after the run) for the log of a server a
    test starts: register the process with `served(...)` once it is started."""
    SERVER_LOGS.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return SERVER_LOGS / f"{worker}-{next(_numbers):03d}-{name}.log"


def served(name: str, log: Path, proc: subprocess.Popen, url: str = "") -> None:
    """Note a started server (at `url`): the tail of its log is printed with any test that
    fails while it runs, or that started it (tests/conftest.py, pytest_runtest_makereport)."""
    SERVED.append(Served(name, log, proc, url))


def log_of(url: str) -> Path:
    """The log of the running server that serves `url`."""
    return next(s.log for s in reversed(SERVED)
                if s.url and url.startswith(s.url) and s.proc.poll() is None)


def wait_logged(log: Path, text: str, more_than: int, timeout: float = 120.0) -> str:
    """Wait until `log` holds `text` more than `more_than` times; return the log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = log.read_text(errors="replace")
        if got.count(text) > more_than:
            return got
        time.sleep(0.05)
    raise TimeoutError(f"{log} did not say {text!r} within {timeout} s")


def server_tails(first: int = 0, lines: int = 60) -> list[tuple[str, str]]:
    """(title, last `lines` lines of its log) of each server still running, and of each
    started since the `first`-th (a test's own, stopped by now)."""
    out = []
    for i, s in enumerate(SERVED):
        if i >= first or s.proc.poll() is None:
            text = s.log.read_text(errors="replace") if s.log.exists() else "(no log yet)"
            out.append((f"server log: {s.name} ({s.log})",
                        "\n".join(text.splitlines()[-lines:])))
    return out


def wait_idle(page: Page, timeout: float = 30.0) -> None:
    """Wait until Streamlit has finished the run: the frame (navigation) and the page's
    title are drawn, and the app has said its script is not running (the state
    Streamlit's own tests wait for) for a moment, with no element still a skeleton (its
    component's script still on its way: the Plotly chunk, preloaded, can arrive before a
    metric's or a select box's): a run that asks for another one (`st.rerun`) is not taken
    for the end."""
    # attached, not visible: on a phone the sidebar (and its navigation) starts folded
    page.wait_for_selector('[data-testid="stSidebarNav"]', state="attached",
                           timeout=timeout * 1000)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        if page.evaluate(_RUNNING):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > QUIET:
            return
        time.sleep(0.05)
    raise TimeoutError("Streamlit kept running")


def run_by(page: Page, action, timeout: float = 60.0) -> None:
    """Do `action` (an edit in a grid, a pick, a download's click), which starts a run of
    the page, and wait until the app has answered it and is idle again. The app is idle
    first (an action during a run joins it: no new start to see). The answer is seen in
    the messages the app's WebSocket receives (`watch_messages`), not in the page's script
    state: a short run's start and end can be drawn as one (on a loaded machine, the
    browser drawing late), the state never leaving idle in the page (CI once waited 120 s
    for such a run); a run that starts late is waited for all the same."""
    wait_idle(page, timeout)
    before = _messages(page)
    action()
    page.wait_for_function("n => window.__coopdashMessages > n", arg=before,
                           timeout=timeout * 1000)
    wait_idle(page, timeout)


def watch_messages(context) -> None:
    """Count the messages every page of `context` receives from the app (its WebSocket),
    for `run_by`: set before the pages open."""
    context.add_init_script(_COUNT_MESSAGES)


def _messages(page: Page) -> int:
    got = page.evaluate("() => window.__coopdashMessages")
    if got is None:
        raise RuntimeError("the page's context does not count the app's messages: "
                           "browser_util.watch_messages(context) before it opens pages")
    return got


_COUNT_MESSAGES = """(() => {
    const Native = window.WebSocket;
    window.__coopdashMessages = 0;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", () => { window.__coopdashMessages += 1; });
        }
    };
})();"""
QUIET = 0.3  # seconds the app must stay idle
_RUNNING = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !app || app.dataset.testScriptState !== "notRunning"
        || app.dataset.testConnectionState !== "CONNECTED"
        || !!document.querySelector('[data-testid="stStatusWidget"]')
        || !!document.querySelector('[data-testid="stSkeleton"]');
}"""


def click_download(page: Page, button, timeout: float = 180.0):
    """Click the download `button` once the app is idle and return Playwright's download.
    A download's click starts a run of the page (so a refused file is said why: see
    coopdash.web.auth.note_refusal); a click while such a run is still going interrupts
    it, and Streamlit drops the deferred files of an interrupted run's buttons, so a
    second click at once could lose its file (as a person's hurried second click would:
    a second click then works). So the click is a `run_by` action: the next click finds
    its button's file (CI once lost one, the server logging "Deferred file … not found",
    when that run started after the quiet wait had ended)."""
    with page.expect_download(timeout=timeout * 1000) as info:
        run_by(page, button.click, timeout)
    return info.value


def wait_charts(page: Page, timeout: float = 30.0) -> None:
    """Wait until Plotly has drawn every chart on the page."""
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=timeout * 1000)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
                 .every(el => el.querySelector('.main-svg'))""",
        timeout=timeout * 1000)


def metrics(page: Page) -> dict[str, str]:
    """Label -> value of every st.metric on the page."""
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def chart_data(page: Page) -> list[str]:
    """The data of every Plotly chart drawn, as JSON text (to see a chart change)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
                 .map(el => JSON.stringify((el.data || []).map(t => [t.x, t.y, t.values])))"""
    )


def exceptions(page: Page) -> list[str]:
    return [e.inner_text() for e in page.locator('[data-testid="stException"]').all()]


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the sidebar select / multiselect whose label is `label`."""
    widget = page.locator('[data-testid="stSidebar"]').locator(
        '[data-testid="stMultiSelect"], [data-testid="stSelectbox"]'
    ).filter(has_text=label).first
    widget.locator("input").first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
