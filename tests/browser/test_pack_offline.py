"""The meeting pack in Chromium: the self-contained HTML (charts as inline SVG, no script)
shows every chart from disk with every network request refused, and its PDF (printed by
Chromium) has one page per section.
Its figures and its command line: tests/apptest/test_pack.py."""

from __future__ import annotations

import re
import shutil

import pytest

from coopdash import settings, store
from coopdash.figures.scope import Scope
from coopdash.i18n import t
from coopdash.pack import document as pack
from tests.apptest.test_pack import SECTIONS, TODAY, WEEK

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pack_html(demo_store, tmp_path_factory):
    """The demo week's pack, built once for this file's tests (neither changes it: the
    second test printed a second build of the same pack)."""
    db = tmp_path_factory.mktemp("pack") / "demo.duckdb"
    shutil.copy(demo_store, db)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COOPDASH_TODAY", TODAY.isoformat())
        for name in ("COOPDASH_ROLE", "COOPDASH_LANG", "COOPDASH_CURRENCY"):
            env.delenv(name, raising=False)
        con = store.connect(db, read_only=False)
        try:
            return pack.build_html(con, WEEK, Scope.of(settings.get()), "en")
        finally:
            con.close()


MAX_BYTES = 600_000  # the demo week's pack: about 125 kB (4.9 MB with plotly.js inside)
N_CHARTS = 6  # the cover's two, the readiness chart and three leadership charts


def test_pack_opens_offline_in_chromium(pack_html, tmp_path, browser):
    """The pack carries no script and no plotly.js (a few hundred kB, not 4.9 MB); opened
    from disk with every network request refused, every chart is drawn: an SVG of the
    chart's size with its bars, axes and title on it."""
    assert len(pack_html.encode("utf-8")) < MAX_BYTES, len(pack_html)
    assert "<script" not in pack_html.lower()
    path = tmp_path / "pack.html"
    path.write_text(pack_html, encoding="utf-8")
    refused = []

    def route(r):
        url = r.request.url
        if url.startswith("file://"):
            return r.continue_()
        refused.append(url)
        return r.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.route("**/*", route)
        page.goto(path.as_uri())
        charts = page.evaluate("""() => Array.from(document.querySelectorAll('.chart'))
            .map(c => {
              const svg = c.querySelector('svg.main-svg');
              const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
              return {width: box.width, height: box.height,
                      marks: c.querySelectorAll('.trace .point path, .trace path.bar, '
                                                + '.slice path').length,
                      ticks: c.querySelectorAll('.xtick text, .ytick text').length,
                      title: (c.querySelector('.gtitle') || {}).textContent || ''};
            })""")
    finally:
        context.close()
    assert refused == []
    assert len(charts) == N_CHARTS, charts
    width, height = pack.CHART_SIZE
    for chart in charts:
        assert (chart["width"], chart["height"]) == (width, height), chart
        assert chart["ticks"] > 0, chart
    drawn = [c for c in charts if c["marks"] > 0]
    assert len(drawn) >= N_CHARTS - 1, charts  # the quiet week's changes chart may be empty
    assert {c["title"] for c in charts} >= {t("weekly.chart.reciprocity", "en"),
                                            t("weekly.chart.funding", "en")}


@pytest.mark.skipif(not pack.pdf_available(), reason="no Chromium on this machine")
def test_pack_pdf_has_one_page_per_section(pack_html):
    """The PDF has one A4 landscape page per section and the week in its title."""
    pdf = pack.html_to_pdf(pack_html)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(SECTIONS)
    assert b"2026-W48" in pdf
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+84[12][.\d]*\s+59[45]", pdf)  # landscape A4
