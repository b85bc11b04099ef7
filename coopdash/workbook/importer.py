"""Import a workbook into the store: all or nothing, upsert by id or replace tables.

    result = import_file(db_path, "book.xlsx", actor="ana")        # the store's one write
    result = import_path(con, "export/", replace=True, actor="ana")  # on a writing con
    result = import_frames(con, {"actions": df}, file_name="weekly review",
                           actor="ana", mode="edit")

`import_file` is how a file reaches a shared store (command line, Data page): the file
is read (in the reading child: `coopdash.workbook.reading`) and its cells checked on
their own (`prepare`) BEFORE the store's write lock is taken, so a long parse never
makes the other writers (follow-ups, access-log lines, saved views) wait; only the
checks that need the store (references, replace losses) and the apply run under the lock
(`import_prepared`). A file refused on its own cells never takes the lock at all: its
report is completed by the same store checks on the published version, read-only.

Everything is validated first (`coopdash.workbook.validate`); any problem raises
`ValidationFailed` and nothing is written. Then one transaction applies the changes
table by table with set-based SQL (never row by row), writes `history` (one row per
changed field, old -> new as workbook text; one per removed record), `import_added`
(one row per added record: added records have no `history` row since schema version 2)
and `import_log` (one row per table: who, when, counts), and bumps `meta.data_version`.

(`set preserve_insertion_order = false` during the write was tried: no gain measured, so
rows keep their file order. The participants' key is kept here, not by an index: the apply
updates a stored id instead of inserting it again, migration 007.)
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from coopdash import settings, store
from coopdash.contract import LABELS, TABLE_ORDER, TABLES, key_columns
from coopdash.i18n import t
from coopdash.workbook import handover, mojibake, reading, replacing
from coopdash.workbook.validate import (
    CheckedFile,
    Issue,
    Issues,
    Staging,
    ValidationFailed,
    check_file,
    join_sql,
    rid_sql,
    validate_against,
)

_PARAM = re.compile(r"\$([a-z_]+)")
Progress = Callable[[float, str], None] | None

__all__ = ["ImportResult", "Prepared", "TableCounts", "ValidationFailed", "import_file",
           "import_frames", "import_path", "import_prepared", "prepare"]


@dataclass
class TableCounts:
    added: int = 0
    changed: int = 0
    removed: int = 0
    import_id: int | None = None


@dataclass
class ImportResult:
    file_name: str
    mode: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    data_version: int = 0
    rows: int = 0
    seconds: float = 0.0
    notes: dict = field(default_factory=dict)  # an IATI file: what was not loaded, missing

    def lines(self, lang: str = "id") -> list[str]:
        out = [t("store.import.done", lang, mode=self.mode, file=self.file_name)]
        for name, c in self.tables.items():
            out.append("  " + t("store.import.counts", lang, table=name, added=c.added,
                                 changed=c.changed, removed=c.removed))
        return out + notes_lines(self.notes, lang)


def notes_lines(notes: dict, lang: str) -> list[str]:
    """What the report says besides problems: every text repair applied; of an IATI
    file, activities read and loaded, transactions not loaded (by type), stored
    activities the file no longer holds (kept, never deleted)."""
    out = repair_lines(notes.get("repairs") or [], lang)
    if notes.get("format") != "iati":
        return out
    out.append(t("intake.iati.read", lang, n=notes["activities"], loaded=notes["loaded"]))
    skipped = notes.get("skipped_transactions") or {}
    if skipped:
        out.append(t("intake.iati.skipped", lang, n=sum(skipped.values()), types=", ".join(
            f"{kind} × {n}" for kind, n in skipped.items())))
    out += [t("intake.iati.unknown_country", lang, value=ref)
            for ref in notes.get("unknown_country") or []]
    stale = notes.get("stale_lines") or []
    if stale:
        out.append(t("intake.iati.stale", lang, n=len(stale), ids=", ".join(stale[:10])
                     + (" …" if len(stale) > 10 else "")))
    stale = notes.get("stale_recipients") or []
    if stale:
        out.append(t("intake.iati.stale_recipients", lang, n=len(stale),
                     ids=", ".join(stale[:10]) + (" …" if len(stale) > 10 else "")))
    missing = notes.get("missing") or []
    if missing:
        out.append(t("intake.iati.missing", lang, n=len(missing),
                     ids=", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")))
    return out


def _report(progress: Progress, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


@dataclass
class Prepared:
    """A file read and its cells checked, before any store is involved (`prepare`)."""

    file_name: str
    checked: CheckedFile
    rows: int
    started: float
    notes: dict = field(default_factory=dict)  # the reader's (`reader.Workbook.notes`)

    @property
    def refused(self) -> bool:
        return self.checked.issues.total > 0


def prepare(path: Path | str, *, file_name: str | None = None, lang: str = "id",
            progress: Progress = None, options: dict | None = None,
            child: handover.Started | None = None) -> Prepared:
    """Read the workbook, CSV folder, zip or IATI file at `path` (in the reading child) and
    check every cell on its own; needs no store. Raises ValidationFailed when nothing
    could be read. `options`: the reader's (`recipient` for an IATI file), and
    `repair_text`: apply the repairs of mis-encoded text (`mojibake`) before the checks,
    each listed in the notes, instead of refusing those cells. `child`: the reading child
    already started on `path` with these `options` (`handover.start`), else one is."""
    started = time.perf_counter() if child is None else child.started
    _report(progress, 0.0, t("store.import.reading", lang))
    book = reading.read_workbook(path, file_name, options, child)
    issues = Issues()
    for issue in book.issues:
        issues.add(issue)
    if not book.frames:
        raise ValidationFailed(issues.sorted(), issues.total)
    _report(progress, 0.1, t("store.import.checking", lang))
    repair = bool((options or {}).get("repair_text"))
    frames, repairs = mojibake.check(book.frames, issues, repair)
    checked = check_file(frames, issues)
    notes = dict(book.notes)
    if repair:
        notes["repairs"] = [r.as_dict() for r in repairs]
    else:
        mojibake.drop_overlaps(issues, repairs)
    return Prepared(book.file_name, checked, sum(len(f) for f in frames.values()),
                    started, notes)


def in_xml(issues: list[Issue], notes: dict) -> list[Issue]:
    """An IATI file's problems located by the line of the XML element they come from
    (its rows exist only in the mapping: `table programs, line 57, column title`)."""
    lines = notes.get("lines") or {}
    for issue in issues:
        at = lines.get(issue.table or "")
        if at and issue.row is not None and 2 <= issue.row < len(at) + 2:
            issue.row = at[issue.row - 2]
            issue.params["line"] = issue.row
    return issues


def repair_lines(repairs: list[dict], lang: str) -> list[str]:
    if not repairs:
        return []
    return [t("intake.repair.done", lang, n=len(repairs))] + [
        "  " + t("intake.repair.line", lang, table=r["table"], row=r["row"],
                 column=r["column"], found=repr(r["found"]), repaired=repr(r["repaired"]))
        for r in repairs]


def import_file(db_path: Path | str, path: Path | str, *, replace: bool = False,
                actor: str | None = None, lang: str = "id", progress: Progress = None,
                allow_empty: tuple[str, ...] = (),
                before_write: Callable[[dict[str, int]], None] | None = None,
                file_name: str | None = None, options: dict | None = None,
                child: handover.Started | None = None) -> ImportResult:
    """Import the file at `path` into the store at `db_path` as one published write
    (created when there is none). Reading and cell checks happen before the write lock;
    raises ValidationFailed (nothing written, the lock never taken for a file refused on
    its own cells) or `store.WriterBusyError`. `options`: the reader's; `child`: the
    reading child already started on `path` with them (`prepare`)."""
    db_path = Path(db_path)
    prepared = prepare(path, file_name=file_name, lang=lang, progress=progress,
                       options=options, child=child)
    name = file_name or Path(path).name
    refuse_iati_replace(prepared.notes, replace, name)
    try:
        return _import_prepared_file(db_path, prepared, name, replace=replace, actor=actor,
                                     lang=lang, progress=progress,
                                     guard=(allow_empty, before_write))
    except ValidationFailed as exc:
        in_xml(exc.issues, prepared.notes)
        raise


def _import_prepared_file(db_path: Path, prepared: Prepared, name: str, *, replace: bool,
                          actor: str | None, lang: str, progress: Progress, guard
                          ) -> ImportResult:
    """`import_file` once the file is read: refused on its cells (the store checks on the
    published version complete the report), or one published write."""
    if prepared.refused:
        _refuse(db_path, prepared, replace)
    actor = actor or settings.get().actor
    mode = "replace" if replace else "upsert"
    results = []

    def fill(con) -> None:
        results.append(import_prepared(con, prepared, replace=replace, actor=actor,
                                       lang=lang, progress=progress, guard=guard))

    if db_path.exists():
        with store.writing(db_path, actor=actor, what="import", file_name=name,
                           mode=mode) as con:
            fill(con)
    else:
        store.create(db_path, fill, actor=actor, what="import", file_name=name, mode=mode)
    return results[0]


def _refuse(db_path: Path, prepared: Prepared, replace: bool) -> None:
    """Complete the report of a file refused on its cells with the store checks, on the
    published version (read-only: no lock), and raise it."""
    if db_path.exists():
        with store.reading(db_path) as con:
            validate_against(con.cursor(), prepared.checked, replace=replace).close()
    else:  # a new store: the checks against an empty one
        con = duckdb.connect()
        try:
            store.migrate(con)
            validate_against(con, prepared.checked, replace=replace).close()
        finally:
            con.close()
    raise AssertionError("a refused file passed the store checks")  # pragma: no cover


def import_path(con: duckdb.DuckDBPyConnection, path: Path | str, *, replace: bool = False,
                actor: str | None = None, lang: str = "id", progress: Progress = None,
                mode: str | None = None, allow_empty: tuple[str, ...] = (),
                before_write: Callable[[dict[str, int]], None] | None = None,
                file_name: str | None = None) -> ImportResult:
    """Import the workbook, CSV folder or zip at `path` into the store on `con` (a
    writing connection: the file is read while the caller holds the lock; a shared
    store's writers use `import_file`).

    A replace never empties a table that holds records unless it is in `allow_empty`;
    `before_write(losses)` hears, before anything is written, how many stored records
    each table will lose (`coopdash.workbook.replacing`)."""
    prepared = prepare(path, file_name=file_name, lang=lang, progress=progress)
    return import_prepared(con, prepared, replace=replace, actor=actor, lang=lang,
                           progress=progress, mode=mode, guard=(allow_empty, before_write))


def import_prepared(con: duckdb.DuckDBPyConnection, prepared: Prepared, *,
                    replace: bool = False, actor: str | None = None, lang: str = "id",
                    progress: Progress = None, mode: str | None = None,
                    guard=((), None)) -> ImportResult:
    """The part of an import that needs the store (on the writing connection `con`): the
    checks against it, the replace guard, the apply."""
    refuse_iati_replace(prepared.notes, replace, prepared.file_name)
    result = _import(con, prepared.checked, file_name=prepared.file_name,
                     rows=prepared.rows, replace=replace, actor=actor, lang=lang,
                     progress=progress, mode=mode, started=prepared.started, guard=guard)
    result.notes = dict(prepared.notes)
    if prepared.notes.get("format") == "iati":
        result.notes["missing"] = iati_missing(con, prepared.notes)
        result.notes["stale_lines"] = iati_stale_lines(con, prepared.checked)
        result.notes["stale_recipients"] = iati_stale_recipients(con, prepared.checked)
    return result


def iati_stale_recipients(con: duckdb.DuckDBPyConnection, checked: CheckedFile
                          ) -> list[str]:
    """Stored recipient countries of the file's activities that the file no longer names
    (`program_id@country`): kept, so named."""
    if "recipients" not in checked.tables:
        return []
    con.register("_iati_rcp", checked.tables["recipients"].data.select(
        ["program_id", "country"]))
    try:
        return [r[0] for r in con.execute(
            "select r.program_id || '@' || r.country from recipients r "
            "where r.program_id in (select program_id from _iati_rcp) and not exists "
            "(select 1 from _iati_rcp f where f.program_id = r.program_id "
            "and f.country = r.country) order by 1").fetchall()]
    finally:
        con.unregister("_iati_rcp")


def iati_stale_lines(con: duckdb.DuckDBPyConnection, checked: CheckedFile) -> list[str]:
    """Stored funding lines of the file's activities that the file no longer holds (a
    publisher's newer file with fewer transactions): kept, and still counted, so named."""
    if "funding" not in checked.tables or "programs" not in checked.tables:
        return []
    con.register("_iati_lines", checked.tables["funding"].data.select(["funding_id"]))
    con.register("_iati_acts", checked.tables["programs"].data.select(["program_id"]))
    try:
        return [r[0] for r in con.execute(
            "select funding_id from funding where origin is not null "
            "and program_id in (select program_id from _iati_acts) "
            "and funding_id not in (select funding_id from _iati_lines) "
            "order by funding_id").fetchall()]
    finally:
        con.unregister("_iati_lines")
        con.unregister("_iati_acts")


def refuse_iati_replace(notes: dict, replace: bool, file_name: str) -> None:
    """A partner's IATI file only adds and updates: a replace would delete our own
    records and the activities the file leaves out."""
    if replace and notes.get("format") == "iati":
        raise ValidationFailed([Issue(None, None, None, None, "iati_replace",
                                      {"file": file_name})], 1)


def iati_missing(con: duckdb.DuckDBPyConnection, notes: dict) -> list[str]:
    """Stored activities of the file's publishers that the file does not hold (they are
    kept: a publisher's file may leave an activity out without it being over)."""
    return [r[0] for r in con.execute(
        "select program_id from programs where list_contains($publishers, origin) "
        "and not list_contains($ids, program_id) order by program_id",
        {"publishers": notes.get("publishers") or [],
         "ids": notes.get("identifiers") or []}).fetchall()]


def import_frames(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], *,
                  file_name: str, replace: bool = False, actor: str | None = None,
                  lang: str = "id", mode: str | None = None,
                  progress: Progress = None,
                  removed: dict[str, list[str]] | None = None) -> ImportResult:
    """Import frames already read (browser upload, demo data, single-record edits).

    Cells may be text or Python values (dates, numbers, None); a frame whose index is
    not the row number as seen (`_row`) is numbered from row 2. `removed`: records to
    remove, by table (the editor's deleted rows), checked like a replace's removals (a
    record left pointing at one is refused) and written to history alike.
    """
    started = time.perf_counter()
    issues = Issues()
    ready = {}
    for name, frame in frames.items():
        if name.startswith("_"):
            continue
        if name not in TABLES:
            issues.add(Issue(name, None, None, name, "unknown_table",
                             {"expected": ", ".join(TABLES)}))
            continue
        ready[name] = _numbered(frame)
    return _import(con, check_file(ready, issues), file_name=file_name,
                   rows=sum(len(f) for f in ready.values()), replace=replace, actor=actor,
                   lang=lang, progress=progress, mode=mode, started=started,
                   removed=removed)


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.index.name == reading.ROW_INDEX:
        return frame
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=reading.ROW_INDEX)
    return frame


