"""The headline figures: one query, read by the Overview and by `summary --json`.

`queries/overview_headline.sql` is the one definition of every headline figure (open
follow-ups, programs, seats, people, funding...). It counts the records as they stood on
a date: each record counts from the date it became known (see the query), a follow-up
is open on a day by the macro `action_open_on`, and a date on or after `today` counts
everything the store holds. `figures(rows, period)` turns its rows into the dict the
Overview page shows; `headline(con, scope, as_of)` runs it in one query scope
(`coopdash.figures.scope.Scope`, the pages' and the pack's) for one date and shapes that
same dict into what `python -m coopdash summary --json [--as-of D]` prints:

    {"as_of": "2023-12-01", "partners": 1,
     "agreements": {"total": 1, "by_stage": {"exploration": 1}},
     "programs": {"total": 2, "by_status": {...}, "by_kind": {...}, "starting_in_year": 1},
     "seats_planned": {"outbound": 12, "inbound": 0},
     "people_recorded": {"outbound": 12, "inbound": 0},
     "people_attended": {"outbound": 0, "inbound": 0},
     "participants": {"by_status": {...}},
     "funding": {"lines": 1, "amount": None, "unconverted_lines": 0, "no_amount_lines": 1,
                 "by_source": {"apbd": {"lines": 1, "amount": None,
                                        "unconverted_lines": 0}}},
     "actions": {"open": 1, "overdue": 0}}

An amount is None when no line has a converted amount (unknown, never a made-up 0).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from coopdash.figures.scope import Scope
from coopdash.store.query import run

QUERY = "overview_headline"


def _codes(part: pd.DataFrame) -> dict[str, int]:
    return {str(c): int(n) for c, n in zip(part["code"], part["n"], strict=True)}


def _amount(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _first_date(part: pd.DataFrame, code: str) -> Any:
    rows = part[(part["code"] == code) & part["on_date"].notna()]
    return rows["on_date"].iloc[0] if len(rows) else None


def _funding(funding: pd.DataFrame) -> dict[str, Any]:
    amounts = funding["amount"].dropna()
    return {
        "funding_lines": int(funding["n"].fillna(0).sum()),
        "funding_amount": float(amounts.sum()) if len(amounts) else None,
        "funding_unconverted": int(funding["n_unconverted"].fillna(0).sum()),
        "funding_no_amount": int(funding["n_no_amount"].fillna(0).sum()),
        "funding_by": {str(s): (int(c), _amount(a), int(u)) for s, c, a, u in zip(
            funding["code"], funding["n"], funding["amount"], funding["n_unconverted"],
            strict=True)},
    }


def figures(df: pd.DataFrame, period: str = "now") -> dict[str, Any]:
    """The rows of `overview_headline.sql` for one `period` (`now`: $as_of, `before`:
    $before) as one dict: totals, per-code breakdowns (`*_by`), seats / people by
    direction, funding (amount None when nothing converted; per source: lines, amount,
    unconverted lines), open / overdue follow-ups with the oldest dates."""
    df = df[df["period"] == period]
    part = {m: df[df["metric"] == m] for m in df["metric"].unique()}
    empty = df.iloc[0:0]

    def n(metric: str, code: str | None = None) -> int:
        rows = part.get(metric, empty)
        rows = rows if code is None else rows[rows["code"] == code]
        return int(rows["n"].fillna(0).sum())

    by = {m: _codes(part.get(m, empty)) for m in ("agreements", "programs", "programs_kind",
                                                   "participants")}
    return {
        "partners": n("partners"),
        "explorations_since": _first_date(part.get("agreements", empty), "exploration"),
        "agreements": n("agreements"), "agreements_by": by["agreements"],
        "programs": n("programs"), "programs_by": by["programs"],
        "programs_kind_by": by["programs_kind"], "programs_year": n("programs_year"),
        "participants_by": by["participants"],
        **{f"{m}_{short}": n(m, d) for m in ("seats", "people", "attended")
           for d, short in (("outbound", "out"), ("inbound", "in"))},
        **_funding(part.get("funding", empty)),
        "actions_open": n("actions", "open"),
        "actions_oldest": _first_date(part.get("actions", empty), "open"),
        "actions_overdue": n("actions", "overdue"),
        "overdue_oldest": _first_date(part.get("actions", empty), "overdue"),
    }


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def as_json(fig: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """`figures(...)` in the shape `summary --json` prints (see the module docstring)."""
    return {
        "as_of": as_of.isoformat(),
        "partners": fig["partners"],
        "agreements": {"total": fig["agreements"], "by_stage": fig["agreements_by"]},
        "programs": {"total": fig["programs"], "by_status": fig["programs_by"],
                     "by_kind": fig["programs_kind_by"],
                     "starting_in_year": fig["programs_year"]},
        **{key: {"outbound": fig[f"{m}_out"], "inbound": fig[f"{m}_in"]} for key, m in (
            ("seats_planned", "seats"), ("people_recorded", "people"),
            ("people_attended", "attended"))},
        "participants": {"by_status": fig["participants_by"]},
        "funding": {
            "lines": fig["funding_lines"], "amount": _money(fig["funding_amount"]),
            "unconverted_lines": fig["funding_unconverted"],
            "no_amount_lines": fig["funding_no_amount"],
            "by_source": {s: {"lines": n, "amount": _money(a), "unconverted_lines": u}
                          for s, (n, a, u) in sorted(fig["funding_by"].items())}},
        "actions": {"open": fig["actions_open"], "overdue": fig["actions_overdue"]},
    }


def headline(con: duckdb.DuckDBPyConnection, scope: Scope,
             as_of: dt.date | None = None) -> dict[str, Any]:
    """The headline figures in `scope` (filters, currency, home country, and `today`: the
    day the store speaks for, from which on every record counts) as they stood on `as_of`
    (default `scope.today`), as `summary --json` prints them."""
    as_of = as_of or scope.today
    return as_json(figures(run(con, QUERY, scope.params(as_of=as_of, before=None))), as_of)
