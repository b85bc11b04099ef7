"""The Record page (issue 18 §2): a meeting, letter or visit in one form, written by the one
validator and importer as one write; refusals placed in the form; keepers only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import record_case

from coopdash import store
from coopdash.i18n import t
from coopdash.workbook import bootstrap, importer


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _open(app, db, **kw):
    at = app(db, **kw).run()
    at.switch_page("pages/record.py").run()
    assert not at.exception, at.exception
    return at


_WIDGET = {"text": "text_input", "area": "text_area", "select": "selectbox",
           "date": "date_input", "number": "number_input", "check": "checkbox",
           "radio": "radio"}
_REDRAWS = {"date", "number", "check", "radio"}  # steps after which the form changes


def play(at, steps: list[record_case.Step]):
    """A keeper's steps on the form, as AppTest widget changes."""
    for kind, key, value, _shown in steps:
        widget = getattr(at, _WIDGET[kind])(key=key)
        if kind in ("text", "area"):
            widget.input(value)
        else:
            widget.set_value(value)
        if kind in _REDRAWS:
            at.run()
    return at.run()


def test_the_jclair_case_through_the_form_alone(app, tmp_path):
    """Into a store holding none of it: the letter (new partner, new agreement) and the
    meeting (program, 2 + 5 attendees, follow-up) through the form, two writes; with the
    rest of the sample loaded after, the Overview's figures and the 2023-W20/W21 packs
    equal those of the sample store."""
    db = tmp_path / "form.duckdb"
    store.create(db, bootstrap.populate("none"))
    at = play(_open(app, db, lang="en"), record_case.letter_steps())
    at.button(key="rec_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "milestones: 1 added" in at.success[0].value
    assert at.text_input(key="rec_reference").value == ""  # the form is empty again
    at = play(at, record_case.meeting_steps())
    assert at.selectbox(key="rec_partner_pick").value == "jclair-sg"
    assert at.selectbox(key="rec_agreement_pick").value == "bpsdm-jclair"
    at.button(key="rec_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "participants: 7 added" in at.success[0].value
    with store.writing(db, actor="test", what="import") as con:
        importer.import_path(con, record_case.rest_of_sample(tmp_path / "rest"),
                            actor="test")
    reference = tmp_path / "sample.duckdb"
    store.create(reference, bootstrap.populate("sample"))
    assert record_case.overview(db) == record_case.overview(reference)
    for week in ("2023-W20", "2023-W21"):
        assert record_case.pack_html(db, week) == record_case.pack_html(reference, week)
    with store.reading(db) as con:  # the current version by its own name, not the path
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
    """A program with no title, an attendee with no name, a follow-up with no owner: each
    problem said at its place in the form with the validator's own message; the store file
    byte-identical; what was typed is kept."""
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
    assert "Not saved: 3 problems" in text
    assert "Program: table programs, row 2, column title" in text
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
