"""The language chosen stays chosen across page changes, in a real Chromium.

The bug: with the server started with COOPDASH_LANG=en, the first click on a sidebar
page link switched the UI to Bahasa Indonesia. Streamlit ran the first run of a fresh
server process in its legacy `pages/` folder mode, under another script hash, so the
language selectbox drawn then had another widget id than in every later run; on the
first page change it came back as a new widget at its first option (`id`). The bug only
shows on a server's first session, so this test starts its own server.
"""

from __future__ import annotations

import shutil

import pytest
from browser_util import exceptions, wait_idle
from conftest import start_server

from coopdash.i18n import t

pytestmark = pytest.mark.browser

_TITLE = {"overview": "lead.overview.title", "delegations": "lead.deleg.title",
          "funding": "lead.funding.title", "timeline": "lead.timeline.title"}


@pytest.fixture
def english_server(sample_store, tmp_path):
    """A fresh server (first session of its process) started in English."""
    db = tmp_path / "lang.duckdb"
    shutil.copy(sample_store, db)
    proc, url = start_server(db, {"COOPDASH_LANG": "en", "COOPDASH_TODAY": "2026-11-28"})
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def _nav(page) -> list[str]:
    """The sidebar page links' texts (without their icons)."""
    return [a.inner_text().split("\n")[-1].strip()
            for a in page.locator('[data-testid="stSidebarNav"] a').all()]


def _go(page, name: str, lang: str) -> None:
    """Click the sidebar link of page `name` (its title in `lang`) and wait for its h1."""
    page.locator('[data-testid="stSidebarNav"] a').filter(
        has_text=t(f"nav.{name}", lang)).first.click()
    page.wait_for_function(
        """(title) => Array.from(document.querySelectorAll('[data-testid="stMain"] h1'))
             .some(h => !h.closest('[data-stale="true"]') && h.innerText.trim() === title)""",
        arg=t(_TITLE[name], lang), timeout=30_000)
    wait_idle(page)


def _h1(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def test_language_stays_across_page_changes(english_server, page):
    """In the server's first session (where the bug was): English, as started, stays
    English at each page change; then Bahasa Indonesia, chosen in the sidebar, stays at
    each page change after it. (One session for both: a second server for the second
    half cost a server start and a cold first page.)"""
    page.goto(f"{english_server}/")
    wait_idle(page)
    assert _h1(page) == t("lead.overview.title", "en")
    english_nav = _nav(page)
    assert t("nav.delegations", "en") in english_nav

    for name in ("delegations", "funding", "overview"):
        _go(page, name, "en")
        assert exceptions(page) == [], name
        assert _h1(page) == t(_TITLE[name], "en"), name
        assert _nav(page) == english_nav, name
        assert "lang=en" in page.url, (name, page.url)

    _go(page, "delegations", "en")
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text=t("app.language", "en")).first
    box.locator("input").first.click()
    page.get_by_role("option", name="Bahasa Indonesia", exact=True).first.click()
    page.wait_for_function(
        "(title) => Array.from(document.querySelectorAll('h1'))"
        ".some(h => h.innerText.trim() === title)", arg=t("lead.deleg.title", "id"),
        timeout=30_000)
    wait_idle(page)

    for name in ("funding", "timeline", "overview"):
        _go(page, name, "id")
        assert exceptions(page) == [], name
        assert _h1(page) == t(_TITLE[name], "id"), name
        assert t(f"nav.{name}", "id") in _nav(page), name
        assert "lang=id" in page.url, (name, page.url)
