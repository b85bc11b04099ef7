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
