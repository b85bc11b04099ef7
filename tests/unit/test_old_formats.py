"""Old Excel (.xls) and LibreOffice (.ods) workbooks are read, not refused (issue 21 §2),
through the same bounded child and the same cell checks as an .xlsx: error values,
formulas without a saved value, hidden sheets; a damaged one is refused by name. The
.xls files are written by xlwt, the .ods files by hand to the OpenDocument schema."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import xlwt

from coopdash import cli, store
from tests.fixtures_store import sha256

HEADER = ["partner_id", "name", "country", "org_type", "office_city"]


def _xls(path: Path, rows: list[list], hidden: str | None = None, error_at=None) -> Path:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("partners")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    if error_at:
        ws.row(error_at[0]).set_cell_error(error_at[1], "#REF!")
    if hidden:
        wb.add_sheet(hidden).visibility = 1
    wb.save(str(path))
    return path


_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def _cell(value) -> str:
    if isinstance(value, str) and value.startswith("<"):
        return value  # raw cell XML
    if value is None:
        return "<table:table-cell/>"
    return (f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>")


def _ods(path: Path, rows: list[list], hidden_table: str | None = None) -> Path:
    body = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
                   for row in [HEADER, *rows])
    tables = f'<table:table table:name="partners" table:style-name="ta1">{body}</table:table>'
    if hidden_table:
        tables += (f'<table:table table:name="{hidden_table}" table:style-name="ta2">'
                   "<table:table-row><table:table-cell/></table:table-row></table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>'
               '<office:automatic-styles><style:style style:name="ta1" style:family="table">'
               '<style:table-properties table:display="true"/></style:style>'
               '<style:style style:name="ta2" style:family="table"><style:table-properties '
               'table:display="false"/></style:style></office:automatic-styles>'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
               "</office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                   '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                   'manifest:1.0" manifest:version="1.2"><manifest:file-entry '
                   'manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                   'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                   '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    path.write_bytes(buf.getvalue())
    return path


def _import(db: Path, path: Path, capsys) -> tuple[int, str]:
    code = cli.main(["import", str(path), "--db", str(db), "--lang", "en"])
    out = capsys.readouterr()
    return code, out.out + out.err


def _partners(db: Path) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        return con.execute("select partner_id, name, country, org_type, office_city "
                           "from partners where partner_id like 'old-%' order by 1").fetchall()
    finally:
        con.close()


ROWS = [["old-1", "Kota Kitakyushu", "JP", "local_government", "Kitakyushu"],
        ["old-2", "Dinas Pendidikan", "ID", "government", None]]
EXPECTED = [("old-1", "Kota Kitakyushu", "JP", "local_government", "Kitakyushu"),
            ("old-2", "Dinas Pendidikan", "ID", "government", None)]


@pytest.mark.parametrize("make", [_xls, _ods], ids=["xls", "ods"])
def test_an_old_or_libreoffice_workbook_loads(make, tmp_path, sample_store, store_copy,
                                              capsys):
    db = store_copy(sample_store)
    path = make(tmp_path / f"partners.{make.__name__[1:]}", ROWS)
    code, text = _import(db, path, capsys)
    assert code == 0, text
    assert "partners: 2 added" in text
    assert _partners(db) == EXPECTED


def test_an_xls_date_is_a_date(tmp_path, sample_store, store_copy, capsys):
    db = store_copy(sample_store)
    wb = xlwt.Workbook()
    ws = wb.add_sheet("actions")
    for c, name in enumerate(["action_id", "title", "owner", "opened_on", "status"]):
        ws.write(0, c, name)
    for c, value in enumerate(["old-a1", "Kirim surat", "Biro KSLN"]):
        ws.write(1, c, value)
    ws.write(1, 3, dt.date(2024, 5, 22), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    ws.write(1, 4, "open")
    wb.save(str(tmp_path / "actions.xls"))
    code, text = _import(db, tmp_path / "actions.xls", capsys)
    assert code == 0, text
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("select opened_on::varchar from actions where action_id = "
                           "'old-a1'").fetchall() == [("2024-05-22",)]
    finally:
        con.close()


def _refusals(tmp_path: Path) -> list[tuple[Path, tuple[str, ...]]]:
    formula = ('<table:table-cell table:formula="of:=1000*2"/>')
    error = ('<table:table-cell table:formula="of:=1/0" office:value-type="string" '
             'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
             "</table:table-cell>")
    good = xlwt.Workbook()
    good.add_sheet("partners").write(0, 0, "partner_id")
    good.save(str(tmp_path / "whole.xls"))
    damaged = bytearray((tmp_path / "whole.xls").read_bytes())
    damaged[512:600] = b"\xff" * 88  # the workbook stream's first records, not its name
    (tmp_path / "cut.xls").write_bytes(bytes(damaged))
    return [
        (_xls(tmp_path / "err.xls", [ROWS[0], ["old-2", None, "ID", "government"]],
              error_at=(2, 1)),
         ("Cell B3 holds the Excel error #REF!", "table partners, row 3")),
        (_xls(tmp_path / "hid.xls", ROWS, hidden="programs"), ("hidden (hidden)",)),
        (_ods(tmp_path / "f.ods", [["old-1", formula, "JP", "ngo", None]]),
         ("Cell B2 holds a formula with no saved result",)),
        (_ods(tmp_path / "e.ods", [["old-1", error, "JP", "ngo", None]]),
         ("Cell B2 holds the Excel error #DIV/0!",)),
        (_ods(tmp_path / "h.ods", ROWS, hidden_table="programs"), ("hidden (hidden)",)),
        (tmp_path / "cut.xls", ("file cut.xls", "old Excel workbook (.xls) is damaged")),
    ]


def test_the_same_cell_checks_refuse_them(tmp_path, sample_store, store_copy, capsys):
    db = store_copy(sample_store)
    before = sha256(db)
    for path, words in _refusals(tmp_path):
        code, text = _import(db, path, capsys)
        assert code == 1, (path.name, text)
        assert "Traceback" not in text
        for w in words:
            assert w in text, (path.name, text)
        assert sha256(db) == before, path.name
