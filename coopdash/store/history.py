"""The history of writes and their undo (`python -m coopdash history` / `undo`, the Data
page): one row per published write, from `queries/store_history.sql`, with whether it can
be undone and, when not, why.

**Undo restores records, never rights or records of what happened.** `undo(path, W)`
is a new write (itself in the history, itself undoable) that puts back the *records* (the
contract's tables and their change trail, `records.RECORD_TABLES`) as they were just
before W; W and every later write that changed records are marked `undone_by` it. Rights
and logs (`records.KEPT_TABLES`: roles, role log, access log, send log, saved views,
the write log itself) are never rolled back. Undoing an undo brings back exactly what it
removed (the records as they were just before that undo, and the undone marks too).

Which writes can be undone: those that changed records (not `records.NO_RECORD_WRITES`:
role changes, sends, access-log rows, saved views, schema upgrades), not already undone,
whose state before is still kept (the last `COOPDASH_UNDO_KEEP` writes that changed
records and are in effect). `why_not` says which rule refused, in the reader's words.

Who may undo: an administrator any write; someone who may write (a keeper) only when
every write the undo would discard is their own; nobody else. Checked again under the
store's lock by `undo` itself, whoever calls it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

import coopdash.store.query as query
import coopdash.store.records as records
import coopdash.store.snapshots as snapshots
from coopdash.store.base import StoreError

if TYPE_CHECKING:  # pandas is imported where a frame is read: `python -m coopdash import`
    import pandas as pd  # starts its reading child before it (coopdash.cli.records)

ALL = 1_000_000_000  # `limit` for every write


class UndoRefusedError(StoreError):
    """An undo that may not or cannot be done; `message(lang)` says why, in the product's
    words (`snap.why.<reason>`)."""

    def __init__(self, reason: str, **params) -> None:
        self.reason, self.params = reason, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from coopdash.i18n import t

        return t(f"snap.why.{self.reason}", lang, **self.params)


def writes(con: duckdb.DuckDBPyConnection, path: Path | str, limit: int = 100, *,
           show_private: bool) -> pd.DataFrame:
    """The latest `limit` writes, newest first; `is_undoable` says whether `undo` can
    bring back the state before it, `why_not` (a reason key) why not. `show_private`:
    with the access log's and the role log's writes (for a role that may `manage`, else
    they are left out)."""
    return with_undoable(query.run(con, "store_history", {
        "limit": limit, "show_private": show_private}), path)


def with_undoable(df: pd.DataFrame, path: Path | str) -> pd.DataFrame:
    """`df` (rows of `store_history`) with `why_not` (None when undoable, else the reason:
    `no_record`, `undone`, `no_base`, `pruned`) and `is_undoable`. Kept states are
    checked on disk now, not cached: later writes prune them."""
    kept = set(snapshots.kept_versions(path))
    df = df.copy()
    df["why_not"] = [_why_not(r, kept) for r in df.itertuples(index=False)]
    df["is_undoable"] = df["why_not"].isna()
    return df


def _why_not(row, kept: set[int]) -> str | None:
    import pandas as pd

    if row.what in records.NO_RECORD_WRITES:
        return "no_record"
    if pd.notna(row.undone_by):
        return "undone"
    if pd.isna(row.base_version):
        return "no_base"
    return None if int(row.base_version) in kept else "pruned"


def why_not_text(row, lang: str, keep: int) -> str:
    """The reason a row of `with_undoable` cannot be undone, as a person reads it."""
    return UndoRefusedError(row.why_not, id=int(row.write_id), what=row.what,
                       by=_int_or_none(row.undone_by), n=keep).message(lang)


def _int_or_none(value) -> int | None:
    import pandas as pd

    return None if pd.isna(value) else int(value)


def lost_by_undo(df: pd.DataFrame, write_id: int) -> pd.DataFrame:
    """The writes an undo of `write_id` discards: it and every later write that changed
    records and is in effect (role changes, sends... after it stay as they are)."""
    return df[(df["write_id"] >= write_id) & df["undone_by"].isna()
              & ~df["what"].isin(records.NO_RECORD_WRITES)]


def may_undo(df: pd.DataFrame, write_id: int, actor: str, admin: bool) -> bool:
    """An administrator may undo any write; anyone else only writes that discard nothing
    but their own (see the module's docstring)."""
    return admin or bool((lost_by_undo(df, write_id)["actor"] == actor).all())


def check_undo(df: pd.DataFrame, write_id: int, actor: str, admin: bool, keep: int
               ) -> pd.Series:
    """The row of `write_id` when `actor` may undo it now; else `UndoRefusedError`."""
    target = df[df["write_id"] == write_id]
    if target.empty:
        raise UndoRefusedError("no_write", id=write_id)
    row = target.iloc[0]
    if not row["is_undoable"]:
        raise UndoRefusedError(row["why_not"], id=write_id, what=row["what"],
                          by=_int_or_none(row["undone_by"]), n=keep)
    if not may_undo(df, write_id, actor, admin):
        others = sorted(set(lost_by_undo(df, write_id)["actor"]) - {actor})
        raise UndoRefusedError("not_yours", id=write_id, who=", ".join(others))
    return row


def undo(path: Path | str, write_id: int, *, actor: str, admin: bool) -> int:
    """Undo write `write_id` (and every later write that changed records): one new
    write that restores the records as they were just before it. Returns its version.
    Checked under the lock (`check_undo`): `UndoRefusedError` says why when it may not."""
    path = Path(path)
    with snapshots.writing(path, actor=actor, what="undo", note=f"undo {write_id}",
                           undoes=write_id) as con:
        df = with_undoable(query.run(con, "store_history", {
            "limit": ALL, "show_private": True}), path)
        row = check_undo(df, write_id, actor, admin, snapshots._settings().undo_keep)
        records.copy_records(con, snapshots.version_file(path, int(row["base_version"])),
                             snapshots.next_version(path, con))
    return snapshots.current(path)[0]


def counts_text(tables) -> str:
    """`programs +3 ~1 -0, participants +100 ~0 -0` (added, changed, removed) for the
    tables a write touched; empty when it touched none."""
    if not isinstance(tables, list | tuple) and not hasattr(tables, "__array__"):
        return ""  # a write with no import rows (NA)
    return ", ".join(f"{t['table_name']} +{t['n_added']} ~{t['n_changed']} -{t['n_removed']}"
                     for t in tables if t["n_added"] or t["n_changed"] or t["n_removed"])


def text(value) -> str:
    """A cell as printed: missing values as `—`."""
    import pandas as pd

    return "—" if value is None or value is pd.NA or (
        isinstance(value, float) and pd.isna(value)) else str(value)
