"""The pandas peer: hand-computed figures on a tiny office, and the same figures as SQL."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from coopdash import store
from coopdash.contract import TABLE_ORDER, TABLES
from coopdash.figures import funding, summary
from coopdash.figures.filters import Filters
from coopdash.figures.scope import Scope
from coopdash.store import query
from coopdash.workbook import demo
from tests import peer

TODAY = dt.date(2025, 6, 1)


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    cols = TABLES[table].column_names
    return pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols,
                        dtype=object)


TINY = {
    "partners": [
        {"partner_id": "pa1", "name": "JCLAIR", "country": "JP", "org_type": "other"},
        {"partner_id": "pa2", "name": "CSC", "country": "SG", "org_type": "public_sector"},
        {"partner_id": "pa3", "name": "KRILA", "country": "KR", "org_type": "public_sector"},
    ],
    "agreements": [
        {"agreement_id": "ag1", "partner_id": "pa1", "title": "MoU", "instrument": "mou",
         "stage": "active"},
        {"agreement_id": "ag2", "partner_id": "pa2", "title": "LoI", "instrument": "loi",
         "stage": "exploration"},
        {"agreement_id": "ag3", "partner_id": "pa3", "title": "MoU", "instrument": "mou",
         "stage": "expired"},
    ],
    "programs": [
        # held in person abroad: the home delegation is outbound
        {"program_id": "pr1", "partner_id": "pa1", "title": "Visit", "kind": "study_visit",
         "status": "completed", "mode": "in_person", "host_country": "JP",
         "starts_on": "2024-03-10", "ends_on": "2024-03-15"},
        # online: neither outbound nor inbound, whatever the side
        {"program_id": "pr2", "partner_id": "pa1", "title": "Webinar", "kind": "webinar",
         "status": "completed", "mode": "online", "starts_on": "2024-05-01"},
        # hybrid in Indonesia counts as in person: the partner delegation is inbound
        {"program_id": "pr3", "partner_id": "pa2", "title": "Seminar", "kind": "seminar",
         "status": "planned", "mode": "hybrid", "host_country": "ID",
         "starts_on": "2025-09-01"},
        # mode empty but host given: in person, so outbound; undated: a period drops it
        {"program_id": "pr4", "partner_id": "pa3", "title": "Meeting", "kind": "meeting",
         "status": "proposed", "host_country": "KR"},
        # mode and host both empty: not in person
        {"program_id": "pr5", "partner_id": "pa3", "title": "Training", "kind": "training",
         "status": "cancelled"},
    ],
    "delegations": [
        {"delegation_id": "de1", "program_id": "pr1", "side": "home", "seats_planned": "10"},
        {"delegation_id": "de2", "program_id": "pr1", "side": "partner", "seats_planned": "5"},
        {"delegation_id": "de3", "program_id": "pr2", "side": "home", "seats_planned": "20"},
        {"delegation_id": "de4", "program_id": "pr3", "side": "partner", "seats_planned": "8"},
        {"delegation_id": "de5", "program_id": "pr3", "side": "home", "seats_planned": "6"},
        {"delegation_id": "de6", "program_id": "pr4", "side": "home", "seats_planned": "4"},
        {"delegation_id": "de7", "program_id": "pr5", "side": "home"},
    ],
    "participants": [
        {"participant_id": "pt1", "delegation_id": "de1", "full_name": "A",
         "region_code": "32.73", "status": "attended"},
        {"participant_id": "pt2", "delegation_id": "de1", "full_name": "B",
         "region_code": "32", "status": "withdrawn"},
        {"participant_id": "pt3", "delegation_id": "de2", "full_name": "C",
         "status": "attended"},
        {"participant_id": "pt4", "delegation_id": "de3", "full_name": "D",
         "region_code": "35", "status": "attended"},
        {"participant_id": "pt5", "delegation_id": "de4", "full_name": "E",
         "status": "confirmed"},
        {"participant_id": "pt6", "delegation_id": "de5", "full_name": "F",
         "region_code": "31", "status": "nominated"},
        {"participant_id": "pt7", "delegation_id": "de6", "full_name": "G",
         "region_code": "32.01", "status": "nominated"},
    ],
    "funding": [
        {"funding_id": "fu1", "program_id": "pr1", "source": "apbn", "amount": "1000000.00",
         "currency": "IDR", "status": "spent", "recorded_on": "2024-03-01"},
        # no recorded_on: the program's start 2024-03-10 picks the 2024-03-01 JPY rate
        {"funding_id": "fu2", "program_id": "pr1", "source": "partner", "amount": "1000.00",
         "currency": "JPY", "status": "spent"},
        # a currency with no rate at all: unconverted
        {"funding_id": "fu3", "program_id": "pr2", "source": "partner", "amount": "100.00",
         "currency": "CHF", "status": "spent"},
        # IDR needs no rate, even undated (but shown in USD it is unconverted)
        {"funding_id": "fu4", "program_id": "pr4", "source": "apbd", "amount": "500000.00",
         "currency": "IDR", "status": "planned"},
        # no date anywhere: unconverted
        {"funding_id": "fu5", "program_id": "pr4", "source": "partner", "amount": "10.00",
         "currency": "USD", "status": "planned"},
        # no amount: counts as a line, not as unconverted
        {"funding_id": "fu6", "program_id": "pr3", "source": "co_funded", "status": "planned"},
        # dated before the first USD rate: unconverted
        {"funding_id": "fu7", "program_id": "pr3", "source": "partner", "amount": "50.00",
         "currency": "USD", "status": "planned", "recorded_on": "2017-12-01"},
    ],
    "fx_rates": [
        {"currency": "JPY", "valid_from": "2024-01-01", "idr_per_unit": "100.00"},
        {"currency": "JPY", "valid_from": "2024-03-01", "idr_per_unit": "105.00"},
        {"currency": "JPY", "valid_from": "2024-04-01", "idr_per_unit": "110.00"},
        {"currency": "USD", "valid_from": "2018-01-01", "idr_per_unit": "14000.00"},
        {"currency": "USD", "valid_from": "2024-01-01", "idr_per_unit": "15000.00"},
    ],
    "actions": [
        # open and due before as_of: overdue
        {"action_id": "ac1", "agreement_id": "ag1", "title": "Reply", "owner": "KS",
         "opened_on": "2025-04-01", "due_on": "2025-05-01", "status": "open"},
        {"action_id": "ac2", "program_id": "pr3", "title": "Venue", "owner": "KS",
         "opened_on": "2025-05-01", "due_on": "2025-07-01", "status": "open"},
        # linked to nothing: counts only while no partner / country filter is set
        {"action_id": "ac3", "title": "Archive", "owner": "KS", "opened_on": "2025-05-01",
         "status": "open"},
        {"action_id": "ac4", "agreement_id": "ag2", "title": "Draft", "owner": "KS",
         "opened_on": "2025-01-01", "status": "done", "closed_on": "2025-02-01"},
    ],
}


def _store(frames: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    store.migrate(con)
    demo.load_into(con, frames)
    return con


@pytest.fixture(scope="module")
def tiny():
    con = _store({t: _frame(t, TINY.get(t, [])) for t in TABLE_ORDER})
    yield con, peer.load(con)
    con.close()


def test_headline_default(tiny):
    """Every figure of the headline on the tiny office, computed by hand."""
    _, fr = tiny
    h = peer.headline(fr, Filters(), "IDR", TODAY, today=TODAY)
    assert h["partners"] == 3
    assert h["agreements"]["by_stage"] == {"active": 1, "expired": 1, "exploration": 1}
    assert h["programs"]["by_status"] == {"cancelled": 1, "completed": 2, "planned": 1,
                                          "proposed": 1}
    assert h["programs"]["by_kind"] == {"meeting": 1, "seminar": 1, "study_visit": 1,
                                        "training": 1, "webinar": 1}
    # outbound: de1 (in person in JP) + de6 (mode empty, host KR); online de3 not counted
    # inbound: de4 (hybrid in ID, partner side)
    assert h["seats_planned"] == {"outbound": 14, "inbound": 8}
    assert h["participants"]["by_status"] == {"attended": 3, "confirmed": 1,
                                              "nominated": 2, "withdrawn": 1}
    fs = h["funding"]["by_source"]
    assert fs["apbn"] == {"lines": 1, "amount": 1_000_000.0, "unconverted_lines": 0}
    # fu2 1000 JPY at 105 = 105,000; fu3 (CHF), fu5 (undated), fu7 (before rates) unconverted
    assert fs["partner"] == {"lines": 4, "amount": 105_000.0, "unconverted_lines": 3}
    assert fs["apbd"] == {"lines": 1, "amount": 500_000.0, "unconverted_lines": 0}
    # fu6 has no amount: it counts in the mix by lines, its total is unknown (None), not 0
    assert fs["co_funded"] == {"lines": 1, "amount": None, "unconverted_lines": 0}
    assert h["actions"] == {"open": 3, "overdue": 1}


def test_headline_as_it_stood(tiny):
    """On 2024-04-01 only what was known by then counts: the March study visit (pr1) with
    its delegations, people and two funding lines; no agreement (undated, no milestone:
    known from today only), no follow-up (all opened in 2025)."""
    _, fr = tiny
    h = peer.headline(fr, Filters(), "IDR", dt.date(2024, 4, 1), today=TODAY)
    assert h["partners"] == 1 and h["agreements"] == {"total": 0, "by_stage": {}}
    assert h["programs"] == {"total": 1, "by_status": {"completed": 1},
                             "by_kind": {"study_visit": 1}, "starting_in_year": 1}
    assert h["seats_planned"] == {"outbound": 10, "inbound": 0}
    assert h["people_recorded"] == {"outbound": 1, "inbound": 0}
    assert h["people_attended"] == {"outbound": 1, "inbound": 0}
    assert h["participants"]["by_status"] == {"attended": 2, "withdrawn": 1}
    assert h["funding"]["lines"] == 2 and h["funding"]["amount"] == 1_105_000.0
    assert h["actions"] == {"open": 0, "overdue": 0}


def test_follow_up_open_on_a_past_day(tiny):
    """ac4 (opened 1 Jan 2025, done 1 Feb 2025) was open on 15 Jan 2025; ac1-ac3 were
    not yet opened."""
    _, fr = tiny
    assert peer.headline(fr, Filters(), "IDR", dt.date(2025, 1, 15),
                         today=TODAY)["actions"] == {"open": 1, "overdue": 0}
    assert peer.headline(fr, Filters(), "IDR", dt.date(2025, 2, 1),
                         today=TODAY)["actions"] == {"open": 0, "overdue": 0}


def test_headline_usd(tiny):
    """Another display currency goes through IDR on the same date."""
    _, fr = tiny
    fs = peer.headline(fr, Filters(), "usd", TODAY, today=TODAY)["funding"]["by_source"]
    assert fs["apbn"]["amount"] == pytest.approx(1_000_000 / 15_000)
    assert fs["partner"]["amount"] == pytest.approx(105_000 / 15_000)
    # the undated IDR line now needs a USD rate: unconverted, not zero
    assert fs["apbd"] == {"lines": 1, "amount": None, "unconverted_lines": 1}


def test_period_drops_undated(tiny):
    """A period filter drops undated programs (pr4, pr5) and everything under them."""
    _, fr = tiny
    h = peer.headline(fr, Filters(date_from=dt.date(2024, 1, 1)), "IDR", TODAY, today=TODAY)
    assert sum(h["programs"]["by_status"].values()) == 3
    assert h["seats_planned"] == {"outbound": 10, "inbound": 8}
    assert "apbd" not in h["funding"]["by_source"]
    assert h["funding"]["by_source"]["partner"]["unconverted_lines"] == 2


def test_country_filter_on_actions(tiny):
    """Actions follow the partner's country; an action linked to nothing drops out."""
    _, fr = tiny
    h = peer.headline(fr, Filters(countries=("JP",)), "IDR", TODAY, today=TODAY)
    assert h["partners"] == 1
    assert h["actions"] == {"open": 1, "overdue": 1}


