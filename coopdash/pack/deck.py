"""The weekly meeting pack as an editable PowerPoint deck (python-pptx).

The same review as the page and the HTML / PDF packs (`pack.build_review`): a title slide,
the headline figures against last week, since last meeting, what happened, what is next,
what needs a decision, the minutes, and the key charts. Every chart is a NATIVE PowerPoint
chart (`CategoryChartData` + `add_chart`): its numbers live in the deck's embedded
workbook, so leadership can edit them in PowerPoint; they are the page's figures.

Tables are cut at `ROWS` rows with "… and N more" (the page keeps the whole lists). Words
follow the chosen language; money the display currency. The deck opens in LibreOffice
Impress without a repair prompt (tested by converting it to PDF).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from coopdash.charts import axes
from coopdash.charts.weekly import bucket
from coopdash.figures import meeting as meeting_figs
from coopdash.figures import weekly
from coopdash.figures.filters import Filters
from coopdash.figures.filters import describe as describe_filters
from coopdash.figures.scope import Scope
from coopdash.i18n import code_label, fmt_datetime, fmt_int, t
from coopdash.pack import markup

ROWS = 8  # table rows on one slide
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
BLUE = RGBColor(0x0B, 0x3D, 0x91)
GREY = RGBColor(0x52, 0x60, 0x6D)
NOTES_CHARS = 1400  # minutes' text on one slide (the rest is in the speaker notes)


class Deck:
    """A 16:9 deck with helpers for the slides the pack needs."""

    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT

    def title_slide(self, title: str, lines: Sequence[str]) -> None:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = lines[0] if lines else ""
        for line in lines[1:]:
            body.add_paragraph().text = line
        for p in body.paragraphs:
            for run in p.runs:
                run.font.size = Pt(16)

    def slide(self, title: str):
        """A slide with its title only (layout 'Title Only'), title in the top band."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        shape = slide.shapes.title
        shape.text = title
        shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.2), \
            WIDTH - 2 * MARGIN, Inches(0.9)
        for run in shape.text_frame.paragraphs[0].runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(28), True, BLUE
        return slide

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def _cut(text: str, width: int) -> str:
    text = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def add_text(slide, lines: Sequence[str], top, height, size: int = 14, colour=None,
             width=None) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, width or WIDTH - 2 * MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.text = line
        for run in p.runs:
            run.font.size = Pt(size)
            if colour is not None:
                run.font.color.rgb = colour


def add_markup(slide, text: str, top, height, size: int = 12, max_lines: int = 18,
               chars: int = NOTES_CHARS) -> None:
    """The minutes' Markdown as styled paragraphs (`coopdash.pack.markup`), never as
    written: headings bold, larger and blue, list items with their bullet or number,
    bold and italic runs; at most `max_lines` lines and `chars` characters."""
    box = slide.shapes.add_textbox(MARGIN, top, WIDTH - 2 * MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    shown = [line for line in markup.lines(text) if line.kind != "blank"][:max_lines]
    for i, line in enumerate(shown):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        lead = {"item": "• ", "number": f"{line.mark}. "}.get(line.kind, "")
        pieces = [markup.Run(lead), *line.runs] if lead else list(line.runs)
        chars = _add_runs(p, pieces, size, line.kind == "heading", chars)
        if chars <= 0:
            break


def _add_runs(p, pieces: Sequence[markup.Run], size: int, heading: bool, left: int) -> int:
    """Write `pieces` into paragraph `p` within `left` characters; what is left."""
    for piece in pieces:
        if left <= 0:
            break
        text = _cut(piece.text, left)
        left -= len(text)
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size + 2 if heading else size)
        run.font.bold = piece.bold or None
        run.font.italic = piece.italic or None
        if heading:
            run.font.color.rgb = BLUE
    return left


