"""Look through an old Excel (`.xls`) or LibreOffice (`.ods`) workbook before the Excel
reader does, for the same cell checks as an `.xlsx` (`xlsx_prescan`): the reader
(calamine) reads an error value or a formula without a saved value as an empty cell.

- `.xls` (BIFF8 in an OLE file): xlrd reads each cell's type: error cells (`#REF!`) and
  date cells holding serial day 60 are located; a sheet's visibility comes from the
  same place. (A BIFF formula always stores its result: there is no "formula without a
  saved value" in this format.)
- `.ods` (a zip of XML): `content.xml` is streamed (capped, lxml iterparse: no DTD, no
  entities, no network), every cell located through its repeat counts: error results
  (`calcext:value-type="error"`), formulas with no saved value, serial 60 cannot occur
  (ODS stores dates as text); a sheet hidden by its style (`table:display="false"`).

Both return `{sheet name: (state, SheetScan)}` with state `visible` or `hidden`.
"""

from __future__ import annotations

import io
from pathlib import Path

from coopdash.workbook.child import container
from coopdash.workbook.child.container import Found, Refused
from coopdash.workbook.child.xlsx_prescan import SheetScan, col_letters

XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
              0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}
_STATES = {0: "visible", 1: "hidden", 2: "veryHidden"}


def scan_xls(path: Path) -> dict[str, tuple[str, SheetScan]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, ValueError, IndexError,
            AssertionError, KeyError) as exc:  # damaged, or a BIFF before Excel 97
        raise Refused(Found("file_xls", params={"detail": str(exc)[:200] or
                                                 type(exc).__name__})) from exc
    out = {}
    for i, name in enumerate(book.sheet_names()):
        sheet = book.sheet_by_index(i)
        out[name] = (_STATES.get(sheet.visibility, "hidden"), _xls_cells(sheet))
        book.unload_sheet(i)
    return out


def _xls_cells(sheet) -> SheetScan:
    import xlrd

    scan = SheetScan(max_row=sheet.nrows, max_col=sheet.ncols)
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            ref = col_letters(c + 1) + str(r + 1)
            if cell.ctype == xlrd.XL_CELL_ERROR:
                scan.errors.append((ref, XLS_ERRORS.get(cell.value, "#?")))
            elif cell.ctype == xlrd.XL_CELL_DATE and cell.value == 60:
                scan.serial_60.append(ref)
            scan.n_cells += cell.ctype != xlrd.XL_CELL_EMPTY
    return scan


# --- OpenDocument ------------------------------------------------------------------------------

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_S = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_CALC = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
MAX_REPEAT = 1 << 20  # a repeat count past Excel's last row or column is not data


def scan_ods(path: Path, cap: int) -> dict[str, tuple[str, SheetScan]]:
    from lxml import etree

    with container.open_zip(path) as zf:
        if "content.xml" not in zf.NameToInfo:
            raise Refused(Found("file_ods", params={"detail": "content.xml missing"}))
        data = container.read_entry(zf, zf.getinfo("content.xml"), cap)
    hidden: set[str] = set()
    out: dict[str, tuple[str, SheetScan]] = {}
    events = etree.iterparse(io.BytesIO(data), events=("end",), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False)
    try:
        for _, el in events:
            if el.tag == _S + "style" and _hidden_style(el):
                hidden.add(el.get(_S + "name"))
            elif el.tag == _T + "table":
                out[el.get(_T + "name", "")] = (
                    "hidden" if el.get(_T + "style-name") in hidden else "visible",
                    _ods_cells(el))
                el.clear()
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise Refused(Found("file_ods", params={"detail": str(exc)[:200]})) from exc
    return out


def _hidden_style(el) -> bool:
    props = el.find(_S + "table-properties")
    return props is not None and props.get(_T + "display") == "false"


def _ods_cells(table) -> SheetScan:
    scan = SheetScan()
    r = 0
    for row in table.iter(_T + "table-row"):
        rows = min(int(row.get(_T + "number-rows-repeated", "1")), MAX_REPEAT)
        c = 0
        for cell in row:
            cols = min(int(cell.get(_T + "number-columns-repeated", "1")), MAX_REPEAT)
            if len(cell) or cell.get(_O + "value-type") or cell.get(_T + "formula"):
                _ods_cell(cell, col_letters(c + 1) + str(r + 1), scan)
                scan.n_cells += 1
                scan.max_row, scan.max_col = max(scan.max_row, r + 1), max(scan.max_col, c + 1)
            c += cols
        r += rows
    return scan


def _ods_cell(cell, ref: str, scan: SheetScan) -> None:
    if cell.get(_CALC + "value-type") == "error":
        text = "".join(cell.itertext()).strip() or "#?"
        scan.errors.append((ref, text))
    elif cell.get(_T + "formula") and cell.get(_O + "value-type") is None:
        scan.no_value.append(ref)