def test_region_filter(tiny):
    """Regions keep programs with such a person, and then only such people."""
    _, fr = tiny
    f = Filters(regions=("32",))
    assert set(peer.programs(fr, f)["program_id"]) == {"pr1", "pr4"}
    assert set(peer.participants(fr, f)["participant_id"]) == {"pt1", "pt2", "pt7"}


def test_nothing_recorded_choices(tiny):
    """'none' keeps programs with no funding line (pr5) / people with no province (pt3,
    pt5) and their programs; every source plus 'none' = no filter; every province plus
    'none' keeps every person (pr5, with no participant, drops out)."""
    _, fr = tiny
    ids = set(fr["programs"]["program_id"])
    assert set(peer.programs(fr, Filters(sources=("none",)))["program_id"]) == {"pr5"}
    assert set(peer.programs(fr, Filters(regions=("none",)))["program_id"]) == {"pr1", "pr3"}
    assert set(peer.participants(fr, Filters(regions=("none",)))["participant_id"]) == {
        "pt3", "pt5"}
    every_source = tuple(fr["funding"]["source"].unique())
    assert set(peer.programs(fr, Filters(sources=every_source))["program_id"]) == ids - {"pr5"}
    assert set(peer.programs(fr, Filters(sources=(*every_source, "none")))["program_id"]) == ids
    provinces = tuple(fr["participants"]["region_code"].dropna().str[:2].unique())
    every = Filters(regions=(*provinces, "none"))
    assert len(peer.participants(fr, every)) == len(fr["participants"])
    assert set(peer.programs(fr, every)["program_id"]) == ids - {"pr5"}


