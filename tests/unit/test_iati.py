"""Partners' IATI activity files through `python -m coopdash import` (issue 21): the
mapping, the totals equal to the publisher's, re-import, a newer file, the recipient
filter, and every class of refusal with the store left byte-identical.

The files are our own (tests/iati_files.py, made to the 2.03 schema); the expected
figures are read from each file independently here (the standard library's XML parser),
never from our parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from coopdash import cli, store
from coopdash.workbook.child import iati
from tests import iati_files as f
from tests.fixtures_store import sha256

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _import(db: Path, path: Path, capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["import", str(path), "--db", str(db), "--lang", "en", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def _rows(db: Path, sql: str, params=None) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _published_totals(path: Path) -> dict[tuple[str, str], Decimal]:
    """Per activity and our status: the sum of the published values (types 2, 3, 4)."""
    status = {"2": "committed", "3": "spent", "4": "spent"}
    out: dict[tuple[str, str], Decimal] = {}
    for a in ET.parse(path).getroot().iter("iati-activity"):
        ident = a.findtext("iati-identifier")
        for tr in a.iter("transaction"):
            kind = tr.find("transaction-type").get("code")
            if kind in status:
                key = (ident, status[kind])
                value = Decimal(tr.findtext("value")).quantize(Decimal("0.01"))
                out[key] = out.get(key, Decimal(0)) + value
    return out


# --- the codelists ---------------------------------------------------------------------------

def test_every_code_the_mapping_uses_is_in_the_shipped_codelist():
    assert set(iati.STATUS) == iati.codelist("ActivityStatus")
    assert set(iati.FUNDING_STATUS) <= iati.codelist("TransactionType")
    assert set(iati.ORG_TYPE) == iati.codelist("OrganisationType")
    assert {k for pair in iati.DATE_TYPES.values() for k in pair} == iati.codelist(
        "ActivityDateType")
    assert {"ID", "JP", "TL", "PH"} <= iati.codelist("Country")
    assert {"IDR", "JPY", "USD", "EUR"} <= iati.codelist("Currency")
    assert set(iati.dac_donors().values()) <= iati.codelist("Country")


@pytest.mark.parametrize(("ref", "country"), [
    ("DE-1", "DE"), ("GB-GOV-1", "GB"), ("XM-DAC-701-8", "JP"), ("XM-DAC-742-1", "KR"),
    ("CA-3", "CA"), ("XM-DAC-41114", None), ("XI-IATI-EC_INTPA", None), ("", None)])
def test_the_publisher_country_comes_from_its_identifier(ref, country):
    assert iati.publisher_country(ref) == country


# --- a file loaded ---------------------------------------------------------------------------

def test_a_jica_file_loads_as_programs_recipients_and_funding(tmp_path, sample_store,
                                                               store_copy, capsys):
    db = store_copy(sample_store)
    path = f.write(tmp_path / "jica-activities.xml", f.jica_activities())
    code, text = _import(db, path, capsys)
    assert code == 0, text
    assert "programs: 3 added" in text and "funding: 6 added" in text
    assert "recipients: 4 added" in text
    assert "2 transactions not loaded" in text and "1 × 1, 11 × 1" in text

    programs = {r[0]: r[1:] for r in _rows(db, (
        "select program_id, partner_id, title, kind, status, host_country, starts_on::varchar,"
        " ends_on::varchar, origin, origin_file, origin_on::varchar from programs "
        "where origin is not null"))}
    assert programs["XM-DAC-701-8-ID-1001"] == (
        f.JICA, "Pelatihan Pemerintah Daerah", "other", "ongoing", None, "2024-01-15",
        "2025-12-31", f.JICA, "jica-activities.xml", "2024-07-01")
    # English (written EN) before French; actual dates before planned; a location in Japan
    assert programs["XM-DAC-701-8-ID-1002"][1:7] == (
        "Study Visit on Disaster Risk Reduction", "other", "completed", "JP", "2023-05-22",
        "2023-06-02")
    assert programs["XM-DAC-701-8-PH-2001"][1] == "フィリピン研修"  # the only narrative
    assert _rows(db, "select name, country, org_type from partners where partner_id = $p",
                 {"p": f.JICA}) == [("Japan International Cooperation Agency", "JP",
                                     "government")]
    assert _rows(db, "select program_id, country, percentage::varchar from recipients "
                     "order by all") == [
        ("XM-DAC-701-8-ID-1001", "ID", "100.00"), ("XM-DAC-701-8-ID-1002", "ID", "60.00"),
        ("XM-DAC-701-8-ID-1002", "TL", "40.00"), ("XM-DAC-701-8-PH-2001", "PH", "100.00")]

    stored = {(p, s): v for p, s, v in _rows(db, (
        "select program_id, status, sum(amount) from funding where origin is not null "
        "group by all"))}
    assert stored == _published_totals(path)
    assert stored[("XM-DAC-701-8-ID-1001", "spent")] == Decimal("1000000.00")  # 400+650-50k
    assert _rows(db, "select currency from funding where funding_id = $i",
                 {"i": "XM-DAC-701-8-ID-1001.t1"}) == [("JPY",)]  # 'JPY ' as published
    assert _rows(db, "select currency, recorded_on::varchar from funding "
                     "where funding_id = $i", {"i": "XM-DAC-701-8-ID-1002.t1"}) == [
        ("USD", "2023-06-02")]


def test_the_same_file_again_changes_nothing(tmp_path, sample_store, store_copy, capsys):
    db = store_copy(sample_store)
    path = f.write(tmp_path / "jica.xml", f.jica_activities())
    assert _import(db, path, capsys)[0] == 0
    before = _rows(db, "select * from programs order by all") + _rows(
        db, "select * from funding order by all")
    code, text = _import(db, path, capsys)
    assert code == 0, text
    for table in ("partners", "programs", "recipients", "funding"):
        assert f"{table}: 0 added, 0 changed, 0 removed" in text
    assert before == _rows(db, "select * from programs order by all") + _rows(
        db, "select * from funding order by all")


def test_a_newer_file_updates_and_reports_what_it_left_out(tmp_path, sample_store,
                                                            store_copy, capsys):
    db = store_copy(sample_store)
    first = f.jica_activities()
    assert _import(db, f.write(tmp_path / "jica.xml", first), capsys)[0] == 0
    newer = first[:2]
    newer[0].titles = {"ID": "Pelatihan Pemerintah Daerah (tahap 2)"}
    newer[0].transactions = newer[0].transactions[:2]  # two disbursements no longer there
    newer[1].recipients = {"ID": "100"}  # Timor-Leste no longer named
    code, text = _import(db, f.write(tmp_path / "jica.xml", newer,
                                     generated="2024-12-01T00:00:00Z"), capsys)
    assert code == 0, text
    assert "programs: 0 added, 2 changed" in text  # title and origin_on / origin_on
    assert "recipients: 0 added, 1 changed" in text  # ID-1002's share of ID: 60 -> 100
    assert "1 stored activities of this publisher are not in this file; they are kept: " \
           "XM-DAC-701-8-PH-2001" in text
    assert "2 stored funding lines of this file's activities are no longer in the file; " \
           "they are kept and still counted" in text
    assert "XM-DAC-701-8-ID-1001.t3, XM-DAC-701-8-ID-1001.t4" in text
    assert "1 stored recipient countries of this file's activities are no longer named " \
           "by the file; they are kept (remove them if need be): XM-DAC-701-8-ID-1002@TL" in text
    assert _rows(db, "select title, origin_on::varchar from programs where program_id = $p",
                 {"p": "XM-DAC-701-8-ID-1001"}) == [("Pelatihan Pemerintah Daerah (tahap 2)",
                                                     "2024-12-01")]
    assert _rows(db, "select count(*) from programs where program_id = $p",
                 {"p": "XM-DAC-701-8-PH-2001"}) == [(1,)]


def test_recipient_loads_only_that_countrys_activities(tmp_path, sample_store, store_copy,
                                                       capsys):
    db = store_copy(sample_store)
    path = f.write(tmp_path / "jica.xml", f.jica_activities())
    code, text = _import(db, path, capsys, "--recipient", "tl")
    assert code == 0, text
    assert "IATI file: 3 activities read, 1 loaded." in text
    assert _rows(db, "select program_id from programs where origin is not null") == [
        ("XM-DAC-701-8-ID-1002",)]


# --- refusals --------------------------------------------------------------------------------

_BILLION = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n')
_ORG = ('<?xml version="1.0"?><iati-organisations version="2.03"><iati-organisation>'
        '<organisation-identifier>DE-1</organisation-identifier></iati-organisation>'
        '</iati-organisations>')


def _refusal_cases(tmp_path: Path) -> list[tuple[Path, tuple[str, ...], tuple[str, ...]]]:
    acts = f.jica_activities()
    damaged = f.file_xml(acts).replace("</iati-identifier>", "</iati-identifer>", 1)
    unknown = f.jica_activities()[:1]
    unknown[0].publisher = "XM-DAC-41114"
    return [
        (f.write(tmp_path / "old.xml", acts, version="1.05"),
         ("version 1.05", "retired by IATI in 2019"), ()),
        (tmp_path / "org.xml", ("organisation file",), ()),
        (tmp_path / "damaged.xml", ("Damaged XML at line 3",), ()),
        (f.write(tmp_path / "dtd.xml", acts, prolog=_BILLION), ("declares a DOCTYPE",), ()),
        (f.write(tmp_path / "undp.xml", unknown),
         ("There is no partner with this id", "XM-DAC-41114"), ()),
        (f.write(tmp_path / "big.xml", acts),
         ("file big.xml", "raise the limit"), ("COOPDASH_INTAKE_ENTRY_MB", "0")),
        (f.write(tmp_path / "replace.xml", acts), ("only adds and updates",), ("--replace",)),
    ], {"org.xml": _ORG, "damaged.xml": damaged}


def test_every_class_of_refusal_names_the_file_and_leaves_the_store(
        tmp_path, sample_store, store_copy, capsys, monkeypatch):
    db = store_copy(sample_store)
    before = sha256(db)
    cases, texts = _refusal_cases(tmp_path)
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for path, words, extra in cases:
        args = ()
        if extra[:1] == ("COOPDASH_INTAKE_ENTRY_MB",):
            monkeypatch.setenv(*extra)
        else:
            args = extra
        code, text = _import(db, path, capsys, *args)
        monkeypatch.delenv("COOPDASH_INTAKE_ENTRY_MB", raising=False)
        assert code == 1, (path.name, text)
        assert "Traceback" not in text
        for w in words:
            assert w in text, (path.name, text)
        assert sha256(db) == before, path.name


def test_a_multilateral_publisher_loads_once_it_is_a_partner(tmp_path, sample_store,
                                                             store_copy, capsys):
    """No country can be read from `XM-DAC-41114`: the keeper adds the partner first."""
    db = store_copy(sample_store)
    (tmp_path / "partners.csv").write_text(
        "partner_id,name,country,org_type\nXM-DAC-41114,UNDP,US,multilateral\n",
        encoding="utf-8")
    assert _import(db, tmp_path / "partners.csv", capsys)[0] == 0
    acts = f.jica_activities()[:1]
    acts[0].publisher = "XM-DAC-41114"
    code, text = _import(db, f.write(tmp_path / "undp.xml", acts), capsys)
    assert code == 0, text
    assert "The country of publisher XM-DAC-41114 cannot be read" in text
    assert _rows(db, "select name, country from partners where partner_id = $p",
                 {"p": "XM-DAC-41114"}) == [("UNDP", "US")]


def test_our_own_funding_lines_stay_positive(tmp_path, sample_store, store_copy, capsys):
    """A signed amount is for a publisher's transaction only."""
    db = store_copy(sample_store)
    (tmp_path / "funding.csv").write_text(
        "funding_id,program_id,source,amount,currency,status\n"
        "own-1,jclair-seminar-tokyo,apbn,-5,IDR,planned\n", encoding="utf-8")
    code, text = _import(db, tmp_path / "funding.csv", capsys)
    assert code == 1 and "An amount must not be negative" in text, text


