"""The one query runner: `run(con, name, params)` -> DataFrame.

Each query lives in `queries/<name>.sql` and reads its user values only as DuckDB named
parameters (`$name`). The shared filter macros (`queries/_macros.sql`) are defined on the
cursor each query runs on. Defining them costs about 20 ms, more than most queries take,
so `run` borrows a cursor that already has them from a small per-connection pool (each
cursor serves one thread at a time; a cursor whose query failed is closed, not reused).
Only the parameters a query names are bound, so a page can hand every query the same
filter parameters.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import re
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

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


_POOL_SIZE = 8  # idle prepared cursors kept per connection
_pools: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_pools_lock = threading.Lock()


def _pool(con: duckdb.DuckDBPyConnection) -> queue.SimpleQueue:
    with _pools_lock:
        pool = _pools.get(con)
        if pool is None:
            pool = _pools[con] = queue.SimpleQueue()
        return pool


@contextlib.contextmanager
def cursor(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor with the macros defined, borrowed from the connection's pool (or made)
    and given back afterwards; closed instead when the block raised."""
    pool = _pool(con)
    try:
        cur = pool.get_nowait()
    except queue.Empty:
        cur = prepare(con)
    ok = False
    try:
        yield cur
        ok = True
    finally:
        if ok and pool.qsize() < _POOL_SIZE:
            pool.put(cur)
        else:
            cur.close()


def bind(name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters `queries/<name>.sql` names, taken from `params`; a missing one is
    an error that names the query."""
    params = params or {}
    wanted = param_names(name)
    missing = wanted - params.keys()
    if missing:
        raise QueryError(f"query {name}: parameters not given: {sorted(missing)}")
    return {k: params[k] for k in wanted}


def _shown(bound: dict[str, Any]) -> dict[str, Any]:
    """Parameters for an error message (long label lists left out)."""
    return {k: v for k, v in bound.items() if not k.startswith(("label_", "province_"))}


def _text(name: str, wrap: str | None) -> str:
    text = sql_text(name)
    return text if wrap is None else wrap.replace("{query}", text.rstrip().rstrip(";"))


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None,
        *, wrap: str | None = None, extra: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run `queries/<name>.sql` with the named parameters it uses; return a DataFrame.

    `wrap` places the query inside more SQL (`select count(*) from ({query})`, a sort and
    a page); its own parameters come in `extra`. The query's rows stay the query's: the
    explorer's page, its count and its exports all read the same file this way.
    """
    bound = bind(name, params) | (extra or {})
    try:
        with cursor(con) as cur:
            return cur.execute(_text(name, wrap), bound).df()
    except duckdb.Error as exc:
        raise QueryError(f"query {name} failed with parameters {_shown(bound)}: {exc}"
                         ) from exc


@contextlib.contextmanager
def stream(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None,
           *, wrap: str | None = None, batch_rows: int = 100_000
           ) -> Iterator[pa.RecordBatchReader]:
    """The rows of `run(...)` as an Arrow reader streamed in batches (exports of a
    million rows never sit in memory at once)."""
    bound = bind(name, params)
    with cursor(con) as cur:
        try:
            reader = cur.sql(_text(name, wrap), params=bound).to_arrow_reader(batch_rows)
        except duckdb.Error as exc:
            raise QueryError(f"query {name} failed with parameters {_shown(bound)}: {exc}"
                             ) from exc
        yield reader
