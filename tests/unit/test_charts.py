"""Chart builders (coopdash.charts.leadership): pure functions, tested through their traces."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from coopdash.charts import axes, leadership


def test_reciprocity_chart_outbound_and_inbound_with_undated_year():
    """Undated programs land in a "No date" category after the dated years."""
    df = pd.DataFrame({"year": [2024, None, 2024], "direction": ["outbound", "outbound",
                                                                  "inbound"],
                       "n_seats": [5, 12, 3], "n_people": [4, 0, 3]})
    fig = leadership.reciprocity_chart(df, "en")
    out, inb = fig.data
    assert (out.name, inb.name) == ("Sent abroad", "Received at home")
    assert list(out.x) == ["2024", "No date"] and list(out.y) == [5, 12]
    assert list(fig.layout.xaxis.categoryarray) == ["2024", "No date"]
    assert out.customdata[0][0] == "outbound"


def test_delegation_sizes_chart_sums_directions_per_kind():
    """Seats, confirmed and attended are summed over directions, labelled, with the code
    kept in customdata for drilling."""
    df = pd.DataFrame({"program_kind": ["study_visit", "study_visit"],
                       "direction": ["outbound", "inbound"], "n_seats": [10, 0],
                       "n_confirmed": [3, 1], "n_attended": [2, 1]})
    seats, confirmed, attended = leadership.delegation_sizes_chart(df, "id").data
    assert list(seats.x) == ["Kunjungan studi"] and list(seats.y) == [10]
    assert list(confirmed.y) == [4] and list(attended.y) == [3]
    assert seats.customdata[0][0] == "study_visit"


def test_funding_mix_unknown_amount_is_not_zero():
    """A source whose lines have no converted amount shows no amount bar, not 0."""
    df = pd.DataFrame({"source": ["apbd"], "n_lines": [1], "n_converted": [0],
                       "n_unconverted": [0], "n_no_amount": [1], "amount_display": [None]})
    lines, amounts = leadership.funding_mix_chart(df, "en", "IDR").data
    assert list(lines.x) == [1]
    assert list(amounts.x) == [None]
    assert list(lines.y) == ["APBD — regional budget"]


def test_funding_stack_by_partner_carries_ids():
    df = pd.DataFrame({"partner_id": ["p1", "p1"], "partner_name": ["JCLAIR", "JCLAIR"],
                       "source": ["apbn", "partner"], "n_lines": [2, 1],
                       "n_unconverted": [0, 0], "amount_display": [1.5e6, 2.0e6]})
    fig = leadership.funding_stack_chart(df, "id", "IDR", "partner_name")
    assert [tr.name for tr in fig.data] == ["APBN — anggaran negara", "Dana mitra"]
    assert list(fig.data[0].customdata[0]) == ["p1", "apbn"]
    assert fig.data[0].orientation == "h"


def test_agreement_timeline_open_ended_exploration_and_milestones():
    """An exploration with no dates starts at its first milestone and runs to today;
    milestones are markers on the same row (two close together drawn apart on it)."""
    today = dt.date(2026, 1, 1)
    ag = pd.DataFrame({"agreement_id": ["a1"], "title": ["Kerja sama"], "stage":
                       ["exploration"], "partner_id": ["p1"], "partner_name": ["JCLAIR"],
                       "bar_from": [pd.Timestamp("2023-05-19")],
                       "bar_to": [pd.Timestamp(today)], "is_open_ended": [True]})
    ms = pd.DataFrame({"agreement_id": ["a1", "a1"], "kind": ["letter", "meeting"],
                       "occurred_on": [pd.Timestamp("2023-05-19"), pd.Timestamp("2023-05-22")],
                       "title": ["Surat", "Rapat"]})
    fig = leadership.agreement_timeline_chart(ag, ms, None, "id", today)
    bar = fig.data[0]
    assert bar.name == "Penjajakan" and list(bar.base) == ["2023-05-19"]
    days = bar.x[0] / 86_400_000
    assert days == (today - dt.date(2023, 5, 19)).days + 1
    markers = [tr for tr in fig.data if tr.type == "scatter"]
    assert sorted(tr.name for tr in markers) == ["Rapat", "Surat"]
    # on the agreement's own bar (0.8 high), and three days apart: drawn apart
    assert all(abs(tr.y[0] - bar.y[0]) < 0.4 for tr in markers)
    assert markers[0].y[0] != markers[1].y[0]


def _one_exploration(today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample case's agreement (an exploration from 19 May 2023, open to `today`)
    and its meeting of 22 May 2023."""
    ag = pd.DataFrame({"agreement_id": ["a1"], "title": ["Kerja sama"], "stage":
                       ["exploration"], "partner_id": ["p1"], "partner_name": ["JCLAIR"],
                       "bar_from": [pd.Timestamp("2023-05-19")],
                       "bar_to": [pd.Timestamp(today)], "is_open_ended": [True]})
    ms = pd.DataFrame({"agreement_id": ["a1"], "kind": ["meeting"],
                       "occurred_on": [pd.Timestamp("2023-05-22")], "title": ["Rapat"]})
    return ag, ms


