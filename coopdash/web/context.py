"""The page context: what every page needs for one run (settings, language, currency,
filters, the store's data version, today, the person), and the common parameters of a
query run. Built once per run by `coopdash.web.frame.build_context`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from coopdash.access import Person
from coopdash.figures.filters import Filters
from coopdash.figures.scope import Scope
from coopdash.i18n import code_label, t
from coopdash.settings import Settings

KEY = "_coopdash_ctx"  # where this run's context is kept in the session state


@dataclass(frozen=True)
class Context:
    """What every page needs for this run; built once per run by dashboard.py."""

    settings: Settings
    lang: str
    currency: str
    filters: Filters
    data_version: int
    today: dt.date
    person: Person  # who is using this session (coopdash.web.auth), checked every rerun

    def can(self, what: str) -> bool:
        """What this person's role allows (`coopdash.access`)."""
        return self.person.can(what)

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def label(self, codelist: str, code: str | None) -> str:
        return code_label(codelist, code, self.lang)

    @property
    def scope(self) -> Scope:
        """The scope of this run's queries (`coopdash.figures.scope`): the sidebar's
        filters and currency, today, the home country, this person's right to names."""
        return Scope(today=self.today, filters=self.filters, currency=self.currency,
                     home=self.settings.home_country, show_names=self.can("names"))

    def params(self, **extra: Any) -> dict[str, Any]:
        """Every common query parameter plus the page's own."""
        return self.scope.params(**extra)
