"""The pandas peer: the dashboard's figures computed from DataFrames held in memory.

Two uses. (1) The "Scale" benchmark: what a user would otherwise do with pandas (load
the whole tables once, filter and group in memory) against the SQL path
(`queries/*.sql` through `coopdash.store.query.run`). (2) An independent check of the SQL:
the filter semantics of `queries/_macros.sql` are written again here, from the contract,
in pandas, and the tests compare the two.

Filter semantics (the same as the macros):

- programs: partner, partner's country, kind, status; the period is on `starts_on`
  (an undated program drops out once either bound is set); a funding-source filter keeps
  programs with at least one line of such a source (and, with `none`, those with no
  line); a region filter keeps programs with at least one participant (any side) whose
  province (first two characters of `region_code`; `none` when empty) is chosen (a
  program with no participant drops out once regions are chosen). Empty list = all.
- delegations: of the filtered programs, by side. "In person" = mode in_person/hybrid,
  or mode empty and host_country given; outbound = home side, in person, host country
  given and not the home country; inbound = partner side, in person, host = home.
- participants: of the filtered delegations; the region filter applies to each person
  (people without a region drop out once regions are chosen, unless `none` is).
- funding: lines of the filtered programs, by source; converted to the display currency
  with the rate in force (last `valid_from` on or before) on `recorded_on`, else the
  program's `starts_on`. IDR needs no rate; another display currency goes through IDR on
  the same date; no rate -> `amount_display` NaN and the line counts as unconverted.
- agreements: partner and country filters only. actions: partner and country filters
  through the agreement's partner, else the program's; with no partner / country filter
  every action counts (also those linked to nothing).

Page aggregates (same columns, order and meaning as the SQL named beside them, so the
benchmark can compare frame to frame; counts are int64, `year` is nullable Int64,
amounts float with NaN where SQL gives NULL):

- `delegations_by_kind` ~ `queries/delegations_by_kind.sql`:
  program_kind, direction ('outbound' | 'inbound' | 'other'), n_delegations, n_programs,
  n_seats (seats planned), n_confirmed (confirmed or attended), n_attended,
  n_people (not withdrawn).
- `reciprocity_by_year` ~ `queries/delegations_reciprocity.sql`:
  year (program start; null for undated), direction, n_delegations, n_seats, n_people.
- `home_participants_by_province` ~ `queries/delegations_provinces.sql`:
  province_code, n_people (not withdrawn), n_attended, n_outbound.
- `funding_by_source_year` ~ the `year` figure of `queries/funding_page.sql`:
  year (of the rate date), source, n_lines, n_unconverted, amount_display.
- `funding_by_kind`, `funding_by_partner`, `funding_unconverted` ~ its `kind`, `partner`
  and `unconverted` figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from coopdash.contract import TABLE_ORDER, TABLES
from coopdash.figures.filters import NONE, Filters

Frames = dict[str, pd.DataFrame]
IN_PERSON = ("in_person", "hybrid")


# --- loading -------------------------------------------------------------------------


def load(con: duckdb.DuckDBPyConnection) -> Frames:
    """Every contract table, whole, as typed DataFrames (dates datetime64, amounts float,
    seats float with NaN for missing, text with NaN/None for missing)."""
    frames = {}
    for table in TABLE_ORDER:
        df = con.execute(f"select * from {table}").df()
        frames[table] = _typed(table, df)
    return frames


def _typed(table: str, df: pd.DataFrame) -> pd.DataFrame:
    for col in TABLES[table].columns:
        if col.kind == "date":
            df[col.name] = pd.to_datetime(df[col.name]).astype("datetime64[us]")
        elif col.kind in ("amount", "integer"):
            df[col.name] = pd.to_numeric(df[col.name]).astype("float64")
    return df


# --- the filtered world --------------------------------------------------------------


def _in(values: tuple[str, ...], series: pd.Series) -> pd.Series:
    """Empty = all; a missing value never matches a chosen list."""
    if not values:
        return pd.Series(True, index=series.index)
    return series.isin(values)


def _province(region_code: pd.Series) -> pd.Series:
    """The province of the region filter; NONE when no region is recorded."""
    return region_code.str[:2].fillna(NONE)


def _programs_with_region(fr: Frames, regions: tuple[str, ...]) -> pd.Series:
    """Programs with a participant in `regions` (NONE: a participant with no region)."""
    x = fr["participants"]
    hit = x.loc[_province(x["region_code"]).isin(regions), "delegation_id"]
    d = fr["delegations"]
    return d.loc[d["delegation_id"].isin(hit), "program_id"]


def _programs_with_source(fr: Frames, sources: tuple[str, ...]) -> pd.Series:
    """Programs with a funding line of `sources`; with NONE also those with no line."""
    fu = fr["funding"]
    keep = set(fu.loc[fu["source"].isin(sources), "program_id"])
    if NONE in sources:
        keep |= set(fr["programs"]["program_id"]) - set(fu["program_id"])
    return pd.Series(sorted(keep), dtype=object)


def programs(fr: Frames, f: Filters) -> pd.DataFrame:
    """f_programs: programs passing the program-level filters (with partner_country)."""
    pa = fr["partners"][["partner_id", "country"]].rename(columns={"country": "partner_country"})
    p = fr["programs"].merge(pa, on="partner_id", how="inner")
    keep = (_in(f.partners, p["partner_id"]) & _in(f.countries, p["partner_country"])
            & _in(f.kinds, p["kind"]) & _in(f.statuses, p["status"]))
    if f.date_from is not None:
        keep &= p["starts_on"] >= pd.Timestamp(f.date_from)
    if f.date_to is not None:
        keep &= p["starts_on"] <= pd.Timestamp(f.date_to)
    if f.sources:
        keep &= p["program_id"].isin(_programs_with_source(fr, f.sources))
    if f.regions:
        keep &= p["program_id"].isin(_programs_with_region(fr, f.regions))
    return p[keep]


def delegations(fr: Frames, f: Filters, home_country: str = "ID") -> pd.DataFrame:
    """f_delegations: delegations of the filtered programs with is_outbound / is_inbound."""
    p = programs(fr, f)[["program_id", "kind", "status", "partner_id", "starts_on",
                         "host_country", "mode"]]
    p = p.rename(columns={"kind": "program_kind", "status": "program_status",
                          "starts_on": "program_starts_on"})
    d = fr["delegations"].merge(p, on="program_id", how="inner")
    d = d[_in(f.sides, d["side"])].copy()
    host = d["host_country"]
    in_person = d["mode"].isin(IN_PERSON) | (d["mode"].isna() & host.notna())
    d["is_in_person"] = in_person
    d["is_outbound"] = (d["side"] == "home") & in_person & host.notna() & (host != home_country)
    d["is_inbound"] = (d["side"] == "partner") & in_person & (host == home_country)
    return d


def participants(fr: Frames, f: Filters, home_country: str = "ID") -> pd.DataFrame:
    """f_participants: people of the filtered delegations, region filter per person."""
    d = delegations(fr, f, home_country)[["delegation_id", "side", "program_id",
                                          "program_kind", "partner_id", "is_outbound",
                                          "is_inbound", "program_starts_on"]]
    x = fr["participants"].merge(d, on="delegation_id", how="inner")
    x["province_code"] = x["region_code"].str[:2]
    return x[_in(f.regions, _province(x["region_code"]))]


def _rate_on(lines: pd.DataFrame, rates: pd.DataFrame, currency: pd.Series) -> pd.Series:
    """The idr_per_unit in force on lines.rate_on for each line's currency (NaN if none)."""
    left = pd.DataFrame({"rate_on": lines["rate_on"], "currency": currency.fillna("")})
    left = left[left["rate_on"].notna()].reset_index().sort_values("rate_on")
    right = rates[["currency", "valid_from", "idr_per_unit"]].sort_values("valid_from")
    hit = pd.merge_asof(left, right, left_on="rate_on", right_on="valid_from", by="currency",
                        direction="backward", allow_exact_matches=True)
    return hit.set_index("index")["idr_per_unit"].reindex(lines.index)