@pytest.mark.parametrize(("lang", "may"), [("id", "Mei"), ("en", "May")])
def test_agreement_timeline_dates_speak_the_language(lang, may):
    """The Gantt's date axis is named in the reader's language (Plotly alone writes
    English months): the sample case's span, 19 May 2023 to 1 Jan 2024, gets a tick at
    every month start in it, named by Babel."""
    today = dt.date(2024, 1, 1)
    ag, ms = _one_exploration(today)
    fig = leadership.agreement_timeline_chart(ag, ms, None, lang, today)
    starts = pd.date_range("2023-06-01", "2024-01-01", freq="MS")
    assert len(starts) == 8  # every month start from June 2023 to January 2024
    assert list(fig.layout.xaxis.tickvals) == [d.date().isoformat() for d in starts]
    assert fig.layout.xaxis.ticktext[0] == "Jun 2023"
    mays = [axes.date_ticks(dt.date(2023, 5, 1), dt.date(2023, 9, 1), lang)[1][0]]
    assert mays == [f"{may} 2023"]


def test_date_ticks_step_up_to_years_for_long_spans():
    """Twenty years are ticked every five years and written as years."""
    values, texts = axes.date_ticks(dt.date(2010, 3, 1), dt.date(2030, 1, 1), "id")
    assert texts == ["2015", "2020", "2025", "2030"]
    assert values[0] == "2015-01-01"


def test_province_chart_ranked_with_names():
    df = pd.DataFrame({"province_code": ["32", "35"], "n_people": [5, 9],
                       "n_attended": [1, 2], "n_outbound": [1, 1]})
    fig = leadership.province_chart(df, {"32": "Jawa Barat", "35": "Jawa Timur"}, "id")
    assert list(fig.data[0].y) == ["Jawa Barat (32)", "Jawa Timur (35)"]  # largest on top


def test_labelled_table_localizes_and_keeps_missing():
    df = pd.DataFrame({"source": ["apbd"], "n_lines": [1234], "amount_display": [None]})
    out = leadership.labelled_table(df, "id", {"source": "source", "n_lines": "lines",
                                           "amount_display": "amount"},
                                codes={"source": "source"}, money="IDR")
    assert out.iloc[0].tolist() == ["APBD — anggaran daerah", "1.234", "–"]


def test_selected_values_reads_plotly_events():
    ev = {"selection": {"points": [{"customdata": ["apbd"]}, {"x": 1}]}}
    assert leadership.selected_values(ev) == [["apbd"]]
    assert leadership.selected_values(None) == []


