"""The Explorer's editor on the page (issue 18 §1): keepers and admins get it, viewers and
analysts do not, and a forged edit from them writes nothing."""

from __future__ import annotations

import hashlib

import pytest

from coopdash import store
from coopdash.contract import TABLES
from coopdash.i18n import t


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _explorer(app, db, **kw):
    at = app(db, lang="en", **kw).run()
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ["keeper", "admin"])
def test_a_keeper_opens_the_editor_on_the_page_rows(app, sample_store, role):
    """The toggle opens an editor (rows can be added and deleted) holding exactly the
    records of the page shown, every column of the contract; and a Save button."""
    at = _explorer(app, sample_store, role=role)
    assert len(at.dataframe) == 1  # the read-only table only, until the toggle
    at.toggle(key="ex_edit").set_value(True).run()
    assert not at.exception, at.exception
    shown, edit = at.dataframe[0].value, at.dataframe[1]
    assert edit.editing_mode == "dynamic"
    assert list(edit.value.columns) == TABLES["programs"].column_names
    assert list(edit.value["program_id"]) == list(shown.iloc[:, 0])
    assert [b.key for b in at.button if b.key == "ex_edit_save"] == ["ex_edit_save"]


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_viewers_and_analysts_have_no_editor_and_a_forged_save_writes_nothing(
        app, sample_store, store_copy, role, caplog):
    """No toggle, no editor, no Save; the editor's state sent by hand (as a crafted
    message would: the toggle, a changed cell, a deleted row, Save, and "Delete them
    all" agreed to) changes nothing: the state is dropped, the server's log names who
    sent it, the page says nothing was saved, and the store is byte-identical."""
    db = store_copy(sample_store)
    before = _sha(db)
    at = app(db, lang="en", role=role)
    at.session_state["ex_edit"] = True
    at.session_state["ex_edit_save"] = True
    at.session_state["ex_edit_delete_all"] = True
    at.session_state["ex_editor_programs"] = {
        "edited_rows": {0: {"status": "planned"}}, "added_rows": [], "deleted_rows": [1]}
    at.session_state["_ex_edit_asked"] = ("programs", ["jclair-exploratory-meeting"], "?")
    at.run()
    with caplog.at_level("WARNING", logger="coopdash.web.editor"):
        at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    assert not [w for w in at.toggle if w.key == "ex_edit"]
    assert not [b for b in at.button if b.key == "ex_edit_save"]
    assert len(at.dataframe) == 1  # the read-only table
    assert [w.value for w in at.warning] == [
        "Editing records is for record keepers and admins: nothing was saved."]
    logged = [r.getMessage() for r in caplog.records if r.name == "coopdash.web.editor"]
    assert len(logged) == 1 and f"(role {role})" in logged[0], logged
    assert "ex_editor_programs" in logged[0] and "ex_edit_delete_all" in logged[0]
    assert "ex_editor_programs" not in at.session_state
    assert _sha(db) == before
    at.run()  # nothing left to say on the next run
    assert not at.warning and _sha(db) == before


def test_a_keeper_lowered_to_analyst_with_the_editor_open_keeps_nothing(
        app, sample_store, store_copy, monkeypatch, caplog):
    """A keeper with the editor open and a cell typed, whose role becomes analyst (the
    role is read on every run): the next run (Save clicked) says the role changed, draws
    no editor, drops all the editor kept in the session (a frame among it once broke the
    run: a DataFrame has no truth value), says nothing was saved, logs who, and writes
    nothing."""
    db = store_copy(sample_store)
    before = _sha(db)
    at, _ids = _programs_editor(app, db)
    at.session_state["ex_editor_programs"] = {
        "edited_rows": {0: {"title": "Typed as a keeper"}}, "added_rows": [],
        "deleted_rows": []}
    at.run()
    monkeypatch.setenv("COOPDASH_ROLE", "analyst")
    with caplog.at_level("WARNING", logger="coopdash.web.editor"):
        at.button(key="ex_edit_save").click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [
        t("access.changed.role", "en", old="Record keeper", new="Analyst"),
        "Editing records is for record keepers and admins: nothing was saved."]
    assert len(at.dataframe) == 1 and not [b for b in at.button if b.key == "ex_edit_save"]
    assert not [k for k in at.session_state if str(k).startswith(("ex_edit", "_ex_edit"))]
    logged = [r.getMessage() for r in caplog.records if r.name == "coopdash.web.editor"]
    assert len(logged) == 1 and "(role analyst)" in logged[0], logged
    assert _sha(db) == before


