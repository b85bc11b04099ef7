"""Numbers and dates on screen: the locale formatters (`coopdash.i18n`) read as Babel
writes them in each language, and the Babel locale is parsed once per language, not
at every cell (a table of 554 rate dates spent 0.42 s parsing 'id_ID' again)."""

from __future__ import annotations

import datetime as dt

import pytest
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from coopdash import i18n

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("lang", "name"), [("id", "id_ID"), ("en", "en_GB")])
def test_formats_are_babels_own(lang, name):
    day = dt.date(2023, 5, 22)
    assert i18n.fmt_date(day, lang) == babel_dates.format_date(day, "d MMM y", locale=name)
    assert i18n.fmt_date(day, lang, long=True) == babel_dates.format_date(
        day, "d MMMM y", locale=name)
    assert i18n.fmt_month(day, lang) == babel_dates.format_date(day, "LLL y", locale=name)
    assert i18n.fmt_int(1234567, lang) == babel_numbers.format_decimal(1234567, locale=name)
    assert i18n.fmt_money(1500000, "IDR", lang) == babel_numbers.format_currency(
        1500000, "IDR", format="¤#,##0", locale=name, currency_digits=False)
    assert i18n.fmt_money(12.5, "USD", lang) == babel_numbers.format_currency(
        12.5, "USD", locale=name)
    assert i18n.fmt_date(dt.date(2023, 5, 22), "id") == "22 Mei 2023"


def test_the_locale_is_parsed_once(monkeypatch):
    for lang in ("id", "en"):  # each language's first use may parse it
        i18n.fmt_date(dt.date(2024, 1, 1), lang)
        i18n.fmt_int(1, lang)
    made = []
    real = Locale.__init__

    def counted(self, *args, **kwargs):
        made.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(Locale, "__init__", counted)
    for day in range(1, 101):
        for lang in ("id", "en"):
            i18n.fmt_date(dt.date(2024, 1, 1) + dt.timedelta(days=day), lang)
            i18n.fmt_int(day * 1000, lang)
            i18n.fmt_money(day * 1.5, "USD", lang)
    assert made == []


_INTS = [0, 1, -1, 7, 999, -999, 1000, -1000, 12_345, 1_234_567, -98_765_432,
         10**15, -(10**18) + 1, 2**63 - 1]
_FLOATS = [0.0, -0.0, 0.5, 1.5, 2.5, 2.675, 0.005, 0.015, -0.001, -0.0049, 1.005,
           123_456.789, 16_543.1, 1e15 + 0.5, 9_999_999.995, 3.14159265358979, 1 / 3,
           -2 / 3, 7e-7, 123.4565, 0.0000005, 1e-9]


@pytest.mark.parametrize(("lang", "name"), [("id", "id_ID"), ("en", "en_GB")])
def test_counts_and_numbers_read_as_babel_writes_them(lang, name):
    """fmt_int and fmt_number are written by Python's grouping and the language's
    symbols (ten times faster than Babel's pattern per number): equal to Babel's own
    format, digit for digit, for integers of every size and sign, numpy's too, and for
    decimals rounded half to even from their shortest form (2.675 -> 2.68, 2.5 -> 2)."""
    import numpy as np

    for v in [*_INTS, *map(np.int64, _INTS)]:
        assert i18n.fmt_int(v, lang) == babel_numbers.format_decimal(int(v), locale=name)
    for v in [*_FLOATS, *(-x for x in _FLOATS), *map(np.float64, _FLOATS), *_INTS[:12]]:
        for digits in (0, 1, 2, 6):
            pattern = "#,##0." + "0" * digits if digits else "#,##0"
            assert i18n.fmt_number(v, lang, digits=digits) == babel_numbers.format_decimal(
                v, format=pattern, locale=name), (v, digits)


@pytest.mark.parametrize(("lang", "name"), [("id", "id_ID"), ("en", "en_GB")])
def test_every_month_reads_as_babel_writes_it(lang, name):
    """fmt_date and fmt_month are written from the language's month names: Babel's
    `d MMM y`, `d MMMM y` and `LLL y` for every month (English `Sept`, Indonesian
    `Agu`), one- and two-digit days, far years; datetimes and timestamps by their date."""
    import pandas as pd

    for year in (1999, 2023, 2026, 10):
        for month in range(1, 13):
            for day in (1, 9, 22, 28):
                d = dt.date(year, month, day)
                assert i18n.fmt_date(d, lang) == babel_dates.format_date(d, "d MMM y",
                                                                         locale=name)
                assert i18n.fmt_date(d, lang, long=True) == babel_dates.format_date(
                    d, "d MMMM y", locale=name)
                assert i18n.fmt_month(d, lang) == babel_dates.format_date(d, "LLL y",
                                                                          locale=name)
    moment = dt.datetime(2023, 9, 2, 23, 59)
    assert i18n.fmt_date(moment, lang) == i18n.fmt_date(moment.date(), lang)
    assert i18n.fmt_date(pd.Timestamp(moment), lang) == i18n.fmt_date(moment.date(), lang)
    assert i18n.fmt_date(None, lang) == i18n.fmt_date(pd.NaT, lang) == "–"
    assert i18n.fmt_month(pd.Timestamp(moment), lang) == i18n.fmt_month(moment.date(), lang)