def test_delegations_by_kind_tiny(tiny):
    """Study visit outbound: 10 seats, one attended (the withdrawn person not counted)."""
    _, fr = tiny
    df = peer.delegations_by_kind(fr)
    row = df[(df["program_kind"] == "study_visit") & (df["direction"] == "outbound")].iloc[0]
    assert (row["n_seats"], row["n_confirmed"], row["n_attended"], row["n_people"]) == (
        10, 1, 1, 1)
    assert set(df.loc[df["program_kind"] == "webinar", "direction"]) == {"other"}


def test_province_and_funding_year_tiny(tiny):
    """Home people per province; funding per rate year with undated lines last."""
    _, fr = tiny
    prov = peer.home_participants_by_province(fr).set_index("province_code")
    # 32: pt1 (attended, outbound) and pt7 (nominated, outbound); pt2 withdrawn not counted
    assert prov.loc["32"].tolist() == [2, 1, 2]
    fy = peer.funding_by_source_year(fr)
    assert pd.isna(fy["year"].iloc[-1])
    assert fy["n_lines"].sum() == 7


PAGE_PAIRS = {  # peer function -> query
    "delegations_by_kind": peer.delegations_by_kind,
    "delegations_reciprocity": peer.reciprocity_by_year,
    "delegations_provinces": peer.home_participants_by_province,
    "funding_over_time": lambda fr, f: peer.funding_by_source_year(fr, f, "USD"),
    "funding_by_kind": lambda fr, f: peer.funding_by_kind(fr, f, "USD"),
    "funding_by_partner": lambda fr, f: peer.funding_by_partner(fr, f, "USD",
                                                                funding.TOP_PARTNERS),
    "funding_unconverted": lambda fr, f: peer.funding_unconverted(fr, f, "USD"),
}


