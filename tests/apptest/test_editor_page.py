"""The Explorer's editor on the page (issue 18 §1): keepers and admins get it, viewers and
analysts do not, and a forged edit from them writes nothing."""

from __future__ import annotations

import hashlib

import pytest

from coopdash.contract import TABLES


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _explorer(app, db, **kw):
    at = app(db, lang="en", **kw).run()
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ["keeper", "admin"])
def test_a_keeper_opens_the_editor_on_the_page_rows(app, sample_store, role):
    """The toggle opens an editor (add-rows mode) holding exactly the records of the page
    shown, every column of the contract; and a Save button."""
    at = _explorer(app, sample_store, role=role)
    assert len(at.dataframe) == 1  # the read-only table only, until the toggle
    at.toggle(key="ex_edit").set_value(True).run()
    assert not at.exception, at.exception
    shown, edit = at.dataframe[0].value, at.dataframe[1]
    assert edit.proto.editing_mode == edit.proto.EditingMode.ADD_ONLY
    assert list(edit.value.columns) == TABLES["programs"].column_names
    assert list(edit.value["program_id"]) == list(shown.iloc[:, 0])
    assert [b.key for b in at.button if b.key == "ex_edit_save"] == ["ex_edit_save"]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_viewers_and_analysts_have_no_editor_and_a_forged_save_writes_nothing(
        app, sample_store, store_copy, role):
    """No toggle, no editor, no Save; the editor's state and its Save sent by hand (as a
    crafted message would) change nothing."""
    db = store_copy(sample_store)
    before = _sha(db)
    at = app(db, lang="en", role=role)
    at.session_state["ex_edit"] = True
    at.session_state["ex_edit_save"] = True
    at.run()
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    assert not [w for w in at.toggle if w.key == "ex_edit"]
    assert not [b for b in at.button if b.key == "ex_edit_save"]
    assert _sha(db) == before
