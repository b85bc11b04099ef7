"""Babel's locales are made once per language (`coopdash.i18n.locale`): Babel parses a
locale given by name on every call, a third of the time of each number formatted for the
screen. The formats stay those of each language."""

from __future__ import annotations

import datetime as dt

from babel import Locale

from coopdash.i18n import fmt_date, fmt_int, fmt_money, locale


def test_each_language_has_one_locale_object():
    assert isinstance(locale("id"), Locale) and locale("id") is locale("id")
    assert str(locale("id")) == "id_ID" and str(locale("en")) == "en_GB"
    assert locale("xx") is locale("id")  # an unknown language reads as Indonesian


def test_numbers_dates_and_money_in_each_language():
    assert (fmt_int(1234567, "id"), fmt_int(1234567, "en")) == ("1.234.567", "1,234,567")
    assert fmt_date(dt.date(2023, 5, 22), "id", long=True) == "22 Mei 2023"
    assert fmt_date(dt.date(2023, 5, 22), "en", long=True) == "22 May 2023"
    assert fmt_money(1500.5, "USD", "en") == "US$1,500.50"
