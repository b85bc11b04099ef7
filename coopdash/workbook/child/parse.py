"""Parse an untrusted workbook into Arrow tables of text: the reading child's main work.

Runs only inside the reading child (`coopdash.workbook.child`), never in the dashboard
or the command line itself. No pandas: the child starts in a fraction of a second.
`parse_file(path, cap)` returns a `RawBook`: `tables` (table name -> Arrow table, every
column a string in the workbook's text form (`coopdash.workbook.cells`), row i = the
row a person sees as i + 2) and `found` (every problem with the file, located).

- `.xlsx` / `.xlsm`: the zip is checked entry by entry (`child.container`), each table
  sheet's XML streamed first (`child.xlsx_prescan`: far-away cells, error cells,
  formulas without a saved value, serial day 60), hidden sheets named like a table
  refused; only then does the Excel reader (calamine) read the sheets that passed.
- CSV (one file, a folder, or a .zip of them): Arrow's reader; what Arrow refuses is
  read again by Python's csv module so that every problem (an unclosed quote, a row
  with more cells than the header) is reported at its row, not only the first.
- A CSV cell written by coopdash's export as `'=…` (one apostrophe added in front of a
  cell beginning with = + - @ tab CR or ') loses that apostrophe again: the round trip
  export -> import is exact (see `coopdash.workbook.writer`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.csv as pacsv

from coopdash.contract import TABLES
from coopdash.workbook.cells import cell_text
from coopdash.workbook.child import container, iati, sheet_scan, xlsx_prescan
from coopdash.workbook.child.container import Found, Refused

_BOM = b"\xef\xbb\xbf"
# Every cell is handed over as Arrow's large_string: the type pandas keeps its text in, so
# the parent frames the tables without a copy (with `string`, pandas cast every column:
# 0.2 s of CPU for the 1M-participant folder)
TEXT = pa.large_string()
EXPECTED = ", ".join(TABLES)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".numbers")
_UNQUOTE = "^'([=+\\-@\\t\\r'])"


@dataclass
class RawBook:
    tables: dict[str, pa.Table] = field(default_factory=dict)
    found: list[Found] = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # what the report says besides problems


# --- the file ------------------------------------------------------------------------------

def parse_file(path: Path, cap: int, options: dict | None = None) -> RawBook:
    """Read `path` (a file or a folder of CSVs); `cap` = most bytes one entry may inflate
    to (a CSV file, a zip entry, a sheet's XML). `options`: `recipient` (an IATI file:
    only the activities for that country)."""
    book = RawBook()
    try:
        _read(path, cap, book, options or {})
    except Refused as exc:
        book.found.append(exc.found)
    if not book.tables and not book.found:
        book.found.append(Found("no_tables", params={"expected": EXPECTED}))
    return book


_NAMED = {"encrypted": "file_encrypted", "ole": "file_ole",
          "docx": "file_docx", "pptx": "file_pptx", "odf": "file_odf",
          "pdf": "file_pdf", "binary": "not_workbook"}


def _read(path: Path, cap: int, book: RawBook, options: dict) -> None:
    if path.is_dir():
        _read_folder(path, cap, book)
        return
    if not path.is_file():
        raise Refused(Found("not_found"))
    kind = container.sniff(path)
    if kind == "empty":
        raise Refused(Found("empty_file"))
    if kind == "text" and iati.looks_like_iati(path):
        read_iati(path, cap, book, options.get("recipient"))
        return
    if path.suffix.lower() == ".csv" and kind in ("text", "binary"):
        _add_csv(book, path.stem, _capped_file(path, cap))  # its encoding is checked there
        return
    if kind in _NAMED:
        raise Refused(Found(_NAMED[kind]))
    if kind in _WORKBOOKS:
        _WORKBOOKS[kind](path, cap, book)
    elif kind == "zip":
        _read_zip(path, cap, book)
    elif path.suffix.lower() == ".csv":
        _add_csv(book, path.stem, _capped_file(path, cap))
    else:
        raise Refused(Found("not_workbook"))


def _read_folder(path: Path, cap: int, book: RawBook) -> None:
    """A folder of CSV files, one per table (other files are not looked at)."""
    for item in sorted(path.iterdir()):
        if item.is_file() and item.suffix.lower() == ".csv":
            _add_csv(book, item.stem, _capped_file(item, cap))


def _capped_file(path: Path, cap: int) -> bytes:
    _capped_size(path, cap)
    return path.read_bytes()


def _capped_size(path: Path, cap: int) -> None:
    size = path.stat().st_size
    if size > cap:
        raise Refused(Found("entry_too_big", value=path.name,
                            params={"mb": cap >> 20, "size_mb": size >> 20}))


def _skip_or_flag(book: RawBook, name: str) -> bool:
    """True if sheet/file `name` is not read: ignored (`_x`), unknown or repeated."""
    if name.startswith("_"):
        return True
    if name not in TABLES:
        book.found.append(Found("unknown_table", table=name, value=name,
                                params={"expected": EXPECTED}))
        return True
    if name in book.tables:
        book.found.append(Found("duplicate_table", table=name, value=name))
        return True
    return False


# --- Excel ---------------------------------------------------------------------------------

_XLSX_READ = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
              "xl/styles.xml", "[Content_Types].xml")


def read_xlsx(path: Path, cap: int, book: RawBook) -> None:
    with container.open_zip(path) as zf:
        for info in zf.infolist():
            container.check_entry(info, cap)
        for name in _XLSX_READ:  # inflated once here, capped, before calamine does
            if name in zf.NameToInfo:
                for _ in container.stream_entry(zf, zf.getinfo(name), cap):
                    pass
        scans = _scan_sheets(zf, cap, book)
    if scans:
        _read_sheets(path, scans, book)


def _scan_sheets(zf: zipfile.ZipFile, cap: int, book: RawBook
                 ) -> dict[str, xlsx_prescan.SheetScan]:
    scans: dict[str, xlsx_prescan.SheetScan] = {}
    for part in xlsx_prescan.sheet_parts(zf, cap):
        if _skip_or_flag(book, part.name) or part.name in scans:
            if part.name in scans:
                book.found.append(Found("duplicate_table", table=part.name, value=part.name))
            continue
        if part.state != "visible":
            book.found.append(Found("hidden_sheet", table=part.name, value=part.name,
                                    params={"state": part.state}))
            continue
        if part.part not in zf.NameToInfo:
            book.found.append(Found("unreadable", table=part.name,
                                    params={"detail": "sheet part missing"}))
            continue
        try:
            scan = xlsx_prescan.scan_sheet(zf, part.part, cap)
        except Refused as exc:
            exc.found.table = part.name
            book.found.append(exc.found)
            continue
        if xlsx_prescan.far_away(scan):
            book.found.append(Found(
                "far_cell", table=part.name,
                value=xlsx_prescan.col_letters(scan.max_col) + str(scan.max_row),
                params={"cells": scan.n_cells}))
            continue
        scans[part.name] = scan
    return scans


def _read_xls(path: Path, cap: int, book: RawBook) -> None:
    _read_scanned(path, sheet_scan.scan_xls(path), book)


def _read_ods(path: Path, cap: int, book: RawBook) -> None:
    _read_scanned(path, sheet_scan.scan_ods(path, cap), book)


def _read_scanned(path: Path, scans: dict[str, tuple[str, xlsx_prescan.SheetScan]],
                  book: RawBook) -> None:
    """An .xls or .ods looked through (`sheet_scan`): the same refusals as an .xlsx's
    (hidden sheet named like a table, far-away cells, lost values), then calamine."""
    kept = {}
    for name, (state, scan) in scans.items():
        if _skip_or_flag(book, name):
            continue
        if state != "visible":
            book.found.append(Found("hidden_sheet", table=name, value=name,
                                    params={"state": state}))
        elif xlsx_prescan.far_away(scan):
            book.found.append(Found("far_cell", table=name, value=xlsx_prescan.col_letters(
                scan.max_col) + str(scan.max_row), params={"cells": scan.n_cells}))
        else:
            kept[name] = scan
    if kept:
        _read_sheets(path, kept, book)


def _read_sheets(path: Path, scans: dict[str, xlsx_prescan.SheetScan], book: RawBook) -> None:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises many kinds for damaged files
        book.found.append(Found("unreadable", params={"detail": str(exc)[:200]}))
        return
    for name, scan in scans.items():
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # e.g. an error value calamine does not know (#SPILL!)
            rows, detail = None, str(exc)[:200]
        if _lost_values(name, scan, rows or [], book):
            continue  # the file is refused: its cells would read as empty
        if rows is None:
            book.found.append(Found("unreadable", table=name, params={"detail": detail}))
            continue
        table = sheet_table(name, rows, book)
        if table is not None:
            book.tables[name] = table


def _header_of(rows: list[list], col: int) -> str | None:
    if rows and col <= len(rows[0]):
        text = cell_text(rows[0][col - 1]).strip()
        return text or None
    return None


def _lost_values(name: str, scan: xlsx_prescan.SheetScan, rows: list[list], book: RawBook
                 ) -> bool:
    """Cells the Excel reader would turn into something else: error values, formulas
    never calculated, and 1900-02-29 (serial day 60, a day that never was). True if any."""
    before = len(book.found)
    def found(code: str, ref: str, value: str | None) -> None:
        row, col = xlsx_prescan.split_ref(ref) if ref[:1].isalpha() else (None, 0)
        book.found.append(Found(code, table=name, row=row,
                                column=_header_of(rows, col) or ref.rstrip("0123456789"),
                                value=value, params={"cell": ref}))

    for ref, value in scan.errors:
        found("cell_error", ref, value)
    for ref in scan.no_value:
        found("formula_no_value", ref, None)
    for ref in scan.serial_60:
        row, col = xlsx_prescan.split_ref(ref)
        if row <= len(rows) and col <= len(rows[row - 1]) and isinstance(
                rows[row - 1][col - 1], dt.date):
            found("serial_60", ref, "1900-02-29")
    return len(book.found) > before


def sheet_table(name: str, rows: list[list], book: RawBook) -> pa.Table | None:
    """The sheet's rows (first = header) as a table of text; None for an empty sheet."""
    if not rows:
        return None
    header = [cell_text(v).strip() for v in rows[0]]
    body = rows[1:]
    columns = list(zip(*body, strict=False)) if body else [() for _ in header]
    data: dict[str, pa.Array] = {}
    for j, col_name in enumerate(header):
        kind = _kind(name, col_name)
        values = [v if type(v) is str else cell_text(v, kind)
                  for v in columns[j]] if j < len(columns) else []
        if not col_name:
            if any(v.strip() for v in values):
                book.found.append(Found("unnamed_column", table=name, row=1))
            continue
        if col_name in data:
            book.found.append(Found("duplicate_column", table=name, row=1, column=col_name,
                                    value=col_name))
            continue
        data[col_name] = pa.array(values, type=TEXT)
    return pa.table(data) if data else None


