"""The dashboard in a real Chromium, served by a real `streamlit run` over the demo store."""

from __future__ import annotations

import time

import pytest
from browser_util import (
    PAGES,
    chart_data,
    choose,
    exceptions,
    metrics,
    wait_charts,
    wait_idle,
)
from conftest import OUTPUT

pytestmark = pytest.mark.browser


def test_every_page_opens_and_is_screenshotted(server, page):
    """A newcomer opens each page by its link: no error, something drawn, a screenshot."""
    OUTPUT.mkdir(exist_ok=True)
    for name, path in PAGES.items():
        page.goto(f"{server}/{path}")
        wait_idle(page)
        assert exceptions(page) == [], name
        assert page.get_by_role("dialog").count() == 0, name  # e.g. "Page not found"
        assert page.locator("h1").count() >= 1, name
        page.screenshot(path=str(OUTPUT / f"page-{name}.png"), full_page=True)


def test_filter_changes_figures_and_chart(server, page):
    """Choosing a program kind in the sidebar changes the headline figures and a chart,
    and lands in the URL so the link reproduces the view."""
    page.goto(f"{server}/")
    wait_idle(page)
    wait_charts(page)
    before_metrics, before_charts = metrics(page), chart_data(page)
    assert before_metrics and before_charts
    choose(page, "Jenis program", "Seminar")
    wait_idle(page)
    wait_charts(page)
    after_metrics, after_charts = metrics(page), chart_data(page)
    assert after_metrics != before_metrics
    assert after_charts != before_charts
    assert "kind=seminar" in page.url
    # the link reproduces the view in a new tab
    other = page.context.new_page()
    other.goto(page.url)
    wait_idle(other)
    wait_charts(other)
    assert metrics(other) == after_metrics


def test_language_switch(server, page):
    """Switching to English turns the navigation and headings into English."""
    page.goto(f"{server}/")
    wait_idle(page)
    assert page.get_by_text("Ikhtisar").count() > 0
    choose(page, "Bahasa", "English")
    wait_idle(page)
    assert page.get_by_text("Overview").count() > 0
    assert "lang=en" in page.url
    page.screenshot(path=str(OUTPUT / "page-overview-en.png"), full_page=True)


def test_warm_page_change_shows_charts(server, page):
    """A page change after the first load draws its charts (time is in the benchmarks)."""
    page.goto(f"{server}/")
    wait_idle(page)
    start = time.monotonic()
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Pendanaan").click()
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert time.monotonic() - start < 30


def test_explorer_downloads_each_format(server, page, demo_store, tmp_path):
    """On the explorer's programs tab with a search, each export is built on request,
    downloaded by Chromium, and holds exactly the rows the screen counts."""
    import duckdb
    import openpyxl
    import pandas as pd

    con = duckdb.connect(str(demo_store), read_only=True)
    # the search looks in the program's id, title, host city, partner and agreement
    expected = sorted(r[0] for r in con.execute(
        "select p.program_id from programs p join partners pa using (partner_id) "
        "left join agreements ag on ag.agreement_id = p.agreement_id "
        "where concat_ws(' ', p.program_id, p.title, p.host_city, pa.name, ag.title) "
        "ilike '%water%'").fetchall())
    con.close()
    assert expected
    page.goto(f"{server}/explorer?tab=programs&q=water")
    wait_idle(page)
    got = {}
    for fmt in ("csv", "xlsx", "parquet"):
        page.locator(f".st-key-ex_build_{fmt} button").click()
        wait_idle(page)
        with page.expect_download() as info:
            page.locator(f".st-key-ex_dl_{fmt} button").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        got[fmt] = path
    csv = pd.read_csv(got["csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    parquet = pd.read_parquet(got["parquet"])
    book = openpyxl.load_workbook(got["xlsx"], read_only=True)
    sheet_rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert got["csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(csv.iloc[:, 0]) == expected
    assert sorted(parquet.iloc[:, 0]) == expected
    assert sorted(r[0] for r in sheet_rows[1:]) == expected
    assert len(book.worksheets) >= 2  # the sheet that states the filters
