"""Read a workbook (.xlsx), a folder of `<table>.csv` or a .zip of CSVs as text.

Every cell comes back in the workbook's text form (the form the validator reads and the
CSV export writes): an Excel date at 00:00 -> `2023-05-22`, an integral number -> `2`, a
number in a region column -> `32.10`, other numbers by their shortest repr. A formula
cell gives its cached value, never its text. The frame's index is the row number a
person sees (the header is row 1). Problems with the file itself become located
`Issue`s; nothing here raises for a bad file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from coopdash.contract import TABLES
from coopdash.workbook.validate import Issue

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
ROW_INDEX = "_row"
_BOM = b"\xef\xbb\xbf"
_EXPECTED = ", ".join(TABLES)


@dataclass
class Workbook:
    """What was read: frames of text (index = row as seen) and problems found."""

    file_name: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def read_path(path: Path | str) -> Workbook:
    """Read `path` (.xlsx, folder of CSVs, .zip of CSVs or one `<table>.csv`)."""
    path = Path(path)
    book = Workbook(path.name)
    if path.is_dir():
        _read_folder(path, book)
    elif not path.is_file():
        book.issues.append(Issue(None, None, None, str(path), "not_workbook"))
    elif path.stat().st_size == 0:
        book.issues.append(Issue(None, None, None, None, "empty_file"))
    else:
        _read_file(path, book)
    if not book.frames and not book.issues:
        book.issues.append(Issue(None, None, None, None, "no_tables", {"expected": _EXPECTED}))
    return book


def _read_file(path: Path, book: Workbook) -> None:
    suffix = path.suffix.lower()
    head = path.open("rb").read(8)
    if suffix in EXCEL_SUFFIXES:
        if suffix in (".xlsx", ".xlsm") and not head.startswith(b"PK"):
            book.issues.append(Issue(None, None, None, None, "not_workbook"))
        else:
            read_excel(path, book)
    elif suffix == ".zip" and head.startswith(b"PK"):
        _read_zip(path, book)
    elif suffix == ".csv":
        _add_csv(book, path.stem, path.read_bytes())
    else:
        book.issues.append(Issue(None, None, None, None, "not_workbook"))


# --- Excel --------------------------------------------------------------------------


def read_excel(path: Path, book: Workbook) -> None:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises many kinds for damaged files
        book.issues.append(Issue(None, None, None, None, "unreadable",
                                 {"detail": str(exc)[:200]}))
        return
    for name in names:
        if _skip_or_flag(book, name):
            continue
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            book.issues.append(Issue(name, None, None, None, "unreadable",
                                     {"detail": str(exc)[:200]}))
            continue
        frame = sheet_frame(name, rows, book)
        if frame is not None:
            book.frames[name] = frame


def _skip_or_flag(book: Workbook, name: str) -> bool:
    """True if sheet/file `name` is not read: ignored (`_x`), unknown or repeated."""
    if name.startswith("_"):
        return True
    if name not in TABLES:
        book.issues.append(Issue(name, None, None, name, "unknown_table", {"expected": _EXPECTED}))
        return True
    if name in book.frames:
        book.issues.append(Issue(name, None, None, name, "duplicate_table"))
        return True
    return False


def sheet_frame(table: str, rows: list[list], book: Workbook) -> pd.DataFrame | None:
    """The sheet's rows (first = header) as a text frame; None for an empty sheet."""
    if not rows:
        return None
    header = [cell_text(v).strip() for v in rows[0]]
    body = rows[1:]
    width = len(header)
    columns = list(zip(*body, strict=False)) if body else [() for _ in header]
    data: dict[str, list[str]] = {}
    for j, name in enumerate(header[:width]):
        kind = _kind(table, name)
        values = [v if type(v) is str else cell_text(v, kind)  # text cells as they are
                  for v in columns[j]] if j < len(columns) else []
        if not name:
            if any(v.strip() for v in values):
                book.issues.append(Issue(table, 1, None, None, "unnamed_column"))
            continue
        if name in data:
            book.issues.append(Issue(table, 1, name, name, "duplicate_column"))
            continue
        data[name] = values
    if not data:
        return None
    frame = pa.table({k: pa.array(v, type=pa.string()) for k, v in data.items()}).to_pandas()
    frame.index = pd.RangeIndex(2, len(body) + 2, name=ROW_INDEX)
    return drop_empty_rows(frame)


def _kind(table: str, column: str) -> str | None:
    col = TABLES[table].by_name.get(column)
    return col.kind if col else None


