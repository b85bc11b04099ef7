"""The Weekly review page's meeting parts (AppTest): what happened, since last meeting,
the minutes editor with history, follow-ups linked to the week, whole lists offered."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from coopdash import settings, store
from coopdash.figures.scope import Scope
from coopdash.i18n import t
from coopdash.workbook import importer
from tests.unit.test_meeting import _csv, _people_per_side


@pytest.fixture(autouse=True)
def _apptest_pages_mode(monkeypatch):
    """AppTest sets Streamlit's legacy-pages flag back before every run, so each run would
    start in the legacy mode and `coopdash.web.legacy_pages` would rerun it, dropping the
    click that started it (a form submit); a real server sets the flag once per process.
    AppTest's own PagesManager leaves the mode at once, as a real server's later runs do.
    (The same fix is on its way to tests/conftest.py; this keeps these form tests honest
    meanwhile.)"""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class _NoLegacyPages(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", _NoLegacyPages)


def _weekly(at, week: str | None = None):
    """The Weekly review page on `week` (the picker offers a chosen week even when it is
    older than its list, as a shared link does)."""
    at.run()
    if week:
        at.session_state["weekly_week"] = week
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, at.exception
    return at


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric]
    for df in at.dataframe:
        parts += [str(v) for v in df.value.to_numpy().ravel()]
    return "\n".join(parts)


def test_page_shows_what_happened_in_the_sample_week(app, sample_store):
    """2023-W21 on the page: the JCLAIR meeting of 22 May 2023 with its attendees per side,
    the meeting milestone, and which date places a record in a week."""
    at = _weekly(app(sample_store, lang="en"), "2023-W21")
    text = _texts(at)
    row = next(p for p in _csv("programs") if p["starts_on"] == "2023-05-22")
    counts = _people_per_side(row["program_id"])
    assert row["title"] in text and "22 May 2023" in text
    [people] = [df.value for df in at.dataframe
                if t("meeting.attended", "en") in df.value.columns]
    assert people.to_dict("list") == {
        "Side": ["Home side", "Partner side"], "Seats planned": ["—", "—"],
        t("meeting.confirmed", "en"): [  # confirmed or attended: one meaning everywhere
            str(counts[(side, "confirmed")] + counts[(side, "attended")])
            for side in ("home", "partner")],
        "Attended": [str(counts[("home", "attended")]), str(counts[("partner", "attended")])]}
    assert t("meeting.happened_note", "en") in text
    assert t("meeting.since_none", "en") in text


def test_keeper_writes_minutes_and_next_week_opens_with_them(app, store_copy, sample_store,
                                                             monkeypatch):
    """A keeper saves the week's minutes twice and adds a follow-up in the meeting: the
    store holds the last text by the actor, history the first; the follow-up carries the
    week; next week's page opens with those minutes and the follow-up's state."""
    monkeypatch.setenv("COOPDASH_TODAY", "2026-11-25")
    db = store_copy(sample_store)
    at = _weekly(app(db, lang="en"), "2026-W47")
    at.text_area(key="wk_minutes_text_2026-W47").set_value("## Rapat\n- **Setuju** MoU")
    at.button(key="wk_minutes_save_2026-W47").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert t("meeting.minutes_saved", "en", week="2026-W47") in [s.value for s in at.success]
    at.text_area(key="wk_minutes_text_2026-W47").set_value("## Rapat\n- **Setuju** MoU\n"
                                                           "- Kirim surat")
    at.button(key="wk_minutes_save_2026-W47").click().run()
    at.text_input(key="wk_add_title").set_value("Kirim surat balasan ke JCLAIR")
    at.text_input(key="wk_add_owner").set_value("Sekretariat BPSDM")
    at.date_input(key="wk_add_due").set_value(dt.date(2026, 11, 20))
    at.button(key="wk_add_submit").click().run()
    assert not at.exception, at.exception
    con = store.connect(db)
    try:
        minutes = con.execute("select notes, recorded_by from minutes").fetchall()
        old = con.execute("select old_value from history where table_name = 'minutes' "
                          "and field = 'notes'").fetchall()
        linked = con.execute("select title, meeting_week from actions where meeting_week "
                             "is not null").fetchall()
    finally:
        con.close()
    assert minutes == [("## Rapat\n- **Setuju** MoU\n- Kirim surat", "pytest")]
    assert old == [("## Rapat\n- **Setuju** MoU",)]
    assert linked == [("Kirim surat balasan ke JCLAIR", "2026-W47")]
    at.selectbox(key="weekly_week").set_value("2026-W48").run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert t("meeting.since", "en", week="2026-W47") in text
    assert "- Kirim surat" in text  # the last meeting's minutes, as Markdown
    states = t("meeting.states.overdue", "en", n="1")  # due 20 Nov, open on 25 Nov
    assert t("meeting.since_actions", "en", states=states) in text


def test_viewer_reads_minutes_without_an_editor(app, demo_store):
    """A viewer sees the last meeting's minutes but no minutes editor nor forms."""
    at = _weekly(app(demo_store, lang="en", role="viewer"))
    assert not [a for a in at.text_area]
    assert "Demo minutes no. 6." in _texts(at)


