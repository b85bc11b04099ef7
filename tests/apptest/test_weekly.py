"""Weekly review: ISO weeks, the changes of a week from import_log/history, the upcoming and
overdue lists for a fixed today, and follow-ups added and closed on the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from coopdash import settings, store
from coopdash.figures import weekly
from coopdash.figures.filters import Filters
from coopdash.i18n import t
from coopdash.settings import SAMPLE_DIR
from coopdash.store import query
from coopdash.web import warmup
from coopdash.workbook import importer, meeting_edits

TODAY = dt.date(2026, 11, 25)  # a Wednesday; its ISO week is 2026-W48 (23–29 Nov)


def sample(table: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / f"{table}.csv", dtype=str, keep_default_na=False)


def runner(con, show_names: bool = True, filters: Filters | None = None, today=TODAY):
    base = {**(filters or Filters()).params(), "currency": "IDR", "today": today,
            "home": "ID", "show_names": show_names}
    return lambda name, extra: query.run(con, name, {**base, **extra})


def _shift_history(con, days: int) -> None:
    """Move every recorded import `days` back (so it belongs to an earlier week)."""
    con.execute(f"update import_log set imported_at = imported_at - interval {days} day")
    con.execute(f"update history set changed_at = changed_at - interval {days} day")


def _move_to_today(con) -> None:
    """Move what was recorded after TODAY (a write made now, on the real date) to TODAY."""
    for table, column in (("import_log", "imported_at"), ("history", "changed_at")):
        con.execute(f"update {table} set {column} = $day::timestamp + "
                    f"({column} - date_trunc('day', {column})) where {column}::date > $day",
                    {"day": TODAY})


# --- weeks ---------------------------------------------------------------------------------

def test_iso_week_bounds_and_parsing():
    """2026-W48 runs Monday 23 to Sunday 29 November; bad text falls back only if asked."""
    w = weekly.Week.parse("2026-W48")
    assert (w.start, w.end, w.label) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29), "2026-W48")
    assert weekly.Week.of(dt.date(2021, 1, 3)).label == "2020-W53"  # ISO year differs
    assert weekly.Week.parse("2026-w1", default=TODAY) == w  # the workbook's form only
    assert w.previous.label == "2026-W47" and w.shift(6).label == "2027-W01"
    assert weekly.Week.parse("2026-W60", default=TODAY) == w
    with pytest.raises(ValueError):
        weekly.Week.parse("2026-11-25")
    assert w.reference_day(TODAY) == TODAY
    assert w.reference_day(dt.date(2027, 1, 5)) == w.end
    assert w.reference_day(dt.date(2026, 1, 5)) == w.start


# --- the changes of a week -----------------------------------------------------------------

@pytest.fixture
def two_imports(store_copy, sample_store, monkeypatch):
    """Sample store; a first workbook (seats 1) imported two weeks ago; then a second one
    that sets the seats to 2, closes the action and removes a program (replace). Today is
    the fixed TODAY (a Wednesday) and the imports are moved to it, so the week does not
    depend on the real date (no failure across a Sunday midnight)."""
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    first = sample("delegations")
    first.loc[first["delegation_id"] == "jclair-seminar-tokyo-home", "seats_planned"] = "1"
    importer.import_frames(con, {"delegations": first}, file_name="book-1.xlsx", actor="ana")
    _shift_history(con, 14)
    second = {"delegations": sample("delegations"), "actions": sample("actions"),
              "programs": sample("programs")}
    second["delegations"].loc[second["delegations"]["delegation_id"]
                              == "jclair-seminar-tokyo-home", "seats_planned"] = "2"
    second["actions"].loc[0, ["status", "closed_on"]] = ["done", TODAY.isoformat()]
    second["programs"] = second["programs"][
        second["programs"]["program_id"] != "jclair-joint-webinars"]
    importer.import_frames(con, second, file_name="book-2.xlsx", replace=True, actor="budi")
    last = con.execute("select max(imported_at)::date from import_log").fetchone()[0]
    _shift_history(con, (last - TODAY).days)  # the second import: on TODAY
    yield con
    con.close()


def _norm(v):
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def test_review_lists_exactly_the_changes_of_the_week(two_imports):
    """The week of the second import lists seats 1 -> 2, the action closed, the program
    removed (history keeps its last title) — and nothing of the first import or of the
    sample."""
    week = weekly.Week.of(TODAY)
    r = weekly.review(runner(two_imports, today=TODAY), week, TODAY)
    got = {(x.table_name, x.record_id, x.change, _norm(x.field), _norm(x.old_value),
            _norm(x.new_value)) for x in r.changes.itertuples()}
    today = TODAY.isoformat()
    assert got == {
        ("delegations", "jclair-seminar-tokyo-home", "changed", "seats_planned", "1", "2"),
        ("actions", "jclair-hq-follow-up", "changed", "status", "open", "done"),
        ("actions", "jclair-hq-follow-up", "changed", "closed_on", "", today),
        ("programs", "jclair-joint-webinars", "removed", "", "Kegiatan webinar bersama", ""),
    }
    assert set(r.changes["actor"]) == {"budi"}
    assert set(r.changes["file_name"]) == {"book-2.xlsx"}
    summary = weekly.change_summary(r.changes).set_index("table_name")
    assert summary.loc["programs", "n_removed"] == 1
    assert summary.loc["delegations", "n_changed"] == 1
    logged = r.imports.set_index("table_name")
    assert logged.loc["programs", "n_removed"] == 1 and logged.loc["actions", "n_changed"] == 1
    # readable: code labels on both sides, the field named in words
    lines = weekly.change_lines(r.changes, "en")
    status = lines[lines["field"] == t("weekly.field.status", "en")].iloc[0]
    assert status["old"] == "Open (open)" or status["old"].endswith("(open)")
    assert status["new"].endswith("(done)")
    # two weeks before: the first workbook (with the sample it was imported over)
    before = weekly.review(runner(two_imports), week.shift(-2), TODAY)
    first = before.changes[before.changes["file_name"] == "book-1.xlsx"]
    assert [(x.record_id, x.field, x.new_value) for x in first.itertuples()] == [
        ("jclair-seminar-tokyo-home", "seats_planned", "1")]


def test_a_participants_name_and_position_changes_are_masked_for_a_viewer(two_imports):
    """A participant's new name and new position (one regency's head is one person) are
    listed with their values for a role that sees names, and as a mask, on the line of
    their delegation, for one that does not."""
    people = sample("participants")
    row = people.index[people["participant_id"] == "pt-2023-003"][0]
    old = people.loc[row, ["full_name", "position"]].tolist()
    people.loc[row, ["full_name", "position"]] = ["Mr. Renamed", "Bupati Contoh"]
    importer.import_frames(two_imports, {"participants": people}, file_name="book-3.xlsx",
                           actor="citra")
    week = weekly.Week.of(TODAY)
    last = two_imports.execute("select max(imported_at)::date from import_log").fetchone()[0]
    _shift_history(two_imports, (last - TODAY).days)

    def lines(show_names):
        r = weekly.review(runner(two_imports, show_names=show_names), week, TODAY)
        mine = r.changes[r.changes["table_name"] == "participants"]
        return {(x.record_id, x.field, x.old_value, x.new_value) for x in mine.itertuples()}

    assert lines(True) == {("pt-2023-003", "full_name", old[0], "Mr. Renamed"),
                           ("pt-2023-003", "position", old[1], "Bupati Contoh")}
    delegation = people.loc[row, "delegation_id"]
    assert lines(False) == {(delegation, "full_name", "•••", "•••"),
                            (delegation, "position", "•••", "•••")}


def test_changes_figure_against_previous_week(two_imports):
    """The 'changes recorded' figure counts this week's records and shows last week's."""
    week = weekly.Week.of(TODAY)
    r = weekly.review(runner(two_imports), week, TODAY)
    fig = r.figures.set_index("key").loc["n_changes"]
    assert fig["value"] == 3  # one delegation changed, one action changed, one program removed
    assert fig["previous"] == 0  # the week before: nothing (the first import is 2 weeks back)
    assert fig["delta"] == 3
    two_back = weekly.review(runner(two_imports), week.shift(-1), TODAY)
    assert two_back.figures.set_index("key").loc["n_changes", "previous"] > 0


# --- upcoming, expiring, overdue for a fixed today --------------------------------------------

def _d(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def dated_store(store_copy, sample_store):
    """The sample plus records dated around TODAY, one per edge of every list."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    programs = pd.DataFrame([
        # id, status, starts, ends
        ("p-soon", "confirmed", _d(5), _d(8)),       # starts in 5 days -> 14-day list
        ("p-later", "planned", _d(20), _d(22)),      # starts in 20 days -> 30-day list
        ("p-ending", "ongoing", _d(-10), _d(10)),    # ends in 10 days -> 14-day list
        ("p-far", "planned", _d(45), _d(46)),        # beyond 30 days -> not listed
        ("p-late", "planned", _d(-3), _d(2)),        # past start, still planned; ends in 2
        ("p-cancelled", "cancelled", _d(3), _d(4)),  # cancelled -> not listed
    ], columns=["program_id", "status", "starts_on", "ends_on"]).assign(
        partner_id="jclair-sg", title=lambda d: "Program " + d["program_id"], kind="seminar",
        mode="in_person", host_country="JP")
    delegations = pd.DataFrame({"delegation_id": ["d-soon"], "program_id": ["p-soon"],
                                "side": ["home"], "seats_planned": ["3"]})
    participants = pd.DataFrame({
        "participant_id": ["x1", "x2", "x3"], "delegation_id": ["d-soon"] * 3,
        "full_name": ["A", "B", "C"], "status": ["confirmed", "attended", "nominated"]})
    agreements = pd.DataFrame([
        ("ag-expiring", "active", _d(60)),   # ends within 90 days
        ("ag-far", "active", _d(120)),       # beyond 90 days
        ("ag-explore-quiet", "exploration", ""),
        ("ag-explore-busy", "exploration", ""),
    ], columns=["agreement_id", "stage", "ends_on"]).assign(
        partner_id="jclair-sg", title=lambda d: "Agreement " + d["agreement_id"],
        instrument="mou")
    milestones = pd.DataFrame([
        ("m1", "ag-explore-quiet", _d(-61)),  # quiet for 61 days -> listed
        ("m2", "ag-explore-busy", _d(-10)),   # recent -> not listed
    ], columns=["milestone_id", "agreement_id", "occurred_on"]).assign(
        kind="meeting", title="Meeting")
    actions = pd.DataFrame([
        ("a-overdue", _d(-2), "open"),      # overdue
        ("a-this-week", _d(3), "open"),     # due Saturday of this week
        ("a-next-week", _d(6), "open"),     # due next Tuesday -> not listed
        ("a-done", _d(-5), "done"),         # closed -> not listed
    ], columns=["action_id", "due_on", "status"]).assign(
        title="Do it", owner="Sekretariat", opened_on=_d(-30),
        closed_on=lambda d: [_d(-1) if s == "done" else "" for s in d["status"]],
        agreement_id="bpsdm-jclair")
    importer.import_frames(con, {"programs": programs, "delegations": delegations,
                                 "participants": participants, "agreements": agreements,
                                 "milestones": milestones, "actions": actions},
                           file_name="dated.xlsx", actor="pytest")
    yield con
    con.close()


