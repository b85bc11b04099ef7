"""Check an .xlsx's sheet XML before the Excel reader does (standard library only; runs
in the reading child, `coopdash.workbook.child`).

The Excel reader (calamine) allocates one slot per cell of the rectangle from A1 to the
farthest cell, and aborts the whole process on a crafted row number: a 5 KB file with
one cell at XFD5001 costs 3.3 GB, one at row 4,294,967,295 kills the process. It also
reads an error cell (`#N/A`) or a formula without a saved result as an empty cell. So
every sheet's XML is streamed here first, with a cap on its inflated size, and:

- a cell reference beyond Excel's last cell (XFD1048576) is refused;
- a farthest cell that would make the rectangle far bigger than the cells present
  ("far away") is refused, naming the cell, before calamine allocates anything;
- error cells, formulas without a saved value (or with an empty one), and numbers 60
  (Excel's fictitious 1900-02-29 when the cell is a date) are located for the reader to
  refuse.

Which sheet is which part comes from `xl/workbook.xml` and its relationships; a sheet's
visibility (hidden, very hidden) from the same place.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from coopdash.workbook.child.container import Found, Refused, read_entry, stream_entry

EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
MAX_ROW_BYTES = 64 << 20  # one <row> element larger than this is refused
FAR_SLACK = 1_000_000  # slots the rectangle may exceed 4 x the cells present by
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class SheetPart:
    name: str
    part: str  # zip entry name, e.g. xl/worksheets/sheet1.xml
    state: str  # visible, hidden, veryHidden


@dataclass
class SheetScan:
    """What the sheet's XML holds, as far as the reader's safety is concerned."""

    max_row: int = 0
    max_col: int = 0
    far_ref: str | None = None  # the cell that sets the rectangle's far corner
    n_cells: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (ref, "#N/A")
    no_value: list[str] = field(default_factory=list)  # formulas without saved result
    serial_60: list[str] = field(default_factory=list)  # numeric cells holding 60


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_ref(ref: str) -> tuple[int, int]:
    """`B12` -> (row 12, column 2)."""
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", ref)
    return int(m[2]), col_number(m[1])


# --- which sheet is where ------------------------------------------------------------------

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode().split(":")[-1]: html.unescape(v.decode("utf-8", "replace"))
            for k, v in _ATTR.findall(raw)}


def sheet_parts(zf: zipfile.ZipFile, cap: int) -> list[SheetPart]:
    """Every sheet of the workbook: its name, zip entry and visibility."""
    book = read_entry(zf, zf.getinfo("xl/workbook.xml"), cap)
    try:
        rels_raw = read_entry(zf, zf.getinfo("xl/_rels/workbook.xml.rels"), cap)
    except KeyError:
        rels_raw = b""
    rels = {}
    for m in _REL.finditer(rels_raw):
        a = _attrs(m[1])
        target = a.get("Target", "")
        rels[a.get("Id")] = (target.lstrip("/") if target.startswith("/")
                             else posixpath.normpath(posixpath.join("xl", target)))
    out = []
    for m in _SHEET.finditer(book):
        a = _attrs(m[1])
        out.append(SheetPart(a.get("name", ""), rels.get(a.get("id"), ""),
                             a.get("state", "visible")))
    return out


# --- one sheet's XML, streamed -------------------------------------------------------------

class _Scanner:
    """Holds the patterns for one namespace prefix (`<c>` or `<x:c>`) and the scan."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        self.cell_open = (b"<" + prefix + b"c ", b"<" + prefix + b"c>")
        self.row_end = b"</" + prefix + b"row>"
        self.row_r = re.compile(rb"<" + p + rb'row\b[^>]*?\sr="([0-9]+)"')
        self.wide = re.compile(rb"<" + p + rb'c\b[^>]*?\sr="([A-Z]{2,})([0-9]+)"')
        self.big_row = re.compile(rb'\sr="([A-Z]*)([0-9]{7,})"')
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S)
        self.v_tag = b"<" + prefix + b"v"
        self.f_tag = b"<" + prefix + b"f"
        self.v_text = re.compile(rb"<" + p + rb"v>([^<]*)</" + p + rb"v>")
        self.scan = SheetScan()
        self.single_max = 0  # highest single-letter column seen (A=1 .. Z=26)

    def feed(self, buf: bytes) -> None:
        s = self.scan
        s.n_cells += sum(buf.count(tag) for tag in self.cell_open)
        for m in self.big_row.finditer(buf):
            self._row(int(m[2]), m[1].decode() + m[2].decode())
        for m in self.row_r.finditer(buf):
            self._row(int(m[1]), None)
        for m in self.wide.finditer(buf):
            self._col(col_number(m[1].decode()), m[1].decode() + m[2].decode())
        self._single_letters(buf)
        if b't="e"' in buf or self.f_tag in buf or b">60" in buf:
            self._cells(buf)

    def _row(self, row: int, ref: str | None) -> None:
        if row > EXCEL_ROWS:
            raise Refused(Found("cell_beyond_excel", value=ref or f"row {row}"))
        if row > self.scan.max_row:
            self.scan.max_row = row
            if ref:
                self.scan.far_ref = ref

    def _col(self, col: int, ref: str) -> None:
        if col > EXCEL_COLS:
            raise Refused(Found("cell_beyond_excel", value=ref))
        if col > self.scan.max_col:
            self.scan.max_col = col
            self.scan.far_ref = ref

    def _single_letters(self, buf: bytes) -> None:
        """The highest single-letter column in `buf`: one search for any letter above the
        highest known (usually none after the first rows), repeated while one is found."""
        while self.single_max < 26:
            above = _LETTERS[self.single_max:26]
            m = re.search(rb'\sr="([' + above[:1] + b"-" + above[-1:] + rb'])[0-9]', buf)
            if m is None:
                break
            self.single_max = m[1][0] - 64
        self.scan.max_col = max(self.scan.max_col, self.single_max)

    def _cells(self, buf: bytes) -> None:
        """Error cells, formulas without a saved value, numeric 60s (located)."""
        for m in self.cell.finditer(buf):
            attrs, body = _attrs(m[1]), m[2] or b""
            ref = attrs.get("r", "?")
            kind = attrs.get("t", "n")
            value = self.v_text.search(body)
            if kind == "e":
                self.scan.errors.append((ref, value[1].decode("utf-8", "replace")
                                         if value else "#?"))
            elif self.f_tag in body and _lost_result(kind, body, value, self.v_tag):
                self.scan.no_value.append(ref)
            elif kind == "n" and value and re.fullmatch(rb"60(\.[0-9]+)?", value[1]):
                self.scan.serial_60.append(ref)