def add_table(slide, df: pd.DataFrame, lang: str, top, height=None, width=None,
              left=MARGIN, cut: int = 60) -> None:
    """A readable table (headings from the catalogue), cut at ROWS rows with a note."""
    if df.empty:
        add_text(slide, [t("weekly.nothing", lang)], top, Inches(0.4), 12, GREY)
        return
    shown = df.head(ROWS)
    heads = weekly.headers("", df.columns, lang)
    width = width or WIDTH - 2 * MARGIN
    rows = len(shown) + 1
    shape = slide.shapes.add_table(rows, len(df.columns), left, top, width,
                                   height or Inches(0.32) * rows)
    table = shape.table
    for j, col in enumerate(df.columns):
        _cell(table.cell(0, j), heads[col], 11, bold=True)
        for i, value in enumerate(shown[col].tolist(), start=1):
            _cell(table.cell(i, j), _cut(value, cut), 10)
    hidden = len(df) - len(shown)
    if hidden > 0:
        below = top + Inches(0.32) * rows + Inches(0.05)
        add_text(slide, [t("weekly.more_rows", lang, n=fmt_int(hidden, lang))], below,
                 Inches(0.3), 10, GREY)


def _cell(cell, text, size: int, bold: bool = False) -> None:
    cell.text = "" if text is None else str(text)
    for p in cell.text_frame.paragraphs:
        for run in p.runs:
            run.font.size, run.font.bold = Pt(size), bold
    cell.margin_top = cell.margin_bottom = Emu(20000)


def add_chart(slide, kind, categories: Sequence[str], series: dict[str, Sequence],
              box: tuple, title: str, number_format: str = "#,##0", labels: bool = True):
    """A native chart: `series` name -> values (None = no value, never a made-up 0)."""
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for name, values in series.items():
        data.add_series(name, [None if v is None or pd.isna(v) else v for v in values])
    chart = slide.shapes.add_chart(kind, *box, data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    if kind in (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED):
        chart.category_axis.reverse_order = True  # read top-down, in the table's order
    chart.value_axis.tick_labels.number_format = number_format  # the axis as the labels
    chart.value_axis.tick_labels.number_format_is_linked = False
    plot = chart.plots[0]
    plot.has_data_labels = labels
    if labels:
        plot.data_labels.number_format = number_format
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = Pt(10)
    return chart


def _box(left: float, top: float, width: float, height: float) -> tuple:
    return Inches(left), Inches(top), Inches(width), Inches(height)


# --- the slides --------------------------------------------------------------------------------

def slide_title(deck: Deck, review: weekly.Review, filters: Filters, lang: str,
                currency: str, made: dt.datetime) -> None:
    deck.title_slide(t("weekly.pack.title", lang, week=review.week.label), [
        review.week.describe(lang),
        t("weekly.pack.subtitle", lang, made=fmt_datetime(made, lang)),
        describe_filters(filters, lang),
        t("meeting.deck.currency", lang, currency=currency),
    ])


def figure_rows(review: weekly.Review, lang: str) -> pd.DataFrame:
    """The headline figures as the page shows them: label, this week, last week, change."""
    rows = [{"figure": weekly.heading(f"fig.{f.key}", lang), "value": int(f.value),
             "previous": int(f.previous), "delta": int(f.delta)}
            for f in review.figures.itertuples(index=False)]
    return pd.DataFrame(rows, columns=["figure", "value", "previous", "delta"])


def slide_figures(deck: Deck, review: weekly.Review, lang: str) -> None:
    slide = deck.slide(t("weekly.figures", lang))
    rows = figure_rows(review, lang)
    shown = pd.DataFrame({
        "figure": rows["figure"],
        "this_week": [fmt_int(v, lang) for v in rows["value"]],
        "last_week": [fmt_int(v, lang) for v in rows["previous"]],
        "change": [("+" if d > 0 else "") + fmt_int(d, lang) for d in rows["delta"]]})
    add_table(slide, shown, lang, Inches(1.3), width=Inches(6.3), cut=70)
    labels, series = figures_series(review, lang)
    add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, labels, series,
              _box(7.0, 1.2, 5.8, 5.9), t("meeting.deck.chart_figures", lang))


