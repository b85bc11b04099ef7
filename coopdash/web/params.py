"""A link's query parameters, read safely: one parser per kind of value.

A URL is input like any other: someone may paste `?pg=²`, `?week=9999-W52`, ten thousand
characters or a script. Every parameter the app reads from a link goes through one of the
functions here. Each is pure, never raises, and returns `Parsed(value, note)`:

- `value` is what the page may use (or the default when the link's text is unusable);
- `note` is `None` when the link's text was used as it is, else a `Note` naming the key,
  the text found (shortened) and why it was dropped. Pages show the notes
  (`coopdash.web.sidebar.link_notes`), so a shared link never shows another view in silence.

Digits are ASCII only (`'²'.isdigit()` is true in Python, `int('²')` fails); texts are cut
at `MAX_TEXT` characters; a list keeps at most `MAX_ITEMS` values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coopdash.contract import WeekError, iso_week

MAX_TEXT = 200  # characters of a free text (a search) a link may carry
MAX_ITEMS = 200  # values of a list a link may carry
MAX_SHOWN = 40  # characters of an unusable value shown back in a note
MIN_YEAR, MAX_YEAR = 1900, 2200  # dates and weeks outside are not meant (and overflow)

_ASCII_INT = re.compile(r"-?[0-9]+")
_INT_DIGITS = 9  # longer is out of every range the app has (and of int()'s limits)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_CODE = re.compile(r"[A-Za-z0-9._-]{1,64}")  # the contract's ids and codes
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069`]")


@dataclass(frozen=True)
class Note:
    """Why a link's value was not used: catalogue key `link.<reason>` with `key` (the URL
    key) and `value` (the text found, shortened and made printable)."""

    key: str
    reason: str
    value: str
    extra: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str = "id") -> str:
        from coopdash.i18n import t

        return t(f"link.{self.reason}", lang, param=self.key, value=self.value,
                 **dict(self.extra))


@dataclass(frozen=True)
class Parsed:
    value: Any
    note: Note | None = None


def shown(raw: Any) -> str:
    """The link's text as it may be shown back: one line, no control or direction
    characters, no backticks (the note puts it in a code span), at most MAX_SHOWN chars."""
    text = _UNSAFE.sub("?", str(raw))
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _dropped(key: str, raw: Any, reason: str, default: Any, **extra: Any) -> Parsed:
    return Parsed(default, Note(key, reason, shown(raw), tuple(sorted(extra.items()))))


def _text_of(raw: Any) -> str | None:
    """The one text a parameter holds (the last of repeated keys), or None if absent."""
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    return None if raw is None else str(raw)


def integer(key: str, raw: Any, default: int, lo: int, hi: int,
            allowed: Iterable[int] | None = None) -> Parsed:
    """An ASCII whole number in [lo, hi] (and in `allowed` if given)."""
    text = _text_of(raw)
    if text is None or text == "":
        return Parsed(default)
    if not _ASCII_INT.fullmatch(text.strip()):
        return _dropped(key, text, "not_integer", default)
    digits = text.strip().lstrip("-")
    value = int(text.strip()) if len(digits) <= _INT_DIGITS else None
    choices = tuple(allowed) if allowed is not None else None
    if (value is None or not lo <= value <= hi
            or (choices is not None and value not in choices)):
        return _dropped(key, text, "out_of_range", default,
                        allowed=", ".join(map(str, choices)) if choices else f"{lo}–{hi}")
    return Parsed(value)


def repeated(key: str, values: list[str]) -> Note | None:
    """A key the link gives more than once: the last value is used, and said so."""
    if len(values) < 2:
        return None
    return Note(key, "repeated", shown(values[-1]), (("n", len(values)),))


def date(key: str, raw: Any, default: dt.date | None = None) -> Parsed:
    """A calendar date written YYYY-MM-DD, in years MIN_YEAR..MAX_YEAR."""
    text = _text_of(raw)
    if text is None or text == "":
        return Parsed(default)
    m = _ISO_DATE.fullmatch(text.strip())
    if not m:
        return _dropped(key, text, "not_date", default)
    try:
        value = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return _dropped(key, text, "not_date", default)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return _dropped(key, text, "date_out_of_range", default, lo=MIN_YEAR, hi=MAX_YEAR)
    return Parsed(value)


def week(key: str, raw: Any, default: tuple[int, int] | None = None) -> Parsed:
    """An ISO week written YYYY-Www (`contract.iso_week`, as in a workbook), as (year,
    week number), years MIN_YEAR..MAX_YEAR; a week its year does not have is named so."""
    text = _text_of(raw)
    if text is None or text == "":
        return Parsed(default)
    try:
        year, number = iso_week(text)
    except WeekError as exc:
        return _not_a_week(key, text, exc, default)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _dropped(key, text, "date_out_of_range", default, lo=MIN_YEAR, hi=MAX_YEAR)
    return Parsed((year, number))


def _not_a_week(key: str, text: str, exc: WeekError, default: Any) -> Parsed:
    """Not written YYYY-Www; a year out of range; or no such week (2025-W53)."""
    if exc.code != "week_invalid":
        return _dropped(key, text, "not_week", default)
    year = int(exc.text[:4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _dropped(key, text, "date_out_of_range", default, lo=MIN_YEAR, hi=MAX_YEAR)
    return _dropped(key, text, "no_such_week", default, year=year, **exc.params)


def codes(key: str, raw: Any, known: Iterable[str] | None = None) -> Parsed:
    """A comma-separated list of ids or codes, as a tuple; values that are not well-formed
    ids (or not in `known`, if given) are dropped with one note naming them."""
    text = _text_of(raw)
    if text is None or text == "":
        return Parsed(())
    known_set = set(known) if known is not None else None
    kept: list[str] = []
    bad: list[str] = []
    for part in text.split(",")[:MAX_ITEMS]:
        value = part.strip()
        if not value:
            continue
        ok = _CODE.fullmatch(value) and (known_set is None or value in known_set)
        (kept if ok else bad).append(value)
    if text.count(",") >= MAX_ITEMS:
        bad.append(f"… ({text.count(',') + 1 - MAX_ITEMS})")
    if bad:
        return Parsed(tuple(dict.fromkeys(kept)),
                      Note(key, "unknown_codes", shown(", ".join(bad))))
    return Parsed(tuple(dict.fromkeys(kept)))


def text(key: str, raw: Any, default: str = "", max_len: int = MAX_TEXT) -> Parsed:
    """A free text (a search): control and direction characters removed, cut at
    `max_len` characters (with a note when cut or cleaned)."""
    value = _text_of(raw)
    if value is None:
        return Parsed(default)
    clean = _UNSAFE.sub("", value).replace("`", "")
    if len(clean) > max_len:
        return Parsed(clean[:max_len], Note(key, "text_cut", shown(value),
                                             (("n", max_len),)))
    if clean != value:
        return Parsed(clean, Note(key, "text_cleaned", shown(value)))
    return Parsed(clean)


def choice(key: str, raw: Any, allowed: Iterable[str], default: str) -> Parsed:
    """One value out of a fixed list (a tab, a language, a currency, a sort column)."""
    value = _text_of(raw)
    if value is None or value == "":
        return Parsed(default)
    options = tuple(allowed)
    if value in options:
        return Parsed(value)
    return _dropped(key, value, "not_a_choice", default)