def cell_text(value, kind: str | None = None) -> str:
    """One cell in workbook text form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value, kind)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")  # the validator says: a date without time of day
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _float_text(value: float, kind: str | None) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if kind == "region":
        return f"{value:.2f}"
    return repr(value)


def drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the rows whose every cell is empty or spaces (kept: the row numbers)."""
    if frame.empty:
        return frame
    blank = np.ones(len(frame), dtype=bool)  # rows still possibly blank
    for name in frame.columns:  # usually the first column settles every row
        idx = np.flatnonzero(blank)
        col = frame[name] if len(idx) == len(frame) else frame[name].iloc[idx]
        blank[idx[_has_text(col)]] = False
        if not blank.any():
            return frame
    return frame[~blank]


# First bytes that may start a space (Python's str.isspace: ASCII, 0x1c-0x1f, non-ASCII)
_SPACE_BYTES = np.array([9, 10, 11, 12, 13, 28, 29, 30, 31, 32, *range(128, 256)],
                        dtype=np.uint8)


def _has_text(col: pd.Series) -> np.ndarray:
    """Per cell: holds a character other than a space? Decided from the first byte for
    almost every cell (numpy over the Arrow buffers); the rest by a regular expression."""
    from coopdash.workbook.validate import WS_CLASS, _arrow_text, as_text, utf8_edges

    arr = _arrow_text(as_text(col))
    parts = []
    for chunk in arr.chunks:
        first, _, filled = utf8_edges(chunk)
        sure = filled & ~np.isin(first, _SPACE_BYTES)
        unsure = np.flatnonzero(filled & ~sure)
        if len(unsure):
            found = pc.match_substring_regex(chunk.take(pa.array(unsure)),
                                             "[^" + WS_CLASS + "]")
            sure[unsure] = found.to_numpy(zero_copy_only=False)
        parts.append(sure)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


# --- CSV ----------------------------------------------------------------------------


def _read_folder(path: Path, book: Workbook) -> None:
    for item in sorted(path.iterdir()):
        if item.is_file() and item.suffix.lower() == ".csv":
            _add_csv(book, item.stem, item.read_bytes())


def _read_zip(path: Path, book: Workbook) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = Path(info.filename)
                if info.is_dir() or name.suffix.lower() != ".csv":
                    continue
                if "__MACOSX" in name.parts:
                    continue
                _add_csv(book, name.stem, zf.read(info))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        book.issues.append(Issue(None, None, None, None, "unreadable", {"detail": str(exc)}))


def _add_csv(book: Workbook, table: str, data: bytes) -> None:
    if _skip_or_flag(book, table):
        return
    frame = read_csv_bytes(table, data, book)
    if frame is not None:
        book.frames[table] = frame


def read_csv_bytes(table: str, data: bytes, book: Workbook) -> pd.DataFrame | None:
    """A CSV (UTF-8, with or without BOM) as a text frame; problems go to `book`."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if not data or data.isspace():  # (no copy of a 100 MB file, unlike strip())
        book.issues.append(Issue(table, None, None, None, "empty_file"))
        return None
    try:
        header = _csv_header(data)
        frame = _arrow_csv(data, header)  # checks UTF-8 itself: no decoding of the whole file
    except (pa.ArrowInvalid, ValueError):
        if not _is_utf8(table, data, book):
            return None
        header = _csv_header(data)
        frame = _pandas_csv(table, data, book)
        if frame is None:
            return None
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=ROW_INDEX)
    if len(frame.columns) == len(header):
        frame.columns = header
    repeated = frame.columns.duplicated()
    for name in frame.columns[repeated]:
        book.issues.append(Issue(table, 1, name, name, "duplicate_column"))
    return drop_empty_rows(frame.loc[:, ~repeated])


def _is_utf8(table: str, data: bytes, book: Workbook) -> bool:
    """False (and a located issue: the line of the first bad byte) unless UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 1]
        book.issues.append(Issue(table, None, None, repr(bad)[2:-1], "encoding", {"line": line}))
        return False
    return True


def _csv_header(data: bytes) -> list[str]:
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    return [name.strip() for name in next(csv.reader([first]))]


def _arrow_csv(data: bytes, header: list[str]) -> pd.DataFrame:
    names = [f"c{i}" for i in range(len(header))]
    table = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                       block_size=len(data) + 1 if len(data) < 64 << 20
                                       else 16 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[]),
    )
    return table.to_pandas()


def _pandas_csv(table: str, data: bytes, book: Workbook) -> pd.DataFrame | None:
    """The slower reader, for what Arrow refuses (short rows, blank lines, huge cells)."""
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                            skip_blank_lines=False, encoding="utf-8", engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        book.issues.append(Issue(table, None, None, None, "csv_parse",
                                 {"detail": str(exc).strip()[:300]}))
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("").astype(str)
