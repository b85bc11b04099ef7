"""The demo generator: deterministic, valid per the contract, realistic in shape."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from coopdash import store
from coopdash.contract import CODES, TABLE_ORDER, TABLES
from coopdash.workbook import demo, validate
from coopdash.workbook.regions import provinces

TODAY = dt.date(2025, 6, 1)
ISO = TODAY.isoformat()


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo.generate(5000, seed=7, today=TODAY)


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    store.migrate(con)
    return con


def test_deterministic():
    """Same seed and today -> identical frames; another seed -> other data."""
    a = demo.generate(2000, seed=3, today=TODAY)
    b = demo.generate(2000, seed=3, today=TODAY)
    c = demo.generate(2000, seed=4, today=TODAY)
    for t in TABLE_ORDER:
        pd.testing.assert_frame_equal(a[t], b[t])
    assert not a["participants"].equals(c["participants"])


def test_columns_are_the_contract_and_cells_are_text(frames):
    """Exactly the contract's columns, in order; every cell a str (empty = missing)."""
    assert list(frames) == list(TABLE_ORDER)
    for t, df in frames.items():
        assert list(df.columns) == TABLES[t].column_names, t
        assert df.map(lambda v: isinstance(v, str)).all().all(), t


def test_passes_the_validator(frames):
    """The real validator accepts the whole demo (codes, dates, ids, references, rules)."""
    con = _store()
    validate.validate(con, frames).close()


def test_ids_unique_and_prefixed(frames):
    """Every id starts with demo- (the UI's demo marker) and is unique in its table (exchange
    rates and minutes are keyed by currency and date, and by week: no id to mark; the demo
    has no recipients: they come from partners' IATI files)."""
    for t, df in frames.items():
        if t in ("fx_rates", "minutes", "recipients"):
            continue
        ids = df[TABLES[t].key]
        assert ids.str.startswith("demo-").all(), t
        assert ids.is_unique, t


def test_scale_shape():
    """10,000 participants -> about 500 programs, about two delegations each."""
    f = demo.generate(10_000, today=TODAY)
    assert len(f["participants"]) == 10_000
    assert 450 <= len(f["programs"]) <= 550
    assert 1.7 <= len(f["delegations"]) / len(f["programs"]) <= 2.1
    assert f["partners"]["country"].nunique() >= 12


CHART_CODES = {  # codelist -> (table, column)
    "org_type": ("partners", "org_type"), "instrument": ("agreements", "instrument"),
    "stage": ("agreements", "stage"), "milestone_kind": ("milestones", "kind"),
    "channel": ("milestones", "channel"), "program_kind": ("programs", "kind"),
    "program_status": ("programs", "status"), "mode": ("programs", "mode"),
    "side": ("delegations", "side"), "gender": ("participants", "gender"),
    "role": ("participants", "role"), "participant_status": ("participants", "status"),
    "source": ("funding", "source"), "funding_status": ("funding", "status"),
    "action_status": ("actions", "status"),
}


@pytest.mark.parametrize("codelist", sorted(CHART_CODES))
def test_every_code_present(frames, codelist):
    """Each chart's legend has something to show at the default size."""
    table, column = CHART_CODES[codelist]
    assert set(CODES[codelist]) <= set(frames[table][column]), codelist


def test_programs_consistent_with_today(frames):
    """Online -> no host; completed in the past; future -> not completed; a few late."""
    p = frames["programs"]
    assert (p.loc[p["mode"] == "online", "host_country"] == "").all()
    dated = p[p["starts_on"] != ""]
    assert (dated.loc[dated["status"] == "completed", "ends_on"] < ISO).all()
    assert (dated.loc[dated["starts_on"] > ISO, "status"].isin(
        ["proposed", "planned", "confirmed", "postponed", "cancelled"])).all()
    assert ((dated["status"] == "planned") & (dated["starts_on"] < ISO)).any()
    assert (p["starts_on"] == "").any()  # undated programs exist
    assert (p["host_country"] == "ID").any() and ((p["host_country"] != "ID")
                                                  & (p["host_country"] != "")).any()
    assert dated["starts_on"].min() >= "2019-01-01" and dated["starts_on"].max() <= "2027-12-31"