def test_upcoming_and_decision_lists_for_a_fixed_today(dated_store):
    """Each list holds exactly the records whose dates put them there on TODAY."""
    week = weekly.Week.of(TODAY)
    r = weekly.review(runner(dated_store), week, TODAY)
    assert r.ref == TODAY
    up = r.upcoming.set_index("program_id")
    assert set(up.index) == {"p-soon", "p-later", "p-ending", "p-late"}
    assert set(up.index[up["is_soon"]]) == {"p-soon", "p-ending", "p-late"}
    assert up.loc["p-soon", "days_to"] == 5 and up.loc["p-ending", "event"] == "ends"
    assert (up.loc["p-soon", "seats_planned"], up.loc["p-soon", "n_confirmed"]) == (3, 2)
    assert weekly.upcoming_lines(r.upcoming.loc[r.upcoming["program_id"] == "p-soon"],
                                 "en")["ready"].iloc[0] == t("weekly.ready.missing", "en", n=1)
    assert list(r.expiring["agreement_id"]) == ["ag-expiring"]
    assert r.expiring["days_left"].iloc[0] == 60
    due = r.actions_due.set_index("action_id")
    assert set(due.index) == {"a-overdue", "a-this-week"}
    assert bool(due.loc["a-overdue", "is_overdue"]) and due.loc["a-overdue", "days_late"] == 2
    # sample's exploration (last milestone 2023) is quiet too
    assert set(r.stale["agreement_id"]) == {"ag-explore-quiet", "bpsdm-jclair"}
    assert list(r.late["program_id"]) == ["p-late"]
    figs = r.figures.set_index("key")["value"]
    assert figs["n_actions_overdue"] == 1
    assert figs["n_programs_next_30"] == 2  # p-soon, p-later (start after today)


