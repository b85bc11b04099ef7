"""The one history of writes as a person reads it (the Data page): every write — imports,
edits in the browser, the Record form, minutes, undos, role changes — newest first, with
who, when, what, the records added / changed / removed per table, and whether it can be
undone (or why not). Rows come from `queries/store_history.sql` with
`coopdash.store.history.with_undoable`; an empty cell is empty, never `None`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coopdash.i18n import fmt_datetime, fmt_int, has, t
from coopdash.store import history

COLUMNS = ("id", "when", "who", "what", "file", "changes", "note", "undo")  # snap.col.*


def cell(value: Any) -> str:
    """A text cell: missing is empty."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def what_label(what: Any, lang: str) -> str:
    """`form` -> "Record form" / "Formulir catat": the kind of write in words."""
    key = f"data.what.{cell(what)}"
    return t(key, lang) if has(key) else cell(what)


def changes_text(tables: Any, lang: str) -> str:
    """`participants +7, programs +1 ~2` for the tables a write touched (counts in the
    reader's language); empty when it touched no record."""
    if not isinstance(tables, list | tuple) and not hasattr(tables, "__array__"):
        return ""  # a write with no import rows (NA)
    parts = []
    for row in tables:
        counts = " ".join(f"{sign}{fmt_int(row[col], lang)}" for sign, col in (
            ("+", "n_added"), ("~", "n_changed"), ("−", "n_removed")) if row[col])
        if counts:
            parts.append(f"{row['table_name']} {counts}")
    return ", ".join(parts)


def when(value: Any, lang: str) -> str:
    if value is None or pd.isna(value):
        return ""
    return fmt_datetime(pd.Timestamp(value).to_pydatetime(), lang)


def undo_text(row: Any, lang: str, keep: int) -> str:
    """"yes" (under "Can be undone"), or why not in the reader's words."""
    if row.is_undoable:
        return t("snap.cli.yes", lang)
    return history.why_not_text(row, lang, keep)


def lines(writes: pd.DataFrame, lang: str, keep: int) -> pd.DataFrame:
    """`writes` (rows of `with_undoable`) as the table the Data page shows, headed in the
    reader's language."""
    rows = [{
        "id": fmt_int(int(r.write_id), lang), "when": when(r.written_at, lang),
        "who": cell(r.actor), "what": what_label(r.what, lang), "file": cell(r.file_name),
        "changes": changes_text(r.tables, lang), "note": cell(r.note),
        "undo": undo_text(r, lang, keep),
    } for r in writes.itertuples(index=False)]
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=str)
    return frame.rename(columns={c: t(f"snap.col.{c}", lang) for c in COLUMNS})