def test_a_list_cut_at_300_rows_says_how_many_more_and_offers_the_whole(
        app, store_copy, sample_store, monkeypatch):
    """320 overdue follow-ups: the page shows 300, says 20 more, and offers the whole list
    (320 rows) as a download."""
    monkeypatch.setenv("COOPDASH_TODAY", "2026-11-25")
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    try:
        importer.import_frames(con, {"actions": pd.DataFrame([
            {"action_id": f"a{i:03d}", "title": f"Follow-up {i}", "owner": "BPSDM",
             "opened_on": "2026-01-05", "due_on": "2026-02-01", "status": "open"}
            for i in range(320)])}, file_name="t", actor="t")
    finally:
        con.close()
    at = _weekly(app(db, lang="en"))
    overdue = 320 + sum(1 for a in _csv("actions") if a["status"] == "open" and a["due_on"])
    assert [len(df.value) for df in at.dataframe if len(df.value) >= 300] == [300]
    assert t("weekly.more_shown", "en", n=str(overdue - 300)) in [c.value for c in at.caption]
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("meeting.whole_list", "en", n=str(overdue)) in labels


def test_every_format_holds_the_pages_figures_for_the_sample(app, store_copy, sample_store,
                                                            tmp_path):
    """Sample, 2023-W21: the figures the page shows are those of the HTML pack (data
    attributes), the deck (its figures table) and the PDF (pdftotext), and every format
    names the 22 May 2023 meeting."""
    import io
    import re
    import shutil
    import subprocess

    from pptx import Presentation

    from coopdash.figures import weekly
    from coopdash.pack import document as pack

    db = store_copy(sample_store)
    at = _weekly(app(db, lang="en"), "2023-W21")
    shown = {m.label: int(re.sub(r"\D", "", m.value)) for m in at.metric}
    labels = {weekly.heading(f"fig.{k}", "en"): k for k in weekly.FIGURES}
    assert set(shown) == set(labels)
    con = store.connect(db)
    try:
        week = weekly.Week.parse("2023-W21")
        html_bytes, _ = pack.make_pack(con, week, "html", Scope.of(settings.get()), "en")
        deck_bytes, _ = pack.make_pack(con, week, "pptx", Scope.of(settings.get()), "en")
    finally:
        con.close()
    html_text = html_bytes.decode("utf-8")
    in_html = {k: int(v) for k, v in
               re.findall(r'data-key="([a-z_0-9]+)" data-value="(-?\d+)"', html_text)}
    assert {label: in_html[key] for label, key in labels.items()} == shown
    rows = [[c.text for c in r.cells]
            for r in list(Presentation(io.BytesIO(deck_bytes)).slides)[1].shapes[1].table.rows]
    assert {r[0]: int(re.sub(r"\D", "", r[1])) for r in rows[1:]} == shown
    meeting_title = next(p["title"] for p in _csv("programs") if p["starts_on"] == "2023-05-22")
    assert meeting_title in html_text
    if pack.pdf_available() and shutil.which("pdftotext"):
        pdf = tmp_path / "pack.pdf"
        pdf.write_bytes(pack.html_to_pdf(html_text))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = " ".join(text.split())
        for label in shown:
            assert label in flat
        assert "22 May 2023" in flat and "5 attended" in flat


def test_saving_the_same_minutes_again_publishes_nothing_and_says_so(app, store_copy,
                                                                      sample_store,
                                                                      monkeypatch):
    """The same text saved twice: the second save is not a success, says nothing changed,
    and publishes no new version of the store."""
    from coopdash.store import snapshots

    monkeypatch.setenv("COOPDASH_TODAY", "2026-11-25")
    db = store_copy(sample_store)
    at = _weekly(app(db, lang="en"), "2026-W47")
    at.text_area(key="wk_minutes_text_2026-W47").set_value("## Rapat\n- setuju")
    at.button(key="wk_minutes_save_2026-W47").click().run()
    assert t("meeting.minutes_saved", "en", week="2026-W47") in [s.value for s in at.success]
    published = snapshots.current(db)
    at.text_area(key="wk_minutes_text_2026-W47").set_value("## Rapat\n- setuju")
    at.button(key="wk_minutes_save_2026-W47").click().run()
    assert not at.exception and not at.success
    assert [i.value for i in at.info if i.value == t("weekly.edit.unchanged", "en")]
    assert snapshots.current(db) == published
