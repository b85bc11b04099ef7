"""The history of writes (`python -m coopdash history`, the Data page): one row per
published write, from `queries/store_history.sql`, with whether it can still be undone
(the version it was applied to is still kept)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from coopdash.store import query, snapshots


def writes(con: duckdb.DuckDBPyConnection, path: Path | str, limit: int = 100, *,
           show_private: bool) -> pd.DataFrame:
    """The latest `limit` writes, newest first; `is_undoable` says whether `undo` can
    bring back the state before it. `show_private`: with the access log's and the role
    log's writes (for a role that may `manage`, else they are left out)."""
    return with_undoable(query.run(con, "store_history", {
        "limit": limit, "show_private": show_private}), path)


def with_undoable(df: pd.DataFrame, path: Path | str) -> pd.DataFrame:
    """`df` (rows of `store_history`) with `is_undoable`: the state before the write is
    still on disk (checked now, not cached: versions are pruned by later writes)."""
    kept = set(snapshots.kept_versions(path))
    df = df.copy()
    df["is_undoable"] = [pd.notna(b) and int(b) in kept for b in df["base_version"]]
    return df


def lost_by_undo(df: pd.DataFrame, write_id: int) -> pd.DataFrame:
    """The writes an undo of `write_id` discards: it and every later one."""
    return df[df["write_id"] >= write_id]


def counts_text(tables) -> str:
    """`programs +3 ~1 -0, participants +100 ~0 -0` (added, changed, removed) for the
    tables a write touched; empty when it touched none."""
    if not isinstance(tables, list | tuple) and not hasattr(tables, "__array__"):
        return ""  # a write with no import rows (NA)
    return ", ".join(f"{t['table_name']} +{t['n_added']} ~{t['n_changed']} -{t['n_removed']}"
                     for t in tables if t["n_added"] or t["n_changed"] or t["n_removed"])


def text(value) -> str:
    """A cell as printed: missing values as `—`."""
    return "—" if value is None or value is pd.NA or (
        isinstance(value, float) and pd.isna(value)) else str(value)