# --- follow-ups on the page ---------------------------------------------------------------------

def _weekly_page(app, db: Path, monkeypatch, role: str | None = None):
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    at = app(db, lang="en", role=role)
    at.run()
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, at.exception
    return at


def test_page_adds_and_closes_a_follow_up(app, store_copy, sample_store, monkeypatch):
    """A follow-up added with the form and then closed is in the store and in the history
    as a page edit, like any import."""
    db = store_copy(sample_store)
    at = _weekly_page(app, db, monkeypatch)
    at.text_input(key="wk_add_title").input("Send the draft MoU to JCLAIR")
    at.text_input(key="wk_add_owner").input("Pusat Fasilitasi Kerja Sama")
    at.date_input(key="wk_add_due").set_value(TODAY + dt.timedelta(days=7))
    at.selectbox(key="wk_add_agreement").set_value("bpsdm-jclair")
    at.button(key="wk_add_submit").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("Send the draft MoU" in s.value for s in at.success)

    con = store.connect(db)
    try:
        row = con.execute("select action_id, status, owner, due_on, opened_on, agreement_id "
                          "from actions where title = 'Send the draft MoU to JCLAIR'").fetchall()
        assert len(row) == 1
        aid, status, owner, due, opened, agreement = row[0]
        assert (status, owner, due, opened, agreement) == (
            "open", "Pusat Fasilitasi Kerja Sama", TODAY + dt.timedelta(days=7), TODAY,
            "bpsdm-jclair")
    finally:
        con.close()

    at.selectbox(key="wk_upd_id").set_value(aid).run()
    at.radio(key=f"wk_upd_status_{aid}").set_value("done")
    at.date_input(key=f"wk_upd_closed_{aid}").set_value(TODAY)
    at.button(key=f"wk_upd_submit_{aid}").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]

    con = store.connect(db)
    try:
        assert con.execute("select status, closed_on from actions where action_id = $id",
                           {"id": aid}).fetchall() == [("done", TODAY)]
        hist = con.execute(
            "select h.change, h.field, h.old_value, h.new_value, l.mode, l.actor "
            "from history h join import_log l using (import_id) where h.record_id = $id "
            "order by h.changed_at, h.field nulls first", {"id": aid}).fetchall()
        # an added record is named by its import's log (schema version 2), not by history
        added = con.execute("select l.mode, l.actor, l.file_name from import_log l "
                            "join import_added a using (import_id) where a.record_id = $id",
                            {"id": aid}).fetchall()
        lines = weekly.review(runner(con), weekly.Week.of(dt.date.today()), TODAY).changes
    finally:
        con.close()
    assert added == [("edit", "pytest", meeting_edits.EDIT_FILE_NAME)]
    assert not [h for h in hist if h[0] == "added"]
    mine = lines[lines["record_id"] == aid]
    assert ("added", "edit", "pytest") in set(zip(mine["change"], mine["mode"], mine["actor"],
                                                  strict=True))
    changed = {(c, f, o, n) for c, f, o, n, mode, _ in hist if c == "changed"}
    assert ("changed", "status", "open", "done") in changed
    assert ("changed", "closed_on", None, TODAY.isoformat()) in {
        (c, f, o or None, n) for c, f, o, n in changed}