def funding(fr: Frames, f: Filters, currency: str = "IDR") -> pd.DataFrame:
    """f_funding: lines of the filtered programs with amount_idr, amount_display and
    is_unconverted (an amount with no usable rate: never zero, never dropped)."""
    p = programs(fr, f)[["program_id", "kind", "starts_on"]].rename(
        columns={"kind": "program_kind", "starts_on": "program_starts_on"})
    fu = fr["funding"].merge(p, on="program_id", how="inner")
    fu = fu[_in(f.sources, fu["source"])].copy()
    fu["rate_on"] = fu["recorded_on"].fillna(fu["program_starts_on"])
    rates = fr["fx_rates"]
    to_idr = _rate_on(fu, rates, fu["currency"])
    fu["amount_idr"] = np.where(fu["currency"] == "IDR", fu["amount"], fu["amount"] * to_idr)
    cur = currency.upper()
    if cur == "IDR":
        fu["amount_display"] = fu["amount_idr"]
    else:
        fu["amount_display"] = fu["amount_idr"] / _rate_on(
            fu, rates, pd.Series(cur, index=fu.index))
    fu["is_unconverted"] = fu["amount"].notna() & fu["amount_display"].isna()
    return fu


def agreements(fr: Frames, f: Filters) -> pd.DataFrame:
    """f_agreements: by partner and partner country."""
    pa = fr["partners"][["partner_id", "country"]]
    a = fr["agreements"].merge(pa, on="partner_id", how="inner")
    return a[_in(f.partners, a["partner_id"]) & _in(f.countries, a["country"])]


