"""The Record page (issue 18 §2): a meeting, letter or visit in one form, written by the one
validator and importer as one write; refusals placed in the form; keepers only."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import duckdb
import pytest

from coopdash import store
from coopdash.figures import weekly
from coopdash.figures.filters import Filters
from coopdash.figures.summary import headline
from coopdash.i18n import t
from coopdash.meeting import pack
from coopdash.settings import SAMPLE_DIR
from coopdash.workbook import bootstrap, importer

# what the form enters of the sample (data/sample/README.md): the rest of the sample (the
# five proposed programs, their delegations and funding line) comes in by a workbook after
FORM_TABLES = {"partners", "agreements", "milestones", "actions"}
MEETING = "jclair-exploratory-meeting"


def _csv(name: str) -> list[dict]:
    with open(SAMPLE_DIR / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _open(app, db, **kw):
    at = app(db, **kw).run()
    at.switch_page("pages/record.py").run()
    assert not at.exception, at.exception
    return at


def fill_letter(at):
    """The letter of 19 May 2023, with a new partner and a new agreement at exploration."""
    partner = _csv("partners")[0]
    agreement = _csv("agreements")[0]
    letter = next(m for m in _csv("milestones") if m["kind"] == "letter")
    at.date_input(key="rec_day").set_value(letter["occurred_on"]).run()
    at.selectbox(key="rec_kind").set_value("letter")
    at.selectbox(key="rec_channel").set_value(letter["channel"])
    at.text_input(key="rec_reference").input(letter["reference"])
    at.text_input(key="rec_title").input(letter["title"])
    _new_partner(at, partner)
    _new_agreement(at, agreement)
    return at.run()


def _new_partner(at, partner: dict) -> None:
    if _has(at, "radio", "rec_partner_mode"):
        at.radio(key="rec_partner_mode").set_value("new").run()
    at.text_input(key="rec_partner_name").input(partner["name"])
    at.selectbox(key="rec_partner_country").set_value(partner["country"])
    at.selectbox(key="rec_partner_org_type").set_value(partner["org_type"])
    at.text_input(key="rec_partner_city").input(partner["office_city"])
    at.text_input(key="rec_partner_id").input(partner["partner_id"])


def _new_agreement(at, agreement: dict) -> None:
    at.run()
    at.text_input(key="rec_agreement_title").input(agreement["title"])
    at.selectbox(key="rec_agreement_instrument").set_value(agreement["instrument"])
    at.text_input(key="rec_agreement_reference").input(agreement["reference"])
    at.text_area(key="rec_agreement_notes").input(agreement["notes"])
    at.text_input(key="rec_agreement_id").input(agreement["agreement_id"])


def _has(at, kind: str, key: str) -> bool:
    return any(getattr(w, "key", None) == key for w in at.get(kind))


def fill_meeting(at):
    """The meeting of 22 May 2023 on the agreement just recorded: its program with the
    2 + 5 attendees and the follow-up."""
    meeting = next(m for m in _csv("milestones") if m["kind"] == "meeting")
    program = next(p for p in _csv("programs") if p["program_id"] == MEETING)
    at.date_input(key="rec_day").set_value(meeting["occurred_on"]).run()
    at.selectbox(key="rec_kind").set_value("meeting")
    at.selectbox(key="rec_channel").set_value(meeting["channel"])
    at.text_input(key="rec_title").input(meeting["title"]).run()
    assert at.selectbox(key="rec_partner_pick").value == "jclair-sg"
    assert at.selectbox(key="rec_agreement_pick").value == "bpsdm-jclair"
    at.checkbox(key="rec_has_program").check().run()
    at.text_input(key="rec_program_title").input(program["title"])
    at.selectbox(key="rec_program_kind").set_value(program["kind"])
    at.selectbox(key="rec_program_status").set_value(program["status"])
    at.selectbox(key="rec_program_mode").set_value(program["mode"])
    delegations = {d["delegation_id"]: d["side"] for d in _csv("delegations")
                   if d["program_id"] == MEETING}
    for side in ("home", "partner"):
        people = [p for p in _csv("participants") if delegations[p["delegation_id"]] == side]
        at.number_input(key=f"rec_{side}_n").set_value(len(people)).run()
        for n, p in enumerate(people, start=1):
            key = f"rec_{side}_{n}"
            at.text_input(key=f"{key}_name").input(p["full_name"])
            at.text_input(key=f"{key}_position").input(p["position"])
            at.text_input(key=f"{key}_organisation").input(p["organisation"])
            at.selectbox(key=f"{key}_role").set_value(p["role"])
            at.selectbox(key=f"{key}_gender").set_value(p["gender"])
            at.selectbox(key=f"{key}_status").set_value(p["status"])
    action = _csv("actions")[0]
    at.number_input(key="rec_follow_ups_n").set_value(1).run()
    at.text_input(key="rec_follow_up_1_title").input(action["title"])
    at.text_input(key="rec_follow_up_1_owner").input(action["owner"])
    return at.run()


def _rest_of_sample(tmp_path: Path) -> Path:
    """The sample's records the form does not enter (the proposed programs, their
    delegations and funding line), as a CSV folder."""
    folder = tmp_path / "rest"
    folder.mkdir()
    for name in ("programs", "delegations", "funding"):
        rows = [r for r in _csv(name) if MEETING not in (r.get("program_id"), )
                and not r.get("delegation_id", "").startswith(MEETING)]
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(_csv(name)[0]))
            w.writeheader()
            w.writerows(rows)
    return folder


def _pack_text(db: Path, week: str) -> str:
    con = store.connect(db, read_only=True)
    try:
        html = pack.build_html(con, weekly.Week.parse(week), Filters(), "en")
    finally:
        con.close()
    html = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>",
                  html)  # each chart's div id
    return re.sub(r"\d{1,2} \w+ \d{4},? \d{2}[.:]\d{2}", "<made>", html)  # the making time


def _overview(db: Path) -> dict:
    con = store.connect(db, read_only=True)
    try:
        return headline(con)
    finally:
        con.close()


def test_the_jclair_case_through_the_form_alone(app, tmp_path):
    """Into a store holding none of it: the letter (new partner, new agreement) and the
    meeting (program, 2 + 5 attendees, follow-up) through the form, two writes; with the
    rest of the sample loaded after, the Overview's figures and the 2023-W20/W21 packs
    equal those of the sample store."""
    db = tmp_path / "form.duckdb"
    store.create(db, bootstrap.populate("none"))
    at = fill_letter(_open(app, db, lang="en"))
    at.button(key="rec_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "milestones: 1 added" in at.success[0].value
    at = fill_meeting(at)
    at.button(key="rec_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "participants: 7 added" in at.success[0].value
    with store.writing(db, actor="test", what="import") as con:
        importer.import_path(con, _rest_of_sample(tmp_path), actor="test")
    reference = tmp_path / "sample.duckdb"
    store.create(reference, bootstrap.populate("sample"))
    assert _overview(db) == _overview(reference)
    for week in ("2023-W20", "2023-W21"):
        assert _pack_text(db, week) == _pack_text(reference, week)
    con = duckdb.connect(str(db), read_only=True)
    writes = con.execute("select what, actor, file_name from write_log "
                         "where what = 'form' order by write_id").fetchall()
    assert len(writes) == 2 and all(w[2] == "record form" for w in writes)


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_viewers_and_analysts_have_no_form(app, sample_store, role):
    """Not in their menu, and /record says "not allowed": no widget of the form."""
    at = app(sample_store, role=role, lang="en").run()
    at.switch_page("pages/record.py").run()
    assert not [w for w in at.text_input if str(w.key).startswith("rec_")]
    assert not [b for b in at.button if b.key == "rec_save"]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_a_forged_save_from_a_viewer_or_analyst_writes_nothing(app, sample_store, store_copy,
                                                                 role):
    """The form's widget state sent by hand (a complete entry and the save button "clicked")
    from a role without `write`: refused on the server, the store file byte-identical."""
    db = store_copy(sample_store)
    before = _sha(db)
    at = app(db, role=role, lang="en")
    for key, value in {"rec_title": "Forged", "rec_has_program": False,
                       "rec_follow_ups_n": 0}.items():
        at.session_state[key] = value
    at.run()
    at.session_state["rec_save"] = True
    at.switch_page("pages/record.py").run()
    assert _sha(db) == before
    assert [e.value for e in at.error] == [t("access.not_allowed", "en")]


def test_a_refused_entry_is_placed_and_writes_nothing(app, sample_store, store_copy):
    """An attendee with no name, a follow-up with no owner: each problem said at its place
    in the form with the validator's own message; the store file byte-identical; what was
    typed is kept."""
    db = store_copy(sample_store)
    before = _sha(db)
    at = _open(app, db, lang="en")
    at.text_input(key="rec_title").input("Call with JCLAIR")
    at.checkbox(key="rec_has_program").check().run()
    at.number_input(key="rec_partner_n").set_value(2).run()
    at.text_input(key="rec_partner_1_name").input("Mr. Tokuda")
    at.number_input(key="rec_follow_ups_n").set_value(1).run()
    at.text_input(key="rec_follow_up_1_title").input("Send the minutes")
    at.button(key="rec_save").click().run()
    assert not at.exception
    text = at.error[0].value
    assert "Not saved: 2 problems" in text
    assert "Partner side: person 2: table participants, row 3, column full_name" in text
    assert "Follow-up 1: table actions, row 2, column owner" in text
    assert "Required: the cell is empty." in text
    assert _sha(db) == before
    assert at.text_input(key="rec_partner_1_name").value == "Mr. Tokuda"


def test_a_typed_id_already_stored_is_refused(app, sample_store, store_copy):
    """A new partner given the id of a stored one would overwrite it: refused, placed."""
    db = store_copy(sample_store)
    before = _sha(db)
    at = _open(app, db, lang="en")
    at.text_input(key="rec_title").input("Letter")
    at.radio(key="rec_partner_mode").set_value("new").run()
    at.text_input(key="rec_partner_name").input("Another JCLAIR")
    at.selectbox(key="rec_partner_country").set_value("JP")
    at.text_input(key="rec_partner_id").input("jclair-sg")
    at.button(key="rec_save").click().run()
    assert "New partner: table partners, row 2, column partner_id" in at.error[0].value
    assert "already used by another record" in at.error[0].value
    assert _sha(db) == before