# --- a commitment and its disbursements are not counted twice ------------------------------

def _summary_amount(db: Path, capsys, *args: str) -> float:
    import json

    assert cli.main(["summary", "--json", "--db", str(db), "--currency", "IDR",
                     "--filter", f"partner={f.JICA}", *args]) == 0
    return json.loads(capsys.readouterr().out)["funding"]["amount"]


def test_funding_counts_the_disbursements_instead_of_their_commitment(
        tmp_path, sample_store, store_copy, capsys):
    """JICA: activity 1001 committed 1,000,000 JPY and disbursed 400,000 + 650,000 - 50,000;
    1002 spent 250,000.46 USD; PH-2001 only committed 300,000 JPY. At 100 IDR per JPY and
    15,000 per USD the total counts 1001's disbursements, not its commitment too."""
    from coopdash.figures.filters import Filters
    from coopdash.store import query

    db = store_copy(sample_store)
    (tmp_path / "fx_rates.csv").write_text(
        "currency,valid_from,idr_per_unit\nJPY,2000-01-01,100\nUSD,2000-01-01,15000\n",
        encoding="utf-8")
    assert _import(db, tmp_path / "fx_rates.csv", capsys)[0] == 0
    assert _import(db, f.write(tmp_path / "jica.xml", f.jica_activities()), capsys)[0] == 0
    expected = (1_000_000 + 300_000) * 100 + 250_000.46 * 15_000
    assert _summary_amount(db, capsys) == pytest.approx(expected)
    con = store.connect(db, read_only=True)
    try:
        mix = query.run(con, "funding_by_source", {
            **Filters(partners=(f.JICA,)).params("ID"), "currency": "IDR"})
    finally:
        con.close()
    assert mix["amount_display"].sum() == pytest.approx(expected)
    assert mix["n_lines"].sum() == 6  # every line is still listed
    # as it stood on 1 July 2024: 1001 had disbursed 400,000 only, which counts instead
    assert _summary_amount(db, capsys, "--as-of", "2024-07-01") == pytest.approx(
        (400_000 + 300_000) * 100 + 250_000.46 * 15_000)