def actions(fr: Frames, f: Filters) -> pd.DataFrame:
    """f_actions: by the partner of the agreement, else of the program."""
    ac = fr["actions"]
    ag = fr["agreements"].set_index("agreement_id")["partner_id"]
    pr = fr["programs"].set_index("program_id")["partner_id"]
    partner = ac["agreement_id"].map(ag).fillna(ac["program_id"].map(pr))
    country = partner.map(fr["partners"].set_index("partner_id")["country"])
    ac = ac.assign(partner_id=partner)
    if not f.partners and not f.countries:
        return ac
    known = country.notna()  # the partner exists in partners
    return ac[known & _in(f.partners, partner) & _in(f.countries, country)]


# --- headline ------------------------------------------------------------------------


def _counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}


def _funding_by_source(fu: pd.DataFrame) -> dict[str, dict[str, Any]]:
    out = {}
    for source, g in fu.groupby("source", sort=True):
        total = g["amount_display"].sum(min_count=1)  # NaN when nothing converted
        out[str(source)] = {"lines": len(g), "amount": None if pd.isna(total) else float(total),
                            "unconverted_lines": int(g["is_unconverted"].sum())}
    return out


def _known(on: pd.Series, as_of: pd.Timestamp, is_all: bool) -> pd.Series:
    return pd.Series(True, index=on.index) if is_all else on <= as_of


def _agreement_known_on(fr: Frames, today: pd.Timestamp) -> pd.Series:
    """agreement_id -> the first of its signing, start and first milestone (else today)."""
    ag = fr["agreements"].set_index("agreement_id")
    first = fr["milestones"].groupby("agreement_id")["occurred_on"].min()
    dates = pd.concat([ag["signed_on"], ag["starts_on"], first.reindex(ag.index)], axis=1)
    return dates.min(axis=1).fillna(today)


