"""The Data page: a replace that removes stored records says how many per table and waits
for the keeper's confirmation; emptying a table is named (issue 13)."""

from __future__ import annotations

from coopdash import store
from tests.fixtures_store import sha256

MILESTONES = "milestone_id,agreement_id,occurred_on,kind,title,channel,reference\n"


def test_replace_that_empties_a_table_needs_a_confirmation(app, sample_store, store_copy):
    """A header-only milestones.csv in Replace mode: the page says 2 records will be lost
    and the table left empty; Load stays disabled, and nothing is written, until the
    keeper ticks the confirmation; then the table is emptied."""
    db = store_copy(sample_store)
    before = sha256(db)
    at = app(db, lang="en").run()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="data_upload").upload("milestones.csv", MILESTONES.encode()).run()
    at.radio(key="data_mode").set_value("replace").run()
    at.button(key="data_check_button").click().run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "table milestones will lose 2 stored records" in warning
    assert "The table milestones will be left empty" in warning
    assert at.button(key="data_apply_button").disabled
    assert sha256(db) == before
    at.checkbox(key="data_confirm_losses").check().run()
    assert not at.button(key="data_apply_button").disabled
    at.button(key="data_apply_button").click().run()
    assert not at.exception
    with store.reading(db) as con:  # the current version by its own name, not the path
        assert con.execute("select count(*) from milestones").fetchall()[0][0] == 0