def _kind(table: str, column: str) -> str | None:
    col = TABLES[table].by_name.get(column)
    return col.kind if col else None


# --- IATI activity file ---------------------------------------------------------------------

def read_iati(path: Path, cap: int, book: RawBook, recipient: str | None) -> None:
    """A partner's IATI activity file as the contract's tables (`coopdash.workbook.child.iati`)."""
    _capped_size(path, cap)
    got = iati.read(path, recipient)
    for name, rows in got.rows.items():
        names = iati.columns_of(name)
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        book.tables[name] = pa.table([pa.array(c, type=TEXT) for c in columns],
                                     names=list(names))
    book.found += got.found
    book.notes = got.notes()


# --- zip of CSV files ----------------------------------------------------------------------

def _read_zip(path: Path, cap: int, book: RawBook) -> None:
    with container.open_zip(path) as zf:
        workbooks = []
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir() or "__MACOSX" in name.parts:
                continue
            suffix = name.suffix.lower()
            if suffix in WORKBOOK_SUFFIXES or suffix == ".zip":
                workbooks.append(name.name)
            elif suffix == ".csv":
                _add_csv(book, name.stem, container.read_entry(zf, info, cap))
    if workbooks and not book.tables:
        book.found.append(Found("zip_of_workbooks", value=", ".join(workbooks[:5])))


