"""The headline figures, filter-aware, from `queries/headline_*.sql`.

`headline(con, filters, currency, as_of, home_country)` returns the dict that
`python -m coopdash summary --json` prints and the Overview page shows:

    {"partners": 1,
     "agreements": {"by_stage": {"exploration": 1}},
     "programs": {"by_status": {...}, "by_kind": {...}},
     "seats_planned": {"outbound": 12, "inbound": 0},
     "participants": {"by_status": {...}},
     "funding": {"by_source": {"apbd": {"lines": 1, "amount": None, "unconverted_lines": 0}}},
     "actions": {"open": 1, "overdue": 0}}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from coopdash.figures.filters import Filters
from coopdash.store.query import run


def _counts(df, key: str) -> dict[str, int]:
    return {str(k): int(n) for k, n in zip(df[key], df["n"], strict=True)}


def _amount(value) -> float | None:
    """The converted total, or None when no line had a converted amount (not zero)."""
    return None if pd.isna(value) else round(float(value), 2)


def headline(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
             currency: str = "IDR", as_of: dt.date | None = None,
             home_country: str = "ID") -> dict[str, Any]:
    params = {**(filters or Filters()).params(home_country), "currency": currency.upper(),
              "today": as_of or dt.date.today()}
    programs = run(con, "headline_programs", params)
    seats = run(con, "headline_seats", params).iloc[0]
    actions = run(con, "headline_actions", params).iloc[0]
    funding = run(con, "headline_funding", params)
    return {
        "partners": int(run(con, "headline_partners", params)["n_partners"].iloc[0]),
        "agreements": {"by_stage": _counts(run(con, "headline_agreements", params), "stage")},
        "programs": {
            "by_status": _counts(programs[programs["dimension"] == "status"], "code"),
            "by_kind": _counts(programs[programs["dimension"] == "kind"], "code"),
        },
        "seats_planned": {"outbound": int(seats["outbound"]), "inbound": int(seats["inbound"])},
        "participants": {"by_status": _counts(run(con, "headline_participants", params),
                                              "status")},
        "funding": {"by_source": {
            str(r.source): {"lines": int(r.n_lines), "amount": _amount(r.amount),
                            "unconverted_lines": int(r.n_unconverted)}
            for r in funding.itertuples()}},
        "actions": {"open": int(actions["n_open"]), "overdue": int(actions["n_overdue"])},
    }
