"""Records edited in the browser (the Explorer's editor, keepers and admins): a page of a
table's records opened as workbook text, changed and added rows written back by the one
validator and importer (mode `edit`: one write, history, undo), after a check that no one
else changed them since they were opened.

    opened = records(con, "programs", ["p-1", "p-2"])         # text cells, as shown
    result = save(con, "programs", opened, edited, actor="ana")  # on a writing connection

`save` raises `Conflict` (who changed which record, and when) when a record's stored cells
are no longer those that were opened, and `ValidationFailed` with the importer's own
located messages; either way nothing is written.

Rows deleted in the editor (opened, no longer in the edited frame) are removed. A record
that others point to (a program with delegations, a partner with agreements) is removed
only with them: `save` raises `HasDependents` (what depends on it, by table, with
counts and ids) unless `with_dependents=True`, when those records are removed in the
same write. Nothing is left pointing at a removed record (the validator checks it too).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from coopdash.contract import TABLES
from coopdash.i18n import fmt_datetime, fmt_int, t
from coopdash.workbook.validate import Issue, ValidationFailed, rid_sql

FILE_NAME = "edit in the browser"
MODE = "edit"


def records(con: duckdb.DuckDBPyConnection, table: str, ids: list[str]) -> pd.DataFrame:
    """The records `ids` of `table` as workbook text (every contract column; a missing
    cell is empty text), in the order of `ids`."""
    spec = TABLES[table]
    cols = ", ".join(f"coalesce({c}::varchar, '') as {c}" for c in spec.column_names)
    df = con.execute(f"select {cols} from main.{table} where {spec.key} in "
                     "(select unnest($ids::varchar[]))", {"ids": list(ids)}).df()
    order = {record_id: i for i, record_id in enumerate(ids)}
    df = df.sort_values(spec.key, key=lambda s: s.map(order)).reset_index(drop=True)
    return df.astype(str)


class Conflict(Exception):  # noqa: N818 (a refusal, like ValidationFailed)
    """Records changed by someone else since they were opened: (id, actor, when) each."""

    def __init__(self, table: str, changed: list[tuple[str, str | None, Any]]) -> None:
        self.table, self.changed = table, changed
        super().__init__(f"{len(changed)} records of {table} changed since they were opened")

    def message(self, lang: str = "id") -> str:
        lines = [t("editor.conflict", lang, table=self.table)]
        for record_id, actor, when in self.changed:
            lines.append("- " + t("editor.conflict_line", lang, record=record_id,
                                  who=actor or "—", when=_when(when, lang)))
        return "\n".join(lines)


def _when(value: Any, lang: str) -> str:
    if value is None or (not isinstance(value, dt.datetime) and pd.isna(value)):
        return "—"
    return fmt_datetime(pd.Timestamp(value).to_pydatetime(), lang)


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as workbook text: missing values empty, dates ISO, surrounding space off."""
    def cell(v: Any) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, dt.datetime | pd.Timestamp):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()
    return frame.map(cell).astype(str)


def changes(table: str, opened: pd.DataFrame, edited: pd.DataFrame) -> pd.DataFrame:
    """The rows of `edited` that are new or differ from `opened` (by the table's key), as
    workbook text, in the editor's order."""
    cols = TABLES[table].column_names
    at = cols.index(TABLES[table].key)
    edited = _text(edited.reindex(columns=cols))
    before = {row[at]: row for row in _text(opened.reindex(columns=cols)).itertuples(
        index=False, name=None)}
    keep = [before.get(row[at]) != row for row in edited.itertuples(index=False, name=None)]
    return edited[pd.Series(keep, index=edited.index, dtype=bool)].reset_index(drop=True)


def conflicts(con: duckdb.DuckDBPyConnection, table: str, opened: pd.DataFrame,
              ids: list[str]) -> list[tuple[str, str | None, Any]]:
    """The records among `ids` whose stored cells are no longer those `opened` showed,
    with the last write that changed each (actor, when)."""
    key = TABLES[table].key
    now = records(con, table, ids).set_index(key)
    then = _text(opened).set_index(key)
    out = []
    for record_id in ids:
        if record_id in then.index and (record_id not in now.index or not now.loc[
                record_id].equals(then.loc[record_id].reindex(now.columns))):
            out.append((record_id, *_last_change(con, table, record_id)))
    return out


def _last_change(con, table: str, record_id: str) -> tuple[str | None, Any]:
    rows = con.execute(
        "select l.actor, l.imported_at from history h join import_log l using (import_id) "
        "where h.table_name = $t and h.record_id = $id and h.change <> 'added' "
        "order by h.import_id desc limit 1", {"t": table, "id": record_id}).fetchall()
    return rows[0] if rows else (None, None)


def at_cells(table: str, rows: pd.DataFrame, issues: list) -> tuple[list, list]:
    """The importer's problems of a refused save placed at their cells: ([(position in
    `rows`, column, issue)] for those on a changed row of `table` (the importer numbers
    `rows` from 2) and a column of it, [issue] for the others (another table's record,
    a problem of a whole row)."""
    placed, rest = [], []
    for issue in issues:
        at = None if issue.row is None else issue.row - 2
        if (issue.table == table and at is not None and 0 <= at < len(rows)
                and issue.column in rows.columns):
            placed.append((at, issue.column, issue))
        else:
            rest.append(issue)
    return placed, rest


