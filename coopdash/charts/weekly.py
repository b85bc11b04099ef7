"""Small chart builders of the weekly review (the leadership charts live in
`coopdash/charts/leadership.py`; these draw what only the review has). Pure: DataFrame +
language in, `plotly.graph_objects.Figure` out; no Streamlit, no I/O.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from coopdash.charts.axes import localise
from coopdash.i18n import fmt_int, t

CHANGE_COLOURS = {"added": "#2ca02c", "changed": "#1f77b4", "removed": "#d62728"}
BUCKET_COLOURS = {"overdue": "#d62728", "week": "#ff7f0e", "later": "#1f77b4",
                  "none": "#9e9e9e"}
_LAYOUT = {"template": "plotly_white", "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
           "font": {"size": 11}, "legend": {"orientation": "h", "y": -0.15}}


def _figure(title: str, **layout) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**{**_LAYOUT, "title": {"text": title, "font": {"size": 13}}, **layout})
    return fig


def changes_chart(summary: pd.DataFrame, lang: str) -> go.Figure:
    """Records added / changed / removed this week, per table (stacked horizontal bars).

    `summary`: `weekly.change_summary(...)` (table_name, n_added, n_changed, n_removed).
    """
    fig = _figure(t("weekly.chart.changes", lang), barmode="stack")
    labels = [t(f"weekly.table.{x}", lang) for x in summary["table_name"]]
    for change in ("added", "changed", "removed"):
        values = summary[f"n_{change}"].astype(int).tolist() if len(summary) else []
        fig.add_bar(y=labels, x=values, orientation="h", name=t(f"weekly.change.{change}", lang),
                    marker_color=CHANGE_COLOURS[change], text=[fmt_int(v, lang) for v in values],
                    hovertemplate="%{y}: %{x}<extra>%{fullData.name}</extra>")
    fig.update_yaxes(autorange="reversed")
    return localise(fig, lang)


def readiness_chart(upcoming: pd.DataFrame, lang: str, width: int = 40) -> go.Figure:
    """Seats planned against people confirmed, per program in the next 30 days.

    `upcoming`: queries/weekly_upcoming.sql. A program with no seats planned shows no
    seats bar (never a zero).
    """
    fig = _figure(t("weekly.chart.readiness", lang), barmode="group",
                  yaxis_title=t("weekly.chart.people", lang))
    names = [_short(x, width) for x in upcoming["title"]] if len(upcoming) else []
    seats = [None if pd.isna(v) else int(v) for v in upcoming.get("seats_planned", [])]
    confirmed = [int(v) for v in upcoming.get("n_confirmed", [])]
    fig.add_bar(x=names, y=seats, name=t("weekly.chart.seats", lang), marker_color="#9ecae1",
                text=[fmt_int(v, lang) for v in seats])
    fig.add_bar(x=names, y=confirmed, name=t("weekly.chart.confirmed", lang),
                marker_color="#08519c", text=[fmt_int(v, lang) for v in confirmed])
    return localise(fig, lang)


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
    fig = _figure(t("weekly.chart.actions", lang), showlegend=False,
                  yaxis_title=t("weekly.chart.n_actions", lang))
    buckets = [bucket(d, ref, week_end) for d in actions.get("due_on", [])]
    order = ("overdue", "week", "later", "none")
    counts = [buckets.count(b) for b in order]
    fig.add_bar(x=[t(f"weekly.chart.bucket_{b}", lang) for b in order], y=counts,
                marker_color=[BUCKET_COLOURS[b] for b in order],
                text=[fmt_int(v, lang) for v in counts])
    return localise(fig, lang)


def _short(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
