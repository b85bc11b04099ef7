"""Exports of exactly what a table shows: CSV, Excel, Parquet. No Streamlit.

Every export reads the very query that feeds the explorer's table (coopdash.figures.explorer.sql:
the same query file, the same parameters, the same sort, without the paging) and streams
it from DuckDB in Arrow record batches, so memory stays bounded whatever the row count:

- CSV: UTF-8 with a BOM (Excel opens it with the right accents), headers in the chosen
  language;
- Excel: a data sheet with typed cells (dates as dates, numbers as numbers), written with
  xlsxwriter in constant-memory mode, and an "about" sheet (table, filters, search, sort,
  language, display currency, rates used, time of export, row count). A selection over
  Excel's 1,048,576 rows raises TooManyRowsError before anything is written;
- Parquet: typed columns, headers in the chosen language, the column names of the query
  kept in the file's metadata.

Cells beginning with `=`, `+`, `-`, `@`, tab or carriage return are neutralised in CSV and
Excel (prefixed with `'`), and Excel strings are written with `write_string`, so no
exported file ever runs a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

from coopdash.figures import explorer as ex
from coopdash.figures import filters as filters_mod
from coopdash.figures.filters import Filters
from coopdash.i18n import t
from coopdash.store import query

BATCH_ROWS = 50_000
EXCEL_MAX_ROWS = 1_048_576 - 1  # one row is the header
EXCEL_MAX_CHARS = 32_767
BOM = "\ufeff".encode()
_DANGEROUS = re.compile(r"^[=+\-@\t\r]")


class TooManyRowsError(RuntimeError):
    """The selection does not fit in an Excel sheet."""

    def __init__(self, n_rows: int, limit: int = EXCEL_MAX_ROWS) -> None:
        super().__init__(f"{n_rows:,} rows do not fit in an Excel sheet ({limit:,} at most)")
        self.n_rows, self.limit = n_rows, limit


@dataclass(frozen=True)
class TableExport:
    """What to export: a tab of the explorer with the parameters of the screen."""

    tab: ex.Tab
    params: dict[str, Any]
    sort: str | None = None
    desc: bool = False
    lang: str = "id"
    currency: str = "IDR"
    filters: Filters = field(default_factory=Filters)
    show_names: bool = False

    @property
    def columns(self) -> list[str]:
        return self.tab.column_names(self.show_names)

    @property
    def headers(self) -> list[str]:
        heads = ex.headers(self.tab, self.show_names, self.lang, self.currency)
        return [heads[c] for c in self.columns]

    def sql(self) -> str:
        """The wrapper around the tab's query file (see `query.run`)."""
        return ex.sql(self.tab, self.show_names, self.sort, self.desc, paged=False)

    def query_params(self) -> dict[str, Any]:
        return {**self.params, "show_names": self.show_names}


# --- neutralising formulas ---------------------------------------------------------------

def neutralise(value: Any) -> Any:
    """`=1+1` -> `'=1+1` (any text a spreadsheet would read as a formula)."""
    if isinstance(value, str) and _DANGEROUS.match(value):
        return "'" + value
    return value


_RISKY_FIRST = pa.array(["=", "+", "-", "@", "\t", "\r"])


def _neutralise_array(array: pa.Array) -> pa.Array:
    first = pc.utf8_slice_codeunits(array, 0, 1)
    risky = pc.fill_null(pc.is_in(first, value_set=_RISKY_FIRST), False)
    if not pc.any(risky).as_py():  # the common case: nothing to change
        return array
    return pc.if_else(risky, pc.binary_join_element_wise("'", array, ""), array)


def _neutralise_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    arrays = [_neutralise_array(a) if pa.types.is_string(a.type)
              or pa.types.is_large_string(a.type) else a for a in batch.columns]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


# --- reading the query in batches --------------------------------------------------------

@contextmanager
def batches(con: duckdb.DuckDBPyConnection, spec: TableExport,
            batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatchReader]:
    """The rows of the export as an Arrow reader, streamed from DuckDB (a lazy relation on
    its own cursor: nothing is materialised beyond one batch)."""
    with query.stream(con, spec.tab.query, spec.query_params(), wrap=spec.sql(),
                      batch_rows=batch_rows) as reader:
        yield reader