def deleted(table: str, opened: pd.DataFrame, edited: pd.DataFrame) -> list[str]:
    """The ids of the records opened that the editor's frame no longer holds."""
    key = TABLES[table].key
    kept = set(_text(edited.reindex(columns=[key]))[key])
    return [k for k in opened[key] if k not in kept]


class HasDependents(Exception):  # noqa: N818 (a question to the keeper, like Conflict)
    """Records to remove that others point to: `found` is [(table, ids)], every record
    that would be left pointing at nothing, through every chain of references."""

    SHOWN = 5  # ids named per table; the rest counted

    def __init__(self, table: str, ids: list[str], found: list[tuple[str, list[str]]]
                 ) -> None:
        self.table, self.ids, self.found = table, ids, found
        super().__init__(f"{len(ids)} records of {table} have dependents: "
                         + ", ".join(f"{t} {len(i)}" for t, i in found))

    def message(self, lang: str = "id") -> str:
        lines = [t("editor.dependents", lang, table=self.table,
                   records=", ".join(self.ids), n=fmt_int(len(self.ids), lang))]
        for name, ids in self.found:
            more = len(ids) - self.SHOWN
            named = ", ".join(ids[:self.SHOWN]) + (
                " " + t("editor.dependents_more", lang, n=fmt_int(more, lang)) if more > 0
                else "")
            lines.append("- " + t("editor.dependents_line", lang, table=name,
                                  n=fmt_int(len(ids), lang), records=named))
        return "\n".join(lines)


def dependents(con: duckdb.DuckDBPyConnection, table: str, ids: list[str]
               ) -> list[tuple[str, list[str]]]:
    """Every stored record that points at one of `ids` of `table`, directly or through
    records that do ([(table, sorted ids)], the contract's order). Empty: nothing points."""
    found: dict[str, set[str]] = {}
    todo = [(table, list(ids))]
    while todo:
        target, targets = todo.pop()
        for name, col in _references_to(target):
            got = {r for (r,) in con.execute(
                f"select {rid_sql(name, 's')} from main.{name} s where s.{col} in "
                "(select unnest($ids::varchar[]))", {"ids": targets}).fetchall()}
            new = got - found.setdefault(name, set())
            if new:
                found[name] |= new
                todo.append((name, sorted(new)))
    return [(name, sorted(found[name])) for name in TABLES if found.get(name)]


def _references_to(table: str) -> list[tuple[str, str]]:
    """(table, column) of every reference column of the contract that points at `table`."""
    return [(name, col.name) for name, spec in TABLES.items() for col in spec.columns
            if col.kind == "ref" and col.ref == table]


def ids_taken(con: duckdb.DuckDBPyConnection, table: str, opened: pd.DataFrame,
              edited: pd.DataFrame, rows: pd.DataFrame) -> list[Issue]:
    """The rows of `rows` (`changes` of `edited`) that may be new here — their id is none
    of the records opened (a row added, an id retyped) or is in the grid twice — while a
    stored record has that id: saving them would overwrite a record the keeper did not
    open, unseen by the conflict check. One `id_taken` problem each (the Record form's
    rule for a typed id), at its row (numbered from 2, as the importer does) and the key
    column."""
    key = TABLES[table].key
    typed = _text(edited.reindex(columns=[key]))[key]
    new = set(rows[key]) - set(opened[key]) | set(typed[typed.duplicated()])
    stored = set(records(con, table, sorted(new))[key]) if new else set()
    return [Issue(table, at + 2, key, record_id, "id_taken")
            for at, record_id in enumerate(rows[key]) if record_id in stored]


def unchanged(table: str, opened: pd.DataFrame, edited: pd.DataFrame) -> bool:
    """Whether the editor's frame holds no changed, added or deleted row: a save then
    writes nothing, not even an empty write (checked before the store is opened)."""
    return changes(table, opened, edited).empty and not deleted(table, opened, edited)


def save(con: duckdb.DuckDBPyConnection, table: str, opened: pd.DataFrame,
         edited: pd.DataFrame, actor: str, with_dependents: bool = False) -> Any:
    """Write the changed, added and deleted rows of `edited` (the editor's frame) on the
    writing connection `con`: `Conflict` if a record changed or deleted was changed by
    someone else since `opened`; `ValidationFailed` (`id_taken`) if a row new here has a
    stored record's id (`ids_taken`); `HasDependents` if a deleted record has dependents and
    not `with_dependents` (then they are removed too); else the importer (same rules and
    messages as an import; `ValidationFailed` numbers the rows from 2 in the order of
    `changes`). None when nothing changed."""
    from coopdash.workbook import importer

    if unchanged(table, opened, edited):
        return None
    rows, gone = changes(table, opened, edited), deleted(table, opened, edited)
    if taken := ids_taken(con, table, opened, edited, rows):
        raise ValidationFailed(taken)
    key = TABLES[table].key
    found = conflicts(con, table, opened,
                      [k for k in rows[key] if k in set(opened[key])] + gone)
    if found:
        raise Conflict(table, found)
    removed = {table: gone}
    if gone and (depending := dependents(con, table, gone)):
        if not with_dependents:
            raise HasDependents(table, gone, depending)
        removed.update(depending)
    return importer.import_frames(con, {table: rows} if not rows.empty else {},
                                  file_name=FILE_NAME, actor=actor, mode=MODE,
                                  removed=removed)
