"""The Data page's one history (issue 18 §3, issue 17 §5): every write — the store's
creation, imports, the Record form, undos, role changes — in one table, newest first,
with who, what, counts and whether it can be undone; empty cells empty, never `None`."""

from __future__ import annotations

import pandas as pd
import record_case

from coopdash import store
from coopdash.i18n import t
from coopdash.store import users
from coopdash.workbook import entry


def _history(at) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if t("snap.col.undo", "en") in d.value.columns]


def test_one_table_of_every_write_newest_first_with_no_none(app, sample_store, store_copy):
    """Sample store + a Record form entry, a role change, a second entry and its undo: one
    table, rows in write_log's order newest first, kinds in words, the first entry's
    counts and "yes", the undone entry says why not, and no cell reads None/nan/NaT."""
    db = store_copy(sample_store)
    with store.writing(db, actor="ana@office.go.id", what="form",
                       file_name=entry.FILE_NAME, mode=entry.MODE) as con:
        _letter(con)
    with store.writing(db, actor="boss@office.go.id", what="role",
                       file_name="ana@office.go.id") as con:
        users.set_role(con, "ana@office.go.id", "keeper", "boss@office.go.id")
    with store.writing(db, actor="ana@office.go.id", what="form",
                       file_name=entry.FILE_NAME, mode=entry.MODE) as con:
        _letter(con)
    form_id, undone_id = _ids(db, "form")
    store.undo(db, undone_id, actor="boss@office.go.id", admin=True)
    at = app(db, lang="en", role="admin").run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    when = t("snap.col.when", "en")
    assert len([d for d in at.dataframe if when in d.value.columns]) == 1  # no import log
    shown = _history(at)[0]
    with store.reading(db) as con:  # the current version by its own name, not the path
        expected = con.execute(
            "select write_id, what from write_log order by write_id desc").fetchall()
    assert [int(i.replace(",", "")) for i in shown[t("snap.col.id", "en")]] == [
        w[0] for w in expected]
    kinds = dict(zip(shown[t("snap.col.id", "en")].astype(int), shown[t("snap.col.what",
                                                                        "en")], strict=True))
    assert kinds[form_id] == t("data.what.form", "en")
    assert {t("data.what.undo", "en"), t("data.what.role", "en"),
            t("data.what.init", "en")} <= set(kinds.values())
    row = shown[shown[t("snap.col.id", "en")].astype(int) == form_id].iloc[0]
    assert row[t("snap.col.changes", "en")] == "milestones +1"
    assert row[t("snap.col.who", "en")] == "ana@office.go.id"
    assert row[t("snap.col.undo", "en")] == t("snap.cli.yes", "en")
    undone = shown[shown[t("snap.col.id", "en")].astype(int) == undone_id].iloc[0]
    assert "undone" in undone[t("snap.col.undo", "en")]
    cells = shown.astype(str).to_numpy().ravel()
    assert not [c for c in cells if c in ("None", "nan", "NaT", "<NA>")]


def _letter(con) -> None:
    """A letter on the stored partner and agreement, through the form's own writer."""
    entry.save(con, entry.Entry(
        occurred_on=record_case.sample("milestones")[0]["occurred_on"], kind="letter",
        title="Surat balasan", partner_id="jclair-sg", agreement_id="bpsdm-jclair"),
        actor="ana@office.go.id")


def _ids(db, what: str) -> list[int]:
    with store.reading(db) as con:  # the current version by its own name, not the path
        return [r[0] for r in con.execute(
            "select write_id from write_log where what = $w order by write_id",
            {"w": what}).fetchall()]


def test_an_edit_in_the_browser_is_undone_on_the_data_page(app, sample_store, store_copy):
    """A program's status changed in the Explorer's editor is listed as an edit in the
    browser; the keeper who made it picks it, confirms, undoes: the status is back."""
    from coopdash.workbook import grid_edits

    db = store_copy(sample_store)
    with store.reading(db) as con:
        opened = grid_edits.records(con, "programs", ["jclair-seminar-tokyo"])
    edited = opened.copy()
    edited.loc[0, "status"] = "cancelled"
    with store.writing(db, actor="pytest", what="edit", file_name=grid_edits.FILE_NAME,
                       mode=grid_edits.MODE) as con:
        grid_edits.save(con, "programs", opened, edited, "pytest")
    edit_id = _ids(db, "edit")[0]
    at = app(db, lang="en", role="keeper").run()
    at.switch_page("pages/data.py").run()
    pick = at.selectbox(key="data_undo_pick")
    assert pick.value == edit_id
    assert t("data.what.edit", "en") in pick.format_func(edit_id)
    at.checkbox(key=f"data_undo_sure_{edit_id}").check().run()
    at.button(key="data_undo_button").click().run()
    assert not at.exception, at.exception
    with store.reading(db) as con:
        assert con.execute("select status from programs where program_id = "
                           "'jclair-seminar-tokyo'").fetchall() == [("proposed",)]
