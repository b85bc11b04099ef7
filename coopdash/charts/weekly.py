"""Small chart builders of the weekly review (the leadership charts live in
`coopdash/charts/leadership.py`; these draw what only the review has). Pure: DataFrame +
language in, `plotly.graph_objects.Figure` out; no Streamlit, no I/O.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from coopdash.charts.axes import localised
from coopdash.i18n import fmt_int, t

CHANGE_COLOURS = {"added": "#2ca02c", "changed": "#1f77b4", "removed": "#d62728"}
BUCKET_COLOURS = {"overdue": "#d62728", "week": "#ff7f0e", "later": "#1f77b4",
                  "none": "#9e9e9e"}
_LAYOUT = {"template": "plotly_white", "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
           "font": {"size": 11}, "legend": {"orientation": "h", "y": -0.15}}


def _figure(title: str, traces: list[dict], lang: str, **layout) -> go.Figure:
    """The figure of `traces` (trace dicts) titled `title`, its numbers in `lang`: validated
    once, as one dict (validation also turns the template's name into the template)."""
    return go.Figure({"data": traces, "layout": localised(
        {**_LAYOUT, "title": {"text": title, "font": {"size": 13}}, **layout}, lang)})


def changes_chart(summary: pd.DataFrame, lang: str) -> go.Figure:
    """Records added / changed / removed this week, per table (stacked horizontal bars).

    `summary`: `weekly.change_summary(...)` (table_name, n_added, n_changed, n_removed).
    """
    labels = [t(f"weekly.table.{x}", lang) for x in summary["table_name"]]
    traces = []
    for change in ("added", "changed", "removed"):
        values = summary[f"n_{change}"].astype(int).tolist() if len(summary) else []
        traces.append({"type": "bar", "y": labels, "x": values, "orientation": "h",
                       "name": t(f"weekly.change.{change}", lang),
                       "marker": {"color": CHANGE_COLOURS[change]},
                       "text": [fmt_int(v, lang) for v in values],
                       "hovertemplate": "%{y}: %{x}<extra>%{fullData.name}</extra>"})
    return _figure(t("weekly.chart.changes", lang), traces, lang, barmode="stack",
                   yaxis={"autorange": "reversed"})


def readiness_chart(upcoming: pd.DataFrame, lang: str, width: int = 40) -> go.Figure:
    """Seats planned against people confirmed, per program in the next 30 days.

    `upcoming`: queries/weekly_upcoming.sql. A program with no seats planned shows no
    seats bar (never a zero).
    """
    names = [_short(x, width) for x in upcoming["title"]] if len(upcoming) else []
    seats = [None if pd.isna(v) else int(v) for v in upcoming.get("seats_planned", [])]
    confirmed = [int(v) for v in upcoming.get("n_confirmed", [])]
    traces = [{"type": "bar", "x": names, "y": seats, "name": t("weekly.chart.seats", lang),
               "marker": {"color": "#9ecae1"}, "text": [fmt_int(v, lang) for v in seats]},
              {"type": "bar", "x": names, "y": confirmed,
               "name": t("weekly.chart.confirmed", lang), "marker": {"color": "#08519c"},
               "text": [fmt_int(v, lang) for v in confirmed]}]
    return _figure(t("weekly.chart.readiness", lang), traces, lang, barmode="group",
                   yaxis={"title": {"text": t("weekly.chart.people", lang)}})


def bucket(due_on, ref: dt.date, week_end: dt.date) -> str:
    """`overdue`, `week` (due by the week's end), `later` or `none` (no due date)."""
    if due_on is None or pd.isna(due_on):
        return "none"
    due = pd.Timestamp(due_on).date()
    if due < ref:
        return "overdue"
    return "week" if due <= week_end else "later"


def actions_chart(actions: pd.DataFrame, ref: dt.date, week_end: dt.date, lang: str
                  ) -> go.Figure:
    """Open follow-ups by when they are due (one bar per bucket)."""
    buckets = [bucket(d, ref, week_end) for d in actions.get("due_on", [])]
    order = ("overdue", "week", "later", "none")
    counts = [buckets.count(b) for b in order]
    bars = {"type": "bar", "x": [t(f"weekly.chart.bucket_{b}", lang) for b in order],
            "y": counts, "marker": {"color": [BUCKET_COLOURS[b] for b in order]},
            "text": [fmt_int(v, lang) for v in counts]}
    return _figure(t("weekly.chart.actions", lang), [bars], lang, showlegend=False,
                   yaxis={"title": {"text": t("weekly.chart.n_actions", lang)}})


def _short(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
