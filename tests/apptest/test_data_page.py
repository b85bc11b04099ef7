"""The Data page: template, upload checked before loading, apply, export, roles."""

from __future__ import annotations

import hashlib
import io
import zipfile

import openpyxl
import pandas as pd

from coopdash import store
from coopdash.web.literal import plain

SAMPLE = "data/sample"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _frame(at, column: str) -> pd.DataFrame:
    """The first table on the page that has `column` (AppTest keeps no dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _open_data(app, db, **kw):
    at = app(db, **kw).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def test_bad_upload_is_reported_and_changes_nothing(app, sample_store, store_copy):
    """A workbook with a bad date and an unknown code: every problem listed with its row
    and column, no Load button, the store file byte for byte the same."""
    db = store_copy(sample_store)
    bad = _zip({"programs.csv": (
        "program_id,partner_id,title,kind,status,starts_on\n"
        "p-1,jclair-sg,Seminar,seminar,planned,22/05/2023\n"
        "p-2,jclair-sg,Visit,safari,planned,2023-05-22\n")})
    at = _open_data(app, db, lang="en")
    before = _sha(db)
    at.file_uploader(key="data_upload").upload("bad.zip", bad).run()
    at.button(key="data_check_button").click().run()
    assert not at.exception
    assert any("Problems found: 2." in e.value for e in at.error), [e.value for e in at.error]
    issues = _frame(at, "Problem")
    assert sorted(zip(issues["Row"], issues["Column"], strict=True)) == [
        (2, "starts_on"), (3, "kind")]
    assert "data_apply_button" not in [b.key for b in at.button]
    del at
    assert _sha(db) == before


def test_good_upload_checked_then_loaded(app, sample_store, store_copy):
    """Checking reports new and existing rows without writing; loading writes them and
    the import log shows the load."""
    db = store_copy(sample_store)
    good = _zip({"delegations.csv": (
        "delegation_id,program_id,side,seats_planned\n"
        "jclair-seminar-tokyo-home,jclair-seminar-tokyo,home,3\n"
        "jclair-webinar-home,jclair-joint-webinars,home,40\n")})
    at = _open_data(app, db, lang="en")
    at.file_uploader(key="data_upload").upload("seats.zip", good).run()
    at.button(key="data_check_button").click().run()
    report = _frame(at, "To be removed")
    assert report.iloc[0].to_dict() == {"Table": "delegations", "Rows": 2, "New": 1,
                                        "Existing (updated)": 1, "To be removed": 0}
    at.button(key="data_apply_button").click().run()
    assert not at.exception
    assert at.success and plain("seats.zip") in at.success[-1].value  # Markdown-escaped
    log = _frame(at, "By")
    assert log.iloc[0]["File"] == "seats.zip"
    with store.reading(db) as con:  # the current version by its own name, not the path
        seats = dict(con.execute("select delegation_id, seats_planned from delegations"
                                 ).fetchall())
    assert seats["jclair-seminar-tokyo-home"] == 3 and seats["jclair-webinar-home"] == 40


def test_viewer_cannot_load_or_export(app, sample_store):
    """A viewer opening the Data page gets "not allowed": no upload, no file at all; an
    analyst gets the template and the export."""
    at = _open_data(app, sample_store, role="viewer")
    assert [u for u in at.get("file_uploader")] == []
    assert at.get("download_button") == []
    at = _open_data(app, sample_store, role="analyst")
    offered = [d.proto.id.rsplit("-", 1)[-1] for d in at.get("download_button")]
    assert offered == ["data_template", "data_export_download"]


def test_template_has_every_table(tmp_path):
    """The template offered for download has a sheet and header per table."""
    from coopdash.contract import TABLES
    from coopdash.workbook import template

    wb = openpyxl.load_workbook(io.BytesIO(template.template_bytes()))
    for name, table in TABLES.items():
        headers = [c.value for c in wb[name][1]]
        assert headers[: len(table.columns)] == table.column_names


def test_store_export_round_trip(sample_store, tmp_path):
    """The whole-store zip holds every table with the stored rows."""
    from coopdash.contract import TABLES
    from coopdash.workbook import writer

    con = store.connect(sample_store, read_only=True)
    data = writer.store_bytes(con, "zip")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == sorted(f"{n}.csv" for n in TABLES)
        programs = pd.read_csv(zf.open("programs.csv"), dtype=str, keep_default_na=False)
    expected = pd.read_csv(f"{SAMPLE}/programs.csv", dtype=str, keep_default_na=False)
    assert sorted(programs["program_id"]) == sorted(expected["program_id"])
    con.close()

