"""Chart builders and table shapers for the leadership pages (and the meeting pack).

Every function here is pure: a small, already aggregated DataFrame (from `queries/`) and
the language in, a `plotly.graph_objects.Figure` (or a display DataFrame) out. No
Streamlit, no session state, no I/O. Code labels come from the catalogue
(`code_label`), numbers, money and dates from the Babel helpers.

Selections: every bar or marker carries the codes it stands for in `customdata`, so a
page can turn a chart selection into explorer filters with `selected_values(event)`.

Stable names (the weekly review imports them): `reciprocity_chart`,
`delegation_sizes_chart`, `province_chart`, `province_map_chart`, `roles_chart`,
`positions_chart`, `funding_mix_chart`, `funding_stack_chart`, `agreement_timeline_chart`,
and the table shapers `*_table`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from coopdash.charts.axes import date_axis, label_room, localised, money_axis, text_px
from coopdash.i18n import code_label, fmt_date, fmt_int, fmt_money, fmt_month, fmt_number, t

# Fixed colours, so a code has the same colour on every chart and in the meeting pack.
STAGE_COLOURS = {
    "exploration": "#9ecae1", "drafting": "#6baed6", "approval": "#4292c6",
    "signed": "#74c476", "active": "#31a354", "extended": "#006d2c",
    "expired": "#bdbdbd", "terminated": "#e6550d",
}
SOURCE_COLOURS = {
    "apbn": "#1f77b4", "apbd": "#2ca02c", "partner": "#ff7f0e",
    "self_funded": "#9467bd", "co_funded": "#17becf", "other": "#7f7f7f",
}
DIRECTION_COLOURS = {"outbound": "#d62728", "inbound": "#1f77b4", "other": "#bdbdbd"}
SIDE_COLOURS = {"home": "#d62728", "partner": "#1f77b4"}
MEASURE_COLOURS = {"n_seats": "#c6dbef", "n_confirmed": "#6baed6", "n_attended": "#08519c"}
MILESTONE_SYMBOLS = {
    "letter": "square", "meeting": "circle", "signing": "star", "extension": "diamond",
    "review": "triangle-up", "visit": "hexagon", "other": "x",
}
# Laid out for every width, so the server need not know the screen's (a phone is 390 px):
# the legend below the plot, never beside it; a bar value label too small to read in a
# thin bar is left out (the value stays in the hover) rather than shrunk to a few pixels.
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "legend": {"orientation": "h",
           "y": -0.15}, "dragmode": False, "hovermode": "closest",
           "uniformtext": {"minsize": 8, "mode": "hide"}}


def _built(traces: list[dict], lang: str, **layout: Any) -> go.Figure:
    """The figure of `traces` (trace dicts) and `layout` (over `_LAYOUT`), its numbers
    in `lang` (`localised`), as one dict. Plotly's `add_*` and `update_*` validate and
    merge on every call, about eight times the work; and the dict is not validated
    either (`_validate=False`: half of a figure's construction): the builders write only
    plain lists, numbers and texts under properties Plotly knows, which
    `tests/unit/test_charts.py` proves for every builder by validating its figure and
    finding it unchanged. The default template is still set."""
    template = _template(pio.templates.default, frozenset(tr["type"] for tr in traces))
    return go.Figure({"data": traces, "layout": localised(
        {**_LAYOUT, "template": template, **layout}, lang)}, _validate=False)


@functools.cache
def _template(name: str | None, types: frozenset[str]) -> dict | None:
    """The default template (`name`: Streamlit's own while it serves the page) as a dict,
    holding only what can apply to traces of `types`: its layout, and its trace defaults
    for those types (Plotly applies `template.data.<type>` to traces of that type alone).
    Streamlit's template has defaults for ten trace types these charts never draw, a
    quarter of each chart's JSON, copied and serialised on every run."""
    if not isinstance(name, str):  # none, or a template object: Plotly sets it itself
        return None
    whole = pio.templates[name].to_plotly_json()
    data = {k: v for k, v in whole.pop("data", {}).items() if k in types}
    return {**whole, "data": data} if data else whole


def _bar(**trace: Any) -> dict:
    return {"type": "bar", **trace}


def _ints(values, lang: str) -> list[str]:
    return [fmt_int(v, lang) for v in values]


def _year_label(year, lang: str) -> str:
    return t("lead.common.no_date", lang) if pd.isna(year) else str(int(year))


def _years(df: pd.DataFrame, lang: str) -> list[str]:
    """Category order for a `year` column: dated years ascending, then "no date"."""
    dated = sorted({int(y) for y in df["year"] if not pd.isna(y)})
    labels = [str(y) for y in dated]
    if df["year"].isna().any():
        labels.append(t("lead.common.no_date", lang))
    return labels


def selected_values(event: Any) -> list[list[Any]]:
    """The `customdata` of every point selected in a `st.plotly_chart(on_select=...)`
    event (a dict-like); an empty list when nothing is selected. A chart drawn without
    `on_select` gives no event (None)."""
    if event is None:
        return []
    out = []
    for p in event["selection"]["points"]:
        data = p.get("customdata")
        if data is not None:
            out.append(list(data) if isinstance(data, list | tuple) else [data])
    return out


# --- delegations -----------------------------------------------------------------------

def reciprocity_chart(df: pd.DataFrame, lang: str, measure: str = "n_seats") -> go.Figure:
    """Outbound against inbound per program start year (grouped bars).

    `df`: queries/delegations_reciprocity.sql (year, direction, n_seats, n_people).
    customdata: [direction, year label].
    """
    order = _years(df, lang) if len(df) else []
    traces = []
    for direction in ("outbound", "inbound"):
        rows = df[df["direction"] == direction]
        x = [_year_label(y, lang) for y in rows["year"]]
        traces.append(_bar(x=x, y=rows[measure].tolist(),
                           name=t(f"lead.common.{direction}", lang),
                           marker={"color": DIRECTION_COLOURS[direction]},
                           text=_ints(rows[measure], lang),
                           customdata=[[direction, v] for v in x],
                           hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>"))
    top = max(df[measure].max() if len(df) else 0, 0)
    margin = {**_LAYOUT["margin"], "l": label_room([fmt_int(top * 1.05, lang)], _TICK_PX)
              + _AXIS_TITLE_PX}
    two_lines = [label.replace(" ", "<br>", 1) for label in order]
    below = _BELOW_PLOT_PX + _LINE_PX * any("<br>" in label for label in two_lines)
    return _built(traces, lang, barmode="group", height=_RECIPROCITY_PX, margin=margin,
                  legend=_legend_below(_RECIPROCITY_PX, margin, below),
                  xaxis={"type": "category", "categoryorder": "array", "categoryarray": order,
                         "tickmode": "array", "tickvals": order, "ticktext": two_lines},
                  yaxis={"title": {"text": t(f"lead.col.{measure[2:]}", lang)}})


# Margins given at once, sized from what sits in them (`axes.label_room`), so that Plotly
# draws a chart once instead of again for automatic margins (issue 22 §1); every axis
# keeps `automargin`: a label wider than foreseen (a phone's rotated ticks, a legend that
# wraps) pushes its margin, never is cut.
_TICK_PX = 12  # the theme's tick labels (font size)
_LINE_PX = 16  # one more line of 12 px tick labels
_AXIS_TITLE_PX = 34  # a y axis title beside its tick labels: standoff, 14 px text (33 measured)
_RECIPROCITY_PX = 450  # the reciprocity chart's height (Streamlit's default for a chart)


def _legend_below(height: int, margin: dict, ticks_px: int) -> dict[str, Any]:
    """A legend on one row below the x axis's tick labels (`ticks_px` high), in a bottom
    margin given at once (`margin["b"]` set) for a chart `height` px high."""
    margin["b"] = ticks_px + _LEGEND_ROW_PX
    plot = height - margin["t"] - margin["b"]
    return {"orientation": "h", "y": -ticks_px / plot, "yanchor": "top", "x": 0}


def delegation_sizes_chart(df: pd.DataFrame, lang: str) -> go.Figure:
    """Seats planned vs people confirmed vs attended, per program kind (grouped bars).

    `df`: queries/delegations_by_kind.sql (several directions per kind are summed).
    customdata: [program kind].
    """
    per_kind = df.groupby("program_kind", as_index=False)[
        ["n_seats", "n_confirmed", "n_attended"]].sum() if len(df) else df
    labels = [code_label("program_kind", k, lang) for k in per_kind.get("program_kind", [])]
    traces = []
    for measure in ("n_seats", "n_confirmed", "n_attended"):
        values = per_kind[measure].tolist() if len(df) else []
        traces.append(_bar(x=labels, y=values, name=t(f"lead.col.{measure[2:]}", lang),
                           marker={"color": MEASURE_COLOURS[measure]}, text=_ints(values, lang),
                           customdata=[[k] for k in per_kind.get("program_kind", [])],
                           hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>"))
    return _built(traces, lang, barmode="group")


def province_chart(df: pd.DataFrame, names: Mapping[str, str], lang: str, top: int = 20
                   ) -> go.Figure:
    """Home participants per province, ranked (horizontal bars, the largest on top).

    `df`: queries/delegations_provinces.sql. customdata: [province code].
    """
    rows = df.sort_values("n_people", ascending=False).head(top).iloc[::-1]
    labels = [f"{names.get(c, c)} ({c})" for c in rows["province_code"]]
    bar = _bar(y=labels, x=rows["n_people"].tolist(), orientation="h",
               marker={"color": DIRECTION_COLOURS["outbound"]},
               text=_ints(rows["n_people"], lang),
               customdata=[[c] for c in rows["province_code"]],
               name=t("lead.col.people", lang), hovertemplate="%{y}: %{text}<extra></extra>")
    return _built([bar], lang, height=max(300, 22 * len(rows) + 80), showlegend=False)


def province_map_chart(df: pd.DataFrame, provinces: pd.DataFrame, lang: str) -> go.Figure:
    """Home participants on province centroids (bubble map, Indonesia only).

    `provinces`: data/reference/provinces.csv (province_code, name, name_en, lat, lon).
    customdata: [province code].
    """
    rows = df.merge(provinces, on="province_code", how="inner")
    name_col = "name" if lang == "id" else "name_en"
    biggest = max(int(rows["n_people"].max()), 1) if len(rows) else 1
    bubbles = {"type": "scattergeo", "lat": rows["lat"].tolist(), "lon": rows["lon"].tolist(),
               "text": [f"{n}: {fmt_int(v, lang)}" for n, v in
                        zip(rows[name_col], rows["n_people"], strict=True)],
               "customdata": [[c] for c in rows["province_code"]],
               "marker": {"size": [6 + 34 * (v / biggest) ** 0.5 for v in rows["n_people"]],
                          "color": DIRECTION_COLOURS["outbound"], "opacity": 0.6},
               "hovertemplate": "%{text}<extra></extra>"}
    # scope and resolution name the base map file plotly.js loads (asia_50m.json, shipped
    # in static/topojson/ and served by the app: never Plotly's CDN)
    geo = {"scope": "asia", "resolution": 50, "lataxis": {"range": [-11.5, 6.5]},
           "lonaxis": {"range": [94, 142]}, "showcountries": True, "showland": True,
           "landcolor": "#f2f2f2", "projection": {"type": "mercator"}}
    return _built([bubbles], lang, height=380, showlegend=False, geo=geo)


def _stacked_by_side(df: pd.DataFrame, cat: str, labeller: Callable[[str], str], lang: str,
                     horizontal: bool) -> go.Figure:
    totals = df.groupby(cat)["n_people"].sum().sort_values(ascending=horizontal)
    traces = []
    for side in ("home", "partner"):
        counts = df[df["side"] == side].set_index(cat)["n_people"]
        cats = [labeller(c) for c in totals.index]
        values = counts.reindex(totals.index).fillna(0).astype(int).tolist()
        xy = {"y": cats, "x": values, "orientation": "h"} if horizontal else {"x": cats,
                                                                             "y": values}
        traces.append(_bar(**xy, name=code_label("side", side, lang),
                           marker={"color": SIDE_COLOURS[side]}, text=_ints(values, lang),
                           customdata=[[c, side] for c in totals.index],
                           hovertemplate="%{text}<extra>%{fullData.name}</extra>"))
    return _built(traces, lang, barmode="stack", height=max(300, 24 * len(totals) + 80))


def roles_chart(df: pd.DataFrame, lang: str) -> go.Figure:
    """People per role, stacked by side. `df`: queries/delegations_roles.sql.
    customdata: [role, side]."""
    return _stacked_by_side(df, "role", lambda c: code_label("role", c, lang), lang, False)


def positions_chart(df: pd.DataFrame, lang: str) -> go.Figure:
    """The most frequent positions, stacked by side (horizontal).
    `df`: queries/delegations_positions.sql. customdata: [position, side]."""
    return _stacked_by_side(df, "position", lambda c: c or t("common.none", lang), lang, True)


# --- funding -----------------------------------------------------------------------------

def funding_mix_chart(df: pd.DataFrame, lang: str, currency: str) -> go.Figure:
    """The source mix side by side: number of lines, and converted amount.

    `df`: queries/funding_by_source.sql. A source whose lines have no converted amount
    shows no amount bar (never a zero). customdata: [source].
    """
    rows = df.sort_values("n_lines")
    labels = [code_label("source", s, lang) for s in rows["source"]]
    shared = {"y": labels, "orientation": "h", "customdata": [[s] for s in rows["source"]],
              "marker": {"color": [SOURCE_COLOURS.get(s, "#7f7f7f") for s in rows["source"]]},
              "hovertemplate": "%{y}: %{text}<extra></extra>"}
    amounts = [None if pd.isna(v) else float(v) for v in rows["amount_display"]]
    lines = _bar(**shared, x=rows["n_lines"].tolist(), text=_ints(rows["n_lines"], lang),
                 xaxis="x", yaxis="y")
    money = _bar(**shared, x=amounts, xaxis="x2", yaxis="y2",
                 text=[fmt_money(v, currency, lang, compact=True) if v is not None
                       else t("common.unconverted", lang) if u else "–"
                       for v, u in zip(amounts, rows["n_unconverted"], strict=True)])
    grid = side_by_side(t("lead.common.by_lines", lang),
                        t("lead.common.amount", lang, currency=currency))
    ticks = money_axis(amounts, currency, lang)
    margin = {**_LAYOUT["margin"], "l": label_room(labels, _TICK_PX), "b": _BELOW_PLOT_PX}
    top = max((v for v in amounts if v is not None), default=0.0) * _BAR_ROOM
    if top:  # the money plot in the Overview's column
        plot_px = 0.47 * (_HALF_PX - margin["l"] - margin["r"])
        ticks["range"] = [0, _room_for_last_tick(ticks, top, plot_px)]
    grid["xaxis2"].update(ticks)
    grid["yaxis2"]["showticklabels"] = False
    return _built([lines, money], lang, **grid, showlegend=False, margin=margin,
                  height=max(260, 40 * len(df) + 100))


_HALF_PX = 462  # a chart in half a desktop's page (the Overview's columns at 1400 px)
_BAR_ROOM = 1.05  # a value axis reaches 5 % beyond the longest bar (as Plotly's autorange)


def _room_for_last_tick(axis: dict, top: float, plot_px: float) -> float:
    """The end of a value `axis` (explicit ticks) that reaches `top` across `plot_px`,
    moved out so that the last tick's label ends inside the plot: a label beyond it
    would push the right margin (by the label's overflow and Plotly's pad, up to 12 px:
    a second draw). A narrower plot (a phone's) still pushes, never cuts."""
    shown = [(v, text) for v, text in zip(axis["tickvals"], axis["ticktext"], strict=True)
             if 0 < v <= top]
    if not shown:
        return top
    value, text = shown[-1]
    half = text_px(text, _TICK_PX) / 2 + 1
    return max(top, value / (1 - half / plot_px)) if half < plot_px else top


def side_by_side(left: str, right: str) -> dict[str, Any]:
    """Two plots side by side, titled: the layout `make_subplots(rows=1, cols=2,
    horizontal_spacing=0.06, subplot_titles=(left, right))` makes (`x`/`y` left,
    `x2`/`y2` right), as plain dicts."""
    def title(text: str, x: float) -> dict[str, Any]:
        return {"font": {"size": 16}, "showarrow": False, "text": text, "x": x,
                "xanchor": "center", "xref": "paper", "y": 1.0, "yanchor": "bottom",
                "yref": "paper"}

    return {"xaxis": {"anchor": "y", "domain": [0.0, 0.47]},
            "yaxis": {"anchor": "x", "domain": [0.0, 1.0]},
            "xaxis2": {"anchor": "y2", "domain": [0.53, 1.0]},
            "yaxis2": {"anchor": "x2", "domain": [0.0, 1.0]},
            "annotations": [title(left, 0.235), title(right, 0.765)]}


def funding_stack_chart(df: pd.DataFrame, lang: str, currency: str, by: str,
                        measure: str = "amount_display",
                        labeller: Callable[[Any], str] | None = None) -> go.Figure:
    """Funding stacked by source along `by` (`year`, `program_kind` or `partner_name`).

    `df`: the `year`, `kind` or `partner` figure of queries/funding_page.sql;
    `measure`: `amount_display` (converted amount) or `n_lines`.
    customdata: [category, source] (for partners, [partner_id, source]).
    """
    labeller = labeller or (lambda v: _category_label(by, v, lang))
    cats = _years(df, lang) if by == "year" and len(df) else [
        labeller(v) for v in dict.fromkeys(df[by])]
    horizontal = by == "partner_name"
    key_col = "partner_id" if horizontal else by
    traces = []
    for source, rows in df.groupby("source", sort=False):
        values = [None if pd.isna(v) else float(v) for v in rows[measure]]
        text = [_measure_text(v, measure, currency, lang) for v in values]
        x = [labeller(v) for v in rows[by]]
        xy = {"y": x, "x": values, "orientation": "h"} if horizontal else {"x": x, "y": values}
        traces.append(_bar(**xy, name=code_label("source", source, lang), text=text,
                           marker={"color": SOURCE_COLOURS.get(source, "#7f7f7f")},
                           customdata=[[k, source] for k in rows[key_col]],
                           hovertemplate="%{text}<extra>%{fullData.name}</extra>"))
    cat_axis, value_axis = ("yaxis", "xaxis") if horizontal else ("xaxis", "yaxis")
    axes = {cat_axis: {"type": "category", "categoryorder": "array", "categoryarray": cats},
            value_axis: {}}
    if measure == "amount_display" and len(df):  # the value axis: up to the largest stack
        stacks = df.groupby(by, dropna=False)[measure].sum(min_count=1)
        axes[value_axis] = money_axis(stacks.tolist(), currency, lang)
    return _built(traces, lang, **axes, barmode="stack",
                  height=max(320, 26 * len(cats) + 100) if horizontal else 380)


def _category_label(by: str, value: Any, lang: str) -> str:
    if by == "year":
        return _year_label(value, lang)
    if by == "program_kind":
        return code_label("program_kind", value, lang)
    return str(value)


def _measure_text(value: float | None, measure: str, currency: str, lang: str) -> str:
    if value is None:
        return "–"
    if measure == "amount_display":
        return fmt_money(value, currency, lang, compact=True)
    return fmt_int(value, lang)


# --- agreements ----------------------------------------------------------------------------

def _agreement_label(row: pd.Series, width: int = 24) -> str:
    """The row's tick label: the id, then the title cut to `width` characters in all, so
    the plot keeps more than half a phone's width in the margin `axes.label_room` gives
    the labels (the whole title is in the hover)."""
    label = f"{row['agreement_id']} · {row['title']}"
    return label if len(label) <= width else label[: width - 1] + "…"


def agreement_timeline_chart(agreements: pd.DataFrame, milestones: pd.DataFrame,
                             programs: pd.DataFrame | None, lang: str, today: dt.date,
                             compact: bool = False) -> go.Figure:
    """A Gantt of agreements (bars from first known date to expiry, or open-ended to
    today), coloured by stage, with milestones as markers; programs starting per month
    on the same time axis below when `programs` is given.

    The row labels' margin is given, sized from their length (`axes.label_room`), so
    Plotly does not draw the chart a second time to make room for them (the axis keeps
    `automargin`: a label wider than foreseen pushes the margin, never is cut). `compact`
    (the Overview's): the legend names the stages only, on one row below the plot, in a
    bottom margin given too (a marker's kind is in its hover; the Timeline page's legend
    has them all).

    `agreements`: queries/timeline_agreements.sql (bar_from, bar_to, stage...);
    `milestones`: queries/timeline_milestones.sql; `programs`: timeline_programs.sql.
    customdata: bars [agreement_id, partner_id]; markers [agreement_id, kind].
    """
    with_programs = programs is not None and len(programs) > 0
    rows = agreements[agreements["bar_from"].notna()].iloc[::-1]
    height = max(300, 26 * len(rows) + 140) + (160 if with_programs else 0)
    labels = {r["agreement_id"]: _agreement_label(r) for _, r in rows.iterrows()}
    margin = {**_LAYOUT["margin"], "l": label_room(labels.values(), _ROW_LABEL_PX)}
    rows_at = {a: i for i, a in enumerate(labels)}  # the first one at the bottom
    spans = [rows["bar_from"], rows["bar_to"], milestones["occurred_on"], [today]]
    shown = milestones[milestones["agreement_id"].isin(labels)]
    traces = [*_gantt_bars(rows, rows_at, lang),
              *_milestone_markers(shown, rows_at, _close_days(spans), lang)]
    grid = _stacked_rows(with_programs)
    grid["yaxis"].update(tickvals=list(rows_at.values()), ticktext=list(labels.values()),
                         range=[-0.6, len(labels) - 0.4], zeroline=False, showgrid=False,
                         tickfont={"size": _ROW_LABEL_PX})
    plots = ["x"] if traces else []  # the line of today on every plot that shows traces
    if with_programs:
        traces += _program_bars(programs, lang)
        grid["yaxis2"]["title"] = {"text": t("lead.timeline.programs_axis", lang),
                                   "font": {"size": 10}}
        spans.append(programs["month_on"])
        plots.append("x2")
    ticks = date_axis((d for span in spans for d in span), lang)
    for name in grid:
        if name.startswith("xaxis"):
            grid[name].update(ticks)
    today_ms = pd.Timestamp(today).value / 1e6
    extra = _compact_legend(traces, len(rows), margin) if compact else {}
    return _built(traces, lang, **grid, barmode="stack" if with_programs else "overlay",
                  shapes=[_vline(today_ms, x) for x in plots],
                  **{"height": height, "margin": margin, **extra})


_ROW_LABEL_PX = 10  # the timeline's row labels (font size)
_LEGEND_ROW_PX = 40  # a legend row at the theme's 12 px font, with its padding
_BELOW_PLOT_PX = 38  # tick labels below the plot: 12 px text, the theme's pad (measured 37)
_LEGEND_ROW_WIDTH = 880  # px for one row of legend entries (a desktop's chart)


def _compact_legend(traces: list[dict], n_rows: int, margin: dict) -> dict[str, Any]:
    """The Overview's timeline: the stages alone in the legend, on as many rows as they
    take at a desktop's width (markers out of it), placed below the date ticks in a
    bottom margin given at once; the plot area keeps the rows' height. On a narrower
    screen a legend that wraps onto more rows still pushes the margin (Plotly's
    `autoexpand`): nothing is cut, the chart is drawn once more there."""
    stages = [tr for tr in traces if tr.get("legendgroup") == "stage"]
    for tr in traces:
        tr.pop("legendgroup", None)  # one plain row, not a column per group
        if tr["type"] == "scatter":
            tr["showlegend"] = False
    width = sum(text_px(tr["name"], 12) + 40 for tr in stages)
    margin["b"] = _BELOW_PLOT_PX + _LEGEND_ROW_PX * max(1, math.ceil(width / _LEGEND_ROW_WIDTH))
    plot = max(160, 22 * n_rows)
    return {"height": plot + margin["t"] + margin["b"],
            "legend": {"orientation": "h", "y": -_BELOW_PLOT_PX / plot, "yanchor": "top",
                       "x": 0, "traceorder": "normal"}}


def _stacked_rows(with_programs: bool) -> dict[str, Any]:
    """The timeline's plots as plain dicts: the layout `make_subplots(rows=2, cols=1,
    shared_xaxes=True, vertical_spacing=0.04, row_heights=[0.8, 0.2])` makes (one plot
    when there are no programs: `rows=1`)."""
    if not with_programs:
        return {"xaxis": {"anchor": "y", "domain": [0.0, 1.0]},
                "yaxis": {"anchor": "x", "domain": [0.0, 1.0]}}
    return {"xaxis": {"anchor": "y", "domain": [0.0, 1.0], "matches": "x2",
                      "showticklabels": False},
            "yaxis": {"anchor": "x", "domain": [0.232, 1.0]},
            "xaxis2": {"anchor": "y2", "domain": [0.0, 1.0]},
            "yaxis2": {"anchor": "x2", "domain": [0.0, 0.192]}}


def _vline(x: float, xref: str) -> dict[str, Any]:
    """A dotted vertical line at `x` across the plot of x axis `xref` (`add_vline`)."""
    y = "y" + xref[1:]
    return {"line": {"color": "#555", "dash": "dot"}, "type": "line", "x0": x, "x1": x,
            "xref": xref, "y0": 0, "y1": 1, "yref": f"{y} domain"}


def _gantt_bars(rows: pd.DataFrame, rows_at: dict[str, int], lang: str) -> list[dict]:
    traces = []
    for stage, part in rows.groupby("stage", sort=False):
        start = pd.to_datetime(part["bar_from"])
        end = pd.to_datetime(part["bar_to"]) + pd.Timedelta(days=1)
        hover = [f"{r['title']} · {r['agreement_id']}<br>{r['partner_name']}<br>"
                 f"{fmt_date(r['bar_from'], lang)} – "
                 + (t("lead.timeline.open_ended", lang) if r["is_open_ended"]
                    else fmt_date(r["bar_to"], lang)) for _, r in part.iterrows()]
        traces.append(_bar(base=start.dt.strftime("%Y-%m-%d").tolist(),
                           x=((end - start).dt.total_seconds() * 1000).tolist(),
                           y=[rows_at[a] for a in part["agreement_id"]], width=0.8,
                           orientation="h", name=code_label("stage", stage, lang),
                           marker={"color": STAGE_COLOURS.get(stage, "#999")}, opacity=0.85,
                           customdata=[[a, p] for a, p in zip(part["agreement_id"],
                                                              part["partner_id"], strict=True)],
                           hovertext=hover, hovertemplate="%{hovertext}<extra>"
                                                          "%{fullData.name}</extra>",
                           legendgroup="stage", xaxis="x", yaxis="y"))
    return traces


MARKER_SPREAD = 0.3  # how far (in rows) markers that would overlap move apart, each way


def _close_days(spans: list) -> float:
    """Milestones closer than this many days would draw on top of each other: about one
    marker's width (11 px) on a chart some 700 px wide."""
    days = pd.to_datetime(pd.Series([d for span in spans for d in span])).dropna()
    whole = (days.max() - days.min()).days if len(days) else 0
    return max(1.0, whole * 11 / 700)


def marker_rows(ms: pd.DataFrame, rows_at: dict[str, int], close_days: float) -> pd.Series:
    """Each milestone's height: its agreement's row, and markers that would overlap
    (each within `close_days` of the previous one on the same row) spread across the
    row's bar, earliest lowest, so each can be seen and pointed at."""
    on = pd.DataFrame({"agreement": ms["agreement_id"],
                       "on": pd.to_datetime(ms["occurred_on"])}, index=ms.index)
    on = on.sort_values(["agreement", "on"], kind="stable")
    gap = on.groupby("agreement", sort=False)["on"].diff().dt.days
    cluster = (gap.fillna(close_days + 1) > close_days).cumsum()  # each agreement's first too
    n = cluster.groupby(cluster).transform("size").to_numpy()
    i = cluster.groupby(cluster).cumcount().to_numpy()
    spread = -MARKER_SPREAD + 2 * MARKER_SPREAD * i / np.maximum(n - 1, 1)
    steps = np.where(n == 1, 0.0, spread)
    rows = on["agreement"].map(rows_at).to_numpy(dtype=float)
    return pd.Series(rows + steps, index=on.index).reindex(ms.index).astype(float)


def _milestone_markers(ms: pd.DataFrame, rows_at: dict[str, int], close_days: float,
                       lang: str) -> list[dict]:
    heights = marker_rows(ms, rows_at, close_days)
    return [{"type": "scatter",
             "x": pd.to_datetime(part["occurred_on"]).dt.strftime("%Y-%m-%d").tolist(),
             "y": heights[part.index].tolist(), "mode": "markers",
             "name": code_label("milestone_kind", kind, lang),
             "marker": {"symbol": MILESTONE_SYMBOLS.get(kind, "x"), "size": 11,
                        "color": "#222", "line": {"color": "white", "width": 1}},
             "hovertext": [f"{fmt_date(d, lang)}: {ti}" for d, ti in
                           zip(part["occurred_on"], part["title"], strict=True)],
             "customdata": [[a, kind] for a in part["agreement_id"]],
             "hovertemplate": "%{hovertext}<extra>%{fullData.name}</extra>",
             "legendgroup": "milestone", "xaxis": "x", "yaxis": "y"}
            for kind, part in ms.groupby("kind", sort=False)]


def _program_bars(programs: pd.DataFrame, lang: str) -> list[dict]:
    return [_bar(x=pd.to_datetime(part["month_on"]).dt.strftime("%Y-%m-15").tolist(),
                 y=part["n_programs"].tolist(), name=code_label("program_kind", kind, lang),
                 customdata=[[kind] for _ in range(len(part))], showlegend=False,
                 hovertext=[fmt_month(m, lang) for m in pd.to_datetime(part["month_on"])],
                 hovertemplate="%{hovertext}: %{y}<extra>%{fullData.name}</extra>",
                 marker={"color": "#9e9ac8"}, xaxis="x2", yaxis="y2")
            for kind, part in programs.groupby("kind", sort=False)]


# --- tables (the rows behind the charts) ------------------------------------------------------

def labelled_table(df: pd.DataFrame, lang: str, columns: Mapping[str, str],
                   codes: Mapping[str, str] | None = None, money: str | None = None,
                   dates: tuple[str, ...] = (), directions: bool = False) -> pd.DataFrame:
    """A display copy of `df`: the listed `columns` (column -> catalogue key under
    `lead.col.`), code columns replaced by their labels (`codes`: column -> codelist),
    counts formatted as localized integers, `amount*` columns as money in `money`, date
    columns as dates, `direction` (with `directions=True`) as words. Missing values show
    as `–` (an unconverted amount is never 0)."""
    codes = codes or {}
    if directions and "direction" in df:
        df = df.assign(direction=[t(f"lead.common.{d}" if d != "other" else
                                    "lead.common.other_direction", lang) for d in df["direction"]])
    out = {t(f"lead.col.{key}", lang, currency=money or ""): _display(
        df[col], col, lang, codes.get(col), money, col in dates) for col, key in columns.items()}
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))  # one frame, not one column at a time


def _display(values: pd.Series, col: str, lang: str, codelist: str | None, money: str | None,
             is_date: bool) -> list[str]:
    if codelist:
        return [code_label(codelist, v, lang) for v in values]
    if is_date:
        return [fmt_date(v, lang) if not pd.isna(v) else "–" for v in values]
    if col == "year":
        return [_year_label(v, lang) for v in values]
    if col.startswith("amount") and money:
        return [fmt_money(v, money, lang) if not pd.isna(v) else "–" for v in values]
    if col.startswith(("n_", "idr_")) or col == "amount":
        return [_number(v, lang) for v in values]
    return ["–" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            for v in values]


def province_table(df: pd.DataFrame, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The rows behind the province charts: `Name (code)`, people, attended, outbound.
    `df`: queries/delegations_provinces.sql; `names`: province code -> name."""
    labelled = df.assign(province=[f"{names.get(c, c)} ({c})" for c in df["province_code"]])
    return labelled_table(labelled, lang, {"province": "province", "n_people": "people",
                                           "n_attended": "attended",
                                           "n_outbound": "outbound"})


def _number(value: Any, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if float(value).is_integer():
        return fmt_int(value, lang)
    return fmt_number(value, lang, digits=2)
