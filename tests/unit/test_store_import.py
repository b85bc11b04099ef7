"""Import semantics, history, export round trip, CLI and the headline summary."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from conftest import run_cli

from coopdash import store
from coopdash.contract import TABLE_ORDER
from coopdash.settings import SAMPLE_DIR
from coopdash.workbook import cells, demo, importer, validate, writer
from tests.fixtures_store import new_store, run_import, sha256, table_rows, write_csvs

PROG = "program_id,partner_id,agreement_id,title,kind,status,mode,host_country,host_city," \
       "starts_on,ends_on\n"


def _col(kind, **kw):
    from coopdash.contract import Column
    return Column("c", kind, **kw)


@pytest.mark.parametrize(("kind", "raw", "clean", "code"), [
    ("id", "abc-1.x_Y", "abc-1.x_Y", None),
    ("id", "a b", None, "id_format"),
    ("id", "x" * 65, None, "id_format"),
    ("text", "  padded  ", "padded", None),
    ("text", "a\r\nb", "a\nb", None),
    ("text", "bell\x07", None, "text_control"),
    ("text", "t" * 10_001, None, "text_too_long"),
    ("date", "2023-05-22", "2023-05-22", None),
    ("date", "22/05/2023", None, "date_format"),
    ("date", "20230522", None, "date_format"),
    ("date", "2023-13-01", None, "date_invalid"),
    ("date", "2023-02-29", None, "date_invalid"),
    ("date", "2024-02-29", "2024-02-29", None),
    ("date", "2023-05-22 10:30:00", None, "date_time"),
    ("integer", "012", "12", None),
    ("integer", "2147483648", None, "integer"),
    ("integer", "-1", None, "integer"),
    ("amount", "1500000", "1500000.00", None),
    ("amount", "1500000.5", "1500000.50", None),
    ("amount", "1.500.000,00", None, "amount_format"),
    ("amount", "1,500,000", None, "amount_format"),
    ("amount", "1.234", None, "amount_format"),
    ("amount", "-5", None, "amount_negative"),
    ("country", "jp", "JP", None),
    ("country", "Jp", "JP", None),
    ("country", "JP", "JP", None),
    ("country", "NA", "NA", None),
    ("country", "XX", None, "country"),
    ("currency", "idr", "IDR", None),
    ("currency", "USD", "USD", None),
    ("currency", "RPH", None, "currency"),
    ("region", "32.10", "32.10", None),
    ("region", "32", "32", None),
    ("region", "32.1", None, "region"),
])
def test_cell_rules(kind, raw, clean, code):
    """Each value kind: what is accepted (and stored as what), what is refused."""
    issues = validate.Issues()
    out = validate.clean_column("t", _col(kind), pd.Series([raw], index=[2], dtype=str), issues)
    assert (None if pd.isna(out.iloc[0]) else out.iloc[0]) == clean
    assert [i.code for i in issues.items] == ([code] if code else [])


def test_code_rules():
    """Codes match case-insensitively and are stored lower case; required cells."""
    issues = validate.Issues()
    col = _col("code", codes="side", required=True)
    out = validate.clean_column("t", col, pd.Series(["HOME", "", "both", "home", "Partner"],
                                                     index=[2, 3, 4, 5, 6], dtype=str), issues)
    assert [out.iloc[0], out.iloc[3], out.iloc[4]] == ["home", "home", "partner"]
    assert [(i.row, i.code) for i in issues.items] == [(4, "code"), (3, "required")]


def test_cell_checks_at_once_in_threads_keep_their_own_rows():
    """The cell checks of two saves at once (two sessions' threads) share the process's
    in-memory DuckDB (`validate.checker`), each on a cursor of its own: each gets its own
    clean rows and its own problems (a region code unknown), every time."""
    import threading

    def frame(region: str, n: int) -> pd.DataFrame:
        df = pd.DataFrame({"participant_id": [f"p-{i}" for i in range(n)],
                           "delegation_id": ["d-1"] * n, "full_name": ["Ana"] * n,
                           "status": ["confirmed"] * n, "region_code": [region] * n},
                          dtype=str)
        df.index = pd.RangeIndex(2, n + 2, name="_row")
        return df

    cases = {"ok": (frame("32.73", 3), 3, []), "bad": (frame("99.99", 5), 5,
                                                       ["region_unknown"] * 5)}
    seen: dict[str, list] = {name: [] for name in cases}

    def run(name: str) -> None:
        df = cases[name][0]
        for _ in range(15):
            checked = validate.check_file({"participants": df})
            ct = checked.tables["participants"]
            seen[name].append((ct.rows, ct.data.column("participant_id").to_pylist()[-1],
                               [i.code for i in checked.issues.items]))

    threads = [threading.Thread(target=run, args=(name,)) for name in cases]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for name, (_, rows, codes) in cases.items():
        assert seen[name] == [(rows, f"p-{rows - 1}", codes)] * 15


def test_excel_cells_as_text(tmp_path):
    """Excel numbers and dates come back in workbook text form."""
    import datetime as dt
    assert cells.cell_text(2.0) == "2"
    assert cells.cell_text(32.1, "region") == "32.10"
    assert cells.cell_text(1500000.25, "amount") == "1500000.25"
    assert cells.cell_text(dt.datetime(2023, 5, 22)) == "2023-05-22"
    assert cells.cell_text(dt.datetime(2023, 5, 22, 9, 5)).startswith("2023-05-22 09:05")


def test_upsert_keeps_absent_columns_and_clears_empty_cells(tmp_path, sample_store, store_copy):
    """Upsert: file columns overwrite, empty optional cells clear, absent columns stay."""
    db = store_copy(sample_store)
    folder = write_csvs(tmp_path / "b", {
        "programs": "program_id,status,host_city\njclair-seminar-tokyo,planned,\n"})
    result = run_import(db, folder)
    assert (result.tables["programs"].changed, result.tables["programs"].added) == (1, 0)
    con = store.connect(db, read_only=True)
    row = con.execute("select status, host_city, title, mode from programs "
                      "where program_id = 'jclair-seminar-tokyo'").fetchall()[0]
    hist = con.execute("select field, old_value, new_value from history "
                       "where record_id = 'jclair-seminar-tokyo' and change = 'changed' "
                       "order by field").fetchall()
    log = con.execute("select mode, n_changed, (select list(distinct record_id) from history "
                      "h where h.import_id = l.import_id and change = 'changed') "
                      "from import_log l where table_name = 'programs' "
                      "order by import_id desc limit 1").fetchall()[0]
    con.close()
    assert row[0:2] == ("planned", None) and row[2].startswith("Seminar") and row[3] == "in_person"
    assert hist == [("host_city", "Tokyo", None), ("status", "proposed", "planned")]
    assert log == ("upsert", 1, ["jclair-seminar-tokyo"])
    assert len(table_rows(db, "programs")) == 6  # the others stay


def test_replace_makes_the_table_equal_to_the_file(tmp_path, sample_store, store_copy):
    """Replace: the file's tables hold only its rows; other tables are untouched."""
    db = store_copy(sample_store)
    src = (SAMPLE_DIR / "milestones.csv").read_text(encoding="utf-8").splitlines()
    folder = write_csvs(tmp_path / "b", {"milestones": "\n".join(src[:2]) + "\n"})
    result = run_import(db, folder, replace=True)
    assert result.tables["milestones"].removed == len(src) - 2
    assert len(table_rows(db, "milestones")) == 1
    assert len(table_rows(db, "programs")) == 6
    con = store.connect(db, read_only=True)
    n = con.execute("select count(*) from history where change = 'removed'").fetchall()[0][0]
    con.close()
    assert n == len(src) - 2


def test_participant_role_defaults_to_member(tmp_path, sample_store, store_copy):
    """A missing role is stored as member."""
    db = store_copy(sample_store)
    folder = write_csvs(tmp_path / "b", {"participants":
        "participant_id,delegation_id,full_name,status\n"
        "p-new,jclair-seminar-tokyo-home,Siti Aminah,nominated\n"})
    run_import(db, folder)
    rows = [r for r in table_rows(db, "participants") if r[0] == "p-new"]
    assert rows[0][7] == "member"


def test_import_frames_edit_mode(sample_store, store_copy):
    """A single-record edit (weekly review) goes through the same validator and log."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    frame = pd.DataFrame([{"action_id": "jclair-hq-follow-up", "status": "done",
                           "closed_on": pd.Timestamp("2023-06-01")}])
    result = importer.import_frames(con, {"actions": frame}, file_name="weekly review",
                                    actor="ana", mode="edit")
    mode = con.execute("select mode, actor from import_log order by import_id desc limit 1"
                       ).fetchall()[0]
    con.close()
    assert result.tables["actions"].changed == 1 and mode == ("edit", "ana")


def _all_tables(db):
    return {name: table_rows(db, name) for name in TABLE_ORDER}


@pytest.mark.parametrize("target", ["export", "export.xlsx"])
def test_export_then_replace_gives_identical_tables(tmp_path, target):
    """Export (CSV folder or xlsx) -> import --replace into a new store: same tables."""
    db = tmp_path / "a.duckdb"
    frames = demo.generate(participants=300, seed=3)

    def fill(con):
        importer.import_path(con, SAMPLE_DIR, actor="t")
        importer.import_frames(con, frames, file_name="demo", actor="t")
    store.create(db, fill)
    con = store.connect(db, read_only=True)
    out = writer.export(con, tmp_path / target)
    con.close()
    db2 = new_store(tmp_path / "b.duckdb", "none")
    result = run_import(db2, out, replace=True)
    assert not isinstance(result, validate.ValidationFailed), result.report("en")
    assert _all_tables(db2) == _all_tables(db)


def test_excel_export_refuses_too_many_rows(monkeypatch, sample_store, tmp_path):
    """More rows than Excel holds: a plain error, and CSV still works."""
    monkeypatch.setattr(writer, "EXCEL_MAX_ROWS", 7)  # 6 programs fit, 7 participants do not
    con = store.connect(sample_store, read_only=True)
    with pytest.raises(writer.ExportError, match="participants"):
        writer.export_xlsx(con, tmp_path / "never-written.xlsx", "en")
    con.close()
    assert not (tmp_path / "never-written.xlsx").exists()


def test_cli_exit_codes(tmp_path):
    """init 0 then 2 (never overwrites); bad import 1 with located errors; good import 0."""
    db = tmp_path / "c.duckdb"
    assert run_cli("init", "--db", str(db), "--with", "sample").returncode == 0
    before = sha256(db)
    assert run_cli("init", "--db", str(db)).returncode == 2
    bad = write_csvs(tmp_path / "bad", {"programs": PROG + "p,jclair-sg,,T,seminar,planned,,,,"
                                                          "22/05/2023,\n"})
    res = run_cli("import", str(bad), "--db", str(db), "--lang", "en")
    assert res.returncode == 1 and "row 2" in res.stderr and "starts_on" in res.stderr
    assert sha256(db) == before
    good = write_csvs(tmp_path / "good", {"programs": PROG + "p,jclair-sg,,T,seminar,planned,,,,"
                                                            "2023-05-22,\n"})
    res = run_cli("import", str(good), "--db", str(db), "--lang", "en")
    assert res.returncode == 0 and "programs: 1 added" in res.stdout
    tpl = tmp_path / "t.xlsx"
    assert run_cli("template", str(tpl)).returncode == 0
    assert run_cli("import", "--help").returncode == 0


def _sample(name):
    with (SAMPLE_DIR / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_summary_json_on_the_sample(sample_store):
    """summary --json on the sample: figures computed here from the sample CSVs."""
    res = run_cli("summary", "--db", str(sample_store), "--json", "--as-of", "2023-06-01")
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    programs = {p["program_id"]: p for p in _sample("programs")}
    outbound = sum(int(d["seats_planned"] or 0) for d in _sample("delegations")
                   if d["side"] == "home" and programs[d["program_id"]]["mode"] in (
                       "in_person", "hybrid") and programs[d["program_id"]]["host_country"] != "ID")
    assert got["seats_planned"] == {"outbound": outbound, "inbound": 0}
    assert outbound == 12
    assert got["actions"]["open"] == sum(a["status"] == "open" for a in _sample("actions")) == 1
    study = [f["source"] for f in _sample("funding") if "study-visit" in f["program_id"]]
    assert study == ["apbd"] and got["funding"]["by_source"]["apbd"]["lines"] == 1
    # the study visit's amount is unknown: the total is null, never a made-up zero
    assert [f["amount"] for f in _sample("funding")] == [""]
    assert got["funding"]["by_source"]["apbd"]["amount"] is None
    assert got["partners"] == len(_sample("partners"))
    assert sum(got["programs"]["by_kind"].values()) == len(programs)


def test_added_records_are_named_by_import_added_only(tmp_path, sample_store, store_copy):
    """Since schema version 2 an added record writes no history row: `import_added` names
    it (a row each since version 11), changed fields and removals still write history.
    The tables every write appends to hold no lists: DuckDB rewrites a table's last row
    group whole at the checkpoint after an append, so a million ids listed there (the
    first import at 1M) made every later write rewrite them (migration 011)."""
    db = store_copy(sample_store)
    folder = write_csvs(tmp_path / "b", {
        "programs": PROG + "zz-new-2,jclair-sg,,New B,seminar,planned,,,,,\n"
                           "zz-new-1,jclair-sg,,New A,seminar,planned,,,,,\n"
                           "jclair-seminar-tokyo,jclair-sg,bpsdm-jclair,Seminar renamed,"
                           "seminar,planned,in_person,JP,Tokyo,2026-12-01,2026-12-03\n"})
    con = store.connect(db, read_only=False)
    try:
        result = importer.import_path(con, folder, actor="ana")
        log = con.execute("select n_added, (select list(record_id order by record_id) "
                          "from import_added a where a.import_id = l.import_id), n_changed "
                          "from import_log l where import_id = $i",
                          {"i": result.tables["programs"].import_id}).fetchall()[0]
        changes = con.execute("select distinct change from history where import_id = $i",
                              {"i": result.tables["programs"].import_id}).fetchall()
        n_added_rows = con.execute("select count(*) from history where change = 'added'"
                                   ).fetchall()[0][0]
        lists = con.execute("select table_name, column_name from duckdb_columns() where "
                            "table_name in ('import_log', 'write_log') and data_type like "
                            "'%[]'").fetchall()
    finally:
        con.close()
    assert lists == []
    assert log == (2, ["zz-new-1", "zz-new-2"], 1)
    assert changes == [("changed",)]
    assert n_added_rows == 0