def figures_series(review: weekly.Review, lang: str) -> tuple[list[str], dict]:
    """The chart of the figures slide: every headline figure but the number of changes
    (thousands after a big import would flatten the others; the table has it)."""
    rows = figure_rows(review, lang)[review.figures["key"].to_numpy() != "n_changes"]
    return rows["figure"].tolist(), {
        t("meeting.deck.this_week", lang): rows["value"].tolist(),
        t("meeting.deck.last_week", lang): rows["previous"].tolist()}


def slide_since(deck: Deck, review: weekly.Review, lang: str) -> None:
    m = review.meeting
    slide = deck.slide(t("meeting.since", lang, week=m.last_week or "—"))
    if m.last_week is None:
        add_text(slide, [t("meeting.since_none", lang)], Inches(1.3), Inches(1), 16, GREY)
        return
    notes = m.last_notes or t("meeting.minutes_none", lang)
    add_text(slide, [t("meeting.since_minutes", lang)], Inches(1.2), Inches(0.4), 16, BLUE)
    add_markup(slide, notes, Inches(1.6), Inches(2.4), 12, max_lines=10, chars=NOTES_CHARS // 2)
    states = meeting_figs.states_text(m.last_states(), lang)
    head = (t("meeting.since_actions", lang, states=states) if len(m.last_actions)
            else t("meeting.since_no_actions", lang))
    add_text(slide, [head], Inches(4.1), Inches(0.4), 16, BLUE)
    if len(m.last_actions):
        add_table(slide, meeting_figs.meeting_action_lines(m.last_actions, lang), lang,
                  Inches(4.55))


def slide_happened(deck: Deck, review: weekly.Review, lang: str) -> None:
    h = review.happened
    slide = deck.slide(t("meeting.happened", lang))
    if h.n_events == 0:
        add_text(slide, [t("meeting.happened_none", lang)], Inches(1.3), Inches(1), 16, GREY)
        return
    lines = _happened_lines(h, lang)
    add_text(slide, lines[:14] + ([t("weekly.more_rows", lang, n=fmt_int(len(lines) - 14,
                                                                          lang))]
                                  if len(lines) > 14 else []),
             Inches(1.2), Inches(5.6), 12, width=Inches(7.7) if len(h.programs) else None)
    if len(h.programs):
        add_people_chart(slide, h, lang, _box(8.4, 1.2, 4.5, 5.0))
    add_text(slide, [t("meeting.deck.dates_note", lang)], Inches(6.8), Inches(0.5), 9, GREY)


def _happened_lines(h: meeting_figs.Happened, lang: str) -> list[str]:
    """One line per event: `22 May 2023 · Held · Meeting title — people per side`."""
    out = []
    for r in meeting_figs.program_lines(h.programs, lang).itertuples(index=False):
        out.append(f"{r.when} · {r.event} · {_cut(r.program, 70)} — "
                   f"{t('weekly.col.home', lang)}: {r.home}; "
                   f"{t('weekly.col.partner_side', lang)}: {r.partner_side}")
    for r in meeting_figs.milestone_lines(h.milestones, lang).itertuples(index=False):
        ref = f" ({r.reference})" if r.reference else ""
        out.append(f"{r.when} · {r.kind} · {_cut(r.title, 90)}{ref}")
    for r in meeting_figs.agreement_lines(h.agreements, lang).itertuples(index=False):
        out.append(f"{r.when} · {r.event} · {_cut(r.agreement, 90)}")
    for r in meeting_figs.happened_action_lines(h.actions, lang).itertuples(index=False):
        out.append(f"{r.when} · {t('meeting.deck.action', lang)} {r.event.lower()} · "
                   f"{_cut(r.title, 80)} ({r.owner})")
    return out


def people_series(h: meeting_figs.Happened, lang: str) -> tuple[list[str], dict]:
    people = h.people()
    sides = [code_label("side", s, lang) for s in people["side"]]
    return sides, {t("meeting.seats", lang): people["seats"].tolist(),
                   t("meeting.confirmed", lang): people["confirmed"].tolist(),
                   t("meeting.attended", lang): people["attended"].tolist()}


def add_people_chart(slide, h: meeting_figs.Happened, lang: str, box: tuple) -> None:
    sides, series = people_series(h, lang)
    add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, sides, series, box,
              t("meeting.chart_people", lang))


