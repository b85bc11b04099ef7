"""An upload on the Data page, without Streamlit: check it (report, nothing written), then
apply it. The browser face of `import`: both go the importer's one way (the file read in
the reading child and its cells checked: `importer.prepare`; then the checks against the
store: `validate.validate_against`; what a replace removes: `replacing`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from coopdash.contract import TABLE_ORDER
from coopdash.workbook import importer, replacing
from coopdash.workbook.validate import Issue, Staging, ValidationFailed, validate_against


@dataclass
class CheckReport:
    """The validation report shown before anything is written."""

    file_name: str
    ok: bool
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows in the file
    new: dict[str, int] = field(default_factory=dict)  # table -> ids not in the store
    removed: dict[str, int] = field(default_factory=dict)  # replace: store ids not in file
    emptied: dict[str, int] = field(default_factory=dict)  # replace: tables left empty
    issues: list[Issue] = field(default_factory=list)
    total_issues: int = 0
    notes: dict = field(default_factory=dict)  # the reader's (IATI counts, repairs applied)

    @property
    def repairable(self) -> bool:
        """Some problems are mis-encoded text whose repair is offered."""
        return any(i.code == "mojibake" for i in self.issues)

    def recipients(self) -> dict[str, int]:
        """An IATI file: activities per recipient country, most first."""
        return dict(self.notes.get("by_recipient") or {})

    def table(self) -> pd.DataFrame:
        names = [n for n in TABLE_ORDER if n in self.rows]
        return pd.DataFrame({
            "table": names,
            "rows": [self.rows[n] for n in names],
            "new": [self.new.get(n, 0) for n in names],
            "existing": [self.rows[n] - self.new.get(n, 0) for n in names],
            "removed": [self.removed.get(n, 0) for n in names],
        })


@contextmanager
def _saved(name: str, data: bytes) -> Iterator[Path]:
    """The upload written under its own name (the reader goes by the extension) in a
    private temp folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="coopdash-upload-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        yield path


def check_upload(con: duckdb.DuckDBPyConnection, name: str, data: bytes, replace: bool,
                 options: dict | None = None) -> CheckReport:
    """Read and validate an upload against the store as it would be; write nothing.
    `options`: the importer's (`recipient` for an IATI file, `repair_text`)."""
    cur = con.cursor()
    notes: dict = {}
    try:
        with _saved(name, data) as path:
            prepared = importer.prepare(path, file_name=name, options=options)
        notes = prepared.notes
        importer.refuse_iati_replace(notes, replace, name)
        staging = validate_against(cur, prepared.checked, replace=replace)
        try:
            report = _report(cur, name, staging)
        finally:
            staging.close()
        report.notes = notes
        return report
    except ValidationFailed as exc:
        return CheckReport(name, ok=False, issues=importer.in_xml(exc.issues, notes),
                           total_issues=exc.total, notes=notes)
    finally:
        cur.close()


def _report(cur: duckdb.DuckDBPyConnection, name: str, staging: Staging) -> CheckReport:
    """A file that passed: its rows, the records it adds, what a replace would remove."""
    return CheckReport(
        name, ok=True, rows={n: ct.rows for n, ct in staging.tables.items()},
        new={n: cur.execute(f"select count(*) from _f_{n} where _is_new").fetchall()[0][0]
             for n in staging.tables},
        removed=replacing.losses(cur, staging), emptied=replacing.emptied(cur, staging))


def apply_upload(path: Path | str, name: str, data: bytes, *, replace: bool,
                 actor: str, lang: str, progress=None, allow_empty: tuple[str, ...] = (),
                 options: dict | None = None) -> importer.ImportResult:
    """Import the upload into the store at `path` as one published write (all or
    nothing); raises ValidationFailed and writes nothing. A replace empties only the
    tables in `allow_empty` (the keeper confirmed them). The upload is read and checked
    before the store's write lock is taken (`importer.import_file`)."""
    with _saved(name, data) as saved:
        return importer.import_file(path, saved, replace=replace, actor=actor, lang=lang,
                                    progress=progress, allow_empty=allow_empty,
                                    file_name=name, options=options)
