"""Shared fixtures. No test touches data/: the store path always points into a temp folder.

- `sample_store` / `demo_store`: real DuckDB stores built once per session through the
  real importer (sample case; sample + default demo). Tests that write copy them first
  (`store_copy`).
- `app(db)`: a real Streamlit AppTest of dashboard.py over that store.

Tests are laid out by kind, and the folder is checked at collection (`_check_kind`):
`tests/browser/` (a test that uses the `browser` fixture: Chromium), `tests/apptest/` (a
test that uses the `app` fixture: the dashboard in AppTest), `tests/unit/` (the rest:
functions, store, command line). A file sits where its heaviest test must. Each test gets
the marker of its kind (`-m browser`, `-m apptest`, `-m unit`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import browser_util
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from coopdash import store
from coopdash.workbook import bootstrap

ROOT = Path(__file__).resolve().parent.parent
DEMO_PARTICIPANTS = 5000
KINDS = ("unit", "apptest", "browser")  # lightest first


def kind_of(item) -> str:
    """The kind a test is: by its `browser` marker or the fixtures it uses (directly or
    through other fixtures)."""
    if "browser" in item.fixturenames or item.get_closest_marker("browser"):
        return "browser"
    return "apptest" if "app" in item.fixturenames else "unit"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark each test with its kind; refuse a test in a lighter kind's folder than it is
    (a browser test in tests/apptest/ would escape `-m "not browser"` and `pytest
    tests/apptest`). A file in tests/ itself is not checked: it waits to be sorted."""
    misplaced = []
    for item in items:
        kind = kind_of(item)
        folder = Path(str(item.path)).parent.name
        if folder not in KINDS:
            item.add_marker(kind)
        elif KINDS.index(folder) < KINDS.index(kind):
            misplaced.append(f"{item.nodeid} is a {kind} test: move it to tests/{kind}/")
        else:  # a lighter test in a heavier file (nginx's redirect check) runs with it
            item.add_marker(folder)
    if misplaced:
        raise pytest.UsageError("\n".join(misplaced))
    items[:] = longest_first(items)


# The files that took longest (`--durations=0`, summed per file; README "Tests"), longest
# first: `scripts/test.sh` hands whole files to its workers in collection order (`--dist
# loadfile --no-loadscope-reorder`), so the long ones start at once and the last files handed
# out are short unit files. A file not named here keeps its place after them, heavier
# kinds first.
SLOWEST_FILES = (
    "browser/test_signin.py", "browser/test_nginx.py", "browser/test_record_browser.py",
    "browser/test_browser.py", "browser/test_editor_browser.py", "apptest/test_mail.py",
    "browser/test_browser_intake.py", "apptest/test_hostile_links.py",
    "browser/test_downloads_leave_nothing.py", "browser/test_phone_layout.py",
    "apptest/test_store_versions.py", "unit/test_hostile_corpus.py",
    "unit/test_store_import.py", "apptest/test_definitions.py",
)


def longest_first(items: list) -> list:
    """`items` with whole files moved: the SLOWEST_FILES in that order, then browser,
    AppTest and unit files; each file's tests together and in their own order (a module's
    fixtures, a server, are set up once)."""
    def rank(item) -> tuple[int, int]:
        path = Path(str(item.path))
        named = f"{path.parent.name}/{path.name}"
        if named in SLOWEST_FILES:
            return (0, SLOWEST_FILES.index(named))
        kind = path.parent.name
        return (1, -KINDS.index(kind) if kind in KINDS else 0)
    return sorted(items, key=rank)  # stable: a file's tests keep their order


