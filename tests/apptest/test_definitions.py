"""One definition per figure: what the Overview shows is what `python -m coopdash summary
--json [--as-of D]` prints (the real command line, its JSON parsed) for the same day and
filters; the weekly review, its meeting pack and the timeline list the same stalled and
expiring agreements."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import run_cli
from pptx import Presentation

from coopdash import settings, store
from coopdash.figures import explorer as ex
from coopdash.figures import thresholds, weekly
from coopdash.figures.filters import Filters
from coopdash.figures.scope import Scope
from coopdash.i18n import fmt_int, fmt_money, t
from coopdash.pack import document as pack
from coopdash.settings import SAMPLE_DIR
from coopdash.store import query
from coopdash.workbook import importer


def _summary_args(db: Path, as_of: dt.date | None, filters: tuple[str, ...]) -> list[str]:
    args = ["summary", "--db", str(db), "--json"]
    if as_of:
        args += ["--as-of", as_of.isoformat()]
    for item in filters:
        args += ["--filter", item]
    return args


def summaries(db: Path, calls: list[tuple[dt.date, dt.date | None]],
              filters: tuple[str, ...] = ()) -> list[dict]:
    """`COOPDASH_TODAY=<today> python -m coopdash summary --json [--as-of D]` for each
    (today, D) in `calls` (the command line's own code, run in this process: conftest's
    run_cli); each output parsed."""
    out = []
    for today, as_of in calls:
        done = run_cli(*_summary_args(db, as_of, filters),
                       env={"COOPDASH_TODAY": today.isoformat()})
        assert done.returncode == 0, done.stderr
        out.append(json.loads(done.stdout))
    return out


def summary_cli(db: Path, today: dt.date, as_of: dt.date | None = None) -> dict:
    return summaries(db, [(today, as_of)])[0]


def _int(text: str) -> int:
    """An English integer as shown (`1,234`, `+5`, `-3`, `±0`)."""
    text = text.replace("±", "")
    return int(re.sub(r"[^\d-]", "", text) or 0)


def open_overview(app, monkeypatch, db: Path, today: dt.date, compare: str = "year",
                  kinds: list[str] | None = None):
    monkeypatch.setenv("COOPDASH_TODAY", today.isoformat())
    at = app(db, lang="en")
    at.run()
    if kinds:
        at.multiselect(key="flt_kinds").set_value(kinds).run()
    if compare != "year":
        at.segmented_control(key="ov_compare").set_value(compare).run()
    assert not at.exception, at.exception
    return at


CARDS = {  # the Overview's count cards -> where summary --json has the same figure
    "lead.overview.agreements": ("agreements", "total"),
    "lead.overview.programs": ("programs", "total"),
    "lead.overview.seats_out": ("seats_planned", "outbound"),
    "lead.overview.seats_in": ("seats_planned", "inbound"),
    "lead.overview.funding": ("funding", "lines"),
    "lead.overview.actions_open": ("actions", "open"),
}


def cards(at) -> tuple[dict[str, int], dict[str, int]]:
    """The count cards as shown: (value now, value on the reference day = now - change)."""
    shown = {m.label: m for m in at.metric}
    now, before = {}, {}
    for key, path in CARDS.items():
        m = shown[t(key, "en")]
        now[path] = _int(m.value)
        before[path] = now[path] - _int(m.delta or "0")
    return now, before


def from_json(j: dict) -> dict[tuple[str, str], int]:
    return {path: j[path[0]][path[1]] for path in CARDS.values()}


def expected_captions(j: dict) -> list[str]:
    """Caption texts the Overview must show for the figures of `j` (English)."""
    def n(v):
        return fmt_int(v, "en")
    return [
        t("lead.overview.partners", "en", n=n(j["partners"])),
        t("lead.overview.people_line", "en", people=n(j["people_recorded"]["outbound"]),
          attended=n(j["people_attended"]["outbound"])),
        t("lead.overview.people_line", "en", people=n(j["people_recorded"]["inbound"]),
          attended=n(j["people_attended"]["inbound"])),
        t("lead.overview.actions_overdue", "en") + ": " + n(j["actions"]["overdue"]),
        t("lead.overview.funding_unconverted", "en", n=n(j["funding"]["unconverted_lines"]),
          m=n(j["funding"]["no_amount_lines"])),
    ]


def assert_overview_is_summary(at, now_json: dict, before_json: dict) -> None:
    """Every headline figure on the page equals the command line's, now and before."""
    now, before = cards(at)
    assert now == from_json(now_json)
    assert before == from_json(before_json)
    captions = " | ".join(c.value for c in at.caption)
    for text in expected_captions(now_json):
        assert text in captions, (text, captions)
    amount = {m.label: m.value for m in at.metric}[
        t("lead.overview.funding_amount", "en", currency="IDR")]
    assert amount == fmt_money(now_json["funding"]["amount"], "IDR", "en", compact=True)


