"""Every rule of the workbook contract, checked on the store as it would be after import.

Two passes, both vectorised:

1. `clean_table`: each column by its kind with pandas string operations (trim, ids,
   text, dates, integers, amounts, codes, countries, currencies, regions, required
   cells, duplicate keys). Bad cells become missing in the clean frame.
2. `Staging`: the clean frames are registered in DuckDB and the store-after-import is
   built as views `_a_<table>` (file rows merged with stored rows; in replace mode the
   file's tables hold only the file's rows). References and rules across rows and
   tables are SQL over those views, each violation reported on the file row that
   breaks it (or on the stored record when a replace removes what it points to).

Nothing here writes to the store: views and registrations are temporary and dropped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from coopdash.contract import CODES, TABLE_ORDER, TABLES, Column, key_columns
from coopdash.i18n import t

MAX_SHOWN = 1000
MAX_TEXT = 10_000
MAX_INT = 2_147_483_647
ID_RE = r"[A-Za-z0-9._-]{1,64}"
CTRL_RE = r"[\x00-\x08\x0b-\x1f\x7f]"
SQL_TYPES = {"date": "date", "integer": "integer", "amount": "decimal(18, 2)"}
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA",
                  "XB", "ZZ"}


@functools.cache
def countries() -> frozenset[str]:
    from babel import Locale

    return frozenset(k for k in Locale("en").territories
                     if len(k) == 2 and k.isalpha() and k not in _NOT_COUNTRIES)


@functools.cache
def currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha())


# --- Issues -------------------------------------------------------------------------


@dataclass(eq=False)
class Issue:
    """One located problem: table, row as seen, column, value found, what was expected."""

    table: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict)
    record: str | None = None  # a stored record (not in the file) the problem is on

    def message(self, lang: str = "id") -> str:
        kw = dict(self.params)
        if "target" in kw:
            kw["target"] = t(f"store.target.{kw['target']}", lang)
        return t(f"store.err.{self.code}", lang, **kw)

    def location(self, lang: str = "id") -> str:
        parts = []
        if self.table:
            parts.append(t("store.loc.table", lang, table=self.table))
        if "line" in self.params:
            parts.append(t("store.loc.line", lang, line=self.params["line"]))
        elif self.row is not None:
            parts.append(t("store.loc.row", lang, row=self.row))
        elif self.record is not None:
            parts.append(t("store.loc.stored", lang, record=self.record))
        if self.column:
            parts.append(t("store.loc.column", lang, column=self.column))
        return ", ".join(parts)

    def shown_value(self, lang: str = "id", width: int = 80) -> str | None:
        if self.value is None:
            return None
        if self.value == "":
            return t("store.loc.empty_value", lang)
        text = self.value.replace("\n", "⏎")
        return repr(text[:width] + "…" if len(text) > width else text)

    def format(self, lang: str = "id") -> str:
        found = self.shown_value(lang)
        head = self.location(lang)
        if found is not None:
            head = f"{head}: {t('store.loc.found', lang, value=found)}" if head else found
        return f"{head} — {self.message(lang)}" if head else self.message(lang)

    def as_dict(self, lang: str = "id") -> dict:
        return {"table": self.table, "row": self.row, "column": self.column,
                "value": self.shown_value(lang), "record": self.record,
                "message": self.message(lang)}


class Issues:
    """Every problem counted; the first `cap` kept to show."""

    def __init__(self, cap: int = MAX_SHOWN) -> None:
        self.cap = cap
        self.items: list[Issue] = []
        self.total = 0

    def add(self, issue: Issue) -> None:
        self.total += 1
        if len(self.items) < self.cap:
            self.items.append(issue)

    def add_rows(self, table: str, column: str | None, code: str, rows, values,
                 params: dict | None = None, per_row: dict | None = None) -> None:
        """Many issues of one kind; `per_row` maps a param name to values by row."""
        rows = list(rows)
        self.total += len(rows)
        room = self.cap - len(self.items)
        if room <= 0 or not rows:
            return
        vals = list(values[:room])
        extra = {k: list(v[:room]) for k, v in (per_row or {}).items()}
        for i, row in enumerate(rows[:room]):
            kw = dict(params or {})
            kw.update({k: v[i] for k, v in extra.items()})
            self.items.append(Issue(table, int(row), column, vals[i], code, kw))

    def __len__(self) -> int:
        return self.total

    def sorted(self) -> list[Issue]:
        order = {name: i for i, name in enumerate(TABLE_ORDER)}
        return sorted(self.items, key=lambda x: (order.get(x.table or "", -1),
                                                 x.row if x.row is not None else 10**12))


class ValidationFailed(Exception):  # noqa: N818 (the name the project uses)
    """The file breaks the contract; nothing was written."""

    def __init__(self, issues: list[Issue], total: int | None = None) -> None:
        self.issues = issues
        self.total = len(issues) if total is None else total
        super().__init__(f"{self.total} problems in the workbook")

    def report(self, lang: str = "id", limit: int = MAX_SHOWN) -> str:
        lines = [t("store.loc.header", lang, n=self.total)]
        lines += [f"  {x.format(lang)}" for x in self.issues[:limit]]
        hidden = self.total - min(limit, len(self.issues))
        if hidden > 0:
            lines.append(t("store.loc.more", lang, n=hidden, total=self.total))
        return "\n".join(lines)


# --- Pass 1: cells --------------------------------------------------------------------


@dataclass
class CleanTable:
    name: str
    frame: pd.DataFrame  # present contract columns, clean text, NaN = missing; index = row
    present: list[str]
    record_id: pd.Series  # the record id (fx_rates: currency@valid_from); NaN if bad


def as_text(series: pd.Series, kind: str | None = None) -> pd.Series:
    """Any column (from a reader or an edit form) as str with "" for missing."""
    if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
        return series.fillna("")
    from coopdash.reader import cell_text

    return pd.Series([cell_text(None if _isna(v) else v, kind) for v in series],
                     index=series.index, dtype=str)


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_table(name: str, raw: pd.DataFrame, issues: Issues) -> CleanTable | None:
    table = TABLES[name]
    unknown = [c for c in raw.columns if c not in table.by_name]
    for col in unknown:
        issues.add(Issue(name, 1, str(col), str(col), "unknown_column",
                         {"expected": ", ".join(table.column_names)}))
    missing_keys = [k for k in key_columns(name) if k not in raw.columns]
    for key in missing_keys:
        issues.add(Issue(name, 1, key, None, "missing_key", {"column": key}))
    if missing_keys:
        return None
    present = [c for c in table.column_names if c in raw.columns]
    clean = {}
    for col in present:
        clean[col] = clean_column(name, table.by_name[col],
                                  as_text(raw[col], table.by_name[col].kind), issues)
    frame = pd.DataFrame(clean, index=raw.index)
    record_id = _record_id(name, frame)
    keep = _drop_duplicates(name, frame, record_id, issues)
    return CleanTable(name, frame[keep], present, record_id[keep])


def _record_id(name: str, frame: pd.DataFrame) -> pd.Series:
    keys = key_columns(name)
    if len(keys) == 1:
        return frame[keys[0]]
    return frame[keys[0]] + "@" + frame[keys[1]]


def _drop_duplicates(name: str, frame: pd.DataFrame, rid: pd.Series,
                     issues: Issues) -> np.ndarray:
    """Mask of rows to keep: a repeated id is an error on every repeat."""
    dup = (rid.duplicated(keep="first") & rid.notna()).to_numpy(dtype=bool)
    if dup.any():
        first = rid[~rid.duplicated(keep="first") & rid.notna()]
        first_row = pd.Series(first.index, index=first.to_numpy())
        repeats = rid[dup]
        issues.add_rows(name, key_columns(name)[0], "duplicate_key", repeats.index,
                        repeats.to_numpy(), per_row={
                            "first_row": first_row.reindex(repeats.to_numpy()).to_numpy()})
    return ~dup


def clean_column(table: str, col: Column, raw: pd.Series, issues: Issues) -> pd.Series:
    """The column in stored text form (NaN = missing or bad); problems go to `issues`."""
    value = raw
    if _contains(raw, "\r").any():
        value = value.str.replace("\r\n", "\n", regex=False)
    value = value.str.strip()
    empty = _bools(pc.equal(_arrow(value), ""))
    checker = _CHECKERS[col.kind]
    clean, problems = checker(value, col)
    bad = np.zeros(len(value), dtype=bool)
    for mask, code, params in problems:
        mask = np.asarray(mask, dtype=bool) & ~empty & ~bad
        if mask.any():
            per_row = params.pop("per_row", None)
            if per_row is not None:
                per_row = {k: np.asarray(v)[mask] for k, v in per_row.items()}
            issues.add_rows(table, col.name, code, value.index[mask], raw.to_numpy()[mask],
                            params, per_row)
            bad |= mask
    if col.required:
        issues.add_rows(table, col.name, "required", value.index[empty],
                        raw.to_numpy()[empty])
    return clean.mask(empty | bad)


def _bools(result) -> np.ndarray:
    return pc.fill_null(result, False).to_numpy(zero_copy_only=False)


def _arrow(value: pd.Series) -> pa.ChunkedArray | pa.Array:
    return pa.array(value, type=pa.large_string()) if value.dtype == object else pa.array(value)


def _fullmatch(value: pd.Series, pattern: str) -> np.ndarray:
    return _bools(pc.match_substring_regex(_arrow(value), pattern=f"^(?:{pattern})$"))


def _contains(value: pd.Series, pattern: str) -> np.ndarray:
    return _bools(pc.match_substring_regex(_arrow(value), pattern=pattern))


def _check_id(value, col):
    return value, [(~_fullmatch(value, ID_RE), "id_format", {})]


def _check_text(value, col):
    length = pc.fill_null(pc.utf8_length(_arrow(value)), 0).to_numpy(zero_copy_only=False)
    control = _contains(value, CTRL_RE)
    return value, [(length > MAX_TEXT, "text_too_long", {"per_row": {"length": length}}),
                   (control, "text_control", {})]


def _check_date(value, col):
    iso = _fullmatch(value, r"\d{4}-\d{2}-\d{2}")
    timed = _fullmatch(value, r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
    return value, [(timed, "date_time", {}), (~iso & ~timed, "date_format", {}),
                   (iso & ~_real_dates(value, iso), "date_invalid", {})]


def _real_dates(value: pd.Series, iso: np.ndarray) -> np.ndarray:
    digits = value.where(iso, "2000-01-01")
    year = digits.str.slice(0, 4).astype(int).to_numpy()
    month = digits.str.slice(5, 7).astype(int).to_numpy()
    day = digits.str.slice(8, 10).astype(int).to_numpy()
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    days = days + ((month == 2) & leap)
    return (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)


def _check_integer(value, col):
    digits = _fullmatch(value, r"\d{1,10}")
    number = pd.to_numeric(value.where(digits, "0"), errors="coerce").to_numpy()
    ok = digits & (number <= MAX_INT)
    clean = value.str.lstrip("0").replace("", "0")
    return clean, [(~ok, "integer", {})]


def _check_amount(value, col):
    negative = _fullmatch(value, r"-\s*[\d.,]+")
    plain = _fullmatch(value, r"\d+(\.\d{1,2})?")
    whole = value.str.replace(r"\..*$", "", regex=True).str.lstrip("0").replace("", "0")
    fraction = value.str.replace(r"^[^.]*\.?", "", regex=True)
    large = plain & (whole.str.len().to_numpy() > 16)
    clean = whole + "." + fraction.str.ljust(2, "0")
    return clean, [(negative, "amount_negative", {}), (~plain, "amount_format", {}),
                   (large, "amount_too_large", {})]


def _check_code(value, col):
    allowed = CODES[col.codes]
    lower = value.str.lower()
    return lower, [(~lower.isin(allowed).to_numpy(), "code", {"expected": ", ".join(allowed)})]


def _check_country(value, col):
    upper = value.str.upper()
    return upper, [(~upper.isin(countries()).to_numpy(), "country", {})]


def _check_currency(value, col):
    upper = value.str.upper()
    return upper, [(~upper.isin(currencies()).to_numpy(), "currency", {})]


def _check_region(value, col):
    return value, [(~_fullmatch(value, r"\d{2}(\.\d{2})?"), "region", {})]


_CHECKERS = {
    "id": _check_id, "ref": _check_id, "text": _check_text, "date": _check_date,
    "integer": _check_integer, "amount": _check_amount, "code": _check_code,
    "country": _check_country, "currency": _check_currency, "region": _check_region,
}


# --- Pass 2: the store after import -----------------------------------------------------


def rid_sql(table: str, alias: str) -> str:
    """SQL for the record id of `alias` (fx_rates: currency@valid_from)."""
    if table == "fx_rates":
        return f"({alias}.currency || '@' || strftime({alias}.valid_from, '%Y-%m-%d'))"
    return f"{alias}.{key_columns(table)[0]}"


def join_sql(table: str, file_alias: str, store_alias: str) -> str:
    return " and ".join(f"{store_alias}.{k} = {file_alias}.{k}" for k in key_columns(table))


def _typed(col: Column, expr: str) -> str:
    sql = f"try_cast({expr} as {SQL_TYPES.get(col.kind, 'varchar')})"
    return f"coalesce({sql}, '{col.default}')" if col.default else sql


class Staging:
    """The clean frames registered in DuckDB and the after-import views `_a_<table>`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tables: dict[str, CleanTable],
                 replace: bool) -> None:
        self.con = con
        self.tables = tables
        self.replace = replace
        self.names: list[str] = []

    def build(self) -> None:
        for name in TABLE_ORDER:
            if name in self.tables:
                self._register(self.tables[name])
        for name in TABLE_ORDER:
            self._after_view(name)

    def _register(self, ct: CleanTable) -> None:
        frame = ct.frame.copy()
        frame["_row"] = frame.index.to_numpy(dtype="int64")
        self.con.register(f"_in_{ct.name}", frame.reset_index(drop=True))
        self.names.append(f"_in_{ct.name}")
        table = TABLES[ct.name]
        cols = []
        for col in table.columns:
            if col.name in ct.present:
                cols.append(f"{_typed(col, 'f.' + col.name)} as {col.name}")
            else:
                cols.append(f"{_typed(col, 's.' + col.name)} as {col.name}")
        first_key = key_columns(ct.name)[0]
        self.con.execute(
            f"create or replace temp view _f_{ct.name} as "
            f"select {', '.join(cols)}, f._row, s.{first_key} is null as _is_new "
            f"from (select {', '.join(self._typed_keys(ct.name))}, * exclude "
            f"({', '.join(key_columns(ct.name))}) from _in_{ct.name}) f "
            f"left join main.{ct.name} s on {join_sql(ct.name, 'f', 's')}")
        self.names.append(f"_f_{ct.name}")

    @staticmethod
    def _typed_keys(name: str) -> list[str]:
        table = TABLES[name]
        return [f"{_typed(table.by_name[k], k)} as {k}" for k in key_columns(name)]

    def _after_view(self, name: str) -> None:
        if name not in self.tables:
            body = f"select *, null::bigint as _row, false as _is_new from main.{name}"
        elif self.replace:
            body = f"select * from _f_{name}"
        else:
            body = (f"select * from _f_{name} union all by name "
                    f"select *, null::bigint as _row, false as _is_new from main.{name} s "
                    f"where not exists (select 1 from _f_{name} f "
                    f"where {join_sql(name, 'f', 's')})")
        self.con.execute(f"create or replace temp view _a_{name} as {body}")
        self.names.append(f"_a_{name}")

    def stored_ids(self, name: str) -> pd.Series:
        return self.con.execute(f"select {rid_sql(name, 's')} as rid from main.{name} s"
                                ).df()["rid"]

    def close(self) -> None:
        for obj in reversed(self.names):
            if obj.startswith("_in_"):
                self.con.unregister(obj)
            else:
                self.con.execute(f"drop view if exists {obj}")
        self.names.clear()

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


