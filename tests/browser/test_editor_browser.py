"""In a real Chromium against a real `streamlit run`: a keeper edits a record in the
Explorer's editor and sees it on the page and in the Data page's history; two keepers
editing the same record: the second save is refused, naming who changed it; a program
deleted in the grid with what depends on it, once the keeper agrees (issue 18 §1)."""

from __future__ import annotations

import shutil

import pytest
from browser_util import exceptions, wait_idle
from conftest import OUTPUT, start_server

from coopdash import store
from coopdash.i18n import t

pytestmark = pytest.mark.browser
TITLE = 3  # programs: program_id, partner_id, agreement_id, title


@pytest.fixture
def served(sample_store, tmp_path):
    db = tmp_path / "served.duckdb"
    shutil.copy(sample_store, db)
    proc, url = start_server(db, {"COOPDASH_LANG": "en", "COOPDASH_ACTOR": "ana"})
    yield url, db
    proc.terminate()
    proc.wait(timeout=20)


def _open_editor(page, url: str) -> None:
    page.goto(f"{url}/explorer?tab=programs")
    wait_idle(page)
    page.locator(".st-key-ex_edit label").click()
    wait_idle(page)
    page.locator(".st-key-ex_editor_programs").wait_for()


def _type_in_cell(page, column: int, text: str) -> None:
    """Type `text` over the first row's cell of `column` (keyboard, as a person would after
    clicking into the grid)."""
    grid = page.locator(".st-key-ex_editor_programs")
    grid.locator("canvas").first.wait_for()
    page.wait_for_timeout(500)  # the grid draws its cells after the canvas appears
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + 87)  # a cell of the first column
    page.wait_for_timeout(300)
    for key in ["ArrowUp"] * 8 + ["ArrowRight"] * column + ["Enter"]:
        page.keyboard.press(key)
    page.wait_for_timeout(300)  # the cell's editor opens
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    wait_idle(page)


def _save(page) -> str:
    page.locator(".st-key-ex_edit_save button").click()
    wait_idle(page)
    assert exceptions(page) == []
    return "\n".join(page.locator('[data-testid="stAlert"]').all_inner_texts())


def _first_title(db) -> tuple[str, str]:
    with store.reading(db) as con:  # the explorer's default sort: starts_on, newest first
        return con.execute("select program_id, title from programs "
                           "order by starts_on desc nulls last, program_id limit 1"
                           ).fetchall()[0]


def test_a_keeper_edits_a_title_and_sees_it(served, page):
    """Edit the first program's title in the editor, save: the table above shows it, the
    store holds it, and the Data page's history lists the edit."""
    url, db = served
    program_id, _old = _first_title(db)
    _open_editor(page, url)
    _type_in_cell(page, TITLE, "Rapat penjajakan (edited in the browser)")
    assert "programs: 0 added, 1 changed, 0 removed" in _save(page)
    page.locator("td", has_text="Rapat penjajakan (edited in the browser)").first.wait_for(
        state="attached")
    assert _first_title(db) == (program_id, "Rapat penjajakan (edited in the browser)")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "editor-saved.png"), full_page=True)
    page.goto(f"{url}/data")
    wait_idle(page)
    page.locator("td", has_text=t("data.what.edit", "en")).first.wait_for(state="attached")


def test_two_keepers_edit_the_same_record(served, browser):
    """Both open the editor on the same rows; the first saves; the second's save is
    refused, names who changed the record, keeps the typing, and writes nothing."""
    url, db = served
    first, second = (browser.new_context(viewport={"width": 1400, "height": 1800}).new_page()
                     for _ in range(2))
    _open_editor(first, url)
    _open_editor(second, url)
    _type_in_cell(first, TITLE, "First keeper's title")
    assert "1 changed" in _save(first)
    with store.reading(db) as con:
        before = con.execute("select count(*) from write_log").fetchall()
    _type_in_cell(second, TITLE, "Second keeper's title")
    said = _save(second)
    assert "changed by ana" in said and "Not saved" in said, said
    assert _first_title(db)[1] == "First keeper's title"
    with store.reading(db) as con:
        assert con.execute("select count(*) from write_log").fetchall() == before
    for p in (first, second):
        p.context.close()


def _dependents_of(db, program_id: str) -> tuple[int, int]:
    with store.reading(db) as con:
        return con.execute(
            "select count(distinct d.delegation_id), count(p.participant_id) from delegations d "
            "left join participants p using (delegation_id) where d.program_id = $p",
            {"p": program_id}).fetchall()[0]


def test_a_keeper_deletes_a_program_with_its_dependents(served, page):
    """Select the first program's row in the grid and delete it (the Delete key), Save:
    the page says what depends on it and asks, nothing is written; "Delete them all":
    the program and its delegations are gone from the store and the table."""
    url, db = served
    program_id, title = _first_title(db)
    delegations, _people = _dependents_of(db, program_id)
    assert delegations > 0
    _open_editor(page, url)
    grid = page.locator(".st-key-ex_editor_programs")
    grid.locator("canvas").first.wait_for()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 52)  # the first row's marker: selects it
    page.wait_for_timeout(300)
    page.keyboard.press("Delete")
    page.wait_for_timeout(300)
    wait_idle(page)
    said = _save(page)
    assert f"delegations: {delegations} (" in said, said
    assert _dependents_of(db, program_id)[0] == delegations  # nothing written yet
    page.locator(".st-key-ex_edit_delete_all button").click()
    wait_idle(page)
    assert exceptions(page) == []
    with store.reading(db) as con:
        assert con.execute("select count(*) from programs where program_id = $p",
                           {"p": program_id}).fetchall() == [(0,)]
    assert _dependents_of(db, program_id) == (0, 0)
    assert page.locator("td", has_text=title).count() == 0