@pytest.fixture(scope="session", autouse=True)
def _never_the_default_store(tmp_path_factory):
    """Between tests too (a thread still finishing after its test's settings were put
    back), the store path points into a temp folder, never at the repository's
    data/coopdash.duckdb: a stray write once left a versions folder there."""
    saved = os.environ.get("COOPDASH_DB")
    os.environ["COOPDASH_DB"] = str(tmp_path_factory.mktemp("between") / "between.duckdb")
    yield
    if saved is None:
        os.environ.pop("COOPDASH_DB", None)
    else:
        os.environ["COOPDASH_DB"] = saved


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Point every output at a temp folder; start each test with empty caches."""
    monkeypatch.setenv("COOPDASH_DB", str(tmp_path / "isolated.duckdb"))
    monkeypatch.setenv("COOPDASH_FIRST_RUN", "none")
    monkeypatch.setenv("COOPDASH_ACTOR", "pytest")
    for name in ("COOPDASH_ROLE", "COOPDASH_LANG", "COOPDASH_CURRENCY", "COOPDASH_TODAY"):
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def _apptest_pages_mode(monkeypatch):
    """AppTest sets `PagesManager.uses_pages_directory` back to None before every run, so
    each run would start in Streamlit's legacy pages mode and `legacy_pages` would rerun
    it, dropping the click that started it (a form submit, a button), where a real server
    sets the flag once per process. AppTest's own PagesManager (only it) leaves the mode
    at once, as a real server's later runs do.

    It stays (issue 17 asked whether it could go): Streamlit 1.67's AppTest still sets
    `PagesManager.uses_pages_directory = None` before each run it starts
    (`streamlit/testing/v1/app_test.py`, `_run`), and offers no public switch; the
    dashboard's own shim for the same flag is `coopdash/web/legacy_pages.py`. Drop this
    when AppTest stops resetting the flag."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class _NoLegacyPages(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", _NoLegacyPages)


def build_store(path: Path, with_: str) -> Path:
    store.create(path, bootstrap.populate(with_, participants=DEMO_PARTICIPANTS))
    return path


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("sample") / "sample.duckdb", "sample")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("demo") / "demo.duckdb", "demo")


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("empty") / "empty.duckdb", "none")


@pytest.fixture
def published(sample_store, tmp_path) -> Path:
    """A copy of the sample store, published through the writer once (as a served store
    is): versions folder, write log, current version."""
    db = tmp_path / "shared.duckdb"
    shutil.copy(sample_store, db)
    store.upgrade(db)
    return db


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory) -> Path:
    """A demo workbook as a CSV folder (3,000 participants): a write that takes a while."""
    from coopdash.workbook import demo

    return demo.write(demo.generate(participants=3000, seed=11),
                      tmp_path_factory.mktemp("demo-csv") / "demo")


@pytest.fixture
def store_copy(tmp_path):
    """Copy a session store so a test may write to it."""
    def copy(src: Path) -> Path:
        dst = tmp_path / f"copy-{src.name}"
        shutil.copy(src, dst)
        return dst
    return copy


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
            ) -> subprocess.CompletedProcess:
    """`python -m coopdash ARGS` run in the test's own process (`coopdash.cli.main`), with
    `env` added to the environment and `stdin` as its input for the call only; returns
    what `subprocess.run(..., capture_output=True, text=True)` would. A child process
    spends about 0.6 s of CPU importing before it starts; tests/unit/test_cli_smoke.py
    runs each command once as a real child process."""
    from coopdash import cli

    out, err = io.StringIO(), io.StringIO()
    with _environment(env or {}), _coopdash_log_kept(), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err), _stdin(stdin or ""):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse: a usage error (2), or --help (0)
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    return subprocess.CompletedProcess(["coopdash", *args], code, out.getvalue(),
                                       err.getvalue())


@contextlib.contextmanager
def _environment(env: dict[str, str]):
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _coopdash_log_kept():
    """The command line sets the `coopdash` logger for a terminal (errors only, its own
    handler, not propagated); the test process gets it back as it was."""
    log = logging.getLogger("coopdash")
    saved = log.level, log.propagate, list(log.handlers)
    try:
        yield
    finally:
        log.setLevel(saved[0])
        log.propagate = saved[1]
        log.handlers[:] = saved[2]


@contextlib.contextmanager
def _stdin(text: str):
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


@pytest.fixture
def app(monkeypatch):
    """An AppTest of the whole dashboard over the store at `db`."""
    def make(db: Path, lang: str = "id", role: str | None = None) -> AppTest:
        monkeypatch.setenv("COOPDASH_DB", str(db))
        monkeypatch.setenv("COOPDASH_LANG", lang)
        if role:
            monkeypatch.setenv("COOPDASH_ROLE", role)
        return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    return make