def _import(con, checked: CheckedFile, *, file_name, rows, replace, actor, lang, progress,
            mode, started, guard=((), None), removed=None) -> ImportResult:
    mode = mode or ("replace" if replace else "upsert")
    actor = actor or settings.get().actor
    con.execute("set enable_progress_bar = false")  # DuckDB's own bar would print to stdout
    _report(progress, 0.3, t("store.import.checking", lang))
    staging = validate_against(con, checked, replace=replace, removed=removed)
    result = ImportResult(file_name, mode, rows=rows)
    try:
        _guard(con, staging, *guard)
        _apply(con, staging, result, actor, lang, progress)
    finally:
        staging.close()
    result.seconds = time.perf_counter() - started
    _report(progress, 1.0, t("store.import.finished", lang))
    return result


def _guard(con, staging: Staging, allow_empty: tuple[str, ...],
           before_write: Callable[[dict[str, int]], None] | None) -> None:
    """A replace: refuse to empty a table unless allowed; say what it will remove."""
    if not staging.replace:
        return
    replacing.refuse_emptying(con, staging, allow_empty)
    if before_write is not None:
        before_write(replacing.losses(con, staging))


def _apply(con, staging: Staging, result: ImportResult, actor: str, lang: str,
           progress: Progress) -> None:
    now = dt.datetime.now().replace(microsecond=0)
    names = [n for n in TABLE_ORDER if n in staging.tables or n in staging.removed]
    try:
        with store.transaction(con):
            for i, name in enumerate(names):
                _report(progress, 0.5 + 0.45 * i / len(names),
                        t("store.import.writing", lang, table=name))
                ctx = _Ctx(con, name, staging, now)
                result.tables[name] = ctx.apply()
                ctx.log(result.tables[name], actor, result.file_name, result.mode)
                ctx.drop_frozen()
            result.data_version = store.bump_data_version(con)
    finally:
        con.execute("drop table if exists _m")
        con.execute("drop table if exists _r")


