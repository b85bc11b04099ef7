"""Export the whole store in the workbook format: `.xlsx` or a folder of CSVs.

Export then `import --replace` into a new store gives identical tables. In `.xlsx`,
dates are real date cells, amounts numbers with two decimals, integers numbers, and
every other value a string (never a formula). Excel holds at most 1,048,576 rows per
sheet: a bigger table is refused with a plain message (CSV always works).

Cells that a spreadsheet would run as a formula (text beginning with = + - @, a tab or a
carriage return, such as `=HYPERLINK(...)` or `+cmd|...`) are neutralised, and the round
trip stays exact:

- CSV: such a cell, and a cell beginning with an apostrophe, gets one apostrophe in
  front (`'=HYPERLINK(...)`, `''quoted`); the importer takes exactly that one apostrophe
  off again (`coopdash.workbook.child.parse`). A keeper reading the file sees the apostrophe
  that Excel itself uses to mean "this is text".
- xlsx: the cell holds the exact text, marked as text with Excel's own quote prefix
  (what typing an apostrophe in front does in Excel): Excel shows it as text and keeps
  it text when the cell is edited.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb

from coopdash.contract import TABLE_ORDER, TABLES, key_columns
from coopdash.i18n import t
from coopdash.workbook.cells import NEUTRALISED

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767  # an Excel cell holds no more (minutes may hold 100,000)


NEUTRALISE_RE = r"^[=+\-@\t\r'']"  # the same set, as a DuckDB regular expression
APOSTROPHE_SQL = "''''"  # one apostrophe, as a SQL string literal


class ExportError(RuntimeError):
    pass


def _text_select(name: str) -> str:
    """The table as workbook text, ordered by key (dates ISO, amounts with 2 places)."""
    cols = []
    for col in TABLES[name].columns:
        if col.kind == "date":
            cols.append(f"strftime({col.name}, '%Y-%m-%d') as {col.name}")
        elif col.kind in ("amount", "integer"):
            cols.append(f"{col.name}::varchar as {col.name}")
        else:  # text that a spreadsheet could run: one apostrophe in front (see above)
            cols.append(f"case when regexp_matches({col.name}, '{NEUTRALISE_RE}') then "
                        f"{APOSTROPHE_SQL} || {col.name} else {col.name} end as {col.name}")
    return f"select {', '.join(cols)} from main.{name} order by {', '.join(key_columns(name))}"


def export(con: duckdb.DuckDBPyConnection, path: Path | str, lang: str = "id") -> Path:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return export_xlsx(con, path, lang)
    return export_csv(con, path, lang)


def export_csv(con: duckdb.DuckDBPyConnection, folder: Path | str, lang: str = "id") -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*.csv")):
        raise ExportError(t("store.export.not_empty", lang, path=folder))
    for name in TABLE_ORDER:
        target = str(folder / f"{name}.csv").replace("'", "''")
        con.execute(f"copy ({_text_select(name)}) to '{target}' "
                    "(format csv, header true, delimiter ',', quote '\"', escape '\"')")
    return folder


def table_past_excel(con: duckdb.DuckDBPyConnection) -> tuple[str, int] | None:
    """The first table too long for an Excel sheet and its rows, or None when the store
    fits: checked before writing, and by the Data page before it offers the download."""
    for name in TABLE_ORDER:
        n = con.execute(f"select count(*) from main.{name}").fetchall()[0][0]
        if n + 1 > EXCEL_MAX_ROWS:
            return name, n
    return None


def export_xlsx(con: duckdb.DuckDBPyConnection, path: Path | str, lang: str = "id") -> Path:
    import xlsxwriter

    path = Path(path)
    refusal = excel_refusal(con, lang)
    if refusal is not None:
        raise ExportError(refusal)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False})
    formats = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
               "amount": wb.add_format({"num_format": "0.00"}),
               "header": wb.add_format({"bold": True}),
               "quoted": wb.add_format({"quote_prefix": True})}
    try:
        for name in TABLE_ORDER:
            _write_sheet(con, wb, name, formats)
    finally:
        wb.close()
    return path


def _long_text(con) -> tuple[str, str, str, int] | None:
    """The first text longer than an Excel cell holds (Excel would cut it silently):
    (table, column, record, length), or None."""
    for name in TABLE_ORDER:
        for col in TABLES[name].columns:
            if col.kind not in ("text", "markdown"):
                continue
            found = con.execute(
                f"select {key_columns(name)[0]}::varchar, length({col.name}) from main.{name} "
                f"where length({col.name}) > {EXCEL_MAX_CHARS} limit 1").fetchall()
            if found:
                return name, col.name, found[0][0], found[0][1]
    return None


def excel_refusal(con: duckdb.DuckDBPyConnection, lang: str = "id") -> str | None:
    """Why the store cannot be written as one .xlsx (a table past Excel's rows, a text
    past a cell's characters; CSV holds both), in plain words; None when it can. Checked
    before writing, and by the Data page before it offers the download (on a cursor of
    its own: the page's connection is shared)."""
    cur = con.cursor()
    try:
        return _excel_refusal(cur, lang)
    finally:
        cur.close()


def _excel_refusal(con: duckdb.DuckDBPyConnection, lang: str) -> str | None:
    too_big = table_past_excel(con)
    if too_big is not None:
        return t("store.export.too_many_rows", lang, table=too_big[0], n=too_big[1])
    long = _long_text(con)
    if long is not None:
        return t("store.export.text_too_long_xlsx", lang, table=long[0], column=long[1],
                 record=long[2], n=long[3], limit=EXCEL_MAX_CHARS)
    return None


def _write_sheet(con, wb, name: str, formats: dict) -> None:
    ws = wb.add_worksheet(name)
    table = TABLES[name]
    for j, col in enumerate(table.columns):
        ws.write_string(0, j, col.name, formats["header"])
        ws.set_column(j, j, 14 if col.kind in ("date", "amount", "code") else 22)
    writers = [_cell_writer(col.kind, formats) for col in table.columns]
    cols = ", ".join(table.column_names)
    cur = con.cursor()
    try:
        cur.execute(f"select {cols} from main.{name} order by {', '.join(key_columns(name))}")
        r = 1
        while batch := cur.fetchmany(10_000):
            for row in batch:
                for j, value in enumerate(row):
                    if value is not None:
                        writers[j](ws, r, j, value)
                r += 1
    finally:
        cur.close()


def _cell_writer(kind: str, formats: dict):
    if kind == "date":
        fmt = formats["date"]
        return lambda ws, r, c, v: ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day),
                                                     fmt)
    if kind == "amount":
        fmt = formats["amount"]
        return lambda ws, r, c, v: _write_amount(ws, r, c, v, fmt)
    if kind == "integer":
        return lambda ws, r, c, v: ws.write_number(r, c, v)
    quoted = formats["quoted"]
    return lambda ws, r, c, v: ws.write_string(r, c, str(v), quoted if str(v)[:1] in
                                               NEUTRALISED else None)


def _write_amount(ws, r: int, c: int, value: Decimal, fmt) -> None:
    """A number when a double holds it exactly to the cent, else the exact text."""
    as_float = float(value)
    if Decimal(repr(as_float)).quantize(Decimal("0.01")) == value:
        ws.write_number(r, c, as_float, fmt)
    else:
        ws.write_string(r, c, f"{value:.2f}")


def store_bytes(con: duckdb.DuckDBPyConnection, fmt: str, lang: str = "id") -> bytes:
    """The whole store in the workbook format, in memory (the Data page's download):
    `xlsx`, or `zip` of CSV files."""
    cur = con.cursor()
    try:
        with tempfile.TemporaryDirectory(prefix="coopdash-export-") as tmp:
            if fmt == "xlsx":
                return export_xlsx(cur, Path(tmp) / "store.xlsx", lang).read_bytes()
            folder = export_csv(cur, Path(tmp) / "store", lang)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for csv in sorted(folder.glob("*.csv")):
                    zf.write(csv, csv.name)
            return buf.getvalue()
    finally:
        cur.close()
