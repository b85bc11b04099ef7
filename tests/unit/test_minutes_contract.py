"""The workbook contract's `minutes` table and `actions.meeting_week`: validated (weeks that
exist, written `YYYY-Www`), imported, exported, templated, migrated — like every table."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from coopdash import store
from coopdash.contract import TABLE_ORDER, TABLES
from coopdash.workbook import importer, template, writer
from coopdash.workbook.validate import ValidationFailed
from tests.fixtures_store import (
    new_store,
    private_copy,
    run_import,
    sha256,
    table_rows,
    write_csvs,
    write_xlsx,
)

MINUTES_HEAD = ["meeting_week", "notes", "recorded_by", "recorded_on"]
ACTION_HEAD = ["action_id", "agreement_id", "title", "owner", "opened_on", "status",
               "meeting_week"]


def _iso_weeks(year: int) -> int:
    """Counted independently of the validator: the number of Mondays of ISO weeks."""
    day, n = dt.date(year, 1, 4), 0  # 4 January is always in week 1
    day -= dt.timedelta(days=day.weekday())
    while day.isocalendar().year == year:
        n, day = n + 1, day + dt.timedelta(days=7)
    return n


def test_bad_weeks_are_located_and_nothing_is_written(tmp_path, sample_store, store_copy):
    """2025-W53 (no such week), 2026-w48 and 2026W48 (not the written form) are refused, each
    with table, row, column and value; the store file stays byte-identical."""
    db = store_copy(sample_store)
    before = sha256(db)
    book = write_xlsx(tmp_path / "bad.xlsx", {
        "minutes": [MINUTES_HEAD, ["2025-W53", "x", None, None], ["2026-w48", "y", None, None],
                    ["2026-W53", "fine", "ana", dt.datetime(2026, 12, 30)]],
        "actions": [ACTION_HEAD, ["a1", "bpsdm-jclair", "T", "O", "2026-11-23", "open",
                                  "2026W48"]],
    })
    result = run_import(db, book)
    assert isinstance(result, ValidationFailed)
    found = {(i.table, i.row, i.column, i.value, i.code) for i in result.issues}
    assert found == {
        ("minutes", 2, "meeting_week", "2025-W53", "week_invalid"),
        ("minutes", 3, "meeting_week", "2026-w48", "week_format"),
        ("actions", 2, "meeting_week", "2026W48", "week_format"),
    }
    text = result.report("en")
    assert f"ISO weeks 01 to {_iso_weeks(2025)}" in text and "row 3" in text
    assert "2026-W48" in result.report("id")  # the example of the written form
    assert sha256(db) == before


@pytest.mark.parametrize("year", [2020, 2025, 2026, 2027])
def test_every_real_week_is_accepted_and_the_next_is_not(tmp_path, year):
    """The last week of each year is accepted, the one after it refused."""
    db = new_store(tmp_path / "s.duckdb", "none")
    last = _iso_weeks(year)
    ok = write_csvs(tmp_path / "ok", {"minutes": "meeting_week,notes\n"
                                      f"{year}-W01,a\n{year}-W{last:02d},b\n"})
    assert not isinstance(run_import(db, ok), ValidationFailed)
    bad = write_csvs(tmp_path / "bad", {"minutes": f"meeting_week,notes\n{year}-W{last + 1},c\n"
                                        f"{year}-W00,d\n"})
    result = run_import(db, bad)
    assert [(i.row, i.code) for i in result.issues] == [(2, "week_invalid"), (3, "week_invalid")]


def test_minutes_hold_long_markdown_up_to_the_limit(tmp_path):
    """Minutes may hold 100,000 characters (other text 10,000); one more is refused."""
    db = new_store(tmp_path / "s.duckdb", "none")
    long = "# Notulen\n\n" + "- butir keputusan\n" * 5_000  # about 90,000 characters
    assert 10_000 < len(long.strip()) <= 100_000
    con = store.connect(private_copy(db), read_only=False)
    try:
        importer.import_frames(con, {"minutes": _minutes_frame("2026-W48", long)},
                               file_name="t", actor="t")
        assert con.execute("select notes from minutes").fetchall()[0][0] == long.strip()
        with pytest.raises(ValidationFailed) as err:
            importer.import_frames(con, {"minutes": _minutes_frame("2026-W47", "x" * 100_001)},
                                   file_name="t", actor="t")
        assert [(i.code, i.params["length"]) for i in err.value.issues] == [
            ("markdown_too_long", 100_001)]
    finally:
        con.close()


def _minutes_frame(week: str, notes: str):
    import pandas as pd

    return pd.DataFrame([{"meeting_week": week, "notes": notes, "recorded_by": "ana",
                          "recorded_on": "2026-11-23"}])


@pytest.mark.parametrize("target", ["export", "export.xlsx"])
def test_minutes_and_meeting_week_round_trip(tmp_path, sample_store, store_copy, target):
    """Minutes and follow-ups' meeting weeks survive export -> import --replace, in Excel and
    CSV; an edit of the minutes is kept in history (old -> new) with who saved it."""
    db = store_copy(sample_store)
    first = write_csvs(tmp_path / "first", {
        "minutes": "meeting_week,notes,recorded_by,recorded_on\n"
                   '2023-W21,"## Rapat\n\n- JCLAIR: **setuju**",ana,2023-05-22\n',
        "actions": "action_id,title,owner,opened_on,status,meeting_week\n"
                   "wk-a1,Kirim surat,BPSDM,2023-05-22,open,2023-W21\n"})
    assert not isinstance(run_import(db, first), ValidationFailed)
    second = write_csvs(tmp_path / "second", {
        "minutes": "meeting_week,notes,recorded_by\n2023-W21,Revised,budi\n"})
    assert not isinstance(run_import(db, second), ValidationFailed)
    con = store.connect(db, read_only=True)
    try:
        hist = con.execute("select field, old_value, new_value from history where "
                           "table_name = 'minutes' order by field").fetchall()
        out = writer.export(con, tmp_path / target)
    finally:
        con.close()
    assert hist == [("notes", "## Rapat\n\n- JCLAIR: **setuju**", "Revised"),
                    ("recorded_by", "ana", "budi")]
    db2 = new_store(tmp_path / "b.duckdb", "none")
    assert not isinstance(run_import(db2, out, replace=True), ValidationFailed)
    for name in TABLE_ORDER:
        assert table_rows(db2, name) == table_rows(db, name), name
    assert table_rows(db2, "minutes") == [("2023-W21", "Revised", "budi", dt.date(2023, 5, 22))]
    assert ("wk-a1", "2023-W21") in {(r[0], r[-1]) for r in table_rows(db2, "actions")}


def test_excel_export_refuses_minutes_longer_than_a_cell(tmp_path):
    """Minutes longer than an Excel cell holds: a plain error naming the record (Excel
    would cut them silently); the CSV export keeps them whole."""
    db = new_store(tmp_path / "s.duckdb", "none")
    con = store.connect(private_copy(db), read_only=False)
    try:
        importer.import_frames(con, {"minutes": _minutes_frame("2026-W48", "y" * 40_000)},
                               file_name="t", actor="t")
        with pytest.raises(writer.ExportError, match="2026-W48") as err:
            writer.export_xlsx(con, tmp_path / "never.xlsx", "en")
        assert "32767" in str(err.value).replace(",", "")
        assert not (tmp_path / "never.xlsx").exists()
        folder = writer.export_csv(con, tmp_path / "csv", "en")
    finally:
        con.close()
    db2 = new_store(tmp_path / "b.duckdb", "none")
    assert not isinstance(run_import(db2, folder, replace=True), ValidationFailed)
    assert len(table_rows(db2, "minutes")[0][1]) == 40_000


def test_template_has_the_minutes_sheet_and_meeting_week(tmp_path):
    """The empty template offers the minutes sheet and the follow-ups' meeting week, each
    header with its note in both languages."""
    wb = openpyxl.load_workbook(template.write_template(tmp_path / "t.xlsx"))
    ws = wb["minutes"]
    assert [c.value for c in ws[1]] == TABLES["minutes"].column_names == MINUTES_HEAD
    assert "2026-W48" in ws["A1"].comment.text and "WAJIB" in ws["A1"].comment.text
    assert "100.000" in ws["B1"].comment.text and "100,000" in ws["B1"].comment.text
    actions = [c.value for c in wb["actions"][1]]
    assert actions[-1] == "meeting_week"


def test_a_schema_v2_store_gets_minutes_and_meeting_week(tmp_path):
    """A store made before migration 003 opens: the minutes table, the follow-ups' meeting
    week (empty) and the send log are added; its records are kept."""
    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    for script in store.migrations()[:2]:
        con.execute(script.read_text(encoding="utf-8"))
    con.execute("insert into meta values ('schema_version', '2'), ('data_version', '5')")
    con.execute("insert into actions (action_id, title, owner, opened_on, status) values "
                "('x', 'T', 'O', '2026-01-05', 'open')")
    con.close()
    con = store.connect(path, read_only=False)
    try:
        assert store.schema_version(con) == store.SCHEMA_VERSION >= 3
        assert con.execute("select action_id, meeting_week from actions").fetchall() == [
            ("x", None)]
        assert con.execute("select count(*) from minutes").fetchall() == [(0,)]
        assert con.execute("select count(*) from send_log").fetchall() == [(0,)]
        assert store.data_version(con) == 5
    finally:
        con.close()
