"""The leadership pages on a phone (390×844, issue 20 §6), in a real Chromium: every
chart's plot area keeps at least half the chart's width and no text of a chart (bar
values, tick labels, legend) is drawn outside the chart or squeezed below legibility."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from browser_util import PAGES, dump, wait_charts, wait_idle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Per chart: its width (the .main-svg), the horizontal extent its plot areas cover (the
# union of Plotly's drag layers, one per subplot), and every text drawn in it (bar value
# labels, tick labels, legend entries, titles) with its box relative to the chart.
_MEASURE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => {
    const svg = el.querySelector('.main-svg').getBoundingClientRect();
    const spans = Array.from(el.querySelectorAll('.nsewdrag')).map(r => {
        const b = r.getBoundingClientRect(); return [b.left, b.right]; })
        .sort((a, b) => a[0] - b[0]);
    let covered = 0, end = -Infinity;
    for (const [l, r] of spans) {
        if (r > end) { covered += r - Math.max(l, end); end = r; }
    }
    const texts = Array.from(el.querySelectorAll(
        '.bartext, .xtick text, .ytick text, .legendtext, .gtitle, .annotation-text'))
        .filter(n => n.textContent.trim() && n.getBoundingClientRect().height > 0
                     && getComputedStyle(n).visibility !== 'hidden'
                     && getComputedStyle(n).display !== 'none')
        .map(n => { const b = n.getBoundingClientRect();
                    return {text: n.textContent, left: b.left - svg.left,
                            right: b.right - svg.left, top: b.top - svg.top,
                            bottom: b.bottom - svg.top, height: b.height}; });
    return {title: (el.closest('[data-testid="stPlotlyChart"]') || el).getAttribute('id'),
            width: svg.width, height: svg.height, cartesian: spans.length > 0,
            plot: covered, texts};
})"""

MIN_TEXT_PX = 8  # a bar value label Plotly shrank to fit a thin bar is unreadable


def _problems(chart: dict) -> list[str]:
    out = []
    if chart["cartesian"] and chart["plot"] < chart["width"] / 2:
        out.append(f"plot area {chart['plot']:.0f} px of {chart['width']:.0f} px")
    for tx in chart["texts"]:
        if tx["left"] < -1 or tx["right"] > chart["width"] + 1:
            out.append(f"clipped at the side: {tx['text']!r} "
                       f"[{tx['left']:.0f}, {tx['right']:.0f}]")
        if tx["top"] < -1 or tx["bottom"] > chart["height"] + 1:
            out.append(f"clipped at the top/bottom: {tx['text']!r}")
        if tx["height"] < MIN_TEXT_PX:
            out.append(f"{tx['height']:.0f} px high: {tx['text']!r}")
    return out


@contextmanager
def _drawn(browser, url: str, **context_options) -> Iterator:
    """A page of a new browser context (`context_options`: its viewport, device) at `url`,
    every chart drawn; nothing may leave for another host."""
    context = browser.new_context(**context_options)
    context.route(lambda url: not url.startswith(("http://127.0.0.1", "data:", "blob:")),
                  lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(url)
        wait_idle(page, 120)
        wait_charts(page, 120)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("name", ["overview", "delegations", "funding", "timeline"])
def test_charts_fit_a_phone(server, browser, name):
    with _drawn(browser, f"{server}/{PAGES[name]}", viewport=PHONE, device_scale_factor=1,
                is_mobile=True, has_touch=True) as page:
        charts = page.evaluate(_MEASURE)
    assert any(c["cartesian"] for c in charts), name
    found = {f"{name} chart {i}": p for i, c in enumerate(charts) if (p := _problems(c))}
    assert not found, dump(found)


# Each Overview chart as Plotly laid it out: the margins it was given and those it ended
# with (larger when a label or the legend pushed them: a second draw)
_MARGINS = """() => Object.fromEntries(['ov_recip', 'ov_funding', 'ov_timeline'].map(key => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    const given = gd.layout.margin, size = gd._fullLayout._size;
    return [key, {given: [given.l, given.r, given.t, given.b],
                  drawn: [size.l, size.r, size.t, size.b]}];
}))"""


def test_overview_fits_a_desktop_and_its_charts_keep_their_margins(server, browser):
    """At a desktop's width (1400 px) no text of the Overview's charts is cut, and each
    chart (reciprocity, funding mix, agreements' timeline) is drawn in the margins its
    builder gave it (tick labels, axis titles and legends fit them): Plotly did not draw
    it again for automatic margins (issue 22 §1). The phone's width is
    test_charts_fit_a_phone's."""
    with _drawn(browser, f"{server}/", viewport={"width": 1400, "height": 1000}) as page:
        charts = page.evaluate(_MEASURE)
        margins = page.evaluate(_MARGINS)
    assert len(charts) == 3
    found = {f"overview chart {i}": p for i, c in enumerate(charts) if (p := _problems(c))}
    assert not found, dump(found)
    pushed = {key: m for key, m in margins.items() if m["drawn"] != m["given"]}
    assert not pushed, margins
