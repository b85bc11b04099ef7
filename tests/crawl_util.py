"""Crawl every page, tab and expander a person can reach in Chromium, recording every
byte the server sends to that browser (Streamlit's WebSocket frames: the tables' Arrow
data, the charts' JSON with their hover text, every text) and every file the person can
download; then look for personal data in all of it.

A data grid draws on a canvas, so the page's text alone would miss its cells; the frames
do not: whatever reaches this browser is in them."""

from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb
from browser_util import wait_idle
from playwright.sync_api import Page

PAGES = ("", "delegations", "funding", "timeline", "explorer", "weekly")
EXPLORER_TABS = ("agreements", "programs", "delegations", "participants", "funding",
                 "actions")
HONORIFICS = {"mr.", "mrs.", "ms.", "m.si.", "dr.", "s.h."}


def personal_data(db: Path) -> list[str]:
    """What must never reach a viewer: every participant id and full name in the store,
    and each longer word of a name (a surname alone gives a person away too)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("select participant_id, full_name from participants").fetchall()
    finally:
        con.close()
    words = {w.strip(",") for _, name in rows for w in name.split()}
    return sorted({*(pid for pid, _ in rows), *(name for _, name in rows),
                   *(w for w in words if len(w) >= 5 and w.lower() not in HONORIFICS)})


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


def crawl(page: Page, base: str, downloads: Path, open_all: bool = True) -> list[Path]:
    """Visit every page (and every explorer tab), open every expander and tab
    (`open_all`), download every file offered; returns the downloaded files."""
    files: list[Path] = []
    for path in PAGES:
        targets = ([f"{base}/explorer?tab={tab}" for tab in EXPLORER_TABS]
                   if path == "explorer" else [f"{base}/{path}"])
        for url in targets:
            page.goto(url)
            wait_idle(page, 120)
            if open_all:
                _open_everything(page)
            files += _download_all(page, downloads)
    return files


def _download_all(page: Page, folder: Path) -> list[Path]:
    out = []
    buttons = page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"] button')
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if not button.is_enabled():
            continue
        with page.expect_download(timeout=180_000) as info:
            button.click()
        path = folder / f"{len(list(folder.iterdir()))}-{info.value.suggested_filename}"
        info.value.save_as(path)
        out.append(path)
        time.sleep(0.2)
    return out


def file_text(path: Path) -> str:
    """A downloaded file as text to search (a PDF through pdftotext when present)."""
    if path.suffix == ".pdf":
        import shutil
        import subprocess

        if shutil.which("pdftotext") is None:
            return path.read_bytes().decode("latin-1")
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              check=True, text=True).stdout
    return path.read_bytes().decode("utf-8", "replace")