def _texts(at) -> str:
    return "\n".join(e.value for kind in (at.warning, at.success, at.error) for e in kind)


def _programs_editor(app, db):
    """The Explorer's programs grid opened for editing by a keeper, and its rows' ids in
    the grid's order (what a deleted or edited row's index points to)."""
    at = _explorer(app, db, role="keeper")
    at.toggle(key="ex_edit").set_value(True).run()
    return at, list(at.dataframe[1].value["program_id"])


def test_deleting_a_program_others_point_to_asks_then_removes_them_all(
        app, sample_store, store_copy):
    """The exploratory meeting deleted in the grid: Save says its 2 delegations and 7
    participants depend on it and asks, writing nothing; Cancel keeps the deletion typed;
    Save, then "Delete them all": the program, its delegations and people are gone, in
    one write."""
    db = store_copy(sample_store)
    before = _sha(db)
    at, ids = _programs_editor(app, db)
    at.session_state["ex_editor_programs"] = {
        "edited_rows": {}, "added_rows": [],
        "deleted_rows": [ids.index("jclair-exploratory-meeting")]}
    at.button(key="ex_edit_save").click().run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "delegations: 2 (jclair-exploratory-meeting-home, " \
           "jclair-exploratory-meeting-partner)" in text, text
    assert "participants: 7 (" in text
    assert _sha(db) == before
    at.button(key="ex_edit_keep_all").click().run()
    assert "delegations: 2" not in _texts(at) and _sha(db) == before
    assert at.session_state["ex_editor_programs"]["deleted_rows"] == [
        ids.index("jclair-exploratory-meeting")]  # what was typed is kept
    at.button(key="ex_edit_save").click().run()
    at.button(key="ex_edit_delete_all").click().run()
    assert not at.exception, at.exception
    with store.reading(db) as con:
        assert con.execute("select count(*) from programs where program_id = "
                           "'jclair-exploratory-meeting'").fetchall() == [(0,)]
        assert con.execute("select count(*) from delegations where program_id = "
                           "'jclair-exploratory-meeting'").fetchall() == [(0,)]
        assert con.execute("select count(*) from participants").fetchall() == [(0,)]
        assert con.execute("select what, actor from write_log order by write_id desc "
                           "limit 1").fetchall()[0][0] == "edit"


def test_a_refused_save_marks_each_cell_at_fault_and_keeps_the_typing(
        app, sample_store, store_copy):
    """An unknown status and an emptied title on one program: Save is refused; the refused
    row is shown as typed with those two cells marked and each message in its first
    column ("status: …", "title: …"); the store is byte-identical and the grid keeps what
    was typed."""
    db = store_copy(sample_store)
    before = _sha(db)
    at, ids = _programs_editor(app, db)
    typed = {"edited_rows": {ids.index("jclair-exploratory-meeting"): {
        "status": "finished", "title": ""}}, "added_rows": [], "deleted_rows": []}
    at.session_state["ex_editor_programs"] = typed
    at.button(key="ex_edit_save").click().run()
    assert not at.exception, at.exception
    assert any("Not saved: 2 problems" in e.value for e in at.error), _texts(at)
    refused = at.dataframe[-1]  # below the grid: the refused rows
    assert refused.editing_mode == "read_only" and len(at.dataframe) == 3
    shown = refused.value
    assert list(shown["program_id"]) == ["jclair-exploratory-meeting"]
    assert list(shown.columns[1:]) == TABLES["programs"].column_names
    said = shown.iloc[0, 0]
    assert said == ("title: Required: the cell is empty.; status: Unknown code. Use one of: "
                    "proposed, planned, confirmed, ongoing, completed, postponed, "
                    "cancelled."), said
    assert (shown.loc[0, "status"], shown.loc[0, "title"]) == ("finished", "")  # as typed
    css = refused.proto.arrow_data.styler.styles
    cols = list(shown.columns)
    for column in ("status", "title"):
        assert f"row0_col{cols.index(column)}" in str(css), css
    assert f"row0_col{cols.index('kind')}" not in str(css)
    assert _sha(db) == before
    assert at.session_state["ex_editor_programs"]["edited_rows"] == typed["edited_rows"]