def _known_programs(fr: Frames, f: Filters, agreement_on: pd.Series, today: pd.Timestamp,
                    as_of: pd.Timestamp, is_all: bool) -> pd.DataFrame:
    """Programs known by as_of: from their start, else their agreement's first date,
    else today (undated: only known now)."""
    p = programs(fr, f)
    on = p["starts_on"].fillna(p["agreement_id"].map(agreement_on)).fillna(today)
    p = p.assign(known_on=on)
    return p[_known(on, as_of, is_all)]


def _open_actions(fr: Frames, f: Filters, as_of: pd.Timestamp) -> pd.DataFrame:
    """Follow-ups open on as_of: opened by then, still open or closed after it."""
    ac = actions(fr, f)
    is_open = (ac["opened_on"] <= as_of) & ((ac["status"] == "open") | (ac["closed_on"] > as_of))
    return ac[is_open]


def _directions(d: pd.DataFrame, x: pd.DataFrame, values: pd.Series) -> dict[str, dict]:
    """Seats, people recorded (not withdrawn) and attended, outbound and inbound."""
    people = x[x["delegation_id"].isin(d["delegation_id"])]
    out = {"seats_planned": {}, "people_recorded": {}, "people_attended": {}}
    for name, flag in (("outbound", "is_outbound"), ("inbound", "is_inbound")):
        mine = people[people["delegation_id"].isin(d.loc[d[flag], "delegation_id"])]
        out["seats_planned"][name] = int(values[d[flag]].sum())
        out["people_recorded"][name] = int((mine["status"] != "withdrawn").sum())
        out["people_attended"][name] = int((mine["status"] == "attended").sum())
    return out


def _funding_json(fu: pd.DataFrame) -> dict[str, Any]:
    total = fu["amount_display"].sum(min_count=1)
    return {"lines": len(fu), "amount": None if pd.isna(total) else float(total),
            "unconverted_lines": int(fu["is_unconverted"].sum()),
            "no_amount_lines": int(fu["amount"].isna().sum()),
            "by_source": _funding_by_source(fu)}


def headline(fr: Frames, filters: Filters | None = None, currency: str = "IDR",
             as_of: dt.date | None = None, home_country: str = "ID",
             today: dt.date | None = None) -> dict[str, Any]:
    """The headline figures as they stood on `as_of` seen from `today` (the shape of
    `coopdash.figures.summary.headline`).

    A record counts from the date it became known: an agreement from the first of its
    signing, start or first milestone; a program from its start, else its agreement's
    first date; a funding line from `recorded_on`, else its program's date; anything
    undated from `today`. On or after `today` everything counts. Code dicts hold only
    codes with at least one record; partners are those with a known agreement or
    program. A follow-up is open on `as_of` when opened by then and still open or closed
    after it; overdue when due before `as_of`.
    """
    f = filters or Filters()
    today_ts = pd.Timestamp(today or dt.date.today())
    as_of_ts = pd.Timestamp(as_of) if as_of else today_ts
    is_all = as_of_ts >= today_ts
    agreement_on = _agreement_known_on(fr, today_ts)
    ag = agreements(fr, f)
    ag = ag[_known(ag["agreement_id"].map(agreement_on), as_of_ts, is_all)]
    p = _known_programs(fr, f, agreement_on, today_ts, as_of_ts, is_all)
    d = delegations(fr, f, home_country)
    d = d[d["program_id"].isin(p["program_id"])]
    x = participants(fr, f, home_country)
    x = x[x["delegation_id"].isin(d["delegation_id"])]
    fu = funding(fr, f, currency).merge(p[["program_id", "known_on"]], on="program_id")
    fu = fu[_known(fu["recorded_on"].fillna(fu["known_on"]), as_of_ts, is_all)]
    ac = _open_actions(fr, f, as_of_ts)
    # programs this year: started from 1 January up to the day, not cancelled or postponed
    in_year = (~p["status"].isin(["cancelled", "postponed"])
               & (p["starts_on"] >= pd.Timestamp(as_of_ts.year, 1, 1))
               & (p["starts_on"] <= as_of_ts))
    return {
        "as_of": as_of_ts.date().isoformat(),
        "partners": len(set(ag["partner_id"]) | set(p["partner_id"])),
        "agreements": {"total": len(ag), "by_stage": _counts(ag["stage"])},
        "programs": {"total": len(p), "by_status": _counts(p["status"]),
                     "by_kind": _counts(p["kind"]), "starting_in_year": int(in_year.sum())},
        **_directions(d, x, d["seats_planned"].fillna(0)),
        "participants": {"by_status": _counts(x["status"])},
        "funding": _funding_json(fu),
        "actions": {"open": len(ac), "overdue": int((ac["due_on"] < as_of_ts).sum())},
    }