def _reference(today: dt.date, compare: str) -> dt.date:
    if compare == "week":
        return today - dt.timedelta(days=7)
    return today.replace(year=today.year - 1)


def check_days(app, monkeypatch, db: Path, days: list[tuple[dt.date, str]],
               kinds: list[str] | None = None) -> list[dict]:
    """For each (day, comparison): the Overview seen on that day equals `summary --as-of
    day`, and its change equals `summary --as-of <reference day>`. Returns the JSONs.
    The command line runs first: a dashboard (here the AppTest) holds the store file."""
    flt = (f"kind={','.join(kinds)}",) if kinds else ()
    calls = [c for today, compare in days for c in ((today, today),
                                                   (today, _reference(today, compare)))]
    out = summaries(db, calls, flt)
    printed = list(zip(out[::2], out[1::2], strict=True))
    for (today, compare), (now, before) in zip(days, printed, strict=True):
        at = open_overview(app, monkeypatch, db, today, compare, kinds)
        assert_overview_is_summary(at, now, before)
    return [now for now, _ in printed]


def test_overview_equals_summary_on_the_sample(app, monkeypatch, store_copy, sample_store):
    """The sample case seen on several days (before, on and after the 22 May 2023
    meeting): page figures == summary --json --as-of, and the change == --as-of a year /
    a week before."""
    days = [(dt.date(2023, 5, 29), "week"), (dt.date(2023, 12, 1), "year"),
            (dt.date(2026, 11, 28), "week")]
    seen = check_days(app, monkeypatch, store_copy(sample_store), days)
    assert seen[0]["actions"]["open"] == 1  # the follow-up opened on 22 May 2023


def test_overview_equals_summary_on_the_demo(app, monkeypatch, store_copy, demo_store):
    """The demo store on three days, with no filter and with a program-kind filter."""
    days = [(dt.date(2024, 6, 30), "year"), (dt.date(2026, 11, 28), "week")]
    seen = check_days(app, monkeypatch, store_copy(demo_store), days)
    assert all(j["programs"]["total"] > 0 and j["actions"]["open"] > 0 for j in seen)
    narrow = check_days(app, monkeypatch, store_copy(demo_store), days[-1:],
                        kinds=["seminar"])
    assert narrow[0]["programs"]["by_kind"].keys() == {"seminar"}
    assert narrow[0]["programs"]["total"] < seen[-1]["programs"]["total"]


