"""The byte screens (`validate._SCREENS`, the mojibake search's lead byte) spare a rule's
regular expression only on cells that cannot break it: on cells made to sit at each
screen's edges, the problems found and the clean values are those of the rules run on
every cell, and the screens do spare the ordinary cells."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from coopdash.contract import TABLES
from coopdash.workbook import mojibake
from coopdash.workbook import validate as v

IDS = ["ok-1", " ok-2 ", "ok\t3", "a" * 64, "a" * 65, "é1", "ok 4", "ok/5", "OK.6_x",
       "ok-7\r\n", "\u00a0ok8", "", "ok-9\u2003"]
NAMES = ["Hadi", "José", "tab\there", "line\nbreak", "nul\x00", "del\x7f", "c1\u0085x",
         "rlo\u202eevil", "iso\u2067x", "nbsp\u00a0in", "ok\u2028sep", "em—dash", " Ani ",
         "bell\x07", "cr\r\nlf", "\u202a", "\u0080", "\u009f", "Ã©té", "", "€uro", "x" * 10_001]


def _frame() -> pd.DataFrame:
    n = max(len(IDS), len(NAMES))
    ids = (IDS * 2)[:n]
    frame = pd.DataFrame({"participant_id": ids, "delegation_id": ids[::-1],
                          "full_name": (NAMES * 2)[:n]}, dtype="str")
    frame.index = pd.RangeIndex(2, n + 2, name="_row")
    return frame


def _checked(monkeypatch, screens: dict) -> tuple[pa.Table, list[tuple]]:
    monkeypatch.setattr(v, "_SCREENS", screens)
    columns = [c for c in TABLES["participants"].columns if c.name in _frame().columns]
    issues = v.Issues()
    con = duckdb.connect()
    try:
        data = v.check_cells(con, "participants", columns, _frame(), issues)
    finally:
        con.close()
    return data, [(i.row, i.column, i.code, i.value, i.params.get("at"))
                  for i in issues.sorted()]


def test_screened_rules_find_what_every_cell_checked_finds(monkeypatch):
    screened, found = _checked(monkeypatch, dict(v._SCREENS))
    everywhere, expected = _checked(monkeypatch, {})
    assert found == expected
    assert screened.equals(everywhere)
    codes = {code for _, _, code, _, _ in found}
    assert {"id_format", "text_control", "text_too_long"} <= codes
    bad_ids = {value for _, col, code, value, _ in found
               if col == "participant_id" and code == "id_format"}
    assert bad_ids == {"a" * 65, "é1", "ok 4", "ok/5", "ok\t3"}  # trimmed: " ok-2 ", NBSP
    controls = {value for _, col, code, value, _ in found
                if col == "full_name" and code == "text_control"}
    assert controls == {"nul\x00", "del\x7f", "c1\u0085x", "rlo\u202eevil", "iso\u2067x",
                        "bell\x07", "\u202a", "\u0080", "\u009f"}


def test_the_screens_spare_ordinary_cells():
    ids = pa.chunked_array([["demo-pt-0000001", " x", "a" * 65, "ok", "é"]])
    assert v.cells_holding(ids, *v._SCREENS["id_format"]).to_pylist() == [
        False, True, True, False, True]
    names = pa.chunked_array([["Hadi", "José", "a\u202eb", "tab\there", "a\x01", "€"]])
    assert v.cells_holding(names, *v._SCREENS["text_control"]).to_pylist() == [
        False, False, True, False, True, True]


@pytest.mark.parametrize("text", ["Ã©tÃ©", "JosÃ©", "cafÃ\u00a9", "å\x8d—æ¢¦", "Ã"])
def test_the_mojibake_search_sees_what_the_regular_expression_sees(text):
    values = pd.Series(["plain", text, "José", "", "Ã"], index=range(2, 7), dtype="str")
    found = [(r.row, r.found) for r in mojibake._column("programs", "title", values)]
    by_regex = [(row, value) for row, value in values.items()
                if mojibake._SUSPECT.search(value) and mojibake.suggest(value)]
    assert found == by_regex


@pytest.mark.parametrize("block", [1, 2, 3, 7, 1 << 18])
def test_the_screens_find_the_same_cells_whatever_the_block(monkeypatch, block):
    """The bytes are looked at a block at a time (`validate._BLOCK`): a byte at a block's
    edge, cells spanning blocks, empty cells and a sliced column are found as a check of
    every cell finds them."""
    monkeypatch.setattr(v, "_BLOCK", block)
    cells = ["", "ok-1", "a b", "", "xy", "é", "ok", "tab\t", "", "z" * 9, "-", "/"]
    lut, longer_than = v._SCREENS["id_format"]
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
    for kind in (pa.large_string(), pa.string()):  # offsets of 64 and of 32 bits
        column = pa.chunked_array([pa.array(cells[:5], type=kind),
                                   pa.array(cells, type=kind).slice(3)])
        every = [*cells[:5], *cells[3:]]
        assert v.cells_holding(column, lut, longer_than).to_pylist() == [
            any(ch not in allowed for ch in c) or len(c.encode()) > longer_than
            for c in every]
        assert v.cells_holding(column, v.byte_set(b"\t")).to_pylist() == [
            "\t" in c for c in every]
    first, last, filled = v.utf8_edges(column.chunk(1))
    assert filled.tolist() == [c != "" for c in cells[3:]]
    assert first.tolist() == [c.encode()[0] if c else 0 for c in cells[3:]]
    assert last.tolist() == [c.encode()[-1] if c else 0 for c in cells[3:]]