def test_side_by_side_is_the_layout_make_subplots_makes():
    """The funding mix's two plots are laid out as plain dicts (one validation of the whole
    figure instead of plotly's per-call updates): the very layout of make_subplots."""
    from plotly.subplots import make_subplots

    made = make_subplots(rows=1, cols=2, horizontal_spacing=0.06,
                         subplot_titles=("Lines", "Amount")).to_dict()["layout"]
    made.pop("template")
    assert leadership.side_by_side("Lines", "Amount") == made


@pytest.mark.parametrize("lang", ["id", "en"])
def test_localised_layout_equals_plotlys_own_updates(lang):
    """`axes.localised` (a layout dict) gives the figure Plotly's `update_layout`,
    `update_xaxes` and `update_yaxes` give: the language's separators, and every axis (the
    second ones of a side-by-side too, the first ones of an empty layout) plain-numbered."""
    import plotly.graph_objects as go

    from coopdash.i18n import number_symbols

    for layout in ({**leadership.side_by_side("a", "b"), "height": 300}, {}):
        by_update = go.Figure({"layout": layout})
        by_update.update_layout(separators=number_symbols(lang))
        by_update.update_xaxes(exponentformat="none", separatethousands=True)
        by_update.update_yaxes(exponentformat="none", separatethousands=True)
        by_dict = go.Figure({"layout": axes.localised(layout, lang)})
        assert by_dict.to_dict() == by_update.to_dict()


@pytest.mark.parametrize("with_programs", [True, False])
def test_timeline_rows_are_the_layout_make_subplots_makes(with_programs):
    """The timeline's plots (agreements, programs per month below) as plain dicts: the
    very layout of make_subplots with shared x axes."""
    from plotly.subplots import make_subplots

    made = make_subplots(rows=2 if with_programs else 1, cols=1, shared_xaxes=True,
                         vertical_spacing=0.04,
                         row_heights=[0.8, 0.2] if with_programs else None).to_dict()["layout"]
    made.pop("template")
    assert leadership._stacked_rows(with_programs) == made


def test_marker_rows_spread_close_milestones_across_their_row():
    """Milestones within `close_days` of the one before on the same agreement are spread
    evenly across the row's bar (earliest lowest), whatever order they come in; one
    alone, an undated one and a later one stay on the row; another row is its own."""
    ms = pd.DataFrame({"agreement_id": ["a", "a", "a", "a", "b", "a", "b"],
                       "occurred_on": pd.to_datetime(["2023-05-03", "2023-05-01",
                                                      "2023-05-02", "2023-09-01",
                                                      "2023-05-01", None, "2023-05-02"])},
                      index=[10, 11, 12, 13, 14, 15, 16])
    y = leadership.marker_rows(ms, {"a": 0, "b": 5}, close_days=2)
    s = leadership.MARKER_SPREAD
    assert y.index.tolist() == [10, 11, 12, 13, 14, 15, 16]
    assert y.tolist() == [s, -s, 0.0, 0.0, 5 - s, 0.0, 5 + s]


