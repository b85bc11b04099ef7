"""The shared filter state: one frozen value that becomes query parameters and a URL.

Every page reads the same `Filters`; the sidebar writes it; `st.query_params` carries it
so a link reproduces the view. Empty means "all". The funding-source and province
filters also take `NONE` ("nothing recorded": programs with no funding line, people with
no province), so that every value plus `NONE` keeps what choosing nothing keeps.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from coopdash.i18n import code_label, fmt_date, t

# URL key for each list field (ids never contain commas: the contract allows A-Za-z0-9._-).
_LIST_KEYS = {
    "partners": "partner",
    "countries": "country",
    "kinds": "kind",
    "statuses": "status",
    "sources": "source",
    "regions": "region",
    "sides": "side",
    "origins": "origin",
    "recipients": "recipient",
}
_DATE_KEYS = {"date_from": "from", "date_to": "to"}
NONE = "none"  # the "nothing recorded" choice (queries/_macros.sql knows it by this name)
WITH_NONE = ("sources", "regions", "origins")  # list filters whose field can be empty
# (origins: NONE = our own records, not loaded from a partner's IATI file)


@dataclass(frozen=True)
class Filters:
    partners: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # IATI publishers' ids; NONE = our own records
    recipients: tuple[str, ...] = ()  # recipient countries (programs.recipients)

    def __post_init__(self) -> None:
        for name in _LIST_KEYS:  # normalise: sorted tuples, so equal filters compare equal
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))

    def params(self, home_country: str = "ID") -> dict[str, Any]:
        """The `$f` struct every query's filter macros read."""
        values = {name: list(getattr(self, name)) for name in _LIST_KEYS}
        return {"f": {**values, "date_from": self.date_from, "date_to": self.date_to,
                      "home": home_country}}

    def to_query_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, key in _LIST_KEYS.items():
            if getattr(self, name):
                out[key] = ",".join(getattr(self, name))
        for name, key in _DATE_KEYS.items():
            if getattr(self, name):
                out[key] = getattr(self, name).isoformat()
        return out

    @classmethod
    def from_query_params(cls, qp: dict[str, Any]) -> Filters:
        """Read filters back from a URL; unreadable parts are ignored, never fatal."""
        kw: dict[str, Any] = {}
        for name, key in _LIST_KEYS.items():
            raw = qp.get(key)
            if raw:
                kw[name] = tuple(v for v in str(raw).split(",") if v)
        for name, key in _DATE_KEYS.items():
            raw = qp.get(key)
            if raw:
                with contextlib.suppress(ValueError):
                    kw[name] = dt.date.fromisoformat(str(raw)[:10])
        return cls(**kw)

    @classmethod
    def from_pairs(cls, items: list[str]) -> Filters:
        """Filters from `KEY=VALUES` texts as the command line takes them (`kind=seminar,
        webinar`, `from=2024-01-01`): the URL's keys and values."""
        return cls.from_query_params(dict(item.split("=", 1) for item in items if "=" in item))

    @property
    def url_keys(self) -> tuple[str, ...]:
        return (*_LIST_KEYS.values(), *_DATE_KEYS.values())


# --- in words (the weekly page, the pack, the deck) -----------------------------------

_FILTER_WORDS = {"partners": "filter.partner", "countries": "filter.country",
                 "kinds": "filter.kind", "statuses": "filter.status",
                 "sources": "filter.source", "regions": "filter.region", "sides": "filter.side",
                 "origins": "filter.origin", "recipients": "filter.recipient"}
_FILTER_CODES = {"kinds": "program_kind", "statuses": "program_status", "sources": "source",
                 "sides": "side"}


def _value_words(name: str, value: str, lang: str) -> str:
    """A chosen value as words: a code's label; "No funding recorded" for NONE."""
    if value == NONE and name in WITH_NONE:
        return t(f"filter.none.{_LIST_KEYS[name]}", lang)
    codes = _FILTER_CODES.get(name)
    return code_label(codes, value, lang) if codes else value


def described(filters: Filters, lang: str) -> list[tuple[str, str]]:
    """Each chosen filter as (its name, its values in words: a code's label, "No funding
    recorded" for `none`): the one description of the filters, for the weekly page, the
    pack, the deck and the export's about sheet."""
    out = []
    for name, key in _FILTER_WORDS.items():
        values = getattr(filters, name)
        if values:
            out.append((t(key, lang), ", ".join(_value_words(name, v, lang) for v in values)))
    if filters.date_from or filters.date_to:
        out.append((t("filter.period", lang), f"{fmt_date(filters.date_from, lang)} – "
                                              f"{fmt_date(filters.date_to, lang)}"))
    return out


def describe(filters: Filters, lang: str) -> str:
    """`Filters: Program kind: Seminar; Partner: jclair-sg` or `No filters (all records)`."""
    parts = [f"{name}: {words}" for name, words in described(filters, lang)]
    if not parts:
        return t("weekly.filters_none", lang)
    return t("weekly.filters", lang, text="; ".join(parts))
