"""What a person sees in the pack and the deck is written for them (issue 17 §5): the
minutes' Markdown styled, never as raw `##` / `**`; the deck's money axis in the page's
compact money format, never `4000000000`; the agreement timeline's milestones that fall
close together on one bar drawn apart, each on its own bar."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pandas as pd
import pytest
from pptx import Presentation

from coopdash import settings, store
from coopdash.charts import leadership
from coopdash.figures import weekly
from coopdash.figures.scope import Scope
from coopdash.i18n import fmt_money
from coopdash.pack import document as pack
from coopdash.pack import markup
from coopdash.workbook import meeting_edits

MINUTES = ("## Weekly review\n\n**Decision:** extend the *MoU* with JCLAIR\n"
           "- ask for the __draft__ by Friday\n1. send the letter\nsee file_name_v2")
WEEK = weekly.Week.parse("2023-W21")


@pytest.fixture
def with_minutes(store_copy, sample_store):
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    try:
        meeting_edits.save_minutes(con, WEEK.label, MINUTES, "ana", WEEK.start)
    finally:
        con.close()
    return db


def _built(db, fmt: str, lang: str = "en"):
    con = store.connect(db, read_only=True)
    try:
        return pack.make_pack(con, WEEK, fmt, Scope.of(settings.get(), currency="IDR"), lang)[0]
    finally:
        con.close()


def test_markup_reads_headings_lists_bold_and_italic():
    lines = markup.lines(MINUTES)
    assert [(x.kind, x.text) for x in lines] == [
        ("heading", "Weekly review"), ("blank", ""),
        ("text", "Decision: extend the MoU with JCLAIR"),
        ("item", "ask for the draft by Friday"), ("number", "send the letter"),
        ("text", "see file_name_v2")]  # an underscore inside a word is not italic
    decision = lines[2].runs
    assert [(r.text, r.bold, r.italic) for r in decision] == [
        ("Decision:", True, False), (" extend the ", False, False), ("MoU", False, True),
        (" with JCLAIR", False, False)]


def test_the_pack_shows_the_minutes_styled_not_as_written(with_minutes):
    """The HTML pack (and the PDF made from it): the heading is a heading, bold is bold,
    list items are list items; no `##`, `**` or `__` is left, and text stays escaped."""
    text = _built(with_minutes, "html").decode("utf-8")
    minutes = text.split('<div class="minutes">', 1)[1].split("</div>", 1)[0]
    assert '<p class="heading h2"><strong>Weekly review</strong></p>' in minutes
    assert "<strong>Decision:</strong>" in minutes and "<em>MoU</em>" in minutes
    assert "<li>ask for the <strong>draft</strong> by Friday</li>" in minutes
    assert "<ol><li>send the letter</li></ol>" in minutes
    plain = html.unescape(re.sub(r"<[^>]+>", "", minutes))
    assert not re.search(r"##|\*\*|__", plain), plain
    assert "<script" not in pack.markup_html("**<script>alert(1)</script>**")


def test_the_deck_shows_the_minutes_styled_not_as_written(with_minutes):
    """The deck's minutes slide: runs in bold and italic, the heading larger, a bullet
    before each item; no Markdown mark left in the slide's text."""
    slides = list(Presentation(io.BytesIO(_built(with_minutes, "pptx"))).slides)
    [slide] = [s for s in slides if s.shapes.title.text.endswith(WEEK.label)
               and s.shapes.title.text != slides[0].shapes.title.text]
    runs = [r for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for r in p.runs]
    text = "".join(r.text for r in runs)
    assert "Weekly review" in text and not re.search(r"##|\*\*|__", text), text
    styled = {r.text: (bool(r.font.bold), bool(r.font.italic)) for r in runs}
    assert styled["Weekly review"] == (True, False)
    assert styled["Decision:"] == (True, False) and styled["MoU"] == (False, True)
    assert "• " in styled and "1. " in styled


