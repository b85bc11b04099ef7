"""What the Data page does, without Streamlit: check an uploaded workbook, apply it,
hand out the template and the whole store. The browser face of the command line."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from coopdash.contract import TABLE_ORDER
from coopdash.workbook import importer, reader, replacing, template, writer
from coopdash.workbook.validate import Issue, Issues, ValidationFailed, join_sql, validate


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

    def table(self) -> pd.DataFrame:
        names = [n for n in TABLE_ORDER if n in self.rows]
        return pd.DataFrame({
            "table": names,
            "rows": [self.rows[n] for n in names],
            "new": [self.new.get(n, 0) for n in names],
            "existing": [self.rows[n] - self.new.get(n, 0) for n in names],
            "removed": [self.removed.get(n, 0) for n in names],
        })


def _saved(name: str, data: bytes, folder: Path) -> Path:
    """Write the upload under its own name (the reader goes by the extension)."""
    path = folder / Path(name).name
    path.write_bytes(data)
    return path


def check_upload(con: duckdb.DuckDBPyConnection, name: str, data: bytes, replace: bool
                 ) -> CheckReport:
    """Read and validate an upload against the store as it would be; write nothing."""
    with tempfile.TemporaryDirectory(prefix="coopdash-upload-") as tmp:
        book = reader.read_path(_saved(name, data, Path(tmp)), name)
    issues = Issues()
    for issue in book.issues:
        issues.add(issue)
    report = CheckReport(name, ok=False,
                         rows={t: len(f) for t, f in book.frames.items()})
    cur = con.cursor()
    try:
        if book.frames:
            staging = validate(cur, book.frames, replace=replace, issues=issues)
            try:
                _count_changes(cur, staging, report)
                report.emptied = replacing.emptied(cur, staging)
            finally:
                staging.close()
        report.ok = issues.total == 0 and bool(book.frames)
    except ValidationFailed as exc:
        report.issues, report.total_issues = exc.issues, exc.total
        return report
    finally:
        cur.close()
    report.issues, report.total_issues = issues.sorted(), issues.total
    return report


def _count_changes(cur: duckdb.DuckDBPyConnection, staging, report: CheckReport) -> None:
    """New records per table and, in replace mode, stored records the file would remove."""
    for name in staging.tables:
        report.new[name] = cur.execute(
            f"select count(*) from _f_{name} where _is_new").fetchall()[0][0]
        if staging.replace:
            report.removed[name] = cur.execute(
                f"select count(*) from main.{name} s where not exists "
                f"(select 1 from _f_{name} f where {join_sql(name, 'f', 's')})").fetchall()[0][0]


def apply_upload(path: Path | str, name: str, data: bytes, *, replace: bool,
                 actor: str, lang: str, progress=None, allow_empty: tuple[str, ...] = ()
                 ) -> importer.ImportResult:
    """Import the upload into the store at `path` as one published write (all or
    nothing); raises ValidationFailed and writes nothing. A replace empties only the
    tables in `allow_empty` (the keeper confirmed them). The upload is read and checked
    before the store's write lock is taken (`importer.import_file`)."""
    with tempfile.TemporaryDirectory(prefix="coopdash-upload-") as tmp:
        saved = _saved(name, data, Path(tmp))
        return importer.import_file(path, saved, replace=replace, actor=actor, lang=lang,
                                    progress=progress, allow_empty=allow_empty,
                                    file_name=name)


def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory(prefix="coopdash-template-") as tmp:
        path = template.write_template(Path(tmp) / "coopdash-template.xlsx")
        return path.read_bytes()


def excel_refusal(con: duckdb.DuckDBPyConnection, lang: str = "id") -> str | None:
    """Why the whole store cannot be an .xlsx (`writer.excel_refusal`), or None."""
    cur = con.cursor()
    try:
        return writer.excel_refusal(cur, lang)
    finally:
        cur.close()


def store_bytes(con: duckdb.DuckDBPyConnection, fmt: str, lang: str = "id") -> bytes:
    """The whole store in the workbook format: `xlsx`, or `zip` of CSV files."""
    cur = con.cursor()
    try:
        with tempfile.TemporaryDirectory(prefix="coopdash-export-") as tmp:
            if fmt == "xlsx":
                return writer.export_xlsx(cur, Path(tmp) / "store.xlsx", lang).read_bytes()
            folder = writer.export_csv(cur, Path(tmp) / "store", lang)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for csv in sorted(folder.glob("*.csv")):
                    zf.write(csv, csv.name)
            shutil.rmtree(folder)
            return buf.getvalue()
    finally:
        cur.close()