# --- page aggregates -----------------------------------------------------------------


def _direction(d: pd.DataFrame) -> pd.Series:
    return pd.Series(np.select([d["is_outbound"], d["is_inbound"]], ["outbound", "inbound"],
                               "other"), index=d.index)


def _people_per_delegation(x: pd.DataFrame) -> pd.DataFrame:
    st = x["status"]
    return pd.DataFrame({
        "delegation_id": x["delegation_id"],
        "n_confirmed": st.isin(["confirmed", "attended"]).astype("int64"),
        "n_attended": (st == "attended").astype("int64"),
        "n_people": (st != "withdrawn").astype("int64"),
    }).groupby("delegation_id").sum()


def _ints(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    for c in cols:
        df[c] = df[c].fillna(0).astype("int64")
    return df


def delegations_by_kind(fr: Frames, f: Filters | None = None, home_country: str = "ID"
                        ) -> pd.DataFrame:
    """Delegation sizes per program kind and direction (see the module docstring)."""
    f = f or Filters()
    d = delegations(fr, f, home_country)
    people = _people_per_delegation(participants(fr, f, home_country))
    d = d.join(people, on="delegation_id").assign(direction=_direction(d))
    out = d.groupby(["program_kind", "direction"], as_index=False).agg(
        n_delegations=("delegation_id", "size"), n_programs=("program_id", "nunique"),
        n_seats=("seats_planned", "sum"), n_confirmed=("n_confirmed", "sum"),
        n_attended=("n_attended", "sum"), n_people=("n_people", "sum"))
    cols = ["n_delegations", "n_programs", "n_seats", "n_confirmed", "n_attended", "n_people"]
    return _ints(out, cols).sort_values(["program_kind", "direction"], ignore_index=True)


def reciprocity_by_year(fr: Frames, f: Filters | None = None, home_country: str = "ID"
                        ) -> pd.DataFrame:
    """Outbound against inbound per program start year: delegations, seats, people."""
    f = f or Filters()
    d = delegations(fr, f, home_country)
    d = d[d["is_outbound"] | d["is_inbound"]]
    x = participants(fr, f, home_country)
    x = x[(x["is_outbound"] | x["is_inbound"]) & (x["status"] != "withdrawn")]
    people = x.groupby("delegation_id").size().rename("n_people")
    d = d.join(people, on="delegation_id").assign(
        year=d["program_starts_on"].dt.year.astype("Int64"), direction=_direction(d))
    out = d.groupby(["year", "direction"], as_index=False, dropna=False).agg(
        n_delegations=("delegation_id", "size"), n_seats=("seats_planned", "sum"),
        n_people=("n_people", "sum"))
    out = _ints(out, ["n_delegations", "n_seats", "n_people"])
    return out.sort_values(["year", "direction"], na_position="last", ignore_index=True)


def home_participants_by_province(fr: Frames, f: Filters | None = None,
                                  home_country: str = "ID") -> pd.DataFrame:
    """Home-side people per province: not withdrawn, attended, sent abroad."""
    f = f or Filters()
    x = participants(fr, f, home_country)
    x = x[(x["side"] == "home") & x["province_code"].notna()]
    active = x["status"] != "withdrawn"
    out = pd.DataFrame({
        "province_code": x["province_code"], "n_people": active.astype("int64"),
        "n_attended": (x["status"] == "attended").astype("int64"),
        "n_outbound": (x["is_outbound"] & active).astype("int64"),
    }).groupby("province_code", as_index=False).sum()
    out = out[out["n_people"] > 0]
    return out.sort_values(["n_people", "province_code"], ascending=[False, True],
                           ignore_index=True)


def funding_by_source_year(fr: Frames, f: Filters | None = None, currency: str = "IDR"
                           ) -> pd.DataFrame:
    """Funding per year of the rate date and source: lines, unconverted, amount."""
    fu = funding(fr, f or Filters(), currency)
    fu = fu.assign(year=fu["rate_on"].dt.year.astype("Int64"))
    out = fu.groupby(["year", "source"], as_index=False, dropna=False).agg(
        n_lines=("funding_id", "size"), n_unconverted=("is_unconverted", "sum"),
        amount_display=("amount_display", lambda s: s.sum(min_count=1)))
    out = _ints(out, ["n_lines", "n_unconverted"])
    return out.sort_values(["year", "source"], na_position="last", ignore_index=True)


def _stack(fu: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Lines, unconverted lines and converted amount per `by` (a figure's stack)."""
    out = fu.groupby(by, as_index=False, dropna=False).agg(
        n_lines=("funding_id", "size"), n_unconverted=("is_unconverted", "sum"),
        amount_display=("amount_display", lambda s: s.sum(min_count=1)))
    return _ints(out, ["n_lines", "n_unconverted"])


def funding_by_kind(fr: Frames, f: Filters | None = None, currency: str = "IDR"
                    ) -> pd.DataFrame:
    """Funding per program kind and source: lines, unconverted, amount."""
    out = _stack(funding(fr, f or Filters(), currency), ["program_kind", "source"])
    return out.sort_values(["program_kind", "source"], ignore_index=True)


def funding_by_partner(fr: Frames, f: Filters | None = None, currency: str = "IDR",
                       limit: int = 15) -> pd.DataFrame:
    """Funding per partner and source, for the `limit` partners with the most money
    (then the most lines, then by id)."""
    fu = funding(fr, f or Filters(), currency).merge(
        fr["programs"][["program_id", "partner_id"]], on="program_id")
    out = _stack(fu, ["partner_id", "source"])
    totals = out.groupby("partner_id", as_index=False).agg(
        amount=("amount_display", lambda s: s.sum(min_count=1)), lines=("n_lines", "sum"))
    top = totals.sort_values(["amount", "lines", "partner_id"], ascending=[False, False, True],
                             na_position="last").head(limit)["partner_id"]
    out = out[out["partner_id"].isin(top)].merge(
        fr["partners"][["partner_id", "name"]].rename(columns={"name": "partner_name"}),
        on="partner_id")
    out = out[["partner_id", "partner_name", "source", "n_lines", "n_unconverted",
               "amount_display"]]
    return out.sort_values(["partner_name", "source"], ignore_index=True)


def funding_unconverted(fr: Frames, f: Filters | None = None, currency: str = "IDR"
                        ) -> pd.DataFrame:
    """Amounts with no rate, per currency: lines, amount in that currency, undated lines,
    first and last rate date."""
    fu = funding(fr, f or Filters(), currency)
    fu = fu[fu["is_unconverted"]]
    out = fu.groupby("currency", as_index=False).agg(
        n_lines=("funding_id", "size"), amount=("amount", "sum"),
        n_undated=("rate_on", lambda s: int(s.isna().sum())),
        first_on=("rate_on", "min"), last_on=("rate_on", "max"))
    out = _ints(out, ["n_lines", "n_undated"])
    return out.sort_values(["n_lines", "currency"], ascending=[False, True],
                           ignore_index=True)