def check_new_rows(staging: Staging, issues: Issues) -> None:
    """A required column absent from the file is an error on each record it adds."""
    for name, ct in staging.tables.items():
        absent = [c for c in TABLES[name].columns if c.required and c.name not in ct.present]
        if not absent:
            continue
        stored = staging.stored_ids(name)
        new = ct.record_id.notna() & ~ct.record_id.isin(stored)
        rows = ct.record_id.index[new.to_numpy(dtype=bool)]
        for col in absent:
            issues.add_rows(name, col.name, "missing_column", rows, [None] * len(rows),
                            {"column": col.name})


def check_references(staging: Staging, issues: Issues) -> None:
    for name in TABLE_ORDER:
        for col in TABLES[name].columns:
            if col.kind != "ref":
                continue
            if name not in staging.tables and not (staging.replace and col.ref in staging.tables):
                continue
            pk = key_columns(col.ref)[0]
            found = staging.query(
                f"select a._row, {rid_sql(name, 'a')} as record, a.{col.name} as value "
                f"from _a_{name} a where a.{col.name} is not null and not exists "
                f"(select 1 from _a_{col.ref} p where p.{pk} = a.{col.name}) order by a._row")
            _report_refs(name, col, found, issues)


def _report_refs(name: str, col: Column, found: pd.DataFrame, issues: Issues) -> None:
    in_file = found[found["_row"].notna()]
    issues.add_rows(name, col.name, "ref_missing", in_file["_row"].astype("int64"),
                    in_file["value"].to_numpy(), {"target": col.ref})
    for rec in found[found["_row"].isna()].itertuples():
        if len(issues.items) >= issues.cap:
            issues.total += 1
            continue
        issues.add(Issue(name, None, col.name, rec.value, "ref_removed",
                         {"target": col.ref, "value": rec.value}, record=rec.record))


