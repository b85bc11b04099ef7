"""In a real Chromium against a real `streamlit run`: a keeper enters the sample's JCLAIR
case on the Record page alone, into a store that holds none of it (issue 18 §2)."""

from __future__ import annotations

import pytest
import record_case
from browser_util import exceptions, wait_idle
from conftest import OUTPUT, start_server
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coopdash import store
from coopdash.workbook import bootstrap, importer

pytestmark = pytest.mark.browser


@pytest.fixture
def served_empty(tmp_path):
    db = tmp_path / "record.duckdb"
    store.create(db, bootstrap.populate("none"))
    proc, url = start_server(db, {"COOPDASH_LANG": "en"})
    yield url, db
    proc.terminate()
    proc.wait(timeout=20)


def _widget(page, key: str):
    return page.locator(f".st-key-{key}")


def _select(page, key: str, shown: str) -> None:
    """Pick `shown` in the select: wait for the run the previous step started (a text
    field left, another pick: landing meanwhile, it would close the list), type to narrow
    the list (250 countries), click it; if the list closed all the same, again. One wait
    per pick: the run the click starts is the next step's to wait for."""
    field = _widget(page, key).locator("input")  # waits for the lazily drawn select
    for _ in range(3):
        wait_idle(page)
        if field.input_value() == shown:
            return  # the widget's value (picked now, or already)
        field.fill(shown[:30])
        option = page.get_by_role("option", name=shown, exact=True).first
        try:
            option.click(timeout=5000)
        except PlaywrightTimeout:
            field.press("Escape")
            continue
        if field.input_value() == shown:
            return
    wait_idle(page)
    assert field.input_value() == shown, (key, shown)


def _date(page, key: str, iso: str) -> None:
    """Type the date into its year, month and day fields; close the calendar."""
    _widget(page, key).locator("[data-type=year]").click()
    page.keyboard.type(iso.replace("-", ""))
    page.keyboard.press("Escape")


def _type(page, key: str, value: str, tag: str = "input") -> None:
    field = _widget(page, key).locator(tag).first
    field.fill(value)
    field.press("Tab")  # Streamlit takes a text field's value when it loses the focus


def play(page, steps: list[record_case.Step]) -> None:
    """A keeper's steps on the form, typed and clicked in the browser."""
    for kind, key, _value, shown in steps:
        if kind == "select":
            _select(page, key, shown)
        elif kind == "date":
            _date(page, key, shown)
        elif kind in ("text", "number"):
            _type(page, key, shown)
        elif kind == "area":
            _type(page, key, shown, "textarea")
        elif kind == "check":
            _widget(page, key).locator("label").click()
        if kind in ("number", "check", "date"):
            wait_idle(page)  # the form may redraw (more people, the program's fields)


def _save(page) -> str:
    _widget(page, "rec_save").locator("button").click()
    wait_idle(page)
    assert exceptions(page) == []
    alert = page.locator('[data-testid="stAlertContentSuccess"]')
    alert.wait_for(timeout=30_000)
    return alert.inner_text()


def test_the_jclair_case_through_the_form_in_chromium(served_empty, page, tmp_path,
                                                      sample_store):
    """The letter, then the meeting with its 2 + 5 attendees and follow-up, typed into
    the form; with the rest of the sample loaded after, the store's Overview figures and
    its 2023-W20/W21 packs are the sample store's (compared in-process, from the queries
    the pages read: the browser's part is the form; the Overview's cards over the sample
    are tests/apptest's)."""
    url, db = served_empty
    page.goto(f"{url}/record")
    wait_idle(page)
    play(page, record_case.letter_steps())
    assert "milestones: 1 added" in _save(page)
    play(page, record_case.meeting_steps())
    assert "participants: 7 added" in _save(page)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "record-form-saved.png"), full_page=True)
    with store.writing(db, actor="test", what="import") as con:
        importer.import_path(con, record_case.rest_of_sample(tmp_path / "rest"),
                             actor="test")
    assert record_case.overview(db) == record_case.overview(sample_store)
    for week in ("2023-W20", "2023-W21"):
        assert record_case.pack_html(db, week) == record_case.pack_html(sample_store, week), week
