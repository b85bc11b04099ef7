"""The dashboard's own writes of single records from the weekly meeting: a follow-up
(new, changed, closed) and a week's minutes.

Each is one workbook sheet of text cells handed to the one importer
(`importer.import_frames`, mode `edit`, file name `EDIT_FILE_NAME`): the same validator
and messages as an upload, `import_log` says who saved it, `history` keeps every earlier
value. Called on a writing connection (`store.writing`: the Weekly page's `ui.writing`),
so each save is one published write; a refusal raises `ValidationFailed` with located
`Issue`s (`Issue.format` says them) and writes nothing. A save that changes nothing
(the same text saved again) raises `NothingChanged`: raised inside the write, it
publishes no new version of the store, and the page says "nothing changed", not "saved".
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import duckdb
import pandas as pd

from coopdash.contract import TABLES
from coopdash.workbook import importer

EDIT_FILE_NAME = "weekly review"  # import_log.file_name of the meeting's edits
ACTION_COLUMNS = [c.name for c in TABLES["actions"].columns]


class NothingChanged(Exception):  # noqa: N818 (a state the page reports, not an error)
    """The save would change no record: nothing is published."""


def _changed(result: importer.ImportResult) -> importer.ImportResult:
    if not any(c.added or c.changed or c.removed for c in result.tables.values()):
        raise NothingChanged(result.file_name)
    return result


def new_action_id(today: dt.date) -> str:
    """A fresh id for a follow-up added in the meeting: `act-20261125-3f9a1c`."""
    return f"act-{today:%Y%m%d}-{secrets.token_hex(3)}"


def closed(record: dict[str, Any], status: str, closed_on: dt.date) -> dict[str, Any]:
    """The follow-up closed as `done` or `dropped` on `closed_on` (or reopened)."""
    out = dict(record)
    out["status"] = status
    out["closed_on"] = closed_on if status in ("done", "dropped") else None
    return out


def _text(value: Any) -> str:
    """A stored value as workbook text (what the importer reads)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def action_frame(record: dict[str, Any]) -> pd.DataFrame:
    """One follow-up as a workbook `actions` sheet (every column, as text)."""
    return pd.DataFrame([{c: _text(record.get(c)) for c in ACTION_COLUMNS}], dtype=str)


def save_action(con: duckdb.DuckDBPyConnection, record: dict[str, Any], actor: str,
                file_name: str = EDIT_FILE_NAME) -> importer.ImportResult:
    """Write one follow-up (new or changed) through the validator and importer; raises
    `ValidationFailed` with located errors when a rule is broken, `NothingChanged` when
    it is as stored."""
    return _changed(importer.import_frames(con, {"actions": action_frame(record)},
                                           file_name=file_name, replace=False, actor=actor,
                                           mode="edit"))


def minutes_frame(week: str, notes: str, actor: str, today: dt.date) -> pd.DataFrame:
    """One week's minutes as a workbook `minutes` sheet (text cells)."""
    return pd.DataFrame([{"meeting_week": week, "notes": notes, "recorded_by": actor,
                          "recorded_on": today.isoformat()}], dtype=str)


def save_minutes(con: duckdb.DuckDBPyConnection, week: str, notes: str, actor: str,
                 today: dt.date, file_name: str = EDIT_FILE_NAME) -> importer.ImportResult:
    """Write the minutes through the validator and importer (history keeps the earlier
    text); raises `ValidationFailed` with located errors (empty, too long...)."""
    return _changed(importer.import_frames(
        con, {"minutes": minutes_frame(week, notes, actor, today)}, file_name=file_name,
        replace=False, actor=actor, mode="edit"))
