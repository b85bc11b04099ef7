"""In a real Chromium against a real `streamlit run`: a keeper edits a record in the
Explorer's editor and sees it on the page and in the Data page's history; a participant's
name and a program's status edited, seen on the Explorer and the Overview, then undone on
the Data page; two keepers editing the same record: the second save is refused, naming
who changed it; a program deleted in the grid with what depends on it, once the keeper
agrees (issue 18 §1). Viewers and analysts have no editor: tests/browser/test_signin.py."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from browser_util import exceptions, run_by, wait_idle, watch_messages
from conftest import OUTPUT, start_server
from playwright.sync_api import expect

from coopdash import store
from coopdash.i18n import code_label, t

pytestmark = pytest.mark.browser
TITLE, STATUS = 3, 5  # programs: program_id, partner_id, agreement_id, title, kind, status
NAME = 2  # participants: participant_id, delegation_id, full_name


@pytest.fixture(scope="module")
def _server(sample_store, tmp_path_factory):
    """One server for the module's tests (a server's start and its first page cost a
    test's worth of seconds on two cores), over a copy of the sample store; yields (url,
    store, the sample's records to put back)."""
    folder = tmp_path_factory.mktemp("editor")
    db, records = folder / "served.duckdb", folder / "sample.duckdb"
    shutil.copy(sample_store, db)
    shutil.copy(sample_store, records)
    proc, url = start_server(db, {"COOPDASH_LANG": "en", "COOPDASH_ACTOR": "ana"})
    yield url, db, records
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def served(_server):
    """(url, store) of the module's server, holding the sample's records: what a test
    wrote is put back after it as one more write (`store.restore`, the same write a keeper
    restoring a backup makes while the dashboard serves), so each test starts from the
    sample whatever ran before it."""
    url, db, records = _server
    before = _last_write(db)
    yield url, db
    if _last_write(db) != before:
        store.restore(db, records, actor="test")


def _open_editor(page, url: str, table: str = "programs") -> None:
    page.goto(f"{url}/explorer?tab={table}")
    wait_idle(page)
    page.locator(".st-key-ex_edit label").click()
    wait_idle(page)
    page.locator(f".st-key-ex_editor_{table}").wait_for()


def _open_cell(page, column: int, table: str = "programs") -> None:
    """Open the editor of the first row's cell of `column` (keyboard, as a person would
    after clicking into the grid)."""
    wait_idle(page)  # a run (the previous cell's) redraws the grid: not while typing
    grid = _drawn(page, table)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + 87)  # a cell of the first column
    # the grid has it: a cell selected, no cell's editor still open (the click closes one)
    page.wait_for_function(_SELECTED, arg=f".st-key-ex_editor_{table}")
    for key in ["ArrowUp"] * 8 + ["ArrowRight"] * column + ["Enter"]:
        page.keyboard.press(key)
    page.wait_for_function(_EDITING)  # the cell's editor opens, with the focus


_SELECTED = """grid => !document.querySelector("#portal *")
    && !!document.querySelector(grid + ' td[aria-selected="true"]')"""
_EDITING = """() => !!document.activeElement?.closest("#portal")"""


def _drawn(page, table: str):
    """The editor's grid once it has drawn its rows (the grid's own accessible table: its
    cells, which it fills with the canvas)."""
    grid = page.locator(f".st-key-ex_editor_{table}")
    grid.locator('td[role="gridcell"]').first.wait_for(state="attached")
    return grid


def _type_in_cell(page, column: int, text: str, table: str = "programs") -> None:
    """Type `text` over the first row's cell of `column`."""
    _open_cell(page, column, table)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.wait_for_function("text => document.activeElement?.matches('#portal textarea') "
                           "&& document.activeElement.value === text", arg=text)
    run_by(page, lambda: page.keyboard.press("Enter"))  # the edit's run, then idle


def _save(page, timeout: float = 60.0) -> str:
    """Click Save and return what the page then says. Every save says something (saved,
    refused, asks, nothing changed): wait for the alerts to change, not only for an idle
    app — under load the click's run can start after `wait_idle` already saw the app
    idle (seen once: '' read back)."""
    alerts = page.locator('[data-testid="stAlert"]')
    before = alerts.all_inner_texts()
    page.locator(".st-key-ex_edit_save button").click()
    deadline = time.monotonic() + timeout
    while alerts.all_inner_texts() in (before, []) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    wait_idle(page)
    assert exceptions(page) == []
    return "\n".join(alerts.all_inner_texts())


def _first_title(db) -> tuple[str, str]:
    with store.reading(db) as con:  # the explorer's default sort: starts_on, newest first
        return con.execute("select program_id, title from programs "
                           "order by starts_on desc nulls last, program_id limit 1"
                           ).fetchall()[0]


def test_two_keepers_edit_the_same_record(served, browser):
    """Both open the editor on the same rows; the first saves; the second's save is
    refused, names who changed the record, keeps the typing, and writes nothing."""
    url, db = served
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1800}) for _ in "12"]
    for context in contexts:
        watch_messages(context)
    first, second = (context.new_page() for context in contexts)
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
    grid = _drawn(page, "programs")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 52)  # the first row's marker: selects it
    grid.locator('tr[aria-selected="true"][aria-rowindex="2"]').wait_for(state="attached")
    run_by(page, lambda: page.keyboard.press("Delete"))  # the deletion's run, then idle
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
    expect(page.locator("td", has_text=title)).to_have_count(0, timeout=60_000)


