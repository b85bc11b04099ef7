"""One money format for bar labels, axes and hovers, in both languages: the Funding
charts' axes read "Rp10 M" (miliar) beside bar labels "Rp32,4 M" in Bahasa Indonesia,
"IDR10B" beside "IDR32.4B" in English, and count axes never show Plotly's English
"k" / "B" suffixes. Tested by inspecting the figures the pure builders return."""

from __future__ import annotations

import pandas as pd
import pytest

from coopdash.charts import axes, leadership, weekly

NBSP = "\u00a0"
# what a reader of each language expects on a money axis reaching 32.4 billion rupiah:
# round steps of 10 billion, written like the bar labels (M = miliar in Indonesian)
EXPECTED_TICKS = {
    "id": ["Rp0", f"Rp10{NBSP}M", f"Rp20{NBSP}M", f"Rp30{NBSP}M", f"Rp40{NBSP}M"],
    "en": ["IDR0", "IDR10B", "IDR20B", "IDR30B", "IDR40B"],
}
EXPECTED_LABEL = {"id": f"Rp32,4{NBSP}M", "en": "IDR32.4B"}
ENGLISH_SUFFIX = ("k", "B")


def _mix() -> pd.DataFrame:
    return pd.DataFrame({"source": ["apbn", "partner", "apbd"], "n_lines": [12000, 3, 1],
                         "n_converted": [12000, 3, 0], "n_unconverted": [0, 0, 0],
                         "n_no_amount": [0, 0, 1],
                         "amount_display": [32_400_000_000.0, 9_000_000_000.0, None]})


@pytest.mark.parametrize("lang", ["id", "en"])
def test_funding_mix_axis_labels_and_hovers_share_one_money_format(lang):
    """The amount axis ticks are round values written as the bar labels are; the hover
    shows the bar's label; the lines axis groups thousands the language's way."""
    fig = leadership.funding_mix_chart(_mix(), lang, "IDR")
    lines, amounts = fig.data
    label = dict(zip([c[0] for c in amounts.customdata], amounts.text, strict=True))
    assert label["apbn"] == EXPECTED_LABEL[lang]
    assert list(fig.layout.xaxis2.ticktext) == EXPECTED_TICKS[lang]
    assert list(fig.layout.xaxis2.tickvals) == [i * 10_000_000_000 for i in range(5)]
    assert fig.layout.xaxis2.tickmode == "array"
    assert "%{text}" in amounts.hovertemplate and "%{text}" in lines.hovertemplate
    assert ("12.000" if lang == "id" else "12,000") in lines.text
    assert fig.layout.separators == (",." if lang == "id" else ".,")
    assert fig.layout.xaxis.exponentformat == "none"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("by", ["year", "partner_name"])
def test_funding_stack_money_axis_reaches_the_largest_stack(lang, by):
    """Stacked amounts: the value axis (y for years, x for partners) is ticked in the
    money format up to the largest stack, not the largest piece."""
    df = pd.DataFrame({"year": [2024, 2024, 2025], "partner_name": ["A", "A", "B"],
                       "partner_id": ["a", "a", "b"], "source": ["apbn", "partner", "apbn"],
                       "amount_display": [20_000_000_000.0, 12_400_000_000.0, 5e9],
                       "n_lines": [1, 1, 1]})
    fig = leadership.funding_stack_chart(df, lang, "IDR", by)
    axis = fig.layout.xaxis if by == "partner_name" else fig.layout.yaxis
    assert list(axis.ticktext) == EXPECTED_TICKS[lang]  # the 2024 / A stack: 32.4 billion
    assert all(EXPECTED_LABEL[lang] != t for t in axis.ticktext)
    assert {t for tr in fig.data for t in tr.text} >= {
        leadership.fmt_money(20e9, "IDR", lang, compact=True)}


def test_usd_axis_in_indonesian_uses_indonesian_words():
    """In another display currency the ticks follow the same rule (`jt` = juta)."""
    df = _mix().assign(amount_display=[2_500_000.0, 1_000_000.0, None])
    fig = leadership.funding_mix_chart(df, "id", "USD")
    assert f"US$2,5{NBSP}jt" in fig.layout.xaxis2.ticktext
    assert not any(s in t for t in fig.layout.xaxis2.ticktext for s in ("M", "K"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_count_axes_never_carry_english_suffixes(lang):
    """Every chart of counts: no SI suffix on its axes, the language's separators, bar
    labels grouped by Babel."""
    recip = pd.DataFrame({"year": [2024], "direction": ["outbound"], "n_seats": [25000],
                          "n_people": [24000]})
    sizes = pd.DataFrame({"program_kind": ["seminar"], "direction": ["outbound"],
                          "n_seats": [15000], "n_confirmed": [12000], "n_attended": [9000]})
    changes = pd.DataFrame({"table_name": ["participants"], "n_added": [120000],
                            "n_changed": [0], "n_removed": [0]})
    figs = [leadership.reciprocity_chart(recip, lang),
            leadership.delegation_sizes_chart(sizes, lang),
            weekly.changes_chart(changes, lang)]
    for fig in figs:
        assert fig.layout.separators == (",." if lang == "id" else ".,")
        assert fig.layout.xaxis.exponentformat == "none"
        assert fig.layout.yaxis.exponentformat == "none"
        assert fig.layout.yaxis.separatethousands
    grouped = "25.000" if lang == "id" else "25,000"
    assert list(figs[0].data[0].text) == [grouped]
    assert list(figs[2].data[0].text) == ["120.000" if lang == "id" else "120,000"]


def test_nice_ticks_cover_the_top_in_round_steps():
    """Ticks start at 0, step by 1, 2, 2.5 or 5 times a power of ten, and reach the top."""
    assert axes.nice_ticks(32.4e9) == [0, 10e9, 20e9, 30e9, 40e9]
    assert axes.nice_ticks(9) == [0, 2, 4, 6, 8, 10]
    assert axes.nice_ticks(1.1e6) == [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]
    assert axes.nice_ticks(0) == [0.0]