def _lost_result(kind: str, body: bytes, value: re.Match | None, v_tag: bytes) -> bool:
    """A formula whose result is not saved: no `<v>` at all, or an empty one (`<v></v>`,
    `<v/>`: what openpyxl and many scripts write) on a cell that is not a text result
    (`t="str"` with an empty `<v>` is a formula whose text result is empty: kept)."""
    if v_tag not in body:
        return True
    return kind != "str" and (value is None or not value[1].strip())


def scan_sheet(zf: zipfile.ZipFile, part: str, cap: int) -> SheetScan:
    """Stream the sheet's XML (refused past `cap` inflated bytes), row by row."""
    scanner: _Scanner | None = None
    carry = b""
    for chunk in stream_entry(zf, zf.getinfo(part), cap):
        buf = carry + chunk
        if scanner is None:
            m = re.search(rb"<(\w+:)?sheetData\b", buf)
            if m is None and len(buf) < (1 << 20):
                carry = buf
                continue
            scanner = _Scanner(m[1] or b"" if m else b"")
        cut = buf.rfind(scanner.row_end)
        if cut < 0:
            if len(buf) > MAX_ROW_BYTES:
                raise Refused(Found("row_too_big", params={"mb": MAX_ROW_BYTES >> 20}))
            carry = buf
            continue
        cut += len(scanner.row_end)
        scanner.feed(buf[:cut])
        carry = buf[cut:]
    if scanner is None:
        return SheetScan()
    scanner.feed(carry)
    return scanner.scan


def far_away(scan: SheetScan) -> bool:
    """Would the rectangle A1..farthest cell be far bigger than the cells present?"""
    return scan.max_row * max(scan.max_col, 1) > 4 * scan.n_cells + FAR_SLACK