@pytest.fixture
def closed_later(store_copy, sample_store) -> Path:
    """The sample plus a follow-up opened 2023-06-10 and closed (done) 2024-01-15."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    importer.import_frames(con, {"actions": pd.DataFrame([{
        "action_id": "send-draft", "agreement_id": "bpsdm-jclair", "program_id": "",
        "title": "Send the draft MoU", "owner": "BPSDM", "opened_on": "2023-06-10",
        "due_on": "2023-09-30", "status": "done", "closed_on": "2024-01-15"}], dtype=str)},
        file_name="hand.xlsx", actor="pytest")
    con.close()
    return db


def _open_on(day: dt.date) -> int:
    """Follow-ups open on `day`, counted here from the rows: the sample's, plus the one
    the fixture adds."""
    rows = pd.read_csv(SAMPLE_DIR / "actions.csv", dtype=str, keep_default_na=False)
    rows = [*rows.to_dict("records"), {"opened_on": "2023-06-10", "status": "done",
                                       "closed_on": "2024-01-15"}]
    return sum(1 for r in rows if r["opened_on"] <= day.isoformat()
               and (r["status"] == "open" or r["closed_on"] > day.isoformat()))


def test_a_follow_up_closed_later_was_open_before(app, monkeypatch, closed_later):
    """The issue's case: opened 2023-06-10, closed 2024-01-15. `summary --as-of
    2023-12-01` counts it open (whatever today is), and so does the Overview, on that day
    and as the change against a year before."""
    day = dt.date(2023, 12, 1)
    assert _open_on(day) == 2
    later = dt.date(2026, 11, 28)
    printed = summaries(closed_later, [(later, day), (day, day), (later, None)])
    assert [j["actions"]["open"] for j in printed] == [2, 2, _open_on(later)] == [2, 2, 1]
    days = [(day, "week"), (dt.date(2024, 12, 1), "year")]
    seen = check_days(app, monkeypatch, closed_later, days)
    assert [j["actions"]["open"] for j in seen] == [_open_on(d) for d, _ in days] == [2, 1]
    # overdue on 2023-12-01: due 2023-09-30, still open
    assert seen[0]["actions"]["overdue"] == 1


# --- stalled and expiring: one definition for the weekly review, the pack, the timeline -----

TODAY = dt.date(2026, 11, 25)


def _d(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def edges(store_copy, sample_store) -> Path:
    """Agreements on each side of the stalled and expiring thresholds (seen on TODAY)."""
    stalled, expiring = thresholds.STALLED_DAYS, thresholds.EXPIRING_DAYS
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    agreements = pd.DataFrame([
        ("ag-ends-today", "active", _d(0)), ("ag-ends-edge", "signed", _d(expiring)),
        ("ag-ends-after", "active", _d(expiring + 1)), ("ag-ended", "active", _d(-1)),
        ("ag-expired", "expired", _d(5)),
        ("ag-quiet-edge", "drafting", ""), ("ag-quiet-nearly", "approval", ""),
        ("ag-quiet-none", "exploration", ""), ("ag-busy-later", "exploration", ""),
        ("ag-signed-quiet", "signed", ""),
    ], columns=["agreement_id", "stage", "ends_on"]).assign(
        partner_id="jclair-sg", title=lambda d: "Agreement " + d["agreement_id"],
        instrument="mou")
    milestones = pd.DataFrame([
        ("m1", "ag-quiet-edge", _d(-stalled)),       # exactly the threshold: stalled
        ("m2", "ag-quiet-nearly", _d(-stalled + 1)),  # a day short: not stalled
        ("m3", "ag-busy-later", _d(-stalled - 30)),   # old, and one planned after TODAY:
        ("m4", "ag-busy-later", _d(3)),               # stalled as of TODAY
        ("m5", "ag-signed-quiet", _d(-400)),          # signed: never "stalled"
    ], columns=["milestone_id", "agreement_id", "occurred_on"]).assign(
        kind="meeting", title="Meeting")
    importer.import_frames(con, {"agreements": agreements, "milestones": milestones},
                           file_name="edges.xlsx", actor="pytest")
    con.close()
    return db


STALLED = {"ag-quiet-edge", "ag-quiet-none", "ag-busy-later", "bpsdm-jclair"}
EXPIRING = {"ag-ends-today", "ag-ends-edge"}


def _titles(ids: set[str]) -> set[str]:
    """Titles of the agreements `ids`, read from the fixture's rules and the sample CSV."""
    sample = pd.read_csv(SAMPLE_DIR / "agreements.csv", dtype=str, keep_default_na=False)
    titles = dict(zip(sample["agreement_id"], sample["title"], strict=True))
    return {titles.get(i, f"Agreement {i}") for i in ids}


def test_weekly_review_and_pack_lists(edges, monkeypatch):
    """The weekly review (which the pack prints) lists exactly the stalled and expiring
    agreements of the edges, counted with the named thresholds."""
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    con = store.connect(edges, read_only=True)
    base = {**Filters().params(), "currency": "IDR", "today": TODAY, "show_names": True}
    r = weekly.review(lambda name, extra: query.run(con, name, {**base, **extra}),
                      weekly.Week.of(TODAY), TODAY)
    html_text = pack.build_html(con, weekly.Week.of(TODAY), Scope.of(settings.get()), "en")
    con.close()
    assert set(r.stale["agreement_id"]) == STALLED
    assert set(r.expiring["agreement_id"]) == EXPIRING
    stale_section = html_text.split('id="decisions"')[1]
    for aid in STALLED - {"bpsdm-jclair"}:
        assert f"Agreement {aid}" in stale_section
    assert weekly.heading("stale", "en").endswith(
        f"{thresholds.STALLED_DAYS} days or more")
    assert weekly.heading("expiring", "en") in html_text


def test_timeline_and_weekly_page_show_the_same_lists(app, monkeypatch, edges):
    """On TODAY, the timeline's stalled and 90-day expiring tables and the weekly page's
    decision lists hold the same agreements, and each heading says its threshold."""
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    at = app(edges, lang="en")
    at.run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, at.exception
    headings = [h.value for h in at.subheader] + [m.value for m in at.markdown]
    assert t("lead.timeline.stalled", "en", days=thresholds.STALLED_DAYS) in headings
    tables = [df.value for df in at.dataframe]
    stalled_tl = set(tables[0]["Agreement"])
    expiring_tl = set(tables[1]["Agreement"])
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, at.exception
    texts = [m.value for m in at.markdown]
    assert f"**{weekly.heading('stale', 'en')}**" in texts
    assert f"**{weekly.heading('expiring', 'en')}**" in texts
    weekly_tables = [df.value for df in at.dataframe]
    col = t("weekly.col.agreement", "en")
    lists = [set(df[col]) for df in weekly_tables if col in df.columns]
    assert stalled_tl == _titles(STALLED) and expiring_tl == _titles(EXPIRING)
    assert stalled_tl in lists and expiring_tl in lists


# --- filters whose field can be empty -------------------------------------------------------

def test_every_source_plus_nothing_recorded_is_no_filter(app, monkeypatch, store_copy,
                                                         demo_store):
    """Choosing every funding source leaves out the programs with no funding line (the
    help beside the filter says so); adding "No funding recorded" brings them back: the
    same programs as choosing nothing. Every province plus "No province recorded" keeps
    every person: the same people counted on the cards."""
    db = store_copy(demo_store)
    con = store.connect(db, read_only=True)
    n_programs, n_funded = con.execute(
        "select count(*), count(*) filter (where program_id in (select program_id "
        "from funding)) from programs").fetchall()[0]
    sources = [r[0] for r in con.execute("select distinct source from funding").fetchall()]
    provinces = [r[0] for r in con.execute(
        "select distinct left(region_code, 2) from participants "
        "where region_code is not null").fetchall()]
    con.close()
    assert n_funded < n_programs  # the demo has programs without funding
    at = open_overview(app, monkeypatch, db, dt.date(2026, 11, 28))
    label = t("lead.overview.programs", "en")

    def programs() -> int:
        return _int({m.label: m.value for m in at.metric}[label])

    assert programs() == n_programs
    box = at.multiselect(key="flt_sources")
    assert box.help == t("filter.help.source", "en")
    assert "none" in box.options or t("filter.none.source", "en") in box.options
    box.set_value(sources).run()
    assert programs() == n_funded
    at.multiselect(key="flt_sources").set_value([*sources, "none"]).run()
    assert programs() == n_programs
    at.multiselect(key="flt_sources").set_value([]).run()
    def people() -> list[str]:  # "N people recorded · M attended", outbound and inbound
        return [c.value for c in at.caption if "people recorded" in c.value]

    before = people()
    at.multiselect(key="flt_regions").set_value([*provinces, "none"]).run()
    assert not at.exception, at.exception
    assert at.multiselect(key="flt_regions").help == t("filter.help.region", "en")
    assert people() == before and len(before) == 2


# --- one meaning per word on screen: confirmed, took place, programs this year ------------

WEEK = weekly.Week.of(TODAY)  # 2026-W48: Monday 23 to Sunday 29 November
WORLD_PROGRAMS = pd.DataFrame([  # id, status, starts_on, ends_on
    ("w-held", "confirmed", "2026-11-24", "2026-11-24"),     # took place this week
    ("w-done", "completed", "2026-06-01", "2026-06-03"),     # earlier this year
    ("w-cancelled", "cancelled", "2026-03-01", ""),           # this year, cancelled
    ("w-postponed", "postponed", "2026-11-24", "2026-11-24"),  # this week, postponed
    ("w-next", "planned", "2026-12-01", "2026-12-02"),        # next 30 days
    ("w-next-postponed", "postponed", "2026-12-03", ""),      # next 30 days, postponed
], columns=["program_id", "status", "starts_on", "ends_on"]).assign(
    partner_id="jclair-sg", title=lambda d: "Program " + d["program_id"], kind="seminar",
    mode="in_person", host_country="JP")
WORLD_DELEGATIONS = pd.DataFrame([
    ("w-held-home", "w-held", "home", 4), ("w-held-partner", "w-held", "partner", 3),
    ("w-next-home", "w-next", "home", 5), ("w-postponed-home", "w-postponed", "home", 2),
], columns=["delegation_id", "program_id", "side", "seats_planned"])
WORLD_PEOPLE = pd.DataFrame([  # id, delegation, status, home region
    ("c1", "w-held-home", "confirmed", "32.01"), ("a1", "w-held-home", "attended", "31.01"),
    ("n1", "w-held-home", "nominated", "32.01"), ("x1", "w-held-home", "withdrawn", "32.01"),
    ("a2", "w-held-partner", "attended", ""), ("a3", "w-held-partner", "attended", ""),
    ("c2", "w-next-home", "confirmed", "32.01"), ("a4", "w-next-home", "attended", "31.01"),
    ("n2", "w-next-home", "nominated", "32.01"),
], columns=["participant_id", "delegation_id", "status", "region_code"]).assign(
    full_name=lambda d: "Person " + d["participant_id"])


@pytest.fixture
def world(store_copy, sample_store) -> Path:
    """The sample plus programs on each side of "took place", "upcoming" and "this year"
    (seen on TODAY), with people of every status in two home provinces."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    importer.import_frames(con, {"programs": WORLD_PROGRAMS, "delegations": WORLD_DELEGATIONS,
                                 "participants": WORLD_PEOPLE},
                           file_name="world.xlsx", actor="pytest")
    con.close()
    return db


def _stored(db: Path, sql: str) -> pd.DataFrame:
    """Raw rows of the store (no query file, no macro)."""
    con = store.connect(db, read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _confirmed_by_delegation(db: Path, province: str | None = None) -> dict[str, int]:
    """People confirmed, counted in pandas: status confirmed or attended (the one meaning),
    only the people of `province` when given."""
    x = _stored(db, "select delegation_id, status, region_code from participants")
    if province:
        x = x[x["region_code"].fillna("").str[:2] == province]
    return x[x["status"].isin(["confirmed", "attended"])].groupby("delegation_id").size().to_dict()


def _this_year(db: Path, day: dt.date) -> int:
    """Programs this year on `day`, counted in pandas: started from 1 January up to the day,
    not cancelled or postponed."""
    p = _stored(db, "select status, starts_on from programs")
    started = pd.to_datetime(p["starts_on"])
    return int(((started >= pd.Timestamp(day.year, 1, 1)) & (started <= pd.Timestamp(day))
                & ~p["status"].isin(["cancelled", "postponed"])).sum())


def _run_all(db: Path, name: str, filters: Filters | None = None, **extra) -> pd.DataFrame:
    """Query `name` on TODAY's week with the common parameters (no filter by default)."""
    con = store.connect(db, read_only=True)
    base = {**(filters or Filters()).params("ID"), "currency": "IDR", "today": TODAY, "home": "ID",
            "show_names": True, "ref": TODAY, **thresholds.params(), **weekly.week_params(WEEK),
            **ex.tab_params(ex.TABS["programs"], lang="en"), "direction": [], "limit": 100,
            **extra}
    try:
        return query.run(con, name, {k: v for k, v in base.items()
                                     if k in query.param_names(name)})
    finally:
        con.close()


def test_confirmed_means_confirmed_or_attended_in_every_query(world):
    """Every count of people confirmed (explorer tabs, Delegations page, the week's
    programs that took place and the upcoming ones) is `is_confirmed`: confirmed or
    attended, per delegation as counted in pandas. (Three of them counted "confirmed
    only" under the same label.)"""
    by_delegation = _confirmed_by_delegation(world)
    program_of = _stored(world, "select delegation_id, program_id from delegations").set_index(
        "delegation_id")["program_id"]
    delegations = _run_all(world, "explorer_delegations").set_index("delegation_id")
    assert delegations["n_confirmed"].to_dict() == {
        d: by_delegation.get(d, 0) for d in delegations.index}
    per_program = {}
    for d, n in by_delegation.items():
        program = program_of[d]
        per_program[program] = per_program.get(program, 0) + n
    programs = _run_all(world, "explorer_programs").set_index("program_id")
    assert programs["n_confirmed"].to_dict() == {
        p: per_program.get(p, 0) for p in programs.index}
    sized = _run_all(world, "delegations_by_program").set_index(["program_id", "side"])
    assert sized.loc[("w-held", "home"), "n_confirmed"] == by_delegation["w-held-home"] == 2
    assert _run_all(world, "delegations_by_kind")["n_confirmed"].sum() == sum(
        by_delegation.values())
    held = _run_all(world, "weekly_happened_programs").set_index("program_id")
    assert (held.loc["w-held", "home_confirmed"], held.loc["w-held", "partner_confirmed"]) == (
        by_delegation["w-held-home"], by_delegation["w-held-partner"])
    upcoming = _run_all(world, "weekly_upcoming").set_index("program_id")
    assert upcoming.loc["w-next", "home_confirmed"] == by_delegation["w-next-home"]


def test_the_pack_counts_confirmed_like_the_queries(world):
    """The meeting pack's line of a program that took place: seats, confirmed (confirmed
    or attended) and attended per side, as counted in pandas."""
    by_delegation = _confirmed_by_delegation(world)
    con = store.connect(world, read_only=True)
    try:
        text = html.unescape(pack.build_html(con, WEEK, Scope.of(settings.get()), "en"))
    finally:
        con.close()
    attended = WORLD_PEOPLE[WORLD_PEOPLE["status"] == "attended"].groupby(
        "delegation_id").size()
    for side, seats in (("home", 4), ("partner", 3)):
        d = f"w-held-{side}"
        assert t("meeting.people", "en", seats=fmt_int(seats, "en"),
                 confirmed=fmt_int(by_delegation[d], "en"),
                 attended=fmt_int(attended[d], "en")) in text, side


def test_a_province_filter_moves_the_upcoming_and_the_held_programs_alike(world):
    """`weekly_upcoming` reads the filtered people like its twin: with home province 32
    chosen, both count only that province's confirmed people (it read every participant)."""
    only_32 = _confirmed_by_delegation(world, "32")
    flt = Filters(regions=("32",))
    held = _run_all(world, "weekly_happened_programs", flt).set_index("program_id")
    upcoming = _run_all(world, "weekly_upcoming", flt).set_index("program_id")
    assert held.loc["w-held", "home_confirmed"] == only_32["w-held-home"] == 1
    assert upcoming.loc["w-next", "home_confirmed"] == only_32["w-next-home"] == 1


def test_took_place_and_upcoming_leave_out_cancelled_and_postponed(world):
    """One status rule (`takes_place`): the week's programs, the upcoming list and the
    "next 30 days" figure leave out cancelled and postponed programs alike."""
    held = set(_run_all(world, "weekly_happened_programs")["program_id"])
    upcoming = set(_run_all(world, "weekly_upcoming")["program_id"])
    figures = _run_all(world, "weekly_figures", as_of=TODAY).iloc[0]
    assert "w-held" in held and "w-postponed" not in held
    assert "w-next" in upcoming and "w-next-postponed" not in upcoming
    assert figures["n_programs_next_30"] == len(
        {p for p in upcoming if p.startswith("w-")} & set(WORLD_PROGRAMS["program_id"]))


def test_programs_this_year_is_one_figure_everywhere(world, app, monkeypatch):
    """"Programs this year" on TODAY: the Overview's caption, `summary --json`, the weekly
    page's figure, the meeting pack (HTML) and the deck all show the count made in
    pandas (started this year up to the day, not cancelled or postponed). The Overview
    counted every status and every program of the year."""
    expected = _this_year(world, TODAY)
    assert expected == 2  # w-held and w-done
    assert summary_cli(world, TODAY)["programs"]["starting_in_year"] == expected
    con = store.connect(world, read_only=True)
    html_text = pack.build_html(con, WEEK, Scope.of(settings.get()), "en")
    data, _ = pack.make_pack(con, WEEK, "pptx", Scope.of(settings.get()), "en")
    con.close()
    assert f'data-key="n_programs_this_year" data-value="{expected}"' in html_text
    label = weekly.heading("fig.n_programs_this_year", "en")
    deck_rows = [[c.text for c in row.cells] for row in Presentation(
        io.BytesIO(data)).slides[1].shapes[1].table.rows]
    assert [label, fmt_int(expected, "en")] in [r[:2] for r in deck_rows]
    at = open_overview(app, monkeypatch, world, TODAY)
    captions = " | ".join(c.value for c in at.caption)
    assert t("lead.overview.programs_year", "en", year=TODAY.year,
             n=fmt_int(expected, "en")) in captions
    at.switch_page("pages/weekly.py").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}[label] == fmt_int(expected, "en")


def test_the_explorer_says_which_confirmed_it_counts(world, app, monkeypatch):
    """The explorer's delegations tab labels the column "confirmed (incl. attended)" and
    shows the pandas count per delegation."""
    by_delegation = _confirmed_by_delegation(world)
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    at = app(world, lang="en")
    at.query_params["tab"] = "delegations"
    at.switch_page("pages/explorer.py").run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    column = t("explorer.col.n_confirmed", "en")
    assert "attended" in column.lower()
    ids = shown[t("explorer.col.delegation_id", "en")]
    assert dict(zip(ids, shown[column], strict=True)) == {  # as shown: English integers
        d: fmt_int(by_delegation.get(d, 0), "en") for d in ids}