def _funding_figure(figure: str):
    """A figure of the Funding page's one query (queries/funding_page.sql)."""
    return lambda con, params: funding.part(query.run(
        con, "funding_page", {**params, "limit": funding.TOP_PARTNERS, "today": TODAY}),
        figure)


SQL_OF = {  # a figure that is part of a page's one query (else: the query of its name)
    "funding_over_time": _funding_figure("year"),
    "funding_by_kind": _funding_figure("kind"),
    "funding_by_partner": _funding_figure("partner"),
    "funding_unconverted": _funding_figure("unconverted"),
}
FILTERS = {
    "default": Filters(),
    "narrow": Filters(countries=("JP", "KR"), date_from=dt.date(2022, 1, 1),
                      sources=("partner", "apbd")),
    "regions": Filters(regions=("32", "35"), sides=("home",)),
    "nothing_recorded": Filters(sources=("apbn", "none"), regions=("31", "none")),
}


@pytest.fixture(scope="module")
def demo10k():
    con = _store(demo.generate(10_000, today=TODAY))
    yield con, peer.load(con)
    con.close()


def _same(mine: pd.DataFrame, sql: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), sql.reset_index(drop=True),
                                  check_dtype=False, check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("name", sorted(PAGE_PAIRS))
@pytest.mark.parametrize("which", sorted(FILTERS))
def test_page_aggregates_match_sql(demo10k, tiny, name, which):
    """Peer == SQL, frame for frame, on the tiny office and on 10,000 demo participants."""
    for con, fr in (tiny, demo10k):
        f = FILTERS[which]
        params = {**f.params("ID"), "currency": "USD"}
        sql = SQL_OF[name](con, params) if name in SQL_OF else query.run(con, name, params)
        _same(PAGE_PAIRS[name](fr, f), sql)


