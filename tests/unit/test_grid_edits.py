"""Records edited in the browser (issue 18 §1), below the page: one changed cell is one
write with history; a refused change writes nothing and says the validator's message; a
record changed by another keeper since it was opened is a conflict naming who and when."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from coopdash import store
from coopdash.workbook import grid_edits
from coopdash.workbook.validate import ValidationFailed


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _opened(db, table: str, ids: list[str]):
    with store.reading(db) as con:
        return grid_edits.records(con, table, ids)


def _save(db, table, opened, edited, actor="ana@office.go.id", with_dependents=False):
    with store.writing(db, actor=actor, what="edit", file_name=grid_edits.FILE_NAME,
                       mode=grid_edits.MODE) as con:
        return grid_edits.save(con, table, opened, edited, actor,
                            with_dependents=with_dependents)


def test_one_changed_cell_is_one_write_with_its_history(sample_store, store_copy):
    """A program's status changed in the editor: stored, history old -> new, the write is
    `edit` by the keeper with one program changed; the untouched row is not rewritten."""
    db = store_copy(sample_store)
    opened = _opened(db, "programs", ["jclair-seminar-tokyo", "jclair-joint-webinars"])
    edited = opened.copy()
    edited.loc[0, "status"] = "planned"
    result = _save(db, "programs", opened, edited)
    assert (result.tables["programs"].added, result.tables["programs"].changed) == (0, 1)
    with store.reading(db) as con:
        assert con.execute("select status from programs where program_id = "
                           "'jclair-seminar-tokyo'").fetchall() == [("planned",)]
        assert con.execute("select record_id, field, old_value, new_value from history "
                           "where change = 'changed' and table_name = 'programs'"
                           ).fetchall() == [("jclair-seminar-tokyo", "status", "proposed",
                                             "planned")]
        assert con.execute("select actor, what from write_log order by write_id desc "
                           "limit 1").fetchall() == [("ana@office.go.id", "edit")]


def test_a_refused_change_writes_nothing_with_the_import_message(sample_store, store_copy):
    """An unknown status and an end before the start: the validator's own messages at
    their rows and columns; the store file byte-identical."""
    db = store_copy(sample_store)
    before = _sha(db)
    opened = _opened(db, "programs", ["jclair-exploratory-meeting"])
    edited = opened.copy()
    edited.loc[0, "status"] = "finished"
    edited.loc[0, "ends_on"] = "2023-05-01"
    with pytest.raises(ValidationFailed) as err:
        _save(db, "programs", opened, edited)
    found = {(i.table, i.row, i.column, i.code) for i in err.value.issues}
    assert ("programs", 2, "status", "code") in found
    assert any(i.column == "ends_on" for i in err.value.issues), found
    assert _sha(db) == before


def test_a_record_changed_since_it_was_opened_is_a_conflict(sample_store, store_copy):
    """Two keepers open the same program; the first saves; the second's save is refused,
    naming the first keeper and when, and writes nothing."""
    db = store_copy(sample_store)
    ids = ["jclair-seminar-tokyo"]
    mine, theirs = _opened(db, "programs", ids), _opened(db, "programs", ids)
    first = theirs.copy()
    first.loc[0, "host_city"] = "Osaka"
    _save(db, "programs", theirs, first, actor="budi@office.go.id")
    before = _sha(db)
    second = mine.copy()
    second.loc[0, "status"] = "planned"
    with pytest.raises(grid_edits.Conflict) as err:
        _save(db, "programs", mine, second)
    assert [c[:2] for c in err.value.changed] == [("jclair-seminar-tokyo",
                                                   "budi@office.go.id")]
    assert "budi@office.go.id" in err.value.message("en")
    assert _sha(db) == before


def test_an_added_row_is_added(sample_store, store_copy):
    """A row added in the editor is a new record (counted as added)."""
    db = store_copy(sample_store)
    opened = _opened(db, "actions", ["jclair-hq-follow-up"])
    new = opened.copy()
    new.loc[0, ["action_id", "title"]] = ["act-new-1", "Send the draft MoU"]
    edited = pd.concat([opened, new], ignore_index=True)
    result = _save(db, "actions", opened, edited)
    assert result.tables["actions"].added == 1 and result.tables["actions"].changed == 0


def test_a_name_edited_is_a_write_not_an_export(sample_store, store_copy):
    """A participant's name corrected in the editor: a history row (old -> new), and no
    access-log row (the access log is for files that leave the store)."""
    db = store_copy(sample_store)
    with store.reading(db) as con:
        logged = con.execute("select count(*) from access_log").fetchall()
    opened = _opened(db, "participants", ["pt-2023-003"])
    edited = opened.copy()
    edited.loc[0, "full_name"] = "Mr. Tokuda Hiroshi"
    _save(db, "participants", opened, edited)
    with store.reading(db) as con:
        assert con.execute("select old_value, new_value from history where record_id = "
                           "'pt-2023-003' and field = 'full_name'").fetchall() == [
            ("Mr. Tokuda", "Mr. Tokuda Hiroshi")]
        assert con.execute("select count(*) from access_log").fetchall() == logged


def _refs_pointing_at_nothing(con) -> list:
    """Every stored reference whose target is gone, written out by hand per column."""
    checks = [("programs", "partner_id", "partners", "partner_id"),
              ("programs", "agreement_id", "agreements", "agreement_id"),
              ("agreements", "partner_id", "partners", "partner_id"),
              ("milestones", "agreement_id", "agreements", "agreement_id"),
              ("delegations", "program_id", "programs", "program_id"),
              ("participants", "delegation_id", "delegations", "delegation_id"),
              ("funding", "program_id", "programs", "program_id"),
              ("funding", "delegation_id", "delegations", "delegation_id"),
              ("actions", "agreement_id", "agreements", "agreement_id"),
              ("actions", "program_id", "programs", "program_id")]
    return [(t, c, v) for t, c, target, key in checks for (v,) in con.execute(
        f"select {c} from {t} where {c} is not null and {c} not in "
        f"(select {key} from {target})").fetchall()]


def test_deleting_a_program_with_delegations_says_what_depends_and_writes_nothing(
        sample_store, store_copy):
    """The exploratory meeting deleted in the editor: refused until the keeper agrees,
    naming its 2 delegations and their 7 participants (counted from the sample's CSVs);
    the store byte-identical."""
    db = store_copy(sample_store)
    before = _sha(db)
    opened = _opened(db, "programs", ["jclair-exploratory-meeting", "jclair-seminar-tokyo"])
    edited = opened[opened["program_id"] != "jclair-exploratory-meeting"]
    with pytest.raises(grid_edits.HasDependents) as err:
        _save(db, "programs", opened, edited)
    assert err.value.ids == ["jclair-exploratory-meeting"]
    assert err.value.found == [
        ("delegations", ["jclair-exploratory-meeting-home",
                         "jclair-exploratory-meeting-partner"]),
        ("participants", [f"pt-2023-00{i}" for i in range(1, 8)])]
    text = err.value.message("en")
    assert "delegations: 2 (jclair-exploratory-meeting-home" in text
    assert "participants: 7 (pt-2023-001, pt-2023-002, pt-2023-003, pt-2023-004, " \
           "pt-2023-005 and 2 more)" in text
    assert _sha(db) == before


def test_deleting_with_dependents_removes_them_in_one_write_leaving_nothing_dangling(
        sample_store, store_copy):
    """Agreed: the program, its delegations and their people removed in one write, each
    with a history row 'removed' (its last label kept); no reference points at nothing;
    the other program untouched."""
    db = store_copy(sample_store)
    opened = _opened(db, "programs", ["jclair-study-visit-japan", "jclair-seminar-tokyo"])
    edited = opened[opened["program_id"] != "jclair-study-visit-japan"]
    result = _save(db, "programs", opened, edited, with_dependents=True)
    assert {n: c.removed for n, c in result.tables.items()} == {
        "programs": 1, "delegations": 1, "funding": 1}
    with store.reading(db) as con:
        assert _refs_pointing_at_nothing(con) == []
        assert con.execute("select table_name, record_id from history where change = "
                           "'removed' order by 1").fetchall() == [
            ("delegations", "jclair-study-visit-japan-home"),
            ("funding", "jclair-study-visit-apbd"),
            ("programs", "jclair-study-visit-japan")]
        assert con.execute("select count(*) from programs where program_id = "
                           "'jclair-seminar-tokyo'").fetchall() == [(1,)]
        assert con.execute("select count(distinct write_id) from import_log where "
                           "n_removed > 0").fetchall() == [(1,)]


def test_deleting_a_record_nothing_points_to_and_changing_another(sample_store, store_copy):
    """A participant deleted and another one's name changed in the same save: one write,
    one removed and one changed."""
    db = store_copy(sample_store)
    opened = _opened(db, "participants", ["pt-2023-006", "pt-2023-007"])
    edited = opened[opened["participant_id"] == "pt-2023-007"].reset_index(drop=True)
    edited.loc[0, "full_name"] = edited.loc[0, "full_name"] + " Jr."
    result = _save(db, "participants", opened, edited)
    counts = result.tables["participants"]
    assert (counts.removed, counts.changed, counts.added) == (1, 1, 0)
    with store.reading(db) as con:
        assert con.execute("select participant_id from participants where participant_id "
                           "in ('pt-2023-006', 'pt-2023-007')").fetchall() == [
            ("pt-2023-007",)]


def test_the_validator_refuses_a_removal_others_point_to(sample_store, store_copy):
    """Below the question: a removal handed to the importer that would leave records
    pointing at nothing is refused at each of them, in the editor's words (the deletion
    of this edit), not an import's ("replace mode")."""
    from coopdash.workbook import importer

    db = store_copy(sample_store)
    before = _sha(db)
    with pytest.raises(ValidationFailed) as err, store.writing(
            db, actor="ana", what="edit", file_name=grid_edits.FILE_NAME) as con:
        importer.import_frames(con, {}, file_name=grid_edits.FILE_NAME, actor="ana",
                               mode=grid_edits.MODE,
                               removed={"programs": ["jclair-exploratory-meeting"]})
    assert {(i.table, i.column, i.code, i.record) for i in err.value.issues} == {
        ("delegations", "program_id", "ref_deleted", "jclair-exploratory-meeting-home"),
        ("delegations", "program_id", "ref_deleted", "jclair-exploratory-meeting-partner")}
    assert _sha(db) == before
    # the editor's own words, not an import's "replace mode", in both languages
    said = {lang: err.value.issues[0].format(lang) for lang in ("id", "en")}
    assert "this edit deletes" in said["en"] and "replace" not in said["en"]
    assert "dihapus oleh suntingan ini" in said["id"] and "mode ganti" not in said["id"]
    assert all("jclair-exploratory-meeting" in text for text in said.values())


def test_undo_of_a_delete_with_dependents_brings_every_record_back(sample_store, store_copy):
    """Every row of the grid deleted (an empty frame back from the editor) with what
    depends on it, then the keeper's own undo of that write: the program, its delegation
    and its funding line are back, cell for cell, and the change list's trail (history,
    import_added, import_log) is as it was before the delete."""
    from coopdash.store import history

    db = store_copy(sample_store)
    tables = ("programs", "delegations", "funding", "history", "import_log", "import_added")

    def content():
        with store.reading(db) as con:
            return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr)
                    for t in tables}

    before = content()
    opened = _opened(db, "programs", ["jclair-study-visit-japan"])
    _save(db, "programs", opened, opened.iloc[0:0], with_dependents=True)
    assert content() != before
    with store.reading(db) as con:
        (write_id,) = con.execute("select max(write_id) from write_log").fetchall()[0]
    history.undo(db, write_id, actor="ana@office.go.id", admin=False)
    assert content() == before
