"""Axes that speak the chosen language: one money format for bar labels, axes and hovers.

Plotly formats axis numbers itself, in English: `10B` beside a bar labelled `Rp32,4 M`
(miliar) in Bahasa Indonesia, `10k` for ten thousand people. Every chart builder passes
its layout through `localised(layout, lang)`: Plotly's own numbers take the language's
decimal sign and thousands separator (from Babel) and never an SI suffix (`10.000`, not
`10k`). A money axis gets explicit ticks (`money_axis`): round values written by the same
Babel compact money format as the bar labels and hovers (`fmt_money(..., compact=True)`).
A date axis gets explicit ticks too (`date_axis`): Plotly writes English month names ("May 2023")
unless a locale script is loaded in the browser, which Streamlit does not offer; the ticks
are month, quarter or year starts named by Babel ("Mei 2023"). They are fixed: zooming in
shows the ticks that fall in the zoomed range.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from collections.abc import Iterable

import pandas as pd

from coopdash.i18n import fmt_money, fmt_month, number_symbols

_STEPS = (1, 2, 2.5, 5, 10)

# what a y axis's tick labels need beside their width: 19-21 px (measured in Chromium, 10
# and 12 px text: the theme's 8 px margin.pad, the labels' offset and the pad Plotly adds
# to a push, the smallest margin up to 12 px), and a pixel of air
TICK_ROOM = 22

# Source Sans' advance widths (the regular weight Streamlit's charts draw), in thousandths
# of an em: the printable ASCII characters from space to `~`, then a few more, measured
# in Chromium in the served dashboard (canvas `measureText`, the font Plotly draws with)
_ASCII_WIDTHS = (
    200, 289, 426, 497, 497, 824, 609, 249, 303, 303, 418, 497, 249, 311, 249, 350, 497, 497,
    497, 497, 497, 497, 497, 497, 497, 497, 249, 249, 497, 497, 497, 425, 847, 543, 588, 571,
    615, 527, 494, 617, 652, 263, 479, 579, 486, 727, 647, 664, 566, 664, 569, 534, 536, 645,
    515, 786, 513, 476, 539, 303, 350, 303, 497, 500, 542, 504, 553, 456, 555, 496, 292, 504,
    544, 246, 247, 495, 255, 829, 547, 542, 555, 555, 347, 419, 338, 544, 467, 719, 446, 467,
    425, 303, 241, 303, 497)
_WIDTHS = {**dict(zip(map(chr, range(32, 127)), _ASCII_WIDTHS, strict=True)),
           "—": 800, "…": 948, "·": 249, "\u00a0": 200, "–": 480}


@functools.cache
def _em(char: str) -> int:
    """`char`'s width in thousandths of an em: measured, else its base letter's (`é` as
    `e`), else a whole em (wider than any letter of the Latin script)."""
    return _WIDTHS.get(char) or _WIDTHS.get(unicodedata.normalize("NFKD", char)[:1], 1000)


def text_px(text: str, size: float) -> float:
    """The width in pixels of `text` drawn in the charts' font at `size` px (a `<br>`
    starts a new line: the widest line)."""
    return max(size * sum(map(_em, line)) / 1000 for line in text.split("<br>"))


def label_room(texts: Iterable[str], size: float) -> int:
    """Pixels that hold the widest of `texts` at font `size` (px) beside an axis: a
    margin given at once, so Plotly need not draw the chart again to make room."""
    return math.ceil(max((text_px(text, size) for text in texts), default=0)) + TICK_ROOM


_PLAIN_NUMBERS = {"exponentformat": "none", "separatethousands": True}


def localised(layout: dict, lang: str) -> dict:
    """A figure's layout (a dict) with Plotly's own numbers (count axes, hovers of
    `%{x}` / `%{y}`) in `lang`: its separators, and on every x and y axis it names (the
    first ones always) thousands grouped, no `k` / `M` / `B` suffixes."""
    names = {"xaxis", "yaxis", *(k for k in layout if k.startswith(("xaxis", "yaxis")))}
    return {**layout, "separators": number_symbols(lang),
            **{name: {**layout.get(name, {}), **_PLAIN_NUMBERS} for name in names}}


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


_COMPACT_UNITS = ((10 ** 12, 4), (10 ** 9, 3), (10 ** 6, 2))  # unit, its power of 1000


def money_number_format(values: Iterable[float | None], currency: str, lang: str) -> str:
    """An Excel / PowerPoint number format that writes money like the page's money axes
    and bar labels (`fmt_money(..., compact=True)`) for a chart (the deck's) that cannot
    take tick texts: scaled to the unit of the largest of `values` (`"Rp"#,##0.0,,," M"`
    writes 4000000000 as `Rp4.0 M`, miliar), never a raw `4000000000`."""
    known = [abs(float(v)) for v in values if v is not None and not math.isnan(float(v))]
    top = max(known, default=0.0)
    unit, power = next(((u, k) for u, k in _COMPACT_UNITS if top >= u), (1, 0))
    text = fmt_money(unit, currency, lang, compact=True)  # `Rp1 M`, `IDR1B`, `Rp1`
    prefix, _, suffix = text.partition("1")
    if not power:  # no compact unit: whole amounts, grouped
        return f'"{prefix}"#,##0'
    return f'"{prefix}"#,##0.0{"," * power}"{suffix}"'


def money_axis(values: Iterable[float | None], currency: str, lang: str) -> dict:
    """A money axis's explicit ticks (a layout axis dict) up to the largest of `values`
    (for stacked bars: the largest stack)."""
    ticks, texts = money_ticks(values, currency, lang)
    return {"tickmode": "array", "tickvals": ticks, "ticktext": texts}


_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


def date_ticks(first: dt.date, last: dt.date, lang: str, n: int = 8
               ) -> tuple[list[str], list[str]]:
    """Month starts from `first` to `last`, every 1, 2, 3, 6 months or 1, 2, 5, 10 years
    so that there are at most about `n`; their text as `Mei 2023` (months) or `2023`
    (years). The values are ISO dates, as Plotly's date axes take them."""
    month = first.year * 12 + first.month - 1 + (first.day > 1)  # the first month start
    end = last.year * 12 + last.month - 1
    step = next((s for s in _MONTH_STEPS if (end - month) / s <= n), _MONTH_STEPS[-1])
    month += -month % step
    months = range(month, end + 1, step) or [first.year * 12 + first.month - 1]
    ticks = [dt.date(m // 12, m % 12 + 1, 1) for m in months]
    if step >= 12:
        return [d.isoformat() for d in ticks], [str(d.year) for d in ticks]
    return [d.isoformat() for d in ticks], [fmt_month(d, lang) for d in ticks]


def date_axis(values: Iterable, lang: str) -> dict:
    """A date axis's ticks named in `lang` (a layout axis dict), spanning the dates in
    `values` (missing ones ignored); none without dates."""
    dates = pd.to_datetime(pd.Series(list(values)), errors="coerce").dropna()
    if dates.empty:
        return {}
    ticks, texts = date_ticks(dates.min().date(), dates.max().date(), lang)
    return {"type": "date", "tickmode": "array", "tickvals": ticks, "ticktext": texts}
