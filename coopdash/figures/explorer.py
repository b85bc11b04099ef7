"""The explorer's tables as data, and the SQL around their query files.

Each tab reads one query file, `queries/explorer_<tab>.sql`, which filters (shared
filters `$f`, search `$q`, the tab's own filters) and adds the related figures. Sorting
and paging wrap that very query: `select <columns> from (<query>) order by <column>
limit $limit offset $offset`, where the column names come only from the tab's spec (an
allow-list) and every user value stays a bound parameter. Exports read the same wrapped
query without the paging, so the file holds exactly the rows the screen pages through.

No Streamlit here: pages and tests call these functions with a DuckDB connection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from coopdash.i18n import catalogue, fmt_date, fmt_int, fmt_money, fmt_number, t
from coopdash.store import query
from coopdash.workbook import regions

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Col:
    """A column of a tab. kind: id, text, code, label, date, int, money, number, bool."""

    name: str
    kind: str = "text"
    # personal data: participants' names, ids and positions (one regional head is one
    # person), only for roles allowed to see names (`coopdash.access`)
    personal: bool = False
    money_currency: str | None = None  # column holding the currency of a money column


@dataclass(frozen=True)
class TabFilter:
    """A filter of the tab's own: a multiselect over a code list, bound as `$param`."""

    param: str  # query parameter and session key suffix
    url: str  # URL key (short, distinct from the shared filters' keys)
    codelist: str  # codes offered; labels from the catalogue
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Tab:
    name: str
    key: str  # the id column: ties in a sort are broken by it, so pages never overlap
    columns: tuple[Col, ...]
    filters: tuple[TabFilter, ...] = ()
    default_sort: str = ""
    default_desc: bool = False
    has_rates: bool = False  # money converted with rates (the export states them)
    fallback_sort: str = ""  # the default sort when default_sort is personal

    @property
    def query(self) -> str:
        return f"explorer_{self.name}"

    def visible(self, show_names: bool) -> list[Col]:
        return [c for c in self.columns if show_names or not c.personal]

    def column_names(self, show_names: bool) -> list[str]:
        return [c.name for c in self.visible(show_names)]

    def sortable(self, show_names: bool) -> list[str]:
        """The sort allow-list: every visible column (labels sort as text)."""
        return self.column_names(show_names)

    def default_sort_for(self, show_names: bool) -> str:
        """The default sort among the visible columns (a viewer does not see the
        participants' id column, so their table sorts by delegation)."""
        visible = self.column_names(show_names)
        if self.default_sort in visible:
            return self.default_sort
        return self.fallback_sort if self.fallback_sort in visible else visible[0]


def _codes(codelist: str) -> tuple[str, ...]:
    from coopdash.contract import CODES

    return CODES[codelist]


DIRECTIONS = ("outbound", "inbound", "other")

