"""Export the whole store in the workbook format: `.xlsx` or a folder of CSVs.

Export then `import --replace` into a new store gives identical tables. In `.xlsx`,
dates are real date cells, amounts numbers with two decimals, integers numbers, and
every other value a string (never a formula). Excel holds at most 1,048,576 rows per
sheet: a bigger table is refused with a plain message (CSV always works).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb

from coopdash.contract import TABLE_ORDER, TABLES, key_columns
from coopdash.i18n import t

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767  # an Excel cell holds no more (minutes may hold 100,000)


class ExportError(RuntimeError):
    pass


def _text_select(name: str) -> str:
    """The table as workbook text, ordered by key (dates ISO, amounts with 2 places)."""
    cols = []
    for col in TABLES[name].columns:
        if col.kind == "date":
            cols.append(f"strftime({col.name}, '%Y-%m-%d') as {col.name}")
        else:
            cols.append(f"{col.name}::varchar as {col.name}")
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


def export_xlsx(con: duckdb.DuckDBPyConnection, path: Path | str, lang: str = "id") -> Path:
    import xlsxwriter

    path = Path(path)
    for name in TABLE_ORDER:
        n = con.execute(f"select count(*) from main.{name}").fetchall()[0][0]
        if n + 1 > EXCEL_MAX_ROWS:
            raise ExportError(t("store.export.too_many_rows", lang, table=name, n=n))
    _refuse_long_text(con, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False})
    formats = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
               "amount": wb.add_format({"num_format": "0.00"}),
               "header": wb.add_format({"bold": True})}
    try:
        for name in TABLE_ORDER:
            _write_sheet(con, wb, name, formats)
    finally:
        wb.close()
    return path


def _refuse_long_text(con, lang: str) -> None:
    """Excel would cut a longer text silently: refuse, naming the record (CSV holds it)."""
    for name in TABLE_ORDER:
        for col in TABLES[name].columns:
            if col.kind not in ("text", "markdown"):
                continue
            found = con.execute(
                f"select {key_columns(name)[0]}::varchar, length({col.name}) from main.{name} "
                f"where length({col.name}) > {EXCEL_MAX_CHARS} limit 1").fetchall()
            if found:
                raise ExportError(t("store.export.text_too_long_xlsx", lang, table=name,
                                    column=col.name, record=found[0][0], n=found[0][1],
                                    limit=EXCEL_MAX_CHARS))


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
    return lambda ws, r, c, v: ws.write_string(r, c, str(v))


def _write_amount(ws, r: int, c: int, value: Decimal, fmt) -> None:
    """A number when a double holds it exactly to the cent, else the exact text."""
    as_float = float(value)
    if Decimal(repr(as_float)).quantize(Decimal("0.01")) == value:
        ws.write_number(r, c, as_float, fmt)
    else:
        ws.write_string(r, c, f"{value:.2f}")
