"""The Funding page's figures: `queries/funding_page.sql` computes the funding lines once
and every figure of the page from them, in one result; `part` takes one figure out of it.

    page = query.run(con, "funding_page", params)      # or cache.run("funding_page", ctx)
    mix = part(page, "source")                         # as funding_by_source.sql gives it

Each figure comes back with its own columns, in its query's order, and its counts as
plain integers (in the one result a column of another figure is empty on its rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOP_PARTNERS = 15  # the partners the page shows by name ($limit of funding_page.sql)

# the figure (`part` in funding_page.sql) -> its columns, as its chart and table read them
PARTS = {
    "source": ("source", "n_lines", "n_converted", "n_unconverted", "n_no_amount",
               "amount_display"),
    "year": ("year", "source", "n_lines", "n_unconverted", "amount_display"),
    "kind": ("program_kind", "source", "n_lines", "n_unconverted", "amount_display"),
    "partner": ("partner_id", "partner_name", "source", "n_lines", "n_unconverted",
                "amount_display"),
    "rates": ("currency", "valid_from", "idr_per_unit", "source", "n_lines"),
    "unconverted": ("currency", "n_lines", "amount", "n_undated", "first_on", "last_on"),
}


def part(page: pd.DataFrame, name: str) -> pd.DataFrame:
    """The figure `name` of the result of funding_page.sql (a new frame, numbered 0..n).
    Built from the columns' arrays (`take`), not by a boolean mask, `loc` and
    `reset_index`: pandas' indexing machinery was 19 ms of the six figures at 1M, this 6."""
    at = np.flatnonzero(page["part"].to_numpy() == name)
    columns = {}
    for col in PARTS[name]:
        values = page[col].array.take(at)
        # an integer column of the one result holds other figures' nulls
        if isinstance(values.dtype, pd.Int64Dtype) and not values.isna().any():
            values = values.to_numpy("int64")
        columns[col] = values
    return pd.DataFrame(columns, copy=False)