def count(con: duckdb.DuckDBPyConnection, spec: TableExport) -> int:
    return ex.count(con, spec.tab, {**spec.params, "show_names": spec.show_names})


def _renamed(schema: pa.Schema, headers: list[str]) -> pa.Schema:
    return pa.schema([f.with_name(h) for f, h in zip(schema, headers, strict=True)])


# --- CSV and Parquet ---------------------------------------------------------------------

def write_csv(con: duckdb.DuckDBPyConnection, spec: TableExport, path: Path) -> int:
    """CSV, UTF-8 with BOM, headers in the chosen language; returns the row count."""
    n = 0
    with batches(con, spec) as reader, open(path, "wb") as sink:
        sink.write(BOM)
        schema = _renamed(reader.schema, spec.headers)
        with pacsv.CSVWriter(sink, schema,
                             write_options=pacsv.WriteOptions(quoting_style="needed")) as out:
            for batch in reader:
                batch = _neutralise_batch(batch)
                out.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
                n += batch.num_rows
    return n


def write_parquet(con: duckdb.DuckDBPyConnection, spec: TableExport, path: Path) -> int:
    """Parquet with typed columns and headers in the chosen language; the query's column
    names are kept in the file metadata (`coopdash.columns`)."""
    n = 0
    with batches(con, spec) as reader:
        meta = {b"coopdash.columns": json.dumps(spec.columns).encode(),
                b"coopdash.about": json.dumps(dict(about(spec, None)), default=str).encode()}
        schema = _renamed(reader.schema, spec.headers).with_metadata(meta)
        with pq.ParquetWriter(path, schema, compression="zstd") as out:
            for batch in reader:
                out.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
                n += batch.num_rows
    return n


# --- Excel -------------------------------------------------------------------------------

def _cell_writer(ws, formats: dict[str, Any]):
    """write(row, col, value) with a cell type chosen by the value's type; text always with
    write_string (never a formula), neutralised and cut to Excel's cell limit."""

    def write(row: int, col: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, formats["datetime"])
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), formats["date"])
        elif isinstance(value, int | float | Decimal):
            ws.write_number(row, col, float(value))
        else:
            ws.write_string(row, col, str(neutralise(str(value)))[:EXCEL_MAX_CHARS])

    return write


def _workbook(path: Path) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
        "tmpdir": tempfile.gettempdir(),
    })


def write_excel(con: duckdb.DuckDBPyConnection, spec: TableExport, path: Path,
                exported_at: dt.datetime | None = None) -> int:
    """Excel: typed data sheet + about sheet. Raises TooManyRowsError past Excel's limit."""
    n_rows = count(con, spec)
    if n_rows > EXCEL_MAX_ROWS:
        raise TooManyRowsError(n_rows)
    rates = ex.rates(con, spec.tab, {**spec.params, "show_names": spec.show_names})
    wb = _workbook(path)
    formats = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
               "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
               "bold": wb.add_format({"bold": True})}
    try:
        n = _data_sheet(wb, con, spec, formats)
        _about_sheet(wb, spec, n, rates, formats, exported_at)
    finally:
        wb.close()
    return n


def _data_sheet(wb, con, spec: TableExport, formats) -> int:
    ws = wb.add_worksheet(t("explorer.about.sheet_data", spec.lang))
    write = _cell_writer(ws, formats)
    for col, head in enumerate(spec.headers):
        ws.write_string(0, col, neutralise(head), formats["bold"])
        ws.set_column(col, col, min(max(len(head) + 2, 12), 50))
    ws.freeze_panes(1, 0)
    row = 0
    with batches(con, spec) as reader:
        for batch in reader:
            columns = [c.to_pylist() for c in batch.columns]
            for values in zip(*columns, strict=True):
                row += 1
                for col, value in enumerate(values):
                    write(row, col, value)
    return row