def test_page_shows_located_errors_and_writes_nothing(app, store_copy, sample_store,
                                                     monkeypatch):
    """A follow-up with no title is refused with the table, column and what was expected."""
    db = store_copy(sample_store)
    at = _weekly_page(app, db, monkeypatch)
    at.text_input(key="wk_add_owner").input("Bagian Hukum")
    at.button(key="wk_add_submit").click().run()
    assert not at.exception
    assert at.error and "title" in at.error[0].value
    con = store.connect(db)
    try:
        assert con.execute("select count(*) from actions").fetchall()[0][0] == 1
    finally:
        con.close()


def test_viewer_cannot_edit(app, sample_store, monkeypatch):
    """A viewer sees the review but no form that writes."""
    at = _weekly_page(app, sample_store, monkeypatch, role="viewer")
    assert not [b for b in at.button if str(b.key or "").startswith("wk_add")]
    assert any(t("weekly.edit.read_only", "en") in c.value for c in at.caption)


def test_settings_today_is_the_default_week(monkeypatch):
    """COOPDASH_TODAY fixes the default week."""
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    assert weekly.Week.of(settings.get().today()).label == "2026-W48"


def test_page_opens_on_an_empty_store(app, empty_store):
    """With nothing imported yet, the weekly page opens and says there is nothing."""
    at = app(empty_store, lang="id")
    at.run()
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, at.exception
    assert any(t("weekly.changes_none", "id") in i.value for i in at.info)