def test_attended_only_after_start(frames):
    """A participant attended only a program that has started."""
    x = frames["participants"].merge(frames["delegations"], on="delegation_id").merge(
        frames["programs"], on="program_id", suffixes=("", "_p"))
    att = x[x["status"] == "attended"]
    assert ((att["starts_on"] != "") & (att["starts_on"] <= ISO)).all()


def test_home_participants_have_real_regions(frames):
    """Home-side people carry Kemendagri codes of real provinces; partner side none."""
    x = frames["participants"].merge(frames["delegations"], on="delegation_id")
    home = x[x["side"] == "home"]
    codes = home.loc[home["region_code"] != "", "region_code"]
    assert codes.str[:2].isin(set(provinces()["province_code"])).all()
    assert codes.str.contains(".", regex=False).any()  # some regencies / cities
    assert (x.loc[x["side"] == "partner", "region_code"] == "").all()
    assert home["position"].isin(["Bupati", "Wali Kota", "Sekretaris Daerah"]).any()


def test_agreement_timeline(frames):
    """Expired ended in the past; some active expire within 90 days; stalled explorations."""
    a = frames["agreements"]
    assert (a.loc[a["stage"] == "expired", "ends_on"] < ISO).all()
    signed = a[a["stage"].isin(["signed", "active", "extended", "expired", "terminated"])]
    assert (signed["signed_on"] != "").all()
    soon = (TODAY + dt.timedelta(days=90)).isoformat()
    active = a[a["stage"] == "active"]
    assert ((active["ends_on"] >= ISO) & (active["ends_on"] <= soon)).any()
    last = frames["milestones"].groupby("agreement_id")["occurred_on"].max()
    expl = a.loc[a["stage"] == "exploration", "agreement_id"]
    stale = (TODAY - dt.timedelta(days=60)).isoformat()
    assert (last.reindex(expl) < stale).any()
    assert (frames["milestones"]["occurred_on"] <= ISO).all()


def test_funding_and_rates(frames):
    """Every currency has monthly rates 2018-2027 except a deliberately unrated one."""
    fx = frames["fx_rates"]
    assert set(fx["currency"]) == {"USD", "JPY", "SGD", "KRW", "EUR"}
    assert (fx.groupby("currency").size() == 120).all()
    assert (fx["source"] != "").all()
    fu = frames["funding"]
    assert (fu["currency"] == demo.UNRATED_CURRENCY).any()
    assert (fu["amount"] == "").any()
    assert (fu["delegation_id"] != "").any()
    assert {"IDR", "JPY", "USD", "SGD", "KRW", "EUR"} <= set(fu["currency"])


def test_actions_overdue_and_due_soon(frames):
    """The weekly review has overdue and due-soon open actions to show."""
    ac = frames["actions"]
    op = ac[(ac["status"] == "open") & (ac["due_on"] != "")]
    soon = (TODAY + dt.timedelta(days=14)).isoformat()
    assert (op["due_on"] < ISO).any()
    assert ((op["due_on"] >= ISO) & (op["due_on"] <= soon)).any()
    closed = ac[ac["status"] != "open"]
    assert (closed["closed_on"] >= closed["opened_on"]).all()


def test_load_into_store(frames):
    """The quick loader casts text into typed columns; empty cells become NULL."""
    con = _store()
    counts = demo.load_into(con, frames)
    assert counts == {t: len(df) for t, df in frames.items()}
    n_null = con.execute("select count(*) from funding where amount is null").fetchall()[0][0]
    assert n_null == (frames["funding"]["amount"] == "").sum()
    roles = con.execute("select count(*) from participants where role is null").fetchall()
    assert roles[0][0] == 0


def test_write_csv_round_trip(tmp_path, frames):
    """A CSV folder reads back (as text) to the same frames."""
    out = demo.write(frames, tmp_path / "demo")
    for t, df in frames.items():
        back = pd.read_csv(out / f"{t}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(back.astype(object), df, check_dtype=False)


def test_write_xlsx(tmp_path):
    """A workbook with one sheet per table; values are text, never formulas."""
    f = demo.generate(300, today=TODAY)
    f["actions"].loc[0, "title"] = "=1+1"
    path = demo.write(f, tmp_path / "demo.xlsx")
    book = pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
    assert list(book) == list(TABLE_ORDER)
    assert book["actions"].loc[0, "title"] == "=1+1"
    assert book["participants"]["participant_id"].tolist() == (
        f["participants"]["participant_id"].tolist())