def test_the_decks_money_axis_reads_like_the_page(demo_store):
    """The deck's funding chart: axis and bar labels in the compact money unit of the
    largest amount (miliar in Bahasa Indonesia, billions in English), as the page's
    money axes write it; never the raw number format `#,##0` of 4000000000."""
    con = store.connect(demo_store, read_only=True)
    try:
        amounts = con.execute("select sum(amount) from funding where currency = 'IDR' "
                              "group by source").df().iloc[:, 0]
    finally:
        con.close()
    assert amounts.max() >= 1e9  # the demo's sources hold billions of rupiah
    for lang, unit in (("id", "\u00a0M"), ("en", "B")):
        slides = list(Presentation(io.BytesIO(_built(demo_store, "pptx", lang))).slides)
        charts = [s.chart for sl in slides for s in sl.shapes if s.has_chart
                  and s.chart.chart_title.text_frame.text.endswith("(IDR)")]
        [chart] = charts
        fmt = chart.value_axis.tick_labels.number_format
        assert fmt.count(",") >= 3 + 1 and fmt.endswith(f'"{unit}"'), fmt  # ÷ 10^9
        assert fmt.startswith('"' + fmt_money(1, "IDR", lang, compact=True)[:-1] + '"')
        assert chart.plots[0].data_labels.number_format == fmt


def _timeline(milestone_days: list[str]) -> tuple:
    today = dt.date(2026, 1, 1)
    ag = pd.DataFrame({"agreement_id": ["short", "long"], "title": ["Short", "Long"],
                       "stage": ["exploration", "signed"], "partner_id": ["p1", "p2"],
                       "partner_name": ["P1", "P2"],
                       "bar_from": [pd.Timestamp("2025-03-01"), pd.Timestamp("2020-01-01")],
                       "bar_to": [pd.Timestamp("2025-03-20"), pd.Timestamp(today)],
                       "is_open_ended": [False, True]})
    kinds = ["letter", "meeting", "signing", "review"][:len(milestone_days)]
    ms = pd.DataFrame({"agreement_id": ["short"] * len(milestone_days) + ["long"],
                       "kind": [*kinds, "visit"],
                       "occurred_on": pd.to_datetime([*milestone_days, "2022-06-01"]),
                       "title": [f"M{i}" for i in range(len(milestone_days) + 1)]})
    fig = leadership.agreement_timeline_chart(ag, ms, None, "en", today)
    bars = {a: y for tr in fig.data if tr.type == "bar"
            for (a, _p), y in zip(tr.customdata, tr.y, strict=True)}
    marks = {(a, k): (x, y) for tr in fig.data if tr.type == "scatter"
             for (a, k), x, y in zip(tr.customdata, tr.x, tr.y, strict=True)}
    return bars, marks


def test_milestones_close_together_on_a_short_bar_are_drawn_apart():
    """Three milestones within a week on a bar of three weeks (a six-year chart: about a
    marker's width apart at most) get three different heights inside their own bar's
    band, earliest lowest; their dates stay as recorded; a lone milestone sits on its
    bar's middle."""
    bars, marks = _timeline(["2025-03-02", "2025-03-04", "2025-03-08"])
    short = [marks[("short", k)] for k in ("letter", "meeting", "signing")]
    assert [x for x, _ in short] == ["2025-03-02", "2025-03-04", "2025-03-08"]
    heights = [y for _, y in short]
    assert heights == sorted(heights) and len(set(heights)) == 3
    assert all(abs(y - bars["short"]) < 0.4 for y in heights)  # inside the bar (0.8 high)
    assert marks[("long", "visit")][1] == bars["long"]
    assert bars["short"] != bars["long"]


def test_only_milestones_within_a_markers_width_move():
    """On a six-year chart a marker is about 34 days wide: the two ends of a 20-day bar
    are drawn apart; milestones years apart stay on their bar's middle."""
    bars, marks = _timeline(["2025-03-01", "2025-03-20"])
    assert [marks[("short", k)][1] for k in ("letter", "meeting")] != [bars["short"]] * 2
    bars, marks = _timeline(["2020-01-01", "2025-12-01"])  # years apart: no move
    assert [marks[("short", k)][1] for k in ("letter", "meeting")] == [bars["short"]] * 2