def _options(editor, column: str, labels: bool = False) -> list:
    """The choices the grid's column offers (its column config, as sent to the browser):
    their values, or {value: label}."""
    import json

    config = json.loads(editor.proto.columns)
    found = [c for c in config.values() if c.get("label", "").split(" ")[0] == column]
    options = found[0]["type_config"]["options"]
    if labels:
        return {o["value"]: o["label"] for o in options}
    return [o["value"] for o in options]


def test_a_participants_delegation_is_chosen_among_what_a_search_finds(app, demo_store):
    """The participants' grid offers as delegations only those its rows hold, until the
    keeper searches: then at most 50 delegations whose program title or id holds the text
    join them (counted here from the store), never the whole table."""
    at = _open_tab(app, demo_store, "participants")
    at.toggle(key="ex_edit").set_value(True).run()
    assert not at.exception, at.exception
    editor = at.dataframe[1]
    held = sorted(set(editor.value["delegation_id"]))
    assert sorted(_options(editor, "delegation_id")) == held
    with store.reading(demo_store) as con:
        title = con.execute("select p.title from delegations d join programs p using "
                            "(program_id) order by d.delegation_id limit 1").fetchall()[0][0]
        q = title.split(" ")[0]
        matching = [r[0] for r in con.execute(
            "select d.delegation_id from delegations d left join programs p using "
            "(program_id) where d.delegation_id ilike '%' || $q || '%' or p.title ilike "
            "'%' || $q || '%' order by p.title, d.delegation_id", {"q": q}).fetchall()]
        n_delegations = con.execute("select count(*) from delegations").fetchall()[0][0]
    assert len(matching) > 0 and len(set(matching[:50]) | set(held)) < n_delegations
    at.text_input(key="ex_edit_find_delegations").input(q).run()
    assert not at.exception, at.exception
    offered = _options(at.dataframe[1], "delegation_id")
    assert sorted(offered) == sorted(set(matching[:50]) | set(held))
    assert len(offered) < n_delegations
    first = matching[0]
    with store.reading(demo_store) as con:
        title, side = con.execute("select p.title, d.side from delegations d left join "
                                  "programs p using (program_id) where delegation_id = $d",
                                  {"d": first}).fetchall()[0]
    side_words = {"home": "Home side", "partner": "Partner side"}[side]
    assert _options(at.dataframe[1], "delegation_id", labels=True)[first] == (
        f"{title} — {side_words} ({first})")


@pytest.mark.parametrize(("target", "column", "label", "q"), [
    ("partners", "partner_id", "name", "City"), ("agreements", "agreement_id", "title", "of")])
def test_a_programs_partner_and_agreement_are_chosen_among_what_a_search_finds(
        app, demo_store, target, column, label, q):
    """The programs' grid offers as partners (agreements) only those its rows hold, until
    the keeper searches beside the grid: then at most 50 whose name (title) or id holds
    the text join them — the same search as for programs and delegations, counted here
    from the store —, never the whole table (44 partners, 70 agreements in the demo;
    "of" finds more than 50 agreements)."""
    at = _open_tab(app, demo_store, "programs")
    at.toggle(key="ex_edit").set_value(True).run()
    assert not at.exception, at.exception
    held = {v for v in at.dataframe[1].value[column] if v}
    assert set(_options(at.dataframe[1], column)) == held
    with store.reading(demo_store) as con:
        matching = con.execute(
            f"select {column}, {label} from {target} where {column} ilike '%' || $q || '%' "
            f"or {label} ilike '%' || $q || '%' order by {label}, {column}",
            {"q": q}).fetchall()
        n_all = con.execute(f"select count(*) from {target}").fetchall()[0][0]
    at.text_input(key=f"ex_edit_find_{target}").input(q).run()
    assert not at.exception, at.exception
    offered = _options(at.dataframe[1], column, labels=True)
    assert set(offered) == {r[0] for r in matching[:50]} | held
    assert len(offered) < n_all and (target == "partners" or len(matching) > 50)
    first_id, first_label = matching[0]
    assert offered[first_id] == f"{first_label} ({first_id})"