def _every_leadership_figure(lang: str) -> dict:
    """One figure of each builder of `leadership`, from small frames of the queries'
    columns (undated years, an unconverted amount, both sides)."""
    funding = pd.DataFrame({"year": pd.array([2023, None, 2024], dtype="Int64"),
                            "program_kind": ["study_visit", "training", "study_visit"],
                            "partner_id": ["p1", "p2", "p1"],
                            "partner_name": ["JCLAIR", "JICA", "JCLAIR"],
                            "source": ["apbn", "partner", "partner"], "n_lines": [2, 1, 3],
                            "n_converted": [2, 0, 3], "n_unconverted": [0, 1, 0],
                            "n_no_amount": [0, 0, 0], "amount_display": [1.5e9, None, 2.5e6]})
    people = pd.DataFrame({"program_kind": ["study_visit", "training"],
                           "direction": ["outbound", "inbound"], "n_seats": [10, 4],
                           "n_confirmed": [3, 2], "n_attended": [2, 1], "n_people": [3, 2],
                           "year": pd.array([2024, None], dtype="Int64")})
    today = dt.date(2026, 1, 1)
    ag, ms = _one_exploration(today)
    programs = pd.DataFrame({"month_on": [pd.Timestamp("2023-06-01")], "kind": ["training"],
                             "n_programs": [2]})
    provinces = pd.DataFrame({"province_code": ["32", "35"], "n_people": [5, 9],
                              "n_attended": [1, 2], "n_outbound": [1, 1]})
    places = pd.DataFrame({"province_code": ["32"], "lat": [-6.9], "lon": [107.6],
                           "name": ["Jawa Barat"], "name_en": ["West Java"]})
    sides = pd.DataFrame({"role": ["head", "member", "member"], "position": ["Kepala", None,
                                                                             "Staf"],
                          "side": ["home", "home", "partner"], "n_people": [1, 4, 2]})
    return {
        "reciprocity": leadership.reciprocity_chart(people, lang),
        "sizes": leadership.delegation_sizes_chart(people, lang),
        "province": leadership.province_chart(provinces, {"32": "Jawa Barat"}, lang),
        "map": leadership.province_map_chart(provinces, places, lang),
        "roles": leadership.roles_chart(sides, lang),
        "positions": leadership.positions_chart(sides.fillna({"position": ""}), lang),
        "mix": leadership.funding_mix_chart(funding, lang, "IDR"),
        **{f"stack_{by}_{m}": leadership.funding_stack_chart(funding, lang, "USD", by, m)
           for by in ("year", "program_kind", "partner_name")
           for m in ("amount_display", "n_lines")},
        "timeline": leadership.agreement_timeline_chart(ag, ms, programs, lang, today),
        "timeline_compact": leadership.agreement_timeline_chart(ag, ms, None, lang, today,
                                                                compact=True),
    }