_ROW_RULES = {
    "agreements": [("ends_on", "ends_before_starts", "a.ends_on < a.starts_on",
                    "a.ends_on::varchar as ends_on, a.starts_on::varchar as starts_on")],
    "programs": [("ends_on", "ends_before_starts", "a.ends_on < a.starts_on",
                  "a.ends_on::varchar as ends_on, a.starts_on::varchar as starts_on")],
    "funding": [("currency", "amount_needs_currency",
                 "a.amount is not null and a.currency is null", "'' as _none")],
    "actions": [("closed_on", "closed_needs_date",
                 "a.status in ('done', 'dropped') and a.closed_on is null", "a.status"),
                ("closed_on", "closed_before_opened", "a.closed_on < a.opened_on",
                 "a.closed_on::varchar as closed_on, a.opened_on::varchar as opened_on")],
    "fx_rates": [("idr_per_unit", "rate_positive", "a.idr_per_unit <= 0", "'' as _none")],
}


def check_row_rules(staging: Staging, issues: Issues) -> None:
    for name, rules in _ROW_RULES.items():
        if name not in staging.tables:
            continue
        for column, code, cond, extra in rules:
            found = staging.query(
                f"select a._row, a.{column}::varchar as value, {extra} from _f_{name} a "
                f"where {cond} order by a._row")
            params = {k: found[k].to_numpy() for k in found.columns
                      if k not in ("_row", "value")}
            issues.add_rows(name, column, code, found["_row"], found["value"].fillna(""),
                            per_row=params)


