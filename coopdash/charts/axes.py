"""Axes that speak the chosen language: one money format for bar labels, axes and hovers.

Plotly formats axis numbers itself, in English: `10B` beside a bar labelled `Rp32,4 M`
(miliar) in Bahasa Indonesia, `10k` for ten thousand people. Every chart builder ends
with `localise(fig, lang)`: Plotly's own numbers take the language's decimal sign and
thousands separator (from Babel) and never an SI suffix (`10.000`, not `10k`). A money
axis gets explicit ticks (`money_axis`): round values written by the same Babel compact
money format as the bar labels and hovers (`fmt_money(..., compact=True)`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import plotly.graph_objects as go

from coopdash.i18n import fmt_money, number_symbols

_STEPS = (1, 2, 2.5, 5, 10)


def localise(fig: go.Figure, lang: str) -> go.Figure:
    """Plotly's own numbers (count axes, hovers of `%{x}` / `%{y}`) in `lang`: its
    separators, thousands grouped, no `k` / `M` / `B` suffixes."""
    fig.update_layout(separators=number_symbols(lang))
    fig.update_xaxes(exponentformat="none", separatethousands=True)
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    return fig


def nice_ticks(top: float, n: int = 5) -> list[float]:
    """About `n` round values from 0 to at least `top` (steps of 1, 2, 2.5 or 5 x 10^k)."""
    if not top or top <= 0 or math.isnan(top):
        return [0.0]
    raw = top / n
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in _STEPS if s * magnitude >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def money_ticks(values: Iterable[float | None], currency: str, lang: str
                ) -> tuple[list[float], list[str]]:
    """Tick values up to the largest of `values` (missing ones ignored), and their text
    in the bar labels' compact money format."""
    known = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    ticks = nice_ticks(max(known, default=0.0))
    return ticks, [fmt_money(v, currency, lang, compact=True) for v in ticks]


def money_axis(fig: go.Figure, values: Iterable[float | None], currency: str, lang: str,
               axis: str = "x", **where) -> None:
    """Give the money axis (`x` or `y`; `row=`, `col=` in subplots) explicit ticks up to
    the largest of `values` (for stacked bars: the largest stack)."""
    ticks, texts = money_ticks(values, currency, lang)
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(tickmode="array", tickvals=ticks, ticktext=texts, **where)