# --- a real server and a real browser ---------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
OUTPUT = ROOT / "test-output"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, env_extra: dict[str, str] | None = None, *,
                 port: int | None = None, args: tuple[str, ...] = (), base_path: str = ""):
    """Start `streamlit run app.py` (the dashboard behind coopdash's URL rules) on a free
    loopback port (or `port`), with more command-line `args` (`--secrets.files ...`), at
    `server.baseUrlPath` = `base_path`; return (process, url)."""
    import urllib.request

    port = port or _free_port()
    # a file, not a pipe: a chatty server never blocks on it; kept in test-output/servers/
    log_path = browser_util.server_log_file(f"streamlit-{port}")
    # brotli 11 of Streamlit's scripts made once for every server of the run (app.py)
    env = {**os.environ, "COOPDASH_DB": str(db), "COOPDASH_FIRST_RUN": "none",
           "COOPDASH_STATIC_CACHE": str(ROOT / "test-output" / "compressed"),
           **(env_extra or {})}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.baseUrlPath", base_path, *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    proc.log_path = log_path
    url = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    browser_util.served(f"streamlit on port {port} over {Path(db).name}", log_path, proc, url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start: " + server_log(proc)[-2000:])


_FIRST_SERVER = pytest.StashKey[int]()
WARMER = "coopdash-warmer"  # the store watcher's thread (coopdash.web.warmup.watch)


def stop_warmers(timeout: float = 60.0) -> list[str]:
    """Drop the app's readers, so that every store watcher the AppTest runs started (a
    daemon thread) ends, and wait for each; return those still running. A daemon thread
    still inside DuckDB when the interpreter exits aborts the process ("terminate called
    after throwing an instance of ''", duckdb/duckdb#13904): a run whose tests all passed
    would exit 134 (seen once here, at the end of a serial run)."""
    st.cache_resource.clear()
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name == WARMER:
            thread.join(max(0.0, deadline - time.monotonic()))
    return [t.name for t in threading.enumerate() if t.name == WARMER and t.is_alive()]


def pytest_sessionfinish(session):
    """Every store watcher ends before the test process does (`stop_warmers`)."""
    left = stop_warmers()
    assert not left, f"store watchers still running at the end of the tests: {left}"


def pytest_sessionstart(session):
    """The servers' logs of the last run go (once, not in each xdist worker)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(browser_util.SERVER_LOGS, ignore_errors=True)


def pytest_runtest_setup(item):
    item.stash[_FIRST_SERVER] = len(browser_util.SERVED)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that fails says why its servers may have: the tail of the log of each server
    still running and of each started for it (`browser_util.served`), in its report."""
    report = yield
    if report.failed:
        first = item.stash.get(_FIRST_SERVER, len(browser_util.SERVED))
        report.sections.extend(browser_util.server_tails(first))
    return report


def server_log(proc) -> str:
    """What a server of `start_server` has written so far (its stdout and stderr)."""
    return proc.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def served_demo(demo_store, tmp_path_factory):
    """(URL, its temp folder): the dashboard served on loopback over a copy of the demo
    store (no sign-in: everyone a keeper), its TMPDIR a folder of its own (0700). Files
    with personal data never outlive their download: the folder is empty while it serves
    (tests/browser/test_downloads_leave_nothing.py) and once it stopped (here)."""
    work = tmp_path_factory.mktemp("served")
    db, temp = work / "served.duckdb", work / "server-tmp"
    shutil.copy(demo_store, db)
    temp.mkdir(mode=0o700)
    proc, url = start_server(db, {"COOPDASH_TODAY": "2026-11-28", "TMPDIR": str(temp)})
    yield url, temp
    proc.terminate()
    proc.wait(timeout=20)
    left = sorted(str(p.relative_to(temp)) for p in temp.rglob("*"))
    assert left == [], f"left in the served dashboard's temp folder after it stopped: {left}"


@pytest.fixture(scope="session")
def server(served_demo) -> str:
    """The URL of the dashboard served over a copy of the demo store (`served_demo`)."""
    return served_demo[0]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh dev installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab, tall enough for full-page screenshots; no outside requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800},
                                  accept_downloads=True)
    context.route(lambda url: not url.startswith(("http://127.0.0.1", "http://localhost",
                                                  "file:", "data:", "blob:")),
                  lambda route: route.abort())
    browser_util.watch_messages(context)
    pg = context.new_page()
    yield pg
    context.close()