def check_funding_delegation(staging: Staging, issues: Issues) -> None:
    if not {"funding", "delegations"} & staging.tables.keys():
        return
    found = staging.query(
        "select f._row as f_row, d._row as d_row, f.funding_id as funding, "
        "f.program_id as program, f.delegation_id as delegation, d.program_id as actual "
        "from _a_funding f join _a_delegations d on d.delegation_id = f.delegation_id "
        "where d.program_id <> f.program_id and (f._row is not null or d._row is not null) "
        "order by f._row")
    per = {k: found[k].to_numpy() for k in ("funding", "program", "delegation", "actual")}
    mine = found["f_row"].notna().to_numpy()
    issues.add_rows("funding", "delegation_id", "delegation_other_program",
                    found["f_row"][mine].astype("int64"), found["delegation"][mine].to_numpy(),
                    per_row={k: v[mine] for k, v in per.items()})
    theirs = ~mine
    issues.add_rows("delegations", "program_id", "delegation_moved",
                    found["d_row"][theirs].astype("int64"), found["actual"][theirs].to_numpy(),
                    per_row={k: v[theirs] for k, v in per.items()})


def check_program_partner(staging: Staging, issues: Issues) -> None:
    if not {"programs", "agreements"} & staging.tables.keys():
        return
    found = staging.query(
        "select p._row as p_row, a._row as a_row, p.program_id as program, "
        "p.partner_id as partner, p.agreement_id as agreement, "
        "a.partner_id as agreement_partner from _a_programs p "
        "join _a_agreements a on a.agreement_id = p.agreement_id "
        "where p.partner_id <> a.partner_id and (p._row is not null or a._row is not null) "
        "order by p._row")
    per = {k: found[k].to_numpy() for k in ("program", "partner", "agreement",
                                            "agreement_partner")}
    mine = found["p_row"].notna().to_numpy()
    issues.add_rows("programs", "partner_id", "partner_mismatch",
                    found["p_row"][mine].astype("int64"), found["partner"][mine].to_numpy(),
                    per_row={k: v[mine] for k, v in per.items()})
    theirs = ~mine
    issues.add_rows("agreements", "partner_id", "partner_mismatch_agreement",
                    found["a_row"][theirs].astype("int64"),
                    found["agreement_partner"][theirs].to_numpy(),
                    per_row={k: v[theirs] for k, v in per.items()})


def validate(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], *,
             replace: bool = False, issues: Issues | None = None) -> Staging:
    """Check `frames` against the contract and the store; return the staging (views
    built) for the importer. Raises ValidationFailed with every problem found."""
    issues = issues if issues is not None else Issues()
    tables = {}
    for name in TABLE_ORDER:
        if name in frames:
            ct = clean_table(name, frames[name], issues)
            if ct is not None:
                tables[name] = ct
    staging = Staging(con, tables, replace)
    try:
        staging.build()
        for rule in (check_new_rows, check_references, check_row_rules,
                     check_funding_delegation, check_program_partner):
            rule(staging, issues)
    except BaseException:
        staging.close()
        raise
    if issues.total:
        staging.close()
        raise ValidationFailed(issues.sorted(), issues.total)
    return staging
