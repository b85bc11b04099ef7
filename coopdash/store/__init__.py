"""The DuckDB store: opening, schema migrations, the data version.

A store is one DuckDB file. Its schema is the sum of `migrations/NNN_*.sql`, applied in
order; `meta.schema_version` says how many were applied, so a store made by an older
release opens in a newer one. Every write bumps `meta.data_version`, which caches key on.
`query` is the one runner of the SQL in `queries/`.

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`. Never a later
stage, nor Streamlit.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(RuntimeError):
    """The store cannot be opened or created as asked."""


class StoreMissingError(StoreError):
    """There is no store at that path."""


class StoreBusyError(StoreError):
    """Another program (a running dashboard, an import) holds the store file."""


class StoreWalError(StoreError):
    """A write-ahead log beside the store (`<store>.wal`) does not belong to it: left by
    a crash of another store under that name, or copied from elsewhere. DuckDB would
    refuse it (or, beside a new store, replay it into that store)."""

    def __init__(self, path: Path, wal: Path, detail: str = "") -> None:
        super().__init__(f"the file {wal} beside the store {path} is not this store's "
                         f"write-ahead log{': ' + detail if detail else ''}")
        self.path, self.wal = path, wal


def wal_path(path: Path | str) -> Path:
    return Path(str(path) + ".wal")


def migrations() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def migration_number(script: Path) -> int:
    """`004_access.sql` -> 4: a migration is known by its file's number, so numbers handed
    out to parallel work may land in any order without renumbering the others."""
    return int(script.name[:3])


SCHEMA_VERSION = max(migration_number(p) for p in migrations())


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a store that exists, migrating it to the current schema if it is older."""
    path = Path(path)
    if not path.exists():
        raise StoreMissingError(f"no store at {path}: create one with `python -m coopdash init`")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:  # another process holds the file, or a foreign WAL
        if "WAL" in str(exc) and wal_path(path).exists():
            raise StoreWalError(path, wal_path(path), str(exc)) from exc
        raise StoreBusyError(f"the store {path} is in use by another program: {exc}") from exc
    if not read_only and schema_version(con) < SCHEMA_VERSION:
        migrate(con)
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has_meta = con.execute(
        "select count(*) from duckdb_tables() where table_name = 'meta' and not temporary"
    ).fetchall()[0][0]
    if not has_meta:
        return 0
    row = con.execute("select value from meta where key = 'schema_version'").fetchall()
    return int(row[0][0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply every migration newer than the store's schema version, each atomically."""
    current = schema_version(con)
    for script in migrations():
        number = migration_number(script)
        if number <= current:
            continue
        con.execute("begin transaction")
        try:
            con.execute(script.read_text(encoding="utf-8"))
            _set_meta(con, "schema_version", str(number))
            if number == 1:
                _set_meta(con, "data_version", "0")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise


def _set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "insert or replace into meta (key, value) values ($key, $value)",
        {"key": key, "value": value},
    )


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select value from meta where key = 'data_version'").fetchall()
    return int(row[0][0]) if row else 0


def bump_data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Call inside the write's transaction."""
    new = data_version(con) + 1
    _set_meta(con, "data_version", str(new))
    return new


def create(path: Path | str, populate=None) -> None:
    """Create a store at `path`; never overwrite one. `populate(con)` fills it.

    The store is built beside its final place and moved there only when everything
    succeeded, so a failed creation leaves no half-made store behind.
    """
    path = Path(path)
    if path.exists():
        raise StoreError(f"a store already exists at {path}; it is never overwritten")
    if wal_path(path).exists():  # DuckDB would replay it into the new store
        raise StoreWalError(path, wal_path(path), "no store file, a leftover log")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(str(tmp))
        try:
            migrate(con)
            if populate is not None:
                populate(con)
            con.execute("checkpoint")
        finally:
            con.close()
        if path.exists():
            raise StoreError(f"a store appeared at {path} meanwhile; it is never overwritten")
        shutil.move(str(tmp), str(path))
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)
