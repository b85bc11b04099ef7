"""Crawl every page, tab and expander a person can reach in Chromium, recording every
byte the server sends to that browser (Streamlit's WebSocket frames: the tables' Arrow
data, the charts' JSON with their hover text, every text) and every file the person can
download; then look for personal data in all of it.

A data grid draws on a canvas, so the page's text alone would miss its cells; the frames
do not: whatever reaches this browser is in them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
from browser_util import click_download, exceptions, wait_idle
from conftest import OUTPUT
from deploy_checks import TITLES, heading
from playwright.sync_api import Page

from coopdash.i18n import t

PAGES = ("", "delegations", "funding", "timeline", "explorer", "weekly")
NAMES = {"": "overview"}  # a page's name (deploy_checks.TITLES) where it is not its path
EXPLORER_TABS = ("agreements", "programs", "delegations", "participants", "funding",
                 "actions")
HONORIFICS = {"mr.", "mrs.", "ms.", "m.si.", "dr.", "s.h."}


def personal_data(db: Path) -> list[str]:
    """What must never reach a viewer: every participant id, full name and position in
    the store, and each longer word of a name (a surname alone gives a person away too).
    A position that the store's other records also spell out (a milestone titled after
    the Secretary's letter) is public there, so it is not looked for."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("select participant_id, full_name, coalesce(position, '') "
                           "from participants").fetchall()
        public = _other_text(con)
    finally:
        con.close()
    words = {w.strip(",") for _, name, _ in rows for w in name.split()}
    positions = {pos for *_, pos in rows if pos and pos not in public}
    return sorted({*(pid for pid, *_ in rows), *(name for _, name, _ in rows), *positions,
                   *(w for w in words if len(w) >= 5 and w.lower() not in HONORIFICS)})


def _other_text(con: duckdb.DuckDBPyConnection) -> str:
    """Every text value of the store's tables other than the participants."""
    cols = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_name <> 'participants' "
        "and table_schema = 'main'").fetchall()
    out = []
    for table, column in cols:
        out += [v for (v,) in con.execute(
            f'select distinct "{column}" from "{table}" where "{column}" is not null'
        ).fetchall()]
    return "\n".join(out)


class Recorder:
    """Every WebSocket frame the page receives, as text (binary frames decoded loosely)."""

    def __init__(self, page: Page) -> None:
        self.frames: list[str] = []
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        self.frames.append(payload.decode("utf-8", "replace")
                           if isinstance(payload, bytes) else str(payload))

    def text(self) -> str:
        return "\n".join(self.frames)


def found(words: list[str], text: str) -> list[str]:
    return [w for w in words if re.search(re.escape(w), text)]


def _open_everything(page: Page) -> None:
    """Open every expander and every tab of the page (each opening may rerun it)."""
    for i in range(page.locator('[data-testid="stExpander"] summary').count()):
        summary = page.locator('[data-testid="stExpander"] summary').nth(i)
        if summary.is_visible():
            summary.click()
            wait_idle(page, 120)
    for i in range(page.locator('[data-testid="stMain"] [role="tab"]').count()):
        tab = page.locator('[data-testid="stMain"] [role="tab"]').nth(i)
        if tab.is_visible():
            tab.click()
            wait_idle(page, 120)


def crawl(page: Page, base: str, downloads: Path, open_all: bool = True,
          lang: str = "en", shots: str | None = None,
          check: Callable[[Page, str, str | None], None] | None = None) -> list[Path]:
    """Visit every page (and every explorer tab), open every expander and tab
    (`open_all`), download every file offered; returns the downloaded files. Each page
    shows its own title (in `lang`) and no exception box, before and after everything on
    it was opened; `check(page, path, explorer tab or None)` is called on each as it opens (what
    else the visit proves, on the same visit); with `shots`, a full-page screenshot
    `test-output/<shots>-<page>.png`.

    One session all along, as a person clicks: the menu's links and the explorer's
    table switch (a `goto` per page would reload the app in the browser and start a new
    server session each time, several seconds each on two cores)."""
    page.goto(base)
    wait_idle(page, 120)
    files: list[Path] = []
    for path in PAGES:
        _open_page(page, base, path)
        title = t(TITLES[NAMES.get(path, path)], lang)
        for tab in EXPLORER_TABS if path == "explorer" else (None,):
            if tab is not None:
                _open_explorer_tab(page, tab)
            assert (heading(page), exceptions(page)) == (title, []), (path, tab)
            if check is not None:
                check(page, path, tab)
            if open_all:
                _open_everything(page)
            files += _download_all(page, downloads)
            assert exceptions(page) == [], (path, tab)
        if shots:
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / f"{shots}-{NAMES.get(path, path)}.png"),
                            full_page=True)
    return files


def _open_page(page: Page, base: str, path: str) -> None:
    """Click the menu's link to the page at `path` ("" the default page) and wait for its
    run to end."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    link = links.first if path == "" else page.locator(
        f'[data-testid="stSidebarNav"] a[href$="/{path}"]')
    link.click()
    page.wait_for_url(lambda url: url.split("?")[0].rstrip("/") == f"{base}/{path}".rstrip("/"))
    wait_idle(page, 120)


def _open_explorer_tab(page: Page, tab: str) -> None:
    """Pick the explorer's table `tab` (its switch writes `tab=` into the URL)."""
    switch = page.locator(".st-key-explorer_tab button")
    switch.nth(EXPLORER_TABS.index(tab)).click()
    page.wait_for_url(re.compile(rf"[?&]tab={tab}(&|$)"))
    wait_idle(page, 120)


def _settled(page: Page) -> None:
    """Wait until every element of the main area is drawn: Streamlit loads some widgets'
    code when first needed (a download button is a grey skeleton until then), after the
    run itself has ended."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')""")


def _download_all(page: Page, folder: Path) -> list[Path]:
    """Click every download button of the main area that is not disabled; the files."""
    _settled(page)
    out = []
    buttons = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button')
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if not button.is_enabled():
            continue
        got = click_download(page, button)
        path = folder / f"{len(list(folder.iterdir()))}-{got.suggested_filename}"
        got.save_as(path)
        out.append(path)
    return out


def file_text(path: Path) -> str:
    """A downloaded file as text to search: a PDF through pdftotext, an Office file or a
    zip through the text of every member (their XML is compressed inside)."""
    if path.suffix == ".pdf":
        import subprocess

        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              check=True, text=True).stdout
    if path.suffix in (".pptx", ".xlsx", ".docx", ".zip"):
        import zipfile

        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return path.read_bytes().decode("utf-8", "replace")
