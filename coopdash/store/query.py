"""The one query runner: `run(con, name, params)` -> DataFrame.

Each query lives in `queries/<name>.sql` and reads its user values only as DuckDB named
parameters (`$name`). The shared filter macros (`queries/_macros.sql`) are defined on the
cursor each query runs on. Defining them costs about 20 ms, more than most queries take,
so `run` borrows a cursor that already has them from a small per-connection pool (each
cursor serves one thread at a time; a cursor whose query failed is closed, not reused).
Only the parameters a query names are bound, so a page can hand every query the same
filter parameters.

What a query reads, for caches keyed by it (`coopdash.web.cache`): `tables_read(name,
tables)` names the store tables a query may read, and `table_digests(con)` the content of
every table of a version, so a write that leaves a query's tables as they were (a
follow-up written, an undo back to a state already shown) leaves its results valid.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import re
import threading
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import duckdb

from coopdash.settings import QUERIES_DIR

if TYPE_CHECKING:  # DuckDB imports them with the first frame or reader it makes; the
    import pandas as pd  # command line's import starts its reading child before them
    import pyarrow as pa

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_MACRO = re.compile(r"create\s+or\s+replace\s+temp\s+macro\s+([a-z_][a-z0-9_]*)", re.I)
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


@functools.cache
def _macros() -> dict[str, str]:
    """Each shared macro of `_macros.sql` by name: its text, up to the next macro."""
    text = sql_text("_macros")
    starts = list(_MACRO.finditer(text))
    ends = [m.start() for m in starts[1:]] + [len(text)]
    return {m.group(1).lower(): text[m.start():end] for m, end in zip(starts, ends, strict=True)}


def _with_macros(text: str) -> str:
    """`text` and the text of every shared macro it calls, and those macros call."""
    parts, todo, seen = [text], [text], set()
    while todo:
        part = todo.pop()
        for macro, body in _macros().items():
            if macro not in seen and re.search(rf"\b{macro}\s*\(", part, re.I):
                seen.add(macro)
                parts.append(body)
                todo.append(body)
    return "\n".join(parts)


@functools.cache
def tables_read(name: str, tables: frozenset[str]) -> frozenset[str]:
    """The tables among `tables` that `queries/<name>.sql` may read: each one its text, or
    the text of a shared macro it calls, names as a word. It errs only towards more (a
    word in a comment, a CTE named like a table), never fewer: a result keyed by these
    tables' content is never kept past a change of what it read."""
    text = _with_macros(sql_text(name)).lower()
    return frozenset(t for t in tables if re.search(rf"\b{re.escape(t.lower())}\b", text))


def table_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every table of the store on `con` (its main schema) -> a digest of its content:
    its row count and the sum of its rows' hashes (order does not count, a row twice
    does). About 0.2 CPU-s at 1M participants, once per version. On a cursor borrowed
    from the connection's pool (`cursor`), as every query: `con` is shared by the server's
    threads, and DuckDB refuses a connection busy with another thread's call
    (ResourceInUseException) instead of waiting."""
    with cursor(con) as cur:
        tables = [r[0] for r in cur.execute(
            "select table_name from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main' and not temporary order by table_name").fetchall()]
        if not tables:
            return {}
        sql = " union all ".join(
            f"select {_literal(t)} as t, count(*)::varchar || '/' || "
            f"coalesce(sum(hash(x))::varchar, '') as d from main.{ident(t)} x"
            for t in tables)
        return dict(cur.execute(sql).fetchall())


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ident(text: str) -> str:
    """`text` as a quoted SQL identifier."""
    return '"' + text.replace('"', '""') + '"'


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
