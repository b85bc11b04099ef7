"""The one catalogue of words, and locale formatting of numbers, dates and money.

Messages live in `coopdash/i18n/*.toml` (one file per area of the product, merged into
one catalogue; a key may be defined only once). Each entry has an `id` (Bahasa
Indonesia) and an `en` text, with `{name}` placeholders:

    [overview.title]
    id = "Ikhtisar kerja sama"
    en = "Cooperation overview"

Code labels are entries named `code.<codelist>.<code>` (see `coopdash.contract.CODES`),
so people read "APBD — anggaran daerah" and never a bare `apbd`.
Numbers, dates and money are formatted by Babel for the chosen language.

May import: nothing of coopdash (the foundation).
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

LANGS = ("id", "en")
LOCALES = {"id": "id_ID", "en": "en_GB"}
_DIR = Path(__file__).resolve().parent


class CatalogueError(RuntimeError):
    pass


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, from every `*.toml` here; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.toml")):
        for key, entry in _flatten(tomllib.loads(path.read_text(encoding="utf-8"))):
            if key in merged:
                raise CatalogueError(f"message {key!r} defined twice (again in {path.name})")
            merged[key] = entry
    return merged


def _flatten(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) >= {"id", "en"}:
            yield full, value
        elif isinstance(value, dict):
            yield from _flatten(value, full + ".")


def t(key: str, lang: str = "id", **values) -> str:
    """The message `key` in `lang`, with `{placeholders}` filled. A missing key shows as
    itself (and the catalogue test fails), never as a crash in front of a user."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalogue()


def code_label(codelist: str, code: str | None, lang: str = "id") -> str:
    """`code.<codelist>.<code>` from the catalogue; the raw code if unknown."""
    if code is None or code == "":
        return t("common.none", lang)
    key = f"code.{codelist}.{code}"
    return t(key, lang) if has(key) else str(code)


def locale(lang: str) -> Locale:
    """Babel's locale of `lang`, made once: Babel parses a locale given by name on every
    call (a third of a formatted number's time; 554 rate dates once made the Funding
    page's cold run 0.42 s longer)."""
    return _locale(LOCALES.get(lang, LOCALES["id"]))


@functools.cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


# Counts and plain numbers are written as Babel writes them with the language's pattern
# (`#,##0.###`: groups of three), by Python's own grouping and the language's symbols:
# a table of 554 rates formats 1,100 numbers, and Babel's pattern machinery took
# ten times as long per number. tests/unit/test_formatting.py holds them equal to Babel.


@functools.cache
def _number_symbols(lang: str) -> dict[int, str]:
    """Python's `,` `.` `-` in a formatted number -> the language's (one `translate`)."""
    loc = locale(lang)
    return str.maketrans({",": babel_numbers.get_group_symbol(loc),
                          ".": babel_numbers.get_decimal_symbol(loc),
                          "-": babel_numbers.get_minus_sign_symbol(loc)})


def fmt_int(value, lang: str = "id") -> str:
    if value is None:
        return "–"
    return f"{int(value):,}".translate(_number_symbols(lang))


def fmt_number(value, lang: str = "id", digits: int = 1) -> str:
    """`value` with exactly `digits` decimals, rounded half to even from its shortest
    decimal form (Babel's `#,##0.0…` pattern)."""
    if value is None:
        return "–"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits))
    return f"{rounded:,f}".translate(_number_symbols(lang))


def fmt_percent(value, lang: str = "id") -> str:
    if value is None:
        return "–"
    return babel_numbers.format_percent(value, locale=locale(lang))


def fmt_money(value, currency: str = "IDR", lang: str = "id", compact: bool = False) -> str:
    """`Rp1.500.000` (id) / `IDR 1,500,000` (en); IDR, JPY and KRW without decimals."""
    if value is None or value != value:
        return "–"
    value = Decimal(str(value))
    if compact and abs(value) >= 1_000_000:
        return babel_numbers.format_compact_currency(
            value, currency, locale=locale(lang), fraction_digits=1)
    if currency in ("IDR", "JPY", "KRW"):
        return babel_numbers.format_currency(
            value.quantize(Decimal(1)), currency, format="¤#,##0", locale=locale(lang),
            currency_digits=False)
    return babel_numbers.format_currency(value, currency, locale=locale(lang))


def number_symbols(lang: str = "id") -> str:
    """The decimal sign then the thousands separator of `lang` (`,.` for id, `.,` for
    en): Plotly's `layout.separators`, so a chart's own numbers read as Babel's."""
    return (babel_numbers.get_decimal_symbol(locale(lang))
            + babel_numbers.get_group_symbol(locale(lang)))


def fmt_month(value, lang: str = "id") -> str:
    """`Mei 2023` / `May 2023`: Babel's `LLL y`, from the language's month names."""
    if value is None or value != value:
        return "–"
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
        value = value.date()
    return f"{_month_names(lang, 'abbreviated', 'stand-alone')[value.month]} {value.year}"


def fmt_date(value, lang: str = "id", long: bool = False) -> str:
    """`22 Mei 2023` / `22 May 2023` (long: `22 Mei 2023` with the full month name):
    Babel's `d MMM y` / `d MMMM y`, written from the language's month names (Babel's
    pattern machinery per date was most of a 554-date table's time)."""
    if value is None or value != value:  # None or NaT
        return "–"
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
        value = value.date()
    month = _month_names(lang, "wide" if long else "abbreviated")[value.month]
    return f"{value.day} {month} {value.year}"


@functools.cache
def _month_names(lang: str, width: str, context: str = "format") -> dict[int, str]:
    return dict(locale(lang).months[context][width])


def fmt_datetime(value, lang: str = "id") -> str:
    if value is None or value != value:
        return "–"
    return babel_dates.format_datetime(value, format="d MMM y HH:mm", locale=locale(lang))