def slide_next(deck: Deck, review: weekly.Review, lang: str) -> None:
    slide = deck.slide(t("weekly.next", lang))
    lines = weekly.upcoming_lines(review.upcoming, lang)
    add_text(slide, [weekly.heading("next_all", lang)], Inches(1.15), Inches(0.4), 14, BLUE)
    add_table(slide, lines[["when", "event", "program", "status", "home", "partner_side",
                            "ready"]].head(6), lang, Inches(1.55), cut=45)
    if len(lines) > 6:
        add_text(slide, [t("weekly.more_rows", lang, n=fmt_int(len(lines) - 6, lang))],
                 Inches(4.55), Inches(0.3), 10, GREY)
    add_text(slide, [weekly.heading("expiring", lang)], Inches(5.0), Inches(0.4), 14, BLUE)
    exp = weekly.expiring_lines(review.expiring, lang)
    _short_table(slide, exp, lang, Inches(5.4))


def _short_table(slide, df: pd.DataFrame, lang: str, top) -> None:
    """A table of at most three rows (the bottom of a slide), with "… and N more"."""
    if len(df) > 3:
        add_table(slide, df.head(3), lang, top)
        add_text(slide, [t("weekly.more_rows", lang, n=fmt_int(len(df) - 3, lang))],
                 top + Inches(1.35), Inches(0.3), 10, GREY)
    else:
        add_table(slide, df, lang, top)


def slide_decisions(deck: Deck, review: weekly.Review, lang: str) -> None:
    slide = deck.slide(t("weekly.decisions", lang))
    add_text(slide, [t("weekly.actions_due", lang)], Inches(1.15), Inches(0.4), 14, BLUE)
    add_table(slide, weekly.action_lines(review.actions_due, lang).head(6), lang,
              Inches(1.55), cut=40)
    if len(review.actions_due) > 6:
        add_text(slide, [t("weekly.more_rows", lang,
                           n=fmt_int(len(review.actions_due) - 6, lang))],
                 Inches(4.55), Inches(0.3), 10, GREY)
    add_text(slide, [weekly.heading("stale", lang) + " · " + t("weekly.late", lang)],
             Inches(5.0), Inches(0.4), 14, BLUE)
    stale = weekly.stale_lines(review.stale, lang).rename(columns={"last": "starts"})
    late = weekly.late_lines(review.late, lang)
    both = pd.concat([stale[["agreement", "partner", "days"]].rename(
        columns={"agreement": "title"}), late[["program", "partner", "days"]].rename(
        columns={"program": "title"})], ignore_index=True)
    _short_table(slide, both, lang, Inches(5.4))


def slide_minutes(deck: Deck, review: weekly.Review, lang: str) -> None:
    m = review.meeting
    slide = deck.slide(f"{t('meeting.minutes', lang)} · {m.week}")
    notes = m.notes or t("meeting.minutes_none", lang)
    add_markup(slide, notes, Inches(1.2), Inches(3.6), 12)
    by = meeting_figs.recorded_text(m.minutes, lang)
    if by:
        add_text(slide, [by], Inches(4.8), Inches(0.3), 10, GREY)
    if len(m.created):
        add_text(slide, [t("meeting.minutes_created", lang)], Inches(5.15), Inches(0.4), 14,
                 BLUE)
        _short_table(slide, meeting_figs.meeting_action_lines(m.created, lang), lang,
                     Inches(5.55))
    if m.notes:
        slide.notes_slide.notes_text_frame.text = m.notes  # the whole text, editable