TABS: dict[str, Tab] = {tab.name: tab for tab in (
    Tab("agreements", "agreement_id", (
        Col("agreement_id", "id"), Col("title"), Col("partner_id", "id"),
        Col("partner_name"), Col("partner_country", "id"),
        Col("instrument_label", "label"), Col("instrument", "code"),
        Col("stage_label", "label"), Col("stage", "code"),
        Col("signed_on", "date"), Col("starts_on", "date"), Col("ends_on", "date"),
        Col("reference"), Col("n_programs", "int"), Col("n_milestones", "int"),
        Col("last_milestone_on", "date"), Col("notes"),
    ), (
        TabFilter("stage", "stage", "stage", _codes("stage")),
        TabFilter("instrument", "instr", "instrument", _codes("instrument")),
    ), default_sort="title"),
    Tab("programs", "program_id", (
        Col("program_id", "id"), Col("title"), Col("partner_name"),
        Col("kind_label", "label"), Col("kind", "code"),
        Col("status_label", "label"), Col("status", "code"),
        Col("mode_label", "label"), Col("mode", "code"),
        Col("host_country", "id"), Col("host_city"),
        Col("starts_on", "date"), Col("ends_on", "date"), Col("agreement_id", "id"),
        Col("agreement_stage_label", "label"), Col("agreement_stage", "code"),
        Col("n_delegations", "int"), Col("seats_planned", "int"),
        Col("n_participants", "int"), Col("n_confirmed", "int"), Col("n_attended", "int"),
    ), (
        TabFilter("mode", "mode", "mode", _codes("mode")),
    ), default_sort="starts_on", default_desc=True),
    Tab("delegations", "delegation_id", (
        Col("delegation_id", "id"), Col("program_id", "id"), Col("program_title"),
        Col("partner_name"), Col("side_label", "label"), Col("side", "code"),
        Col("direction_label", "label"), Col("direction", "code"),
        Col("host_country", "id"), Col("program_starts_on", "date"),
        Col("seats_planned", "int"), Col("n_participants", "int"),
        Col("n_confirmed", "int"), Col("n_attended", "int"),
    ), (
        TabFilter("direction", "dir", "direction", DIRECTIONS),
    ), default_sort="program_starts_on", default_desc=True),
    Tab("participants", "participant_id", (
        Col("participant_id", "id", personal=True), Col("full_name", personal=True),
        Col("position", personal=True),
        Col("organisation"), Col("region_code", "id"), Col("province_name"),
        Col("gender_label", "label"), Col("gender", "code"),
        Col("role_label", "label"), Col("role", "code"),
        Col("status_label", "label"), Col("status", "code"),
        Col("delegation_id", "id"), Col("side_label", "label"), Col("side", "code"),
        Col("program_id", "id"), Col("program_title"), Col("partner_name"),
        Col("program_starts_on", "date"),
    ), (
        TabFilter("status", "pstat", "participant_status", _codes("participant_status")),
        TabFilter("gender", "gender", "gender", _codes("gender")),
        TabFilter("role", "role", "role", _codes("role")),
    ), default_sort="participant_id", fallback_sort="delegation_id"),
    Tab("funding", "funding_id", (
        Col("funding_id", "id"), Col("program_id", "id"), Col("program_title"),
        Col("partner_name"), Col("delegation_id", "id"),
        Col("source_label", "label"), Col("source", "code"), Col("funder"),
        Col("amount", "money", money_currency="currency"), Col("currency", "id"),
        Col("status_label", "label"), Col("status", "code"),
        Col("recorded_on", "date"), Col("rate_on", "date"),
        Col("display_currency", "id"),
        Col("amount_display", "money", money_currency="display_currency"),
        Col("rate_used", "number"), Col("rate_valid_from", "date"),
        Col("rate_idr_per_unit", "number"), Col("display_rate_valid_from", "date"),
        Col("display_idr_per_unit", "number"), Col("rate_source"),
        Col("is_unconverted", "bool"),
    ), (
        TabFilter("status", "fstat", "funding_status", _codes("funding_status")),
    ), default_sort="rate_on", default_desc=True, has_rates=True),
    Tab("actions", "action_id", (
        Col("action_id", "id"), Col("title"), Col("owner"),
        Col("status_label", "label"), Col("status", "code"),
        Col("opened_on", "date"), Col("due_on", "date"), Col("closed_on", "date"),
        Col("is_overdue", "bool"), Col("days_overdue", "int"),
        Col("agreement_id", "id"), Col("agreement_title"),
        Col("program_id", "id"), Col("program_title"), Col("partner_name"),
    ), (
        TabFilter("status", "astat", "action_status", _codes("action_status")),
    ), default_sort="due_on"),
)}

TAB_NAMES = tuple(TABS)
DEFAULT_TAB = "programs"


# --- words -----------------------------------------------------------------------------

def code_label(codelist: str, code: str, lang: str) -> str:
    """Labels of the contract's codes, and of the explorer's own (direction)."""
    key = f"code.{codelist}.{code}" if codelist != "direction" else f"explorer.direction.{code}"
    return t(key, lang)


def label_params(lang: str) -> dict[str, list[str]]:
    """`$label_keys` / `$label_values`: `codelist.code` -> label, for the SQL's map."""
    keys, values = [], []
    for key, entry in catalogue().items():
        if key.startswith("code."):
            keys.append(key.removeprefix("code."))
        elif key.startswith("explorer.direction."):
            keys.append("direction." + key.removeprefix("explorer.direction."))
        else:
            continue
        values.append(entry.get(lang) or entry["en"])
    return {"label_keys": keys, "label_values": values}


def province_params(lang: str) -> dict[str, list[str]]:
    """`$province_codes` / `$province_names` from the shipped reference list."""
    df = regions.provinces()
    names = df["name_en"] if lang == "en" else df["name"]
    return {"province_codes": df["province_code"].astype(str).tolist(),
            "province_names": names.astype(str).tolist()}


def header(col: str, lang: str, currency: str = "") -> str:
    """A column's header in `lang` (code columns read `Stage (code)`)."""
    if col.endswith("_label"):
        return t(f"explorer.col.{col.removesuffix('_label')}", lang)
    base = t(f"explorer.col.{col}", lang, currency=currency) if col == "amount_display" \
        else t(f"explorer.col.{col}", lang)
    return base


def headers(tab: Tab, show_names: bool, lang: str, currency: str) -> dict[str, str]:
    """Column -> header for every visible column; code columns get a `(code)` suffix
    when their label column is shown too, so every header is distinct."""
    names = tab.column_names(show_names)
    out = {}
    for name in names:
        text = header(name, lang, currency)
        if f"{name}_label" in names:
            text = t("explorer.code_suffix", lang, name=text)
        out[name] = text
    return out


