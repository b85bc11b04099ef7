"""Helpers for the store tests: real stores, real files, no mocks."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl

from coopdash import store
from coopdash.contract import TABLE_ORDER, key_columns
from coopdash.workbook import bootstrap, importer
from coopdash.workbook.validate import ValidationFailed


def new_store(path: Path, with_: str = "sample") -> Path:
    store.create(path, bootstrap.populate(with_))
    return path


def private_copy(db: Path) -> Path:
    """A plain copy of the store's current version that no one else uses: a test may
    open it read-write in place (`store.connect(copy, read_only=False)`)."""
    out = Path(db).with_name("private-" + Path(db).name)
    shutil.copy(db, out)
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_csvs(folder: Path, tables: dict[str, str], encoding: str = "utf-8",
               bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        data = text.encode(encoding)
        (folder / f"{name}.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return folder


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def run_import(db: Path, path: Path, **kw):
    """Import into the store at `db` (one published write); the result, or the
    ValidationFailed raised."""
    try:
        with store.writing(db, actor="pytest", what="import", file_name=Path(path).name) as con:
            return importer.import_path(con, path, actor="pytest", **kw)
    except ValidationFailed as exc:
        return exc


def table_rows(db: Path, table: str) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        from coopdash.contract import key_columns

        order = ", ".join(key_columns(table))
        return con.execute(f"select * from {table} order by {order}").fetchall()
    finally:
        con.close()


def rows(db: Path) -> dict[str, list[tuple]]:
    """Every record of every table, in key order (what an export holds)."""
    with store.reading(db) as con:
        return {name: con.execute(f"select * from {name} order by "
                                  f"{', '.join(key_columns(name))}").fetchall()
                for name in TABLE_ORDER}