def slide_charts(deck: Deck, review: weekly.Review, lang: str, currency: str) -> None:
    """Two slides of two charts each (a chart needs room for its labels)."""
    slide = deck.slide(t("weekly.charts", lang))
    changes_chart(slide, review, lang, _box(0.4, 1.2, 6.2, 6.0))
    actions_chart(slide, review, lang, _box(6.8, 1.2, 6.1, 6.0))
    slide = deck.slide(t("weekly.charts", lang))
    readiness_chart(slide, review, lang, _box(0.4, 1.2, 6.2, 6.0))
    frames = review.extra.get("leadership_frames", {})
    if "funding_by_source" in frames:
        funding_chart(slide, frames["funding_by_source"], lang, currency,
                      _box(6.8, 1.2, 6.1, 6.0))


def changes_series(review: weekly.Review, lang: str) -> tuple[list[str], dict]:
    s = review.summary
    tables = [weekly.table_label(x, lang) for x in s["table_name"]]
    return tables, {t(f"weekly.change.{c}", lang): s[f"n_{c}"].astype(int).tolist()
                    for c in ("added", "changed", "removed")}


def changes_chart(slide, review: weekly.Review, lang: str, box: tuple) -> None:
    tables, series = changes_series(review, lang)
    if not tables:
        tables, series = [t("weekly.nothing", lang)], {k: [0] for k in series}
    add_chart(slide, XL_CHART_TYPE.BAR_STACKED, tables, series, box,
              t("weekly.chart.changes", lang))


BUCKETS = ("overdue", "week", "later", "none")


def actions_series(review: weekly.Review, lang: str) -> tuple[list[str], dict]:
    """Open follow-ups by when they are due (the HTML pack's chart, same buckets)."""
    found = [bucket(d, review.ref, review.week.end) for d in review.actions["due_on"]]
    return ([t(f"weekly.chart.bucket_{b}", lang) for b in BUCKETS],
            {t("weekly.chart.n_actions", lang): [found.count(b) for b in BUCKETS]})


def actions_chart(slide, review: weekly.Review, lang: str, box: tuple) -> None:
    labels, series = actions_series(review, lang)
    add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, labels, series, box,
              t("weekly.chart.actions", lang))


def readiness_series(review: weekly.Review, lang: str, n: int = 8) -> tuple[list[str], dict]:
    """Seats planned against people confirmed for the first `n` programs coming up."""
    up = review.upcoming.head(n)
    return ([_cut(x, 28) for x in up["title"]],
            {t("weekly.chart.seats", lang): up["seats_planned"].tolist(),
             t("weekly.chart.confirmed", lang): up["n_confirmed"].astype(int).tolist()})


def readiness_chart(slide, review: weekly.Review, lang: str, box: tuple) -> None:
    names, series = readiness_series(review, lang)
    if not names:
        names, series = [t("weekly.nothing", lang)], {k: [None] for k in series}
    add_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, names, series, box,
              t("weekly.chart.readiness", lang))


def funding_chart(slide, df: pd.DataFrame, lang: str, currency: str, box: tuple) -> None:
    """Converted amount per funding source in the display currency (a source with no
    converted amount has no bar, never a zero)."""
    labels = [code_label("source", s, lang) for s in df["source"]]
    amounts = [None if pd.isna(v) else round(float(v), 2) for v in df["amount_display"]]
    add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, labels or [t("weekly.nothing", lang)],
              {t("lead.common.amount", lang, currency=currency): amounts or [None]}, box,
              t("weekly.chart.funding", lang) + f" ({currency})",
              number_format=axes.money_number_format(amounts, currency, lang))


# --- the deck ---------------------------------------------------------------------------------

def render(review: weekly.Review, scope: Scope, lang: str,
           made: dt.datetime | None = None) -> bytes:
    """The whole deck of `review`, computed in `scope` (its filters and display currency
    on the title slide), as .pptx bytes."""
    made = made or dt.datetime.now().replace(microsecond=0)
    deck = Deck()
    slide_title(deck, review, scope.filters, lang, scope.currency, made)
    slide_figures(deck, review, lang)
    slide_since(deck, review, lang)
    slide_happened(deck, review, lang)
    slide_next(deck, review, lang)
    slide_decisions(deck, review, lang)
    slide_minutes(deck, review, lang)
    slide_charts(deck, review, lang, scope.currency)
    return deck.save()