# --- CSV -----------------------------------------------------------------------------------

def _add_csv(book: RawBook, table: str, data: bytes) -> None:
    if _skip_or_flag(book, table):
        return
    out = csv_table(table, data, book)
    if out is not None:
        book.tables[table] = out


def csv_table(table: str, data: bytes, book: RawBook) -> pa.Table | None:
    """A CSV (UTF-8, with or without BOM) as a table of text; problems go to `book`."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if not data or data.isspace():  # (no copy of a 100 MB file, unlike strip())
        book.found.append(Found("empty_file", table=table))
        return None
    try:
        header = _csv_header(data)
        out = _arrow_csv(data, len(header))  # checks UTF-8 itself
    except (pa.ArrowInvalid, ValueError):
        if not _is_utf8(table, data, book):
            return None
        header, out = _python_csv(table, data.decode("utf-8"), book)
        if out is None:
            return None
    return _named(table, out, header, book, quoted=b"'" in data)


def _named(table: str, out: pa.Table, header: list[str], book: RawBook, quoted: bool
           ) -> pa.Table:
    """Columns named by the header (a repeated name reported, its later copies dropped),
    the export's apostrophes taken off again (`quoted`: the file holds an apostrophe;
    without one, no cell is looked at and pyarrow.compute is never imported: 0.035 CPU-s
    of every import's reading child)."""
    keep, names = [], []
    for i, name in enumerate(header):
        if name in names:
            book.found.append(Found("duplicate_column", table=table, row=1, column=name,
                                    value=name))
            continue
        keep.append(_unquoted(out.column(i)) if quoted else out.column(i))
        names.append(name)
    return pa.table(keep, names=names)