@pytest.mark.parametrize("which", sorted(FILTERS))
def test_funding_page_mix_is_the_overviews_and_packs(demo10k, tiny, which):
    """The source mix shown on the Funding page (its one query, funding_page.sql) is the
    mix of funding_by_source.sql (the Overview, the pack, the CLI): row for row, with
    every filter set, in IDR and in USD."""
    for con, _ in (tiny, demo10k):
        for currency in ("IDR", "USD"):
            params = {**FILTERS[which].params("ID"), "currency": currency}
            page = _funding_figure("source")(con, params)
            by_source = query.run(con, "funding_by_source", params)
            assert len(by_source) > 0 or which != "default"
            _same(page.sort_values(["n_lines", "source"], ascending=[False, True]),
                  by_source.loc[:, list(funding.PARTS["source"])])


def _approx_headline(h: dict) -> dict:
    """Amounts compared to the cent (summary rounds them to two places)."""
    def approx(v):
        return None if v is None else pytest.approx(v, abs=0.01)
    out = dict(h)
    out["funding"] = {**h["funding"], "amount": approx(h["funding"]["amount"]),
                      "by_source": {s: {**v, "amount": approx(v["amount"])}
                                    for s, v in h["funding"]["by_source"].items()}}
    return out


AS_OF = {"tiny": [TODAY, dt.date(2025, 1, 15), dt.date(2024, 4, 1), dt.date(2023, 6, 30),
                  dt.date(2026, 1, 1)],
         "demo": [TODAY, dt.date(2024, 4, 1)]}


@pytest.mark.parametrize("currency", ["IDR", "USD"])
@pytest.mark.parametrize("which", sorted(FILTERS))
def test_headline_matches_summary(demo10k, tiny, which, currency):
    """Peer headline == SQL headline (figures.summary), default and narrowing filters,
    today and as the figures stood on earlier (and later) dates."""
    for store_name, (con, fr) in (("tiny", tiny), ("demo", demo10k)):
        f = FILTERS[which]
        for as_of in AS_OF[store_name]:
            sql = summary.headline(con, Scope(TODAY, f, currency, "ID"), as_of)
            assert sql == _approx_headline(
                peer.headline(fr, f, currency, as_of, "ID", today=TODAY)), as_of
