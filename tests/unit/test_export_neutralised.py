"""The whole-store export never hands a spreadsheet a formula to run, and export ->
import --replace still gives the identical store (issue 13: CSV and xlsx)."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from coopdash import store
from coopdash.contract import TABLE_ORDER, key_columns
from coopdash.workbook import importer, uploads, writer

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3",
           "@SUM(1+1)", "'already quoted", "''two apostrophes", "'=both", "'", "plain",
           "=", "'-"]


def _store_with_hostile_text(path):
    """A store whose partners' names and cities hold every hostile text, written exactly
    (import_frames: no CSV reading on the way in)."""
    frame = pd.DataFrame({
        "partner_id": [f"h{i}" for i in range(len(HOSTILE))],
        "name": HOSTILE,
        "country": ["JP"] * len(HOSTILE),
        "office_city": list(reversed(HOSTILE)),
        "org_type": ["ngo"] * len(HOSTILE),
    })

    def fill(con):
        importer.import_frames(con, {"partners": frame}, file_name="t", actor="pytest")
    store.create(path, fill)
    return path


def _tables(db) -> dict[str, list[tuple]]:
    con = store.connect(db, read_only=True)
    try:
        return {n: con.execute(f"select * from {n} order by {', '.join(key_columns(n))}")
                .fetchall() for n in TABLE_ORDER}
    finally:
        con.close()


def _reimport(src_db, exported, tmp_path):
    db = tmp_path / "again.duckdb"
    store.create(db, lambda con: importer.import_path(
        con, exported, replace=True, actor="pytest", allow_empty=TABLE_ORDER))
    return db


def test_csv_export_neutralises_formulas_and_round_trips_exactly(tmp_path):
    """Every CSV cell a spreadsheet would run starts with one apostrophe; re-imported,
    the store is identical (the importer takes exactly that apostrophe off)."""
    db = _store_with_hostile_text(tmp_path / "h.duckdb")
    con = store.connect(db, read_only=True)
    try:
        folder = writer.export_csv(con, tmp_path / "out")
    finally:
        con.close()
    with (folder / "partners.csv").open(encoding="utf-8", newline="") as fh:
        names = [r["name"] for r in csv.DictReader(fh)]
    for cell in names:
        assert cell[:1] not in "=+-@", cell  # nothing a spreadsheet would run
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in names
    assert "''already quoted" in names and "plain" in names and "''" in names
    assert _tables(_reimport(db, folder, tmp_path)) == _tables(db)


def test_xlsx_export_marks_formula_like_text_and_round_trips_exactly(tmp_path):
    """In the .xlsx, the cell holds the exact text as a text cell with Excel's quote
    prefix; re-imported, the store is identical."""
    db = _store_with_hostile_text(tmp_path / "h.duckdb")
    con = store.connect(db, read_only=True)
    try:
        path = writer.export_xlsx(con, tmp_path / "out.xlsx")
    finally:
        con.close()
    ws = openpyxl.load_workbook(path)["partners"]
    cells = {c.value: c for c in ws["B"][1:]}
    link = cells['=HYPERLINK("http://evil.example","click")']
    assert link.data_type == "s" and link.quotePrefix
    assert cells["'already quoted"].quotePrefix and not cells["plain"].quotePrefix
    assert _tables(_reimport(db, path, tmp_path)) == _tables(db)


@pytest.mark.parametrize("fmt", ["zip", "xlsx"])
def test_data_page_export_is_the_same_neutralised_file(tmp_path, fmt):
    """The Data page's whole-store download (CSV zip, xlsx) is the same writer's output:
    it round-trips through an upload check with no problem and no formula cell."""
    db = _store_with_hostile_text(tmp_path / "h.duckdb")
    con = store.connect(db)
    try:
        data = writer.store_bytes(con, fmt)
        report = uploads.check_upload(con, f"store.{fmt}", data, replace=True)
    finally:
        con.close()
    assert report.ok, [i.format("en") for i in report.issues]
    assert report.removed.get("partners") == 0
    if fmt == "zip":
        assert b"'=HYPERLINK" in _unzipped(data, "partners.csv")


def _unzipped(data: bytes, name: str) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


_CHILD_PARSE = """
import sys
from pathlib import Path
from coopdash.workbook.child import parse
book = parse.parse_file(Path(sys.argv[1]), 1 << 20)
print(repr(book.tables["partners"].column("name").to_pylist()),
      "pyarrow.compute" in sys.modules)
"""


@pytest.mark.parametrize(("name", "computed"), [("Plain Name", False), ("'=x", True),
                                                ("O'Brien", True)])
def test_the_reading_child_looks_for_apostrophes_only_in_a_file_holding_one(
        tmp_path, name, computed):
    """A CSV without an apostrophe is handed over as parsed (pyarrow.compute, 0.035 CPU-s
    of every reading child, never imported); with one, the export's apostrophe comes off
    a cell that starts with it and no other."""
    import subprocess
    import sys

    path = tmp_path / "partners.csv"
    path.write_text(f'partner_id,name\np1,"{name}"\np2,Other\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", _CHILD_PARSE, str(path)], check=True,
                         capture_output=True, text=True).stdout.strip().rsplit(" ", 1)
    want = "=x" if name == "'=x" else name
    assert out == [repr([want, "Other"]), str(computed)]
