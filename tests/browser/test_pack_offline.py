"""The meeting pack in Chromium: the self-contained HTML draws its charts from disk with
every network request refused, and its PDF (printed by Chromium) has one page per section.
Its figures and its command line: tests/apptest/test_pack.py."""

from __future__ import annotations

import re

import pytest

from coopdash import store
from coopdash.figures.filters import Filters
from coopdash.pack import document as pack
from tests.apptest.test_pack import SECTIONS, TODAY, WEEK

pytestmark = pytest.mark.browser


@pytest.fixture
def pack_html(store_copy, demo_store, monkeypatch):
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    con = store.connect(store_copy(demo_store), read_only=False)
    try:
        yield pack.build_html(con, WEEK, Filters(), "en")
    finally:
        con.close()


def test_pack_opens_offline_in_chromium(pack_html, tmp_path, browser):
    """Opened from disk with every network request refused, the pack draws its charts."""
    path = tmp_path / "pack.html"
    path.write_text(pack_html, encoding="utf-8")
    refused = []

    def route(r):
        url = r.request.url
        if url.startswith("file://") or "://localhost" in url or "://127.0.0.1" in url:
            return r.continue_()
        refused.append(url)
        return r.abort()

    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("**/*", route)
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
        n_charts = page.locator(".js-plotly-plot").count()
        n_svgs = page.locator(".js-plotly-plot .main-svg").count()
    finally:
        context.close()
    assert refused == []
    assert n_charts >= 3 and n_svgs >= n_charts


@pytest.mark.skipif(not pack.pdf_available(), reason="no Chromium on this machine")
def test_pack_pdf_has_one_page_per_section(pack_html):
    """The PDF has one A4 landscape page per section and the week in its title."""
    pdf = pack.html_to_pdf(pack_html)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(SECTIONS)
    assert b"2026-W48" in pdf
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+84[12][.\d]*\s+59[45]", pdf)  # landscape A4
