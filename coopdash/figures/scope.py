"""The scope of a query run: what every query of `queries/` is asked under.

The sidebar's filters, the display currency, the day the store speaks for (`today`), the
home country (outbound / inbound) and whether the role may see participants' names:
one object, whose `params()` are the common parameters of every query. The pages build
it from the page context (`coopdash.web.context.Context.scope`: the signed-in person's
role), the command line, the meeting pack, its deck and its e-mail from the settings
(`Scope.of`: the operator's role, `COOPDASH_ROLE`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from coopdash.figures.filters import Filters
from coopdash.settings import Settings


@dataclass(frozen=True)
class Scope:
    """Filters, currency, today, home country and the right to names of one query run."""

    today: dt.date
    filters: Filters = field(default_factory=Filters)
    currency: str = "IDR"
    home: str = "ID"
    show_names: bool = False

    @classmethod
    def of(cls, settings: Settings, filters: Filters | None = None,
           currency: str | None = None, today: dt.date | None = None,
           show_names: bool | None = None) -> Scope:
        """The scope of the command line and the pack: the settings' currency, today and
        home country, and the operator's right to names unless `show_names` says whose."""
        return cls(today=today or settings.today(), filters=filters or Filters(),
                   currency=currency or settings.currency, home=settings.home_country,
                   show_names=settings.can("names") if show_names is None else show_names)

    def params(self, **extra: Any) -> dict[str, Any]:
        """Every common query parameter plus the caller's own."""
        return {**self.filters.params(self.home), "currency": self.currency,
                "today": self.today, "home": self.home, "show_names": self.show_names,
                **extra}