def about(spec: TableExport, n_rows: int | None,
          exported_at: dt.datetime | None = None) -> list[tuple[str, Any]]:
    """The lines of the about sheet: what was exported, under which choices."""
    lang = spec.lang
    out: list[tuple[str, Any]] = [
        (t("explorer.about.table", lang), t(f"explorer.tab.{spec.tab.name}", lang)),
        (t("explorer.about.exported_at", lang),
         (exported_at or dt.datetime.now()).replace(microsecond=0)),
    ]
    if n_rows is not None:
        out.append((t("explorer.about.rows", lang), n_rows))
    out += [
        (t("explorer.about.language", lang), {"id": "Bahasa Indonesia", "en": "English"}
         .get(lang, lang)),
        (t("explorer.about.currency", lang), spec.currency),
    ]
    out += filter_lines(spec)
    return out


def filter_lines(spec: TableExport) -> list[tuple[str, Any]]:
    """Shared filters, search, the tab's own filters and the sort, in words."""
    lang = spec.lang
    described = filters_mod.described(spec.filters, lang)
    q = spec.params.get("q") or ""
    if q:
        described.append((t("explorer.about.search", lang), q))
    for flt in spec.tab.filters:
        chosen = spec.params.get(flt.param) or []
        if chosen:
            described.append((t(f"explorer.filter.{flt.param}", lang),
                              ", ".join(ex.code_label(flt.codelist, c, lang) for c in chosen)))
    if not described:
        described.append((t("explorer.about.filters", lang), t("explorer.about.no_filters",
                                                               lang)))
    heads = ex.headers(spec.tab, spec.show_names, lang, spec.currency)
    sort = spec.sort if spec.sort in heads else spec.tab.default_sort_for(spec.show_names)
    key = "explorer.about.sort_desc" if spec.desc else "explorer.about.sort_asc"
    described.append((t("explorer.about.sort", lang), t(key, lang, column=heads[sort])))
    if spec.tab.name == "participants":
        described.append((t("explorer.about.names", lang), t(
            "explorer.about.names_shown" if spec.show_names else "explorer.about.names_hidden",
            lang)))
    return described


def _about_sheet(wb, spec: TableExport, n_rows: int, rates, formats,
                 exported_at: dt.datetime | None) -> None:
    lang = spec.lang
    ws = wb.add_worksheet(t("explorer.about.sheet_about", lang))
    write = _cell_writer(ws, formats)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 8, 22)
    ws.write_string(0, 0, t("explorer.about.heading", lang,
                            table=t(f"explorer.tab.{spec.tab.name}", lang)), formats["bold"])
    ws.write_string(1, 0, t("explorer.about.item", lang), formats["bold"])
    ws.write_string(1, 1, t("explorer.about.value", lang), formats["bold"])
    row = 2
    for label, value in about(spec, n_rows, exported_at):
        write(row, 0, label)
        write(row, 1, value)
        row += 1
    row += 1
    ws.write_string(row, 0, t("explorer.about.rates", lang), formats["bold"])
    row += 1
    if rates is None or rates.empty:
        ws.write_string(row, 0, t("explorer.about.no_rates", lang))
        row += 1
    else:
        row = _rates_table(ws, write, rates, row, lang, spec.currency, formats)
    ws.write_string(row + 1, 0, t("explorer.about.formula_note", lang))


def _rates_table(ws, write, rates, row: int, lang: str, currency: str, formats) -> int:
    for col, name in enumerate(rates.columns):
        ws.write_string(row, col, ex.header(name, lang, currency), formats["bold"])
    for values in rates.itertuples(index=False):
        row += 1
        for col, value in enumerate(values):
            write(row, col, None if _missing(value) else _plain(value))
    return row + 1


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """numpy / pandas scalars -> Python values the cell writer knows."""
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value


# --- one entry point -------------------------------------------------------------------

WRITERS = {"csv": write_csv, "xlsx": write_excel, "parquet": write_parquet}


def write(con: duckdb.DuckDBPyConnection, spec: TableExport, fmt: str, path: Path) -> int:
    """Write the export in `fmt` to `path` (replaced only once complete); the row count."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        n = WRITERS[fmt](con, spec, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def to_bytes(con: duckdb.DuckDBPyConnection, spec: TableExport, fmt: str) -> bytes:
    """The export in `fmt` as bytes (the page's download, built when it is clicked): the
    writers stream to a private temporary file, read back once complete."""
    with tempfile.TemporaryDirectory(prefix="coopdash-export-") as tmp:
        path = Path(tmp) / f"export.{fmt}"
        write(con, spec, fmt, path)
        return path.read_bytes()