# --- a big week: counted in SQL, only the first lines fetched ---------------------------------

def test_big_week_counts_in_sql_and_fetches_the_first_lines(two_imports, tmp_path):
    """The summary is counted in SQL over the whole week while only the first `lines` change
    lines are fetched: changed fields first, then removals, then additions; the rest is
    '… and N more', and the whole list (CSV) holds every line."""
    con = two_imports
    new = pd.DataFrame({"participant_id": [f"big-{i:03d}" for i in range(40)],
                        "delegation_id": "jclair-seminar-tokyo-home",
                        "full_name": [f"Person {i}" for i in range(40)], "status": "nominated"})
    importer.import_frames(con, {"participants": new}, file_name="book-3.xlsx", actor="citra")
    _move_to_today(con)  # this import on TODAY too, whatever the real date
    week = weekly.Week.of(TODAY)
    whole = weekly.review(runner(con), week, TODAY, lines=10_000)
    r = weekly.review(runner(con), week, TODAY, lines=5)
    summary = r.summary.set_index("table_name")
    assert summary.loc["participants", "n_added"] == 40
    assert summary.loc["programs", "n_removed"] == 1
    assert summary.loc["delegations", "n_changed"] == 1
    assert list(r.summary["table_name"]) == [n for n in weekly.TABLE_ORDER
                                             if n in set(r.summary["table_name"])]
    # the SQL counts agree with counting the whole list of lines
    assert (weekly.change_summary(whole.changes).set_index("table_name")[
        ["n_added", "n_changed", "n_removed"]].sort_index()
        == summary[["n_added", "n_changed", "n_removed"]].sort_index()).all().all()
    assert r.n_change_lines == len(whole.changes) == 4 + 40
    assert len(r.changes) == 5 and r.n_more_changes == 39
    assert list(r.changes["change"]) == ["changed", "changed", "changed", "removed", "added"]
    assert list(whole.changes["change"]) == ["changed"] * 3 + ["removed"] + ["added"] * 40
    added = whole.changes[whole.changes["change"] == "added"]
    assert list(added["record_id"]) == sorted(new["participant_id"])
    assert set(added["actor"]) == {"citra"} and set(added["file_name"]) == {"book-3.xlsx"}
    assert set(added["record_label"]) == set(new["full_name"])  # names shown to this role
    hidden = weekly.review(runner(con, show_names=False), week, TODAY, lines=100)
    hidden_added = hidden.changes[hidden.changes["change"] == "added"]
    # a viewer sees each added participant by their delegation, never by name or id
    assert list(hidden_added["record_id"]) == sorted(new["delegation_id"])
    assert not set(hidden_added["record_label"]) & set(new["full_name"])
    assert not set(hidden.changes["record_id"]) & set(new["participant_id"])
    out = tmp_path / "changes.csv"
    base = {**Filters().params(), "currency": "IDR", "today": TODAY, "home": "ID",
            "show_names": True}
    assert weekly.write_change_list(con, week, base, out) == 44
    listed = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(listed.columns) == list(weekly.CHANGE_LIST_COLUMNS)
    assert list(listed["change"]) == list(whole.changes["change"])