@pytest.mark.parametrize("template", ["streamlit", "plotly"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_figure_is_valid_as_built(lang, template, monkeypatch):
    """The builders' figures are not validated when built (`leadership._built`): each one,
    validated by Plotly now, is accepted and comes out unchanged. Its template is the
    default one (Streamlit's while it serves, Plotly's in the pack's command line) with
    the same layout and the same trace defaults for every trace type the figure draws,
    and none for the others (Plotly applies `template.data.<type>` to that type only)."""
    import plotly.graph_objects as go
    import plotly.io as pio
    import streamlit.elements.plotly_chart  # noqa: F401  (registers Streamlit's template)

    monkeypatch.setattr(pio.templates, "default", template)
    whole = pio.templates[template].to_plotly_json()
    assert whole["data"], "a template with trace defaults, so the test can fail"
    for name, fig in _every_leadership_figure(lang).items():
        built = fig.to_dict()
        assert go.Figure(built).to_dict() == built, name
        drawn = {tr["type"] for tr in built["data"]}
        assert built["layout"]["template"]["layout"] == whole["layout"], name
        assert built["layout"]["template"].get("data", {}) == {
            k: v for k, v in whole["data"].items() if k in drawn}, name
        fig.update_layout(width=320, template={"layout": {"colorway": ["#000000"]}})
    assert leadership._template(template, frozenset({"scatter"}))["layout"] == whole["layout"]


def _timeline_case(n: int = 15) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`n` agreements in three stages, long titles (cut in the labels), and one milestone
    of each of three kinds per agreement."""
    ids = [f"demo-ag-{i:04d}" for i in range(n)]
    stages = ["exploration", "drafting", "signed"]
    ag = pd.DataFrame({"agreement_id": ids, "title": ["Memorandum of Understanding"] * n,
                       "stage": [stages[i % 3] for i in range(n)],
                       "partner_id": ["p1"] * n, "partner_name": ["JCLAIR"] * n,
                       "bar_from": [pd.Timestamp("2023-01-01")] * n,
                       "bar_to": [pd.Timestamp("2026-01-01")] * n, "is_open_ended": [False] * n})
    kinds = ["letter", "meeting", "signing"]
    ms = pd.DataFrame({"agreement_id": [a for a in ids for _ in kinds],
                       "kind": kinds * n, "occurred_on": [pd.Timestamp("2024-03-01")] * 3 * n,
                       "title": ["x"] * 3 * n})
    return ag, ms


# Measured in Chromium on the served Overview (Plotly's own tick labels, `getBBox`): the
# width in px of texts at 12 px, and how far beyond their text the margins reach that
# Plotly's automatic margins end with (tick labels beside a y axis, a y axis title, a row
# of x tick labels below the plot)
CHROMIUM = {"150": 17.93, "Other": 29.50, "Self-funded": 58.38, "Co-funded": 53.05,
            "Partner funds": 67.92, "APBD — regional budget": 121.20,
            "APBN — national budget": 122.17, "standoff": 20.5, "title": 33, "below": 37}


def test_text_px_is_the_width_chromium_draws():
    """The charts' margins are sized from their texts' widths in Source Sans, within a
    pixel of Chromium's (a character count at a fixed em per character was 20-30 px off
    a 22-character label)."""
    for text, px in CHROMIUM.items():
        if text not in ("standoff", "title", "below"):
            assert axes.text_px(text, 12) == pytest.approx(px, abs=1), text
    assert axes.text_px("demo-ag-0012 · Memorand…", 10) == pytest.approx(121.67, abs=1)
    assert axes.text_px("Tanpa<br>tanggal", 12) == axes.text_px("tanggal", 12)
    assert axes.text_px("é", 12) == axes.text_px("e", 12) and axes.text_px("東", 12) == 12


@pytest.mark.parametrize("lang", ["id", "en"])
def test_reciprocity_margins_hold_their_texts(lang):
    """The reciprocity chart (Overview, Delegations) gets its margins at once, so Plotly
    draws it once: the left one holds the widest count tick and the axis title, the
    bottom one the year ticks, "no date" on two lines (so that it does not tilt every
    tick at a desktop's width) and the legend's row below them. Automatic margins stay
    on (a phone's tilted ticks push, never are cut)."""
    df = pd.DataFrame({"year": [2019, 2020, None, 2020], "direction": ["outbound"] * 3
                       + ["inbound"], "n_seats": [150, 186, 60, 100], "n_people": [1] * 4})
    fig = leadership.reciprocity_chart(df, lang)
    margin, legend = fig.layout.margin, fig.layout.legend
    assert margin.l >= CHROMIUM["150"] + CHROMIUM["standoff"] + CHROMIUM["title"]
    assert list(fig.layout.xaxis.ticktext)[-1] == {"id": "Tanpa<br>tanggal",
                                                   "en": "No<br>date"}[lang]
    assert list(fig.layout.xaxis.tickvals) == list(fig.layout.xaxis.categoryarray)
    plot = fig.layout.height - margin.t - margin.b
    below = -legend.y * plot  # px from the plot's bottom to the legend's top
    assert below >= CHROMIUM["below"] + 12 and below + 38 <= margin.b
    assert (legend.orientation, legend.yanchor) == ("h", "top")
    assert fig.layout.xaxis.automargin is not False and fig.layout.yaxis.automargin is not False


@pytest.mark.parametrize("lang", ["id", "en"])
def test_funding_mix_margins_hold_their_texts(lang):
    """The funding mix (Overview, Funding) gets its margins at once: the sources' names
    on the left, the ticks below; the money axis reaches far enough that its last tick's
    label ends inside the plot in the Overview's half of a desktop page."""
    df = pd.DataFrame({"source": ["apbn", "apbd", "partner"], "n_lines": [110, 84, 80],
                       "n_converted": [110, 84, 80], "n_unconverted": [0, 0, 0],
                       "n_no_amount": [0, 0, 0], "amount_display": [32.4e9, 23e9, 18.7e9]})
    fig = leadership.funding_mix_chart(df, lang, "IDR")
    margin = fig.layout.margin
    widest = {"id": "APBN — anggaran negara", "en": "APBN — national budget"}[lang]
    assert widest in fig.data[0].y
    assert margin.l >= axes.text_px(widest, 12) + CHROMIUM["standoff"]
    assert margin.b >= CHROMIUM["below"]
    start, end = fig.layout.xaxis2.range
    assert start == 0 and end >= 32.4e9 * 1.05  # the longest bar, and Plotly's 5 %
    plot = 0.47 * (462 - margin.l - margin.r)  # the money plot in the Overview's column
    # the last tick (30 billion) ends inside the plot, not in the margin (10 px)
    label = axes.text_px(fig.layout.xaxis2.ticktext[3], 12)
    assert 30e9 / end * plot + label / 2 <= plot


@pytest.mark.parametrize("compact", [False, True])
def test_timeline_margin_holds_its_row_labels(compact):
    """The row labels' margin is given at once (Plotly then draws the chart once, not
    again for automatic margins): wide enough for the longest label at Source Sans'
    measured 0.54 em per character and the theme's 8 px pad (a margin as before, 10 px,
    fails), and no wider than a phone's chart (358 px) can spare while its plot keeps
    half of it; the axis keeps `automargin`, so a wider label than foreseen pushes, not cut."""
    ag, ms = _timeline_case()
    fig = leadership.agreement_timeline_chart(ag, ms, None, "en", dt.date(2026, 1, 1),
                                              compact=compact)
    longest = max(len(text) for text in fig.layout.yaxis.ticktext)
    assert longest == 24
    size = fig.layout.yaxis.tickfont.size
    assert size == 10  # Chromium drew 'demo-ag-0012 · Memorand…' 121.7 px wide at 10 px
    assert fig.layout.margin.l >= 121.7 + CHROMIUM["standoff"]
    assert fig.layout.margin.l == axes.label_room(fig.layout.yaxis.ticktext, size)
    assert fig.layout.margin.l + fig.layout.margin.r <= 358 / 2
    assert fig.layout.yaxis.automargin is not False


def test_compact_timeline_names_the_stages_only_in_one_row_below():
    """The Overview's timeline (`compact`): the legend is the stages present, one entry
    each and no milestone kind (each marker's kind is in its hover), in one plain row
    below the date ticks; the bottom margin is given and holds it (ticks + one row), and
    the plot keeps 22 px per row. The Timeline page's chart keeps every entry."""
    ag, ms = _timeline_case()
    today = dt.date(2026, 1, 1)
    fig = leadership.agreement_timeline_chart(ag, ms, None, "en", today, compact=True)
    named = [tr.name for tr in fig.data if tr.showlegend is not False]
    assert sorted(named) == ["Drafting", "Exploration", "Signed"]
    assert all(tr.showlegend is False for tr in fig.data if tr.type == "scatter")
    assert all("%{fullData.name}" in tr.hovertemplate for tr in fig.data)
    legend, margin = fig.layout.legend, fig.layout.margin
    assert (legend.orientation, legend.yanchor, legend.traceorder) == ("h", "top", "normal")
    plot = fig.layout.height - margin.t - margin.b
    assert plot == 22 * 15
    below = -legend.y * plot  # px from the plot's bottom to the legend's top
    assert below >= 30 and below + 38 <= margin.b  # the ticks above it, one row in it
    full = leadership.agreement_timeline_chart(ag, ms, None, "en", today)
    assert sorted(tr.name for tr in full.data) == sorted(
        ["Drafting", "Exploration", "Signed", "Letter", "Meeting", "Signing"])
    assert all(tr.showlegend is not False for tr in full.data)
