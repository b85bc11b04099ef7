"""What happened in a week (by the records' own dates, filtered), the minutes with their
history, and "since last meeting" — in the review and the HTML pack."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
from collections import Counter

import pytest

from coopdash import settings, store
from coopdash.figures import meeting, weekly
from coopdash.figures.filters import Filters
from coopdash.figures.scope import Scope
from coopdash.i18n import t
from coopdash.pack import document as pack
from coopdash.settings import SAMPLE_DIR
from coopdash.store import query
from coopdash.workbook import meeting_edits


def _csv(name: str) -> list[dict]:
    with open(SAMPLE_DIR / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _people_per_side(program_id: str) -> dict[tuple[str, str], int]:
    """(side, status) -> people, counted from the sample's CSV files."""
    sides = {d["delegation_id"]: d["side"] for d in _csv("delegations")
             if d["program_id"] == program_id}
    return Counter((sides[p["delegation_id"]], p["status"]) for p in _csv("participants")
                   if p["delegation_id"] in sides)


def _text(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", html_text))


@pytest.fixture
def sample_con(sample_store):
    con = store.connect(sample_store, read_only=True)
    yield con
    con.close()


def test_sample_week_21_names_the_jclair_meeting_and_its_attendees(sample_con):
    """2023-W21: the pack names the JCLAIR meeting of 22 May 2023 and how many attended
    on each side, though its records were loaded years later."""
    week = weekly.Week.parse("2023-W21")
    meeting_row = next(p for p in _csv("programs") if p["starts_on"] == "2023-05-22")
    counts = _people_per_side(meeting_row["program_id"])
    assert counts[("home", "attended")] and counts[("partner", "attended")]
    text = _text(pack.build_html(sample_con, week, Scope.of(settings.get()), "en"))
    assert meeting_row["title"] in text
    assert "22 May 2023" in text
    for side in ("home", "partner"):
        assert f"{counts[(side, 'attended')]} attended" in text
    review = pack.build_review(sample_con, week, Scope.of(settings.get()), "en")
    people = review.happened.people().set_index("side")
    assert people.loc["home", "attended"] == counts[("home", "attended")]
    assert people.loc["partner", "attended"] == counts[("partner", "attended")]
    # the meeting milestone and the follow-up opened that day are listed too
    assert "bpsdm-jclair-meeting-2023-05-22" in set(review.happened.milestones["milestone_id"])
    assert list(review.happened.actions["event"]) == ["opened"]


def test_sample_week_20_names_the_bpsdm_letter(sample_con):
    """2023-W20: the pack names the BPSDM letter of 19 May 2023 with its number."""
    letter = next(m for m in _csv("milestones") if m["kind"] == "letter")
    assert letter["occurred_on"] == "2023-05-19"
    text = _text(pack.build_html(sample_con, weekly.Week.parse("2023-W20"),
                                 Scope.of(settings.get()), "id"))
    assert letter["title"] in text and letter["reference"] in text
    assert "19 Mei 2023" in text
    assert t("meeting.happened", "id") in text


def test_happened_follows_the_sidebar_filters(sample_con):
    """A filter that leaves out the JCLAIR programs (kind) or partner empties the lists it
    reaches; a kind filter keeps the agreement's milestones (they have no kind)."""
    week = weekly.Week.parse("2023-W21")
    seminars = Scope.of(settings.get(), Filters(kinds=("seminar",)))
    seminar = pack.build_review(sample_con, week, seminars, "en").happened
    assert seminar.programs.empty and len(seminar.milestones) == 1
    nobody = Scope.of(settings.get(), Filters(partners=("nobody",)))
    other = pack.build_review(sample_con, week, nobody, "en").happened
    assert other.n_events == 0
    text = _text(pack.build_html(sample_con, week, nobody, "en"))
    assert t("meeting.happened_none", "en") in text


def test_the_packs_public_functions_take_one_scope():
    """The page, the command line and the e-mail hand the pack one `Scope` (filters,
    currency, today, home country, right to names), never those one by one."""
    import inspect

    from coopdash.pack import deck, mail

    entries = {"build_review": pack.build_review, "build_html": pack.build_html,
               "make_pack": pack.make_pack, "render_html": pack.render_html,
               "deck.render": deck.render, "mail.send_pack": mail.send_pack}
    for name, function in entries.items():
        params = inspect.signature(function).parameters
        assert params["scope"].annotation == "Scope", name
        assert not {"filters", "currency", "show_names", "home", "today"} & set(params), name


def test_a_quiet_week_says_nothing_happened(sample_con):
    """A week with no dated record says so, rather than showing empty tables."""
    r = pack.build_review(sample_con, weekly.Week.parse("2024-W10"), Scope.of(settings.get()),
                          "en")
    assert r.happened.n_events == 0


def _runner(con, today):
    base = Scope.of(settings.get(), Filters(), today=today).params()
    return lambda name, extra: query.run(con, name, {**base, **extra})


def test_minutes_saved_with_history_and_since_last_meeting(store_copy, sample_store):
    """Minutes saved twice keep the first text in history with who saved it; follow-ups
    created in that meeting show next week as done / open / overdue."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    w1, w2 = weekly.Week.parse("2026-W47"), weekly.Week.parse("2026-W48")
    today = dt.date(2026, 11, 25)
    try:
        meeting_edits.save_minutes(con, w1.label, "## Rapat\n- setuju", "ana", w1.start)
        meeting_edits.save_minutes(con, w1.label, "## Rapat\n- setuju\n- revisi", "budi", w1.start)
        for aid, due, status, closed in (("m1", "2026-11-20", "open", ""),
                                         ("m2", "2026-12-20", "open", ""),
                                         ("m3", "2026-11-20", "done", "2026-11-21")):
            meeting_edits.save_action(con, {"action_id": aid, "title": aid, "owner": "BPSDM",
                                    "opened_on": w1.start, "due_on": due, "status": status,
                                    "closed_on": closed, "meeting_week": w1.label},
                              actor="ana")
        run = _runner(con, today)
        this = meeting.meeting(run, w1, today)
        nxt = meeting.meeting(run, w2, today)
    finally:
        con.close()
    assert this.notes == "## Rapat\n- setuju\n- revisi"
    assert list(this.history["old_value"]) == ["## Rapat\n- setuju"]
    assert list(this.history["actor"]) == ["budi"]
    assert this.minutes["n_saves"].iloc[0] == 2
    assert set(this.created["action_id"]) == {"m1", "m2", "m3"}
    assert nxt.last_week == w1.label and nxt.last_notes == this.notes
    assert dict(zip(nxt.last_actions["action_id"], nxt.last_actions["state"], strict=True)) == {
        "m1": "overdue", "m2": "open", "m3": "done"}
    assert nxt.last_states() == {"done": 1, "open": 1, "overdue": 1, "dropped": 0}
    assert nxt.minutes.empty and nxt.created.empty


def test_demo_pack_opens_with_since_last_meeting(demo_store, monkeypatch):
    """The demo's next meeting opens with the last demo minutes and their follow-ups."""
    con = store.connect(demo_store, read_only=True)
    try:
        today = dt.date.today()
        week = weekly.Week.of(today)
        html_text = pack.build_html(con, week, Scope.of(settings.get()), "en")
        last = con.execute("select max(meeting_week) from minutes").fetchall()[0][0]
        created = con.execute("select status, due_on from actions where meeting_week = $w",
                              {"w": last}).fetchall()
    finally:
        con.close()
    assert last == week.previous.label
    sections = re.findall(r'<section id="([a-z]+)"', html_text)
    assert sections[:3] == ["figures", "since", "happened"]
    since = html_text[html_text.index('<section id="since"'):]
    since = _text(since[:since.index("</section>")])
    assert t("meeting.since", "en", week=last) in since
    assert f"Demo minutes no. {6}" in since
    assert created
    states = Counter(s if s != "open" else "overdue" if due and due < today else "open"
                     for s, due in created)
    expected = meeting.states_text({s: states.get(s, 0) for s in meeting.STATES}, "en")
    assert t("meeting.since_actions", "en", states=expected) in since


def _week_review(con, filters: Filters, today: dt.date) -> weekly.Review:
    base = Scope.of(settings.get(), filters, today=today).params()
    return weekly.review(lambda name, extra: query.run(con, name, {**base, **extra}),
                         weekly.Week.of(today), today, lines=1000)


def test_change_list_follows_the_filters_and_names_removed_records(tmp_path, store_copy,
                                                                   sample_store):
    """With a program-kind filter the change list keeps the seminar's changes and drops the
    webinar's; exchange rates (no filter can place them) and a removed follow-up stay, the
    latter named by its last label; the counts agree with the lines."""
    from coopdash.workbook import importer
    from tests.fixtures_store import write_csvs

    db = store_copy(sample_store)
    programs = {p["program_id"]: p for p in _csv("programs")}
    removed = _csv("actions")[0]
    con = store.connect(db, read_only=False)
    try:
        rows = [dict(programs["jclair-seminar-tokyo"], title="Seminar Tokyo (renamed)"),
                dict(programs["jclair-joint-webinars"], title="Webinar (renamed)")]
        head = ",".join(rows[0])
        body = "\n".join(",".join(f'"{v}"' for v in r.values()) for r in rows)
        importer.import_path(con, write_csvs(tmp_path / "a", {
            "programs": f"{head}\n{body}\n",
            "delegations": "delegation_id,program_id,side,seats_planned\n"
                           "jclair-seminar-tokyo-home,jclair-seminar-tokyo,home,3\n",
            "fx_rates": "currency,valid_from,idr_per_unit\nJPY,2026-01-01,105.50\n"}))
        importer.import_path(con, write_csvs(tmp_path / "b", {
            "actions": "action_id,agreement_id,title,owner,opened_on,status\n"
                       "wk-new,bpsdm-jclair,Kirim surat balasan,BPSDM,2026-11-20,open\n"}),
            replace=True)
        today = dt.date.today()
        every = _week_review(con, Filters(), today)
        seminar = _week_review(con, Filters(kinds=("seminar",)), today)
    finally:
        con.close()
    lines = {(r.table_name, r.record_id, r.change) for r in seminar.changes.itertuples()}
    assert ("programs", "jclair-seminar-tokyo", "changed") in lines
    assert ("delegations", "jclair-seminar-tokyo-home", "changed") in lines
    assert ("fx_rates", "JPY@2026-01-01", "added") in lines
    assert ("actions", "wk-new", "added") in lines
    assert ("actions", removed["action_id"], "removed") in lines
    assert ("programs", "jclair-joint-webinars", "changed") not in lines
    assert ("programs", "jclair-joint-webinars", "changed") in {
        (r.table_name, r.record_id, r.change) for r in every.changes.itertuples()}
    gone = seminar.changes[seminar.changes["change"] == "removed"]
    assert list(gone["record_label"]) == [removed["title"]]
    shown = weekly.change_lines(gone, "en")["record"].iloc[0]
    assert removed["title"] in shown
    for review in (every, seminar):  # counted in SQL == counted on the lines
        assert review.n_change_lines == len(review.changes)
        expected = weekly.change_summary(review.changes)
        assert review.summary.reset_index(drop=True).astype(str).equals(
            expected.astype(str)), (review.summary, expected)