def _added_history_rows(con) -> None:
    """One history row 'added' per record added (what schema version 1 wrote)."""
    con.execute("insert into history select l.import_id, l.imported_at, l.table_name, "
                "a.record_id, 'added', null, null, null "
                "from import_log l join import_added a using (import_id)")


def _as_schema_v1(con) -> None:
    """Make a store look as schema version 1 left it: one history row 'added' per record
    added (what version 1 wrote), the lists of records added, changed and removed in
    `import_log` (until version 11), no `import_added`, and the schema version 1 in meta."""
    _added_history_rows(con)
    for column, rows in (("added_ids", "select import_id, record_id from import_added"),
                         ("changed_ids", "select distinct import_id, record_id from history "
                                         "where change = 'changed'"),
                         ("removed_ids", "select import_id, record_id from history "
                                         "where change = 'removed'")):
        con.execute(f"alter table import_log add column {column} varchar[]")
        con.execute(f"update import_log l set {column} = coalesce((select list(record_id "
                    f"order by record_id) from ({rows}) r where r.import_id = l.import_id), "
                    "[])")
    con.execute("drop table import_added")
    con.execute("update meta set value = '1' where key = 'schema_version'")
    for number in ("002", "011"):  # applied by number since 005
        con.execute("delete from meta where key = $k", {"k": f"migration.{number}"})


