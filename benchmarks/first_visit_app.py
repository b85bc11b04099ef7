"""coopdash served as app.py serves it, with one part of the Overview left out: what
`python -m benchmarks first-visit` measures a part's cost with (the visit with the part
against the visit without it, in the same run). `COOPDASH_BENCH_LEAVE_OUT` names the part:
a chart's key (`ov_recip`, `ov_funding`, `ov_timeline`: the chart is not drawn) or
`filters` (the sidebar's filters are not drawn: no partner, country, province… lists).
Only this benchmark's server process is changed; nothing here is shipped."""

from __future__ import annotations

import os
from typing import Any

from streamlit.starlette import App

from app import HERE, MIDDLEWARE
from coopdash.web import layout, sidebar

LEAVE_OUT = os.environ["COOPDASH_BENCH_LEAVE_OUT"]
_chart = layout.chart


def _chart_unless_left_out(build: Any, *args: Any, key: str, **kwargs: Any) -> list:
    return [] if key == LEAVE_OUT else _chart(build, *args, key=key, **kwargs)


if LEAVE_OUT == "filters":
    sidebar._filter_widgets = lambda options, lang: None
else:
    layout.chart = _chart_unless_left_out

# app.py's app, at an absolute path (Streamlit resolves a relative one from this file)
app = App(str(HERE / "dashboard.py"), middleware=MIDDLEWARE)
