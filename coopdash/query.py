"""The one query runner: `run(con, name, params)` -> DataFrame.

Each query lives in `queries/<name>.sql` and reads its user values only as DuckDB named
parameters (`$name`). The shared filter macros (`queries/_macros.sql`) are defined on the
cursor each query runs on. Only the parameters a query names are bound, so a page can
hand every query the same filter parameters.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import duckdb
import pandas as pd

from coopdash.settings import QUERIES_DIR

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class QueryError(RuntimeError):
    """A query failed; the message names the query and its parameters."""


@functools.cache
def sql_text(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no query file queries/{name}.sql")
    return path.read_text(encoding="utf-8")


@functools.cache
def param_names(name: str) -> frozenset[str]:
    return frozenset(_PARAM.findall(_COMMENT.sub("", sql_text(name))))


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if not p.stem.startswith("_"))


def prepare(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A fresh cursor with the shared macros defined (temp objects are per cursor)."""
    cur = con.cursor()
    cur.execute(sql_text("_macros"))
    return cur


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
        ) -> pd.DataFrame:
    """Run `queries/<name>.sql` with the named parameters it uses; return a DataFrame."""
    params = params or {}
    wanted = param_names(name)
    missing = wanted - params.keys()
    if missing:
        raise QueryError(f"query {name}: parameters not given: {sorted(missing)}")
    bound = {k: params[k] for k in wanted}
    cur = prepare(con)
    try:
        return cur.execute(sql_text(name), bound).df()
    except duckdb.Error as exc:
        raise QueryError(f"query {name} failed with parameters {bound}: {exc}") from exc
    finally:
        cur.close()
