"""The four leadership pages in a real AppTest: they open on every store in both
languages, and the figures shown match counts taken straight from the sample CSVs."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from coopdash import store
from coopdash.i18n import t
from coopdash.settings import SAMPLE_DIR

PAGES = ("pages/overview.py", "pages/delegations.py", "pages/funding.py",
         "pages/timeline.py")


def _csv(table: str) -> list[dict[str, str]]:
    with open(SAMPLE_DIR / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _seats(side: str, abroad: bool, kinds: tuple[str, ...] = ()) -> int:
    """Seats planned from the sample CSVs, by the contract's definition of direction."""
    programs = {p["program_id"]: p for p in _csv("programs")}
    total = 0
    for d in _csv("delegations"):
        p = programs[d["program_id"]]
        in_person = p["mode"] in ("in_person", "hybrid") or (not p["mode"] and p["host_country"])
        here = (p["host_country"] != "ID") if abroad else (p["host_country"] == "ID")
        if (d["side"] == side and in_person and p["host_country"] and here
                and (not kinds or p["kind"] in kinds)):
            total += int(d["seats_planned"] or 0)
    return total


def _open(at, page: str):
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    return at


def _metric(at, label_part: str) -> str:
    found = [m for m in at.metric if label_part.lower() in m.label.lower()]
    assert found, [m.label for m in at.metric]
    return found[0].value


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("which", ["sample_store", "demo_store", "empty_store"])
def test_page_opens_without_exception(app, request, page, lang, which):
    """Every leadership page opens on the sample, demo and empty store in both languages."""
    at = _open(app(request.getfixturevalue(which), lang=lang), page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "a page title is drawn"


def test_overview_sample_headline(app, sample_store):
    """The sample case at a glance: 12 seats abroad vs 0 received, one open follow-up
    waiting since 22 May 2023, one agreement, six programs."""
    at = _open(app(sample_store, lang="en"), "pages/overview.py")
    assert not at.exception
    assert _metric(at, "Seats abroad") == str(_seats("home", abroad=True))
    assert _metric(at, "Seats received") == str(_seats("partner", abroad=False)) == "0"
    opened = [a for a in _csv("actions") if a["status"] == "open"]
    assert _metric(at, "Open follow-ups") == str(len(opened))
    assert any("22 May 2023" in c.value for c in at.caption)
    assert _metric(at, "Agreements") == str(len(_csv("agreements")))
    assert _metric(at, "Programs") == str(len(_csv("programs")))
    assert _metric(at, "Reciprocity") == "0 : 12"


def test_overview_kind_filter(app, sample_store):
    """Choosing the seminar kind leaves only the Tokyo seminar's seats abroad."""
    at = _open(app(sample_store, lang="en"), "pages/overview.py")
    at.multiselect(key="flt_kinds").set_value(["seminar"]).run()
    assert not at.exception
    assert _metric(at, "Seats abroad") == str(_seats("home", True, ("seminar",))) == "2"
    kinds = [p for p in _csv("programs") if p["kind"] == "seminar"]
    assert _metric(at, "Programs") == str(len(kinds))


def test_overview_indonesian_dates(app, sample_store):
    """In Bahasa Indonesia the oldest open follow-up reads 22 Mei 2023."""
    at = _open(app(sample_store, lang="id"), "pages/overview.py")
    assert any("22 Mei 2023" in c.value for c in at.caption)


def test_overview_empty_filter_shows_empty_state(app, sample_store):
    """A filter that leaves nothing shows the empty-state message, not zeros."""
    at = _open(app(sample_store, lang="en"), "pages/overview.py")
    at.multiselect(key="flt_kinds").set_value(["training"]).run()
    assert not at.exception
    assert at.info and {i.value for i in at.info} == {t("common.empty", "en")}


def test_delegations_sample_tables(app, sample_store):
    """The delegations page lists the sizes behind the chart: 12 seats planned abroad.
    The rows behind a chart are built only once their expander is opened."""
    at = _open(app(sample_store, lang="en"), "pages/delegations.py")
    assert not at.exception
    closed = [df.value for df in at.dataframe]
    assert not any("Direction" in df.columns for df in closed), "built while closed"
    at.session_state["dl_rows_sizes"] = True  # the analyst opens "the rows behind"
    at.run()
    assert not at.exception
    first = at.dataframe[0].value
    seats_col = next(c for c in first.columns if "Seats" in c)
    assert sum(int(v) for v in first[seats_col]) == sum(
        int(d["seats_planned"] or 0) for d in _csv("delegations"))
    assert "Study visit" in set(first[first.columns[0]])  # labels, never bare codes


def test_funding_sample_unconverted_never_zero(app, sample_store):
    """The sample's study visit line (APBD, amount unknown) is counted by lines and its
    amount shows as missing, never as 0."""
    at = _open(app(sample_store, lang="en"), "pages/funding.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert "APBD — regional budget" in set(table[table.columns[0]])
    amount_col = next(c for c in table.columns if c.startswith("Amount"))
    assert set(table[amount_col]) == {"–"}


def test_funding_page_reads_the_funding_lines_once(app, demo_store, monkeypatch):
    """Cold (nothing cached), the Funding page computes the funding lines of the filtered
    programs once: one query (funding_page.sql) gives every figure of the page, where it
    ran one query per figure (six), each computing the lines again."""
    import streamlit as st

    from coopdash.store import query

    at = app(demo_store, lang="en")
    at.run()
    ran: list[str] = []
    real = query.run

    def counted(con, name, *args, **kwargs):
        ran.append(name)
        return real(con, name, *args, **kwargs)

    monkeypatch.setattr(query, "run", counted)
    st.cache_data.clear()
    at.switch_page("pages/funding.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [n for n in ran if "f_funding(" in query.sql_text(n)] == ["funding_page"], ran
    assert len(at.dataframe) >= 3  # the mix, the rates, the unconverted amounts: drawn


def test_timeline_sample_stalled(app, sample_store):
    """The sample's exploration (last milestone 22 May 2023) is listed as stalled."""
    at = _open(app(sample_store, lang="en"), "pages/timeline.py")
    assert not at.exception
    exploration = next(a for a in _csv("agreements") if a["stage"] == "exploration")
    heading = t("lead.col.last_milestone", "en")
    stalled = next(df.value for df in at.dataframe if heading in df.value.columns)
    assert list(stalled[t("lead.col.agreement", "en")]) == [exploration["title"]]
    assert list(stalled[heading]) == ["22 May 2023"]


def test_overview_people_recorded_include_those_who_attended(app, demo_store):
    """Under 'Seats abroad', people recorded (all but withdrawn) include the attended ones:
    both counted straight from the store's rows, outbound as the contract defines it."""
    con = store.connect(demo_store, read_only=True)
    rows = con.execute(
        "select x.status from participants x "
        "join delegations d on d.delegation_id = x.delegation_id "
        "join programs p on p.program_id = d.program_id "
        "where d.side = 'home' and p.host_country is not null and p.host_country <> 'ID' "
        "and (p.mode in ('in_person', 'hybrid') or p.mode is null)").fetchall()
    con.close()
    recorded = sum(1 for (s,) in rows if s != "withdrawn")
    attended = sum(1 for (s,) in rows if s == "attended")
    at = _open(app(demo_store, lang="en"), "pages/overview.py")
    captions = [c.value for c in at.caption]
    expected = f"{recorded:,} people recorded · {attended:,} attended"
    assert expected in captions, captions
    assert 0 < attended < recorded  # the demo has both: the caption tells them apart


def test_overview_names_the_partner_and_the_exploration_date(app, sample_store):
    """The sample case at a glance: one partner, exploring since the first milestone
    (the letter of 19 May 2023), both taken from the sample CSVs."""
    partners = {r["partner_id"] for r in _csv("partners")}
    first = min(dt.date.fromisoformat(m["occurred_on"]) for m in _csv("milestones"))
    at = _open(app(sample_store, lang="en"), "pages/overview.py")
    caption = next(c.value for c in at.caption if c.value.startswith("Partners:"))
    assert caption.startswith(f"Partners: {len(partners)} · 1 Exploration")
    assert f"exploring since {first.day} {first.strftime('%B %Y')}" in caption