def test_what_was_typed_survives_a_search_beside_the_grid(app, demo_store, store_copy):
    """A title typed, a row deleted, then a search that changes the agreement column's
    choices (Streamlit then draws a new grid): the grid still shows the typed title and
    not the deleted row, and Save writes both (the typing is not lost to the search)."""
    db = store_copy(demo_store)
    at, ids = _programs_editor(app, db)
    at.session_state["ex_editor_programs"] = {
        "edited_rows": {0: {"title": "Typed before the search"}}, "added_rows": [],
        "deleted_rows": [len(ids) - 1]}
    at.run()
    before = _options(at.dataframe[1], "agreement_id")
    at.text_input(key="ex_edit_find_agreements").input("of").run()
    assert not at.exception, at.exception
    grid = at.dataframe[1]
    assert len(_options(grid, "agreement_id")) > len(before)  # the choices did change
    assert grid.value["title"].iloc[0] == "Typed before the search"
    assert list(grid.value["program_id"]) == ids[:-1]
    with store.reading(db) as con:
        depending = con.execute("select count(*) from delegations where program_id = $p",
                                {"p": ids[-1]}).fetchall()[0][0]
    at.button(key="ex_edit_save").click().run()
    if depending:
        at.button(key="ex_edit_delete_all").click().run()
    assert not at.exception, at.exception
    with store.reading(db) as con:
        assert con.execute("select title from programs where program_id = $p",
                           {"p": ids[0]}).fetchall() == [("Typed before the search",)]
        assert con.execute("select count(*) from programs where program_id = $p",
                           {"p": ids[-1]}).fetchall() == [(0,)]


def _open_tab(app, db, tab):
    at = app(db, lang="en", role="keeper")
    at.query_params["tab"] = tab
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    return at


def test_a_new_row_with_a_stored_records_id_is_refused(app, demo_store, store_copy):
    """A row added in the grid with the id of a stored program the page did not show (as
    a crafted widget state could send too), and then an opened row's id retyped to it:
    each save is refused with the Record form's "id already used" at the row's id cell,
    and the store is byte-identical: no record the keeper did not open is overwritten
    (an upsert would have replaced the program's cells, its dates gone)."""
    db = store_copy(demo_store)
    before = _sha(db)
    at, ids = _programs_editor(app, db)
    with store.reading(db) as con:
        other, partner = con.execute(
            "select program_id, partner_id from programs where program_id not in "
            "(select unnest($ids::varchar[])) order by program_id limit 1",
            {"ids": ids}).fetchall()[0]
    taken = t("store.err.id_taken", "en")
    for typed in ({"edited_rows": {}, "deleted_rows": [], "added_rows": [
                      {"program_id": other, "partner_id": partner, "title": "Overwritten",
                       "kind": "seminar", "status": "planned"}]},
                  {"edited_rows": {0: {"program_id": other}}, "deleted_rows": [],
                   "added_rows": []}):
        at.session_state["ex_editor_programs"] = typed
        at.button(key="ex_edit_save").click().run()
        assert not at.exception, at.exception
        assert any("Not saved: 1 problems" in e.value for e in at.error), _texts(at)
        shown = at.dataframe[-1].value
        assert list(shown["program_id"]) == [other]
        assert shown.iloc[0, 0] == f"program_id: {taken}"
        assert _sha(db) == before
