"""Names of places on screen: countries (Babel's territory names) and Indonesia's
provinces (the shipped reference list)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coopdash.i18n import locale, t
from coopdash.web import cache
from coopdash.workbook import regions


def country_name(code: str | None, lang: str) -> str:
    """`JP` -> `Jepang` / `Japan` (Babel's territory names)."""
    if not code:
        return t("common.none", lang)
    return locale(lang).territories.get(code, code)


@st.cache_data(show_spinner=False)
def province_names() -> dict[str, str]:
    """Province code -> name, from the shipped reference list (data/reference)."""
    df = regions.provinces()
    return dict(zip(df["province_code"].astype(str), df["name"], strict=True))


def provinces() -> pd.DataFrame:
    """The provinces reference list (`coopdash.workbook.regions.provinces()`), known to
    `cache.view` by name: it ships with the code and never changes while the server runs."""
    df = regions.provinces()
    cache.remember(df, ("reference", "provinces"))
    return df