def test_a_schema_v1_store_migrates_and_reviews_the_same(two_imports):
    """A store of schema version 1 (one 'added' history row per added record) opens, is
    migrated (the rows go, the import log names those records), and reviews the same; read
    only before migrating it reviews the same too."""
    con = two_imports
    week = weekly.Week.of(TODAY)
    before_week = week.shift(-2)

    def seen(c):
        out = []
        for w in (week, before_week):
            r = weekly.review(runner(c), w, TODAY, lines=10_000)
            out.append((r.summary.to_dict("records"), r.n_change_lines,
                        r.changes.drop(columns=["record_label"]).to_dict("records"),
                        r.figures.to_dict("records")))
        return out

    expected = seen(con)
    n_added = con.execute("select sum(n_added) from import_log").fetchall()[0][0]
    assert n_added > 0
    _added_history_rows(con)
    assert seen(con) == expected  # the queries ignore version 1's 'added' rows
    con.execute("delete from history where change = 'added'")
    _as_schema_v1(con)
    # a log whose list lost its ids (a hand-edited store) is repaired from the rows
    broken = con.execute("select import_id, added_ids from import_log where n_added > 0 "
                         "order by import_id limit 1").fetchall()[0]
    con.execute("update import_log set added_ids = [] where import_id = $i", {"i": broken[0]})
    db = Path(con.execute("select path from duckdb_databases() where database_name = "
                          "current_database()").fetchall()[0][0])
    con.close()

    ro = store.base.open_file(db, read_only=True)  # as it is: reads ignore the old rows
    try:
        assert store.schema_version(ro) == 1
        assert ro.execute("select count(*) from history where change = 'added'"
                          ).fetchall()[0][0] == n_added
        con_ro_log = ro.execute("select added_ids from import_log where import_id = $i",
                                {"i": broken[0]}).fetchall()[0][0]
        assert con_ro_log == []
    finally:
        ro.close()

    con = store.connect(db, read_only=False)  # migrated to the current schema
    try:
        assert store.schema_version(con) == store.SCHEMA_VERSION >= 2
        assert con.execute("select count(*) from history where change = 'added'"
                           ).fetchall()[0][0] == 0
        assert con.execute("select list(record_id order by record_id) from import_added "
                           "where import_id = $i", {"i": broken[0]}).fetchall()[0][0] == sorted(
                               broken[1])
        assert con.execute("select count(*) from duckdb_columns() where table_name = "
                           "'import_log' and column_name like '%_ids'").fetchall()[0][0] == 0
        assert seen(con) == expected
    finally:
        con.close()


# --- the page's cache -----------------------------------------------------------------------

def test_the_review_runs_exactly_the_queries_it_names(sample_store):
    """The page keys its review by what `weekly.QUERIES` read (with the forms' choices):
    a review runs those queries and no other, so no write to what it shows goes unseen."""
    ran: set[str] = set()
    con = store.connect(sample_store)
    try:
        run = runner(con)

        def recording(name, extra):
            ran.add(name)
            return run(name, extra)

        weekly.review(recording, weekly.Week.of(TODAY), TODAY)
        weekly.review(recording, weekly.Week.parse("2023-W21"), TODAY)  # the sample's meeting
    finally:
        con.close()
    assert ran == set(weekly.QUERIES)


def test_a_write_formats_again_only_the_lists_whose_rows_changed(app, store_copy, sample_store,
                                                                  monkeypatch):
    """After a write, the review is built again (it reads the import log, which every write
    changes: the change list is formatted again), but a list whose rows the write left as
    they were is not: a funding line removed leaves the follow-ups due as they were."""
    formatted: list[str] = []
    real_actions, real_changes = weekly.action_lines, weekly.change_lines

    def action_lines(df, lang):
        formatted.append("actions")
        return real_actions(df, lang)

    def change_lines(df, lang):
        formatted.append("changes")
        return real_changes(df, lang)

    monkeypatch.setattr(weekly, "action_lines", action_lines)
    monkeypatch.setattr(weekly, "change_lines", change_lines)
    # no watcher of this store: its warm-up after the write would run on in the background
    # after this test, querying while later tests count the queries they cause
    monkeypatch.setattr(warmup, "watch", lambda db_path, reader: None)
    db = store_copy(sample_store)
    at = _weekly_page(app, db, monkeypatch)
    assert sorted(formatted) == ["actions", "changes"]
    shown = [df.value.to_dict() for df in at.dataframe]
    with store.writing(db, actor="pytest", what="edit") as con:
        con.execute("delete from funding where funding_id = (select min(funding_id) from funding)")
    formatted.clear()
    at.run()
    assert not at.exception, at.exception
    assert formatted == ["changes"]
    assert [df.value.to_dict() for df in at.dataframe] == shown
