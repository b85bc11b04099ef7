"""One DuckDB file of the store: opening it, its schema migrations, its data version.

The schema is the sum of `migrations/NNN_*.sql`, each applied once, in number order:
`meta` records every number applied (`migration.NNN`), so a migration that lands on main
after a higher-numbered one is still applied to stores made in between. A store made by
an older release opens in a newer one. Every published write sets `meta.data_version`,
which caches key on. How files are written and published: `coopdash.store.snapshots`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(RuntimeError):
    """The store cannot be opened or created as asked."""


class StoreMissingError(StoreError):
    """There is no store at that path."""


class StoreBusyError(StoreError):
    """Another program (a running dashboard, an import) holds the store file."""


class StoreUnreadableError(StoreError):
    """The path names something that is not a store file DuckDB can open: a folder, a
    damaged file, another program's file (not "in use by another program")."""

    def __init__(self, path: Path, detail: str = "") -> None:
        super().__init__(f"{path} is not a coopdash store file ({detail})")
        self.path = path

    def message(self, lang: str = "en") -> str:
        from coopdash.i18n import t

        return t("store.cli.not_a_store", lang, path=self.path)


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


def _number(script: Path) -> int:
    return int(script.name[:3])


SCHEMA_VERSION = max((_number(m) for m in migrations()), default=0)


def open_file(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open one DuckDB file as it is, migrating it when opened for writing. Only the
    snapshot machinery writes files; everyone else reads through `store.connect`."""
    path = Path(path)
    if not path.exists():
        raise StoreMissingError(f"no store at {path}: create one with `python -m coopdash init`")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:  # another process holds the file, or a foreign WAL
        if "WAL" in str(exc) and wal_path(path).exists():
            raise StoreWalError(path, wal_path(path), str(exc)) from exc
        if path.is_dir() or "lock" not in str(exc).lower():  # a folder, a damaged file
            raise StoreUnreadableError(path, str(exc)) from exc
        raise StoreBusyError(f"the store {path} is in use by another program: {exc}") from exc
    if not read_only and pending_migrations(con):
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


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[Path]:
    """The migrations this store has not had yet, in number order."""
    current = schema_version(con)
    if current == 0:
        return migrations()
    applied = _applied(con)
    if not applied:  # recorded before numbers were: the first `current` were applied
        applied = set(range(1, current + 1))
    return [m for m in migrations() if _number(m) not in applied]


def _applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    return {int(k.removeprefix("migration.")) for (k,) in con.execute(
        "select key from meta where key like 'migration.%'").fetchall()}


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """The block as one transaction on `con`: committed at its end; rolled back, and the
    exception raised again, if anything escapes it (an interrupt too)."""
    con.execute("begin transaction")
    try:
        yield con
        commit(con)
    except BaseException:
        con.execute("rollback")
        raise


def commit(con: duckdb.DuckDBPyConnection) -> None:
    """(Its own function so that a profile can time the commit: benchmarks/import_profile.py.)"""
    con.execute("commit")


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply every migration the store has not had, each atomically, in number order."""
    pending = pending_migrations(con)
    if pending and schema_version(con) > 0:
        _record_applied(con)
    for script in pending:
        number = _number(script)
        with transaction(con):
            con.execute(script.read_text(encoding="utf-8"))
            _set_meta(con, f"migration.{number:03d}", "applied")
            _set_meta(con, "schema_version", str(max(_applied(con))))
            if number == 1:
                _set_meta(con, "data_version", "0")


def _record_applied(con: duckdb.DuckDBPyConnection) -> None:
    """A store from before per-number records: note the first `schema_version` as applied."""
    if con.execute("select count(*) from meta where key like 'migration.%'").fetchall()[0][0]:
        return
    for number in range(1, schema_version(con) + 1):
        _set_meta(con, f"migration.{number:03d}", "applied")


def _set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute(
        "insert or replace into meta (key, value) values ($key, $value)",
        {"key": key, "value": value},
    )


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select value from meta where key = 'data_version'").fetchall()
    return int(row[0][0]) if row else 0


def bump_data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Call inside the write's transaction (the publish sets the final version)."""
    new = data_version(con) + 1
    _set_meta(con, "data_version", str(new))
    return new


def set_data_version(con: duckdb.DuckDBPyConnection, version: int) -> None:
    _set_meta(con, "data_version", str(version))
