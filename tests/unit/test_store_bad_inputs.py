"""Every bad input leaves the store byte-for-byte unchanged and gives a located error."""

from __future__ import annotations

import zipfile

import pytest
import xlsxwriter

from coopdash.workbook.validate import ValidationFailed
from tests.fixtures_store import run_import, sha256, write_csvs, write_xlsx

DELEG = "delegation_id,program_id,side,seats_planned\n"
PROG = "program_id,partner_id,agreement_id,title,kind,status,mode,host_country,host_city," \
       "starts_on,ends_on\n"
FUND = "funding_id,program_id,delegation_id,source,funder,amount,currency,status," \
       "recorded_on\n"
ACT = "action_id,agreement_id,program_id,title,owner,opened_on,due_on,status,closed_on\n"


def _csv(tables):
    return lambda d: write_csvs(d / "book", tables)


def _xlsx(sheets):
    return lambda d: write_xlsx(d / "book.xlsx", sheets)


def _raw(name: str, data: bytes):
    def make(d):
        (d / name).write_bytes(data)
        return d / name
    return make


CASES = {
    # scenario: (make file, table, row, column, error code)
    "missing required column": (
        _csv({"programs": "program_id,partner_id,kind,status\nnew-p,jclair-sg,seminar,planned\n"}),
        "programs", 2, "title", "missing_column"),
    "unknown column": (
        _csv({"partners": "partner_id,nmae,country,org_type\nx,X,JP,ngo\n"}),
        "partners", 1, "nmae", "unknown_column"),
    "wrong sheet name": (
        _xlsx({"Programs": [["program_id"], ["a"]]}), "Programs", None, None, "unknown_table"),
    "duplicate id in the file": (
        _csv({"partners": "partner_id,name,country,org_type\nx,X,JP,ngo\nx,Y,SG,ngo\n"}),
        "partners", 3, "partner_id", "duplicate_key"),
    "reference to an id that exists nowhere": (
        _csv({"delegations": DELEG + "d-new,no-such-program,home,3\n"}),
        "delegations", 2, "program_id", "ref_missing"),
    "date 22/05/2023": (
        _csv({"programs": PROG + "p,jclair-sg,,T,seminar,planned,,,,22/05/2023,\n"}),
        "programs", 2, "starts_on", "date_format"),
    "date 2023-13-01": (
        _csv({"programs": PROG + "p,jclair-sg,,T,seminar,planned,,,,2023-13-01,\n"}),
        "programs", 2, "starts_on", "date_invalid"),
    "ends_on before starts_on": (
        _csv({"programs": PROG + "p,jclair-sg,,T,seminar,planned,,,,2023-05-22,2023-05-01\n"}),
        "programs", 2, "ends_on", "ends_before_starts"),
    "negative seats": (
        _csv({"delegations": DELEG + "d-new,jclair-seminar-tokyo,home,-3\n"}),
        "delegations", 2, "seats_planned", "integer"),
    "amount 1.500.000,00": (
        _csv({"funding": FUND + 'f,jclair-seminar-tokyo,,apbn,,"1.500.000,00",IDR,planned,\n'}),
        "funding", 2, "amount", "amount_format"),
    "amount 1,500,000": (
        _csv({"funding": FUND + 'f,jclair-seminar-tokyo,,apbn,,"1,500,000",IDR,planned,\n'}),
        "funding", 2, "amount", "amount_format"),
    "amount without currency": (
        _csv({"funding": FUND + "f,jclair-seminar-tokyo,,apbn,,1500000,,planned,\n"}),
        "funding", 2, "currency", "amount_needs_currency"),
    "unknown code": (
        _csv({"programs": PROG + "p,jclair-sg,,T,conference,planned,,,,,\n"}),
        "programs", 2, "kind", "code"),
    "closed action without closed_on": (
        _csv({"actions": ACT + "a,bpsdm-jclair,,T,BPSDM,2023-05-22,,done,\n"}),
        "actions", 2, "closed_on", "closed_needs_date"),
    "a delegation of one program funding another": (
        _csv({"funding": FUND + "f,jclair-seminar-tokyo,jclair-study-visit-japan-home,apbd,,,,"
                                "planned,\n"}),
        "funding", 2, "delegation_id", "delegation_other_program"),
    "a delegation moved away from the program its funding names": (
        _csv({"delegations": DELEG + "jclair-study-visit-japan-home,jclair-seminar-tokyo,"
                                     "home,10\n"}),
        "delegations", 2, "program_id", "delegation_moved"),
    "a program whose partner is not its agreement's": (
        _csv({"partners": "partner_id,name,country,org_type\nother,Other,SG,ngo\n",
              "programs": PROG + "p,other,bpsdm-jclair,T,seminar,planned,,,,,\n"}),
        "programs", 2, "partner_id", "partner_mismatch"),
    "an empty file": (_raw("book.xlsx", b""), None, None, None, "empty_file"),
    "a file that is not a workbook": (
        _raw("book.xlsx", b"hello, this is a letter\n"), None, None, None, "not_workbook"),
    "a text file": (_raw("notes.txt", b"hello\n"), None, None, None, "not_workbook"),
    "an unreadable workbook": (
        _raw("book.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50), None, None, None, "zip_damaged"),
    "a CSV in Latin-1": (
        lambda d: write_csvs(d / "book", {"partners": "partner_id,name,country,org_type\n"
                                                      "x,Pemerintah Kota Medán,ID,ngo\n"},
                             encoding="latin-1"),
        "partners", None, None, "encoding"),
    "a 10 MB text cell": (
        _csv({"partners": "partner_id,name,country,org_type\nx," + "a" * 10_000_000 + ",JP,ngo\n"}),
        "partners", 2, "name", "text_too_long"),
    "agreement partner change strands its programs": (
        _csv({"partners": "partner_id,name,country,org_type\nother,Other,SG,ngo\n",
              "agreements": "agreement_id,partner_id\nbpsdm-jclair,other\n"}),
        "agreements", 2, "partner_id", "partner_mismatch_agreement"),
}


@pytest.mark.parametrize("scenario", CASES)
def test_bad_input_changes_nothing_and_is_located(tmp_path, sample_store, store_copy, scenario):
    """Each bad file: ValidationFailed with the located error; store sha256 unchanged."""
    make, table, row, column, code = CASES[scenario]
    db = store_copy(sample_store)
    before = sha256(db)
    outcome = run_import(db, make(tmp_path))
    assert isinstance(outcome, ValidationFailed), outcome
    assert sha256(db) == before
    found = [(i.table, i.row, i.column, i.code) for i in outcome.issues]
    assert (table, row, column, code) in found, found
    report = outcome.report("en")
    assert report and outcome.issues[0].message("id") != outcome.issues[0].message("en")


def test_latin1_error_names_the_line(tmp_path, sample_store, store_copy):
    """A Latin-1 CSV says which line holds the first non-UTF-8 byte."""
    db = store_copy(sample_store)
    folder = write_csvs(tmp_path / "book", {"partners": "partner_id,name,country,org_type\n"
                                                        "x,X,ID,ngo\ny,Medán,ID,ngo\n"},
                        encoding="latin-1")
    outcome = run_import(db, folder)
    assert outcome.issues[0].params["line"] == 3
    assert "3" in outcome.issues[0].format("en")


def test_replace_removing_a_referenced_program_is_an_error(tmp_path, sample_store, store_copy):
    """Replace mode: dropping a program still referenced by stored delegations fails."""
    db = store_copy(sample_store)
    before = sha256(db)
    folder = write_csvs(tmp_path / "book", {
        "programs": PROG + "jclair-seminar-tokyo,jclair-sg,bpsdm-jclair,T,seminar,proposed,"
                           "in_person,JP,Tokyo,,\n"})
    outcome = run_import(db, folder, replace=True)
    assert isinstance(outcome, ValidationFailed)
    removed = [i for i in outcome.issues if i.code == "ref_removed"]
    assert {i.record for i in removed} >= {"jclair-study-visit-japan-home"}
    assert sha256(db) == before


def test_all_errors_in_one_pass(tmp_path, sample_store, store_copy):
    """Several bad cells in several tables are all reported at once."""
    db = store_copy(sample_store)
    folder = write_csvs(tmp_path / "book", {
        "partners": "partner_id,name,country,org_type\nbad id,X,XX,ngo\n",
        "delegations": DELEG + "d1,jclair-seminar-tokyo,both,1.5\n"})
    outcome = run_import(db, folder)
    codes = {(i.table, i.column, i.code) for i in outcome.issues}
    assert codes >= {("partners", "partner_id", "id_format"), ("partners", "country", "country"),
                     ("delegations", "side", "code"), ("delegations", "seats_planned", "integer")}


def test_csv_with_bom_is_accepted(tmp_path, sample_store, store_copy):
    """A UTF-8 CSV with a BOM (Excel's "CSV UTF-8") imports."""
    db = store_copy(sample_store)
    folder = write_csvs(tmp_path / "book", {"partners": "partner_id,name,country,org_type\n"
                                                        "na-1,Namibia office,NA,ngo\n"}, bom=True)
    result = run_import(db, folder)
    assert result.tables["partners"].added == 1


def test_formula_cell_value_is_used(tmp_path, sample_store, store_copy):
    """An Excel formula cell imports its cached value, never the formula text."""
    db = store_copy(sample_store)
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("partners")
    ws.write_row(0, 0, ["partner_id", "name", "country", "org_type"])
    ws.write_string(1, 0, "f-1")
    ws.write_formula(1, 1, '=CONCATENATE("City of ","Osaka")', None, "City of Osaka")
    ws.write_formula(1, 2, '=UPPER("jp")', None, "JP")
    ws.write_string(1, 3, "local_government")
    wb.close()
    result = run_import(db, path)
    assert result.tables["partners"].added == 1
    from tests.fixtures_store import table_rows
    row = next(r for r in table_rows(db, "partners") if r[0] == "f-1")
    assert row[1:3] == ("City of Osaka", "JP")


def test_zip_of_csvs_and_ignored_names(tmp_path, sample_store, store_copy):
    """A .zip of CSVs imports; `_notes.csv` and other files are ignored."""
    db = store_copy(sample_store)
    path = tmp_path / "book.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("book/partners.csv", "partner_id,name,country,org_type\nz1,Z,SG,ngo\n")
        zf.writestr("book/_notes.csv", "anything\n")
        zf.writestr("book/readme.txt", "ignored")
    assert run_import(db, path).tables["partners"].added == 1