class _Ctx:
    """Applying one table's rows: history first (old values), then the store.

    A table whose file rows are all new is written straight from the staging view; only
    when some rows update stored records is the merge frozen in `_m` first (the view
    reads the store, which the update changes).
    """

    def __init__(self, con, name: str, staging: Staging, now: dt.datetime) -> None:
        self.con = con
        self.name = name
        self.staging = staging
        self.table = TABLES[name]
        self.present = staging.tables[name].present if name in staging.tables else []
        self.now = now
        self.import_id = con.execute("select nextval('import_seq')").fetchall()[0][0]
        self.params = {"id": self.import_id, "now": now, "tbl": name}

    def run(self, sql: str) -> None:
        used = set(_PARAM.findall(sql))
        self.con.execute(sql, {k: v for k, v in self.params.items() if k in used} or None)

    def count(self, sql: str) -> int:
        used = set(_PARAM.findall(sql))
        return self.con.execute(sql, {k: v for k, v in self.params.items() if k in used}
                                or None).fetchall()[0][0]

    def apply(self) -> TableCounts:
        counts = TableCounts(import_id=self.import_id)
        if self.name in self.staging.removed:  # the editor's deleted rows
            counts.removed = self._remove(
                f"{rid_sql(self.name, 's')} in (select rid from _x_{self.name})")
        if self.name in self.staging.tables:
            self._upsert(counts)
        return counts

    def _upsert(self, counts: TableCounts) -> None:
        """The file's rows: changed fields to history, then updated or inserted (and, for a
        replace, the stored records the file no longer holds removed)."""
        name, join = self.name, join_sql(self.name, "m", "s")
        src = f"_f_{name}"
        if self.con.execute(f"select count(*) from main.{name}").fetchall()[0][0] == 0:
            counts.added, updates = self.staging.tables[name].rows, 0  # all new: no scan
        else:
            counts.added, updates = self.con.execute(
                f"select count(*) filter (where _is_new), count(*) filter (where not _is_new) "
                f"from {src}").fetchall()[0]
        if updates:
            self.run(f"create or replace temp table _m as select * from {src}")
            src = "_m"
            self._history_changes(join, src)
            counts.changed = self.count(
                "select count(distinct record_id) from history where import_id = $id "
                "and change = 'changed'")
        if self.staging.replace:
            counts.removed = self._remove(
                f"not exists (select 1 from _f_{name} m where {join})")
        if counts.changed:
            self._update(join, src)
        if counts.added:  # named in import_added (no history row): before the insert
            self.run(f"insert into import_added select $id, {rid_sql(name, 'm')} "
                     f"from {src} m where m._is_new")
        cols = ", ".join(self.table.column_names)
        self.run(f"insert into main.{name} ({cols}) select {cols} from {src} where _is_new")

    def _history_changes(self, join: str, src: str) -> None:
        """One `history` row per changed field (old -> new as text), every field of the
        file's present columns compared in one join of the file's rows with the stored
        ones (one statement, not one per column: each cost a join and a statement's
        fixed cost, 8 of them for one changed cell of a participant)."""
        keys = key_columns(self.name)
        fields = ", ".join(
            f"{{'field': '{col}', 'old': s.{col}::varchar, 'new': m.{col}::varchar, "
            f"'changed': s.{col} is distinct from m.{col}}}"
            for col in self.present if col not in keys)
        if not fields:
            return
        self.run(
            f"insert into history select $id, $now, $tbl, rid, 'changed', f.field, f.old, "
            f"f.new from (select {rid_sql(self.name, 'm')} as rid, unnest([{fields}]) as f "
            f"from {src} m join main.{self.name} s on {join} where not m._is_new) "
            "where f.changed")

    def _remove(self, where: str) -> int:
        """Remove the stored records `s` that `where` (SQL) selects: one history row each."""
        name, rid_s = self.name, rid_sql(self.name, "s")
        self.run(f"create or replace temp table _r as select {rid_s} as rid "
                 f"from main.{name} s where {where}")
        removed = self.count("select count(*) from _r")
        if removed:  # the record's last label (LABELS) kept as old_value: it is gone after
            label = f"s.{LABELS[name]}::varchar" if name in LABELS else "null"
            self.run(f"insert into history select $id, $now, $tbl, r.rid, 'removed', null, "
                     f"{label}, null from _r r join main.{name} s on {rid_s} = r.rid")
            self.run(f"delete from main.{name} s where {rid_s} in (select rid from _r)")
        return removed

    def _update(self, join: str, src: str) -> None:
        keys = key_columns(self.name)
        sets = [f"{c} = m.{c}" for c in self.table.column_names if c not in keys]
        if not sets:
            return
        self.run(
            f"update main.{self.name} as s set {', '.join(sets)} from {src} as m "
            f"where {join} and not m._is_new and {rid_sql(self.name, 'm')} in "
            "(select record_id from history where import_id = $id and change = 'changed')")

    def drop_frozen(self) -> None:
        self.con.execute("drop table if exists _m")

    def log(self, counts: TableCounts, actor: str, file_name: str, mode: str) -> None:
        """The table's line of `import_log`: who, when, counts (the records themselves are
        named by `import_added` and `history`)."""
        self.con.execute(
            "insert into import_log (import_id, imported_at, actor, file_name, mode, "
            "table_name, n_added, n_changed, n_removed) "
            "values ($id, $now, $actor, $file, $mode, $tbl, $a, $c, $r)",
            {**self.params, "actor": actor, "file": file_name, "mode": mode,
             "a": counts.added, "c": counts.changed, "r": counts.removed})