def _unquoted(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """`'=x` -> `=x` (the export's neutralising apostrophe); other cells as they are."""
    import pyarrow.compute as pc

    if len(col) == 0 or not pc.any(pc.starts_with(col, "'")).as_py():
        return col
    return pc.replace_substring_regex(col, _UNQUOTE, "\\1", max_replacements=1)


def _is_utf8(table: str, data: bytes, book: RawBook) -> bool:
    """False (and a located problem: the line of the first bad byte) unless UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 1]
        book.found.append(Found("encoding", table=table, value=repr(bad)[2:-1],
                                params={"line": line}))
        return False
    return True


def _csv_header(data: bytes) -> list[str]:
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    return [name.strip() for name in next(csv.reader([first]))]


def _arrow_csv(data: bytes, width: int) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                       block_size=len(data) + 1 if len(data) < 64 << 20
                                       else 16 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: TEXT for n in names}, strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[]),
    )


def _python_csv(table: str, text: str, book: RawBook) -> tuple[list[str], pa.Table | None]:
    """What Arrow refused, read record by record: blank lines and short rows are fine
    (empty cells); a row with more cells than the header, a stray or unclosed quote is a
    problem reported at its row (as a spreadsheet numbers it) and line of the file."""
    csv.field_size_limit(len(text) + 1)
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = [h.strip() for h in next(rows)]
    width, body, problems = len(header), [], 0
    while True:
        line = rows.line_num + 1
        try:
            record = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            problems += 1
            code = "csv_unclosed_quote" if "end of data" in str(exc) else "csv_bad_quote"
            book.found.append(Found(code, table=table, row=len(body) + 2,
                                    params={"at_line": line}))
            body.append([""] * width)
            continue
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems += 1
            book.found.append(Found("csv_too_many_cells", table=table, row=len(body) + 2,
                                    params={"at_line": line, "n": len(record),
                                            "width": width}))
        body.append((record + [""] * width)[:width])
    if problems:
        return header, None
    columns = list(zip(*body, strict=True)) if body else [() for _ in header]
    return header, pa.table([pa.array(c, type=TEXT) for c in columns],
                            names=[f"c{i}" for i in range(width)])


# what each kind of workbook is read by (`container.sniff`)
_WORKBOOKS = {"xlsx": read_xlsx, "xls": _read_xls, "ods": _read_ods}
