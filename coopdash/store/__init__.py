"""The store: one writer, many readers, every write published whole.

Read (any number of processes, while anything else runs):

    with store.reading(path) as con:          # the current version, read-only
        ...
    reader = store.Reader(path)               # a long-lived process (the dashboard)
    reader.version()                          # one stat: the current data version
    reader.connection(version)                # that version's open read-only connection

Write (one at a time, across every process; the others wait, at most
`COOPDASH_WRITE_WAIT` seconds, then `WriterBusyError` says who holds the store):

    with store.writing(path, actor="ana", what="import", file_name="book.xlsx",
                       mode="upsert") as con:
        importer.import_path(con, ...)        # any change, on a private copy

The block's changes are published as one new version when it ends without an exception,
and not at all otherwise. `what` names the kind of write in `python -m coopdash history`
(`import`, `edit`, `undo`, or your own: `role`, `view`, `minutes`...). Every write copies
the current file once (about 1 s per 100 MB on this machine's disk): batch many small
writes into one block where you can.

Also: `store.create(path, populate)` (a new store, never over one),
`store.undo(path, id, actor=, admin=)` (`coopdash.store.history`: restores records, never
rights or logs), `store.backup(path, dest)`, `store.restore(path, backup_file)` (a backup's
records as a new write, while everything runs). `store.connect(path)` is the read-only
connection of `reading`. How and why: `coopdash.store.snapshots`, `docs/architecture.md`.

`query` is the one runner of the SQL in `queries/`.

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.i18n`. Never a later
stage, nor Streamlit.
"""

from coopdash.store.base import (
    MIGRATIONS_DIR,
    SCHEMA_VERSION,
    StoreBusyError,
    StoreError,
    StoreMissingError,
    StoreUnreadableError,
    StoreWalError,
    bump_data_version,
    data_version,
    migrate,
    migrations,
    schema_version,
    transaction,
    wal_path,
)
from coopdash.store.history import UndoRefusedError, undo
from coopdash.store.snapshots import (
    Reader,
    StoreFullError,
    WriterBusyError,
    backup,
    connect,
    create,
    current,
    holder,
    path_of,
    reading,
    restore,
    settle,
    upgrade,
    versions_dir,
    writing,
)

__all__ = [
    "MIGRATIONS_DIR",
    "SCHEMA_VERSION",
    "Reader",
    "StoreBusyError",
    "StoreError",
    "StoreFullError",
    "StoreMissingError",
    "StoreUnreadableError",
    "StoreWalError",
    "UndoRefusedError",
    "WriterBusyError",
    "backup",
    "bump_data_version",
    "connect",
    "create",
    "current",
    "data_version",
    "holder",
    "migrate",
    "migrations",
    "path_of",
    "reading",
    "restore",
    "schema_version",
    "settle",
    "transaction",
    "undo",
    "upgrade",
    "versions_dir",
    "wal_path",
    "writing",
]
