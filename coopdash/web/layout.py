"""Small pieces of page layout every page shares: the empty state, the demo banner, a
cached chart (clickable), a cached labelled table, an expander built only while open,
the rows behind a chart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from coopdash.charts import leadership
from coopdash.i18n import fmt_int
from coopdash.web import assets, cache
from coopdash.web.context import Context


def empty_state(ctx: Context, df: pd.DataFrame | None = None) -> bool:
    """Show the empty-state message if `df` has no rows; True when shown."""
    if df is not None and len(df):
        return False
    st.info(ctx.t("common.empty"), icon=":material/filter_alt_off:")
    return True


def delta(change: int, lang: str, worse_when_up: bool = False) -> dict[str, Any]:
    """`st.metric`'s delta arguments for a change, written like the figure beside it
    (`+1.234`, `-5`; no change: `±0`, grey, no arrow). Streamlit writes a number delta
    as it is: `7329` under a figure reading `7.329`."""
    change = int(change)
    if change == 0:
        return {"delta": "±0", "delta_color": "off", "delta_arrow": "off"}
    return {"delta": ("+" if change > 0 else "-") + fmt_int(abs(change), lang),
            "delta_color": "inverse" if worse_when_up else "normal"}


def demo_banner(ctx: Context) -> None:
    df = cache.run("demo_records", ctx)
    n = int(df["n_demo"].iloc[0]) if len(df) else 0
    if n:
        st.caption(":material/science: " + ctx.t("common.demo_banner",
                                                 n=fmt_int(n, ctx.lang)))


def chart(build: Callable[..., Any], *args: Any, key: str, **kwargs: Any) -> list[list[Any]]:
    """Draw the cached figure `build(*args, **kwargs)` as a selectable chart; returns the
    `customdata` of the points selected (empty when none)."""
    event = st.plotly_chart(cache.view(build, *args, **kwargs), key=key, on_select="rerun",
                            selection_mode="points",
                            config=assets.chart_config(_CHART_CONFIG))
    return leadership.selected_values(event)


# no mode bar: one toolbar less to build per chart on every page change (the charts stay
# clickable; zoom and download are not offered, the rows behind each chart are)
_CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}


@contextmanager
def lazy_expander(label: str, key: str) -> Iterator[bool]:
    """An expander whose content is built only while it is open: yields whether it is.

    Opening or closing it reruns the page (`on_change="rerun"`), so a closed expander
    costs the browser nothing (a data grid is the heaviest element to mount on a page
    change). Its open state lives in `st.session_state[key]`."""
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


def table(ctx: Context, df: pd.DataFrame, columns: dict[str, str], **kwargs: Any) -> None:
    """Show `leadership.labelled_table(df, lang, columns, ...)` (cached) as a dataframe."""
    st.dataframe(cache.view(leadership.labelled_table, df, ctx.lang, columns, **kwargs),
                 hide_index=True)


def rows_behind(ctx: Context, key: str, df: pd.DataFrame, columns: dict[str, str],
                **kwargs: Any) -> None:
    """The rows behind a chart in a lazy expander (`lazy_expander`): the table is built
    and drawn only once an analyst opens it."""
    with lazy_expander(ctx.t("lead.common.rows_behind"), key) as is_open:
        if is_open:
            table(ctx, df, columns, **kwargs)