# --- parameters ----------------------------------------------------------------------

def tab_params(tab: Tab, q: str = "", chosen: dict[str, Iterable[str]] | None = None,
               lang: str = "id") -> dict[str, Any]:
    """The tab's own query parameters: search, its filters, label and province maps."""
    chosen = chosen or {}
    out: dict[str, Any] = {"q": (q or "").strip()}
    for flt in tab.filters:
        out[flt.param] = [v for v in chosen.get(flt.param, ()) if v in flt.codes]
    out.update(label_params(lang))
    if tab.name == "participants":
        out.update(province_params(lang))
    return out


# --- SQL around the query file --------------------------------------------------------

_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


def _ident(name: str, allowed: Iterable[str]) -> str:
    """A column name for SQL: only from the allow-list, and quoted."""
    if name not in set(allowed) or not _IDENT.fullmatch(name):
        raise ValueError(f"not a column of this table: {name!r}")
    return f'"{name}"'


def sql(tab: Tab, show_names: bool, sort: str | None = None, desc: bool = False,
        paged: bool = False) -> str:
    """The wrapper (see `query.run`) that selects the tab's visible columns, sorts and
    (optionally) pages the rows of the tab's query file."""
    allowed = tab.column_names(show_names)
    cols = ", ".join(_ident(c, allowed) for c in allowed)
    sort = sort if sort in allowed else tab.default_sort_for(show_names)
    direction = "desc" if desc else "asc"
    order = f"{_ident(sort, allowed)} {direction} nulls last"
    if sort != tab.key:  # ties broken by the id, even where it is not shown
        order += f", {_ident(tab.key, tab.column_names(True))} asc"
    text = f"select {cols}\nfrom (\n{{query}}\n) as explorer_rows\norder by {order}"
    if paged:
        text += "\nlimit $limit offset $offset"
    return text


def fetch(con: duckdb.DuckDBPyConnection, tab: Tab, params: dict[str, Any],
          sort: str | None = None, desc: bool = False, page: int | None = None,
          page_size: int = DEFAULT_PAGE_SIZE) -> pd.DataFrame:
    """Rows of the tab, sorted; one page of them when `page` (1-based) is given."""
    show = bool(params.get("show_names"))
    paged = page is not None
    extra = ({"limit": int(page_size), "offset": (max(int(page), 1) - 1) * int(page_size)}
             if paged else None)
    return query.run(con, tab.query, params, wrap=sql(tab, show, sort, desc, paged),
                     extra=extra)


def count(con: duckdb.DuckDBPyConnection, tab: Tab, params: dict[str, Any]) -> int:
    df = query.run(con, tab.query, params,
                   wrap="select count(*) as n_rows from (\n{query}\n) as explorer_rows")
    return int(df["n_rows"].iloc[0])


def rates(con: duckdb.DuckDBPyConnection, tab: Tab, params: dict[str, Any]) -> pd.DataFrame:
    """The exchange rates the tab's rows were converted with (funding only)."""
    if not tab.has_rates:
        return pd.DataFrame()
    wrap = (
        "select currency, display_currency, rate_valid_from, rate_idr_per_unit, rate_source,"
        " display_rate_valid_from, display_idr_per_unit, min(rate_used) as rate_used,"
        " count(*) as n_lines\n"
        "from (\n{query}\n) as explorer_rows\n"
        "where amount is not null group by all order by all"
    )
    return query.run(con, tab.query, params, wrap=wrap)


def n_pages(n_rows: int, page_size: int) -> int:
    return max(1, -(-n_rows // page_size))


# --- the screen ----------------------------------------------------------------------

def _fmt(col: Col, value: Any, row: dict, lang: str) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if col.kind == "date":
        return fmt_date(value, lang)
    if col.kind == "int":
        return fmt_int(value, lang)
    if col.kind == "money":
        return fmt_money(value, row.get(col.money_currency) or "IDR", lang)
    if col.kind == "number":
        return fmt_number(float(value), lang, digits=6)
    if col.kind == "bool":
        return t("common.yes" if value else "common.no", lang)
    return value


def for_screen(tab: Tab, df: pd.DataFrame, lang: str, currency: str,
               show_names: bool) -> pd.DataFrame:
    """The page's rows with dates, numbers and money in the chosen locale and headers in
    the chosen language (the same values the export holds, formatted for reading)."""
    cols = tab.visible(show_names)
    records = df.to_dict("records")
    out = pd.DataFrame({col.name: [_fmt(col, row[col.name], row, lang) for row in records]
                        for col in cols}, columns=[c.name for c in cols])
    return out.rename(columns=headers(tab, show_names, lang, currency)).reset_index(drop=True)