# --- where records come from, who they benefit: sidebar filters --------------------------

def _programs_total(db: Path, capsys, *pairs: str) -> int:
    import json

    args = [a for p in pairs for a in ("--filter", p)]
    assert cli.main(["summary", "--json", "--db", str(db), *args]) == 0
    return json.loads(capsys.readouterr().out)["programs"]["total"]


def test_origin_and_recipient_filter_the_programs(tmp_path, sample_store, store_copy,
                                                  capsys):
    db = store_copy(sample_store)
    own = _programs_total(db, capsys)
    assert _import(db, f.write(tmp_path / "jica.xml", f.jica_activities()), capsys)[0] == 0
    assert _programs_total(db, capsys) == own + 3
    assert _programs_total(db, capsys, "origin=none") == own  # our own records
    assert _programs_total(db, capsys, f"origin={f.JICA}") == 3
    assert _programs_total(db, capsys, "origin=none," + f.JICA) == own + 3
    assert _programs_total(db, capsys, "recipient=ID") == 2
    assert _programs_total(db, capsys, "recipient=TL,PH") == 2
    assert _programs_total(db, capsys, "recipient=TL", "origin=none") == 0


def test_a_problem_is_located_at_its_line_of_the_file(tmp_path, sample_store, store_copy,
                                                     capsys):
    """The rows of an IATI file exist only in the mapping: a problem names the line of the
    element it comes from (each activity is one line of this file: line 3, 4, 5)."""
    db = store_copy(sample_store)
    acts = f.jica_activities()
    acts[1].transactions[0].currency = "YEN"  # activity 2, line 4
    acts[2].dates = {"1": "2025-01-01", "3": "2024-01-01"}  # activity 3 ends first, line 5
    code, text = _import(db, f.write(tmp_path / "bad.xml", acts), capsys)
    assert code == 1, text
    assert "table funding, line 4, column currency: found: 'YEN'" in text
    assert "table programs, line 5, column ends_on" in text