def _names(db) -> dict[str, str]:
    with store.reading(db) as con:
        return dict(con.execute("select participant_id, full_name from participants"
                                ).fetchall())


def _by_status(db) -> dict[str, int]:
    """The programs per status, as the Overview's programs card says them (every program:
    the Overview counts all as of today)."""
    with store.reading(db) as con:
        rows = con.execute("select status, count(*) from programs group by status").fetchall()
    return {code_label("program_status", code, "en"): n for code, n in rows}


def _shown_by_status(page, url: str) -> dict[str, int]:
    """The Overview programs card's caption read back: "2 Completed · 1 Planned · …"."""
    page.goto(url)
    wait_idle(page)
    label = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(
        "^" + re.escape(t("lead.overview.programs", "en")) + "$"))
    card = page.locator('[data-testid="stColumn"]', has=label)
    text = card.locator('[data-testid="stCaptionContainer"]').first.inner_text().split(
        " · ")[:-1]  # the last part: the programs started this year
    return {m[2]: int(m[1]) for part in text if (m := re.fullmatch(r"(\d+) (.+)", part))}


def _pick_status(page, label: str) -> None:
    _open_cell(page, STATUS)
    run_by(page, page.get_by_role("option", name=label, exact=True).click)  # its run, idle


def _undo_on_data_page(page, url: str, write_id: int) -> None:
    """Undo the write `write_id` on the Data page, where the history lists it as an edit."""
    page.goto(f"{url}/data")
    wait_idle(page)
    page.locator("td", has_text=t("data.what.edit", "en")).first.wait_for(state="attached")
    page.locator(".st-key-data_undo_pick").click()
    page.get_by_role("option").filter(has_text=re.compile(rf"^{write_id} ·")).click()
    wait_idle(page)
    page.locator(f".st-key-data_undo_sure_{write_id} label").click()
    wait_idle(page)
    page.locator(".st-key-data_undo_button button").click()
    wait_idle(page)
    page.get_by_text(t("snap.page.undone", "en", id=write_id)).wait_for()


def _last_write(db) -> int:
    with store.reading(db) as con:
        return con.execute("select max(write_id) from write_log").fetchall()[0][0]


def test_a_keeper_edits_records_sees_them_on_the_pages_then_undoes_it(served, page):
    """The first program's title typed and its status chosen in its drop-down (the
    partner's choices, found by the search box beside the grid, labelled by name and
    id), saved: the Explorer's table shows the title; then a participant's name, on the
    participants tab: the table shows it; the Overview's programs by status are the
    store's; the Data page's history lists the edits, and undoing the first (an undo
    discards the later writes too) puts the name, the title and the figures back."""
    url, db = served
    names, statuses = _names(db), _by_status(db)
    program_id, title = _first_title(db)
    with store.reading(db) as con:
        (old_status, partner_id, partner), = con.execute(
            "select status, partner_id, name from programs join partners using (partner_id) "
            "where program_id = $p", {"p": program_id}).fetchall()
    assert old_status != "cancelled"
    _open_editor(page, url)
    page.locator(".st-key-ex_edit_find_partners input").fill(partner.split(" ")[0])
    page.keyboard.press("Enter")
    wait_idle(page)
    _open_cell(page, 1)  # the partner: the choices the search found, by name and id
    page.get_by_role("option", name=f"{partner} ({partner_id})", exact=True).wait_for()
    page.keyboard.press("Escape")
    _type_in_cell(page, TITLE, "Rapat penjajakan (edited in the browser)")
    _pick_status(page, code_label("program_status", "cancelled", "en"))
    assert "programs: 0 added, 1 changed, 0 removed" in _save(page)
    first_edit = _last_write(db)
    assert _first_title(db) == (program_id, "Rapat penjajakan (edited in the browser)")
    page.locator("td", has_text="Rapat penjajakan (edited in the browser)").first.wait_for(
        state="attached")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "editor-saved.png"), full_page=True)

    page.locator(".st-key-explorer_tab button").filter(
        has_text=t("explorer.tab.participants", "en")).click()
    wait_idle(page)
    page.locator(".st-key-ex_editor_participants").wait_for()
    _type_in_cell(page, NAME, "Nama Diubah di Peramban", "participants")
    assert "participants: 0 added, 1 changed, 0 removed" in _save(page)
    changed = [k for k, v in _names(db).items() if v != names[k]]
    assert len(changed) == 1 and _names(db)[changed[0]] == "Nama Diubah di Peramban"
    page.locator("td", has_text="Nama Diubah di Peramban").first.wait_for(state="attached")

    after = _by_status(db)
    assert after.get("Cancelled") == statuses.get("Cancelled", 0) + 1
    assert _shown_by_status(page, url) == after
    _undo_on_data_page(page, url, first_edit)  # the history lists the edits first
    assert _names(db) == names and _by_status(db) == statuses
    assert _first_title(db) == (program_id, title)
    assert _shown_by_status(page, url) == statuses
    page.goto(f"{url}/explorer?tab=participants")
    wait_idle(page)
    page.locator("td", has_text=names[changed[0]]).first.wait_for(state="attached")
    assert page.locator("td", has_text="Nama Diubah di Peramban").count() == 0
