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

The first pass needs nothing from the store: `check_file` runs it on a private connection
to an in-memory DuckDB (`checker`), so a writer reads and checks a whole file before it
takes the store's one write lock (`coopdash.workbook.importer.import_file`);
`validate_against` then attaches the checked cells to the store's connection and runs the
second pass there.

Nothing here writes to the store: views and registrations are temporary and dropped.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from coopdash.contract import (
    CODES,
    TABLE_ORDER,
    TABLES,
    WEEK_RE,
    Column,
    key_columns,
    weeks_in_year,
)
from coopdash.i18n import t

MAX_SHOWN = 1000
MAX_TEXT = 10_000
MAX_MARKDOWN = 100_000  # minutes.notes: a meeting's minutes are longer than a cell's text
MAX_INT = 2_147_483_647
ID_RE = r"[A-Za-z0-9._-]{1,64}"
# control characters (C0 but newline and tab, DEL, C1 such as U+0085) and the characters
# that reverse or hide text (bidirectional overrides U+202A-E and isolates U+2066-9)
CTRL_RE = r"[\x00-\x08\x0b-\x1f\x7f\x{80}-\x{9f}\x{202a}-\x{202e}\x{2066}-\x{2069}]"
SQL_TYPES = {"date": "date", "integer": "integer", "amount": "decimal(18, 2)"}
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA",
                  "XB", "ZZ"}


@functools.cache
def countries() -> frozenset[str]:
    from babel import Locale

    return frozenset(k for k in Locale("en").territories
                     if len(k) == 2 and k.isalpha() and k not in _NOT_COUNTRIES)


@functools.cache
def region_codes() -> frozenset[str]:
    """Every Kemendagri province (`32`) and regency/city (`32.73`) code (data/reference)."""
    from coopdash.workbook import regions

    return frozenset(regions.provinces()["province_code"]) | frozenset(
        regions.regencies()["region_code"])


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
        if "file" in self.params:  # a problem of the whole file or sheet
            parts.append(t("intake.loc.file", lang, file=self.params["file"]))
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
        at = self.params.get("at")  # the character at fault: shown with its context
        start = max(0, at - 1 - width // 2) if isinstance(at, int) else 0
        return repr(("…" if start else "") + text[start:start + width]
                    + ("…" if len(text) > start + width else ""))

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
    """One table's cells checked: the clean, typed rows live in DuckDB as `_c_<name>`
    (`_row` = row as seen, then the present columns; missing or bad cells are NULL;
    repeated ids dropped), on the connection that checked them; `data` holds them as
    Arrow once `check_file` took them off its private connection."""

    name: str
    present: list[str]
    rows: int
    data: pa.Table | None = None


def as_text(series: pd.Series, kind: str | None = None) -> pd.Series:
    """Any column (from a reader or an edit form) as str with "" for missing."""
    if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
        return series.fillna("") if series.hasnans else series
    from coopdash.workbook.cells import cell_text

    return pd.Series([cell_text(None if _isna(v) else v, kind) for v in series],
                     index=series.index, dtype=str)


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def arrow_text(series: pd.Series) -> pa.ChunkedArray:
    """The text column as Arrow, without a copy when pandas already holds it so."""
    arr = series.array
    out = arr.__arrow_array__() if hasattr(arr, "__arrow_array__") else pa.array(
        series.to_numpy(dtype=object), type=pa.large_string())
    return out if isinstance(out, pa.ChunkedArray) else pa.chunked_array([out])


# Whitespace as Python's str.strip() sees it (Unicode separators, ASCII and C1 spaces).
WS_CLASS = r"\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}"
_WS = f"[{WS_CLASS}]"


def byte_set(data: bytes) -> np.ndarray:
    """The 256-entry lookup table of `data`'s bytes (for `cells_holding`)."""
    lut = np.zeros(256, dtype=bool)
    lut[np.frombuffer(data, dtype=np.uint8)] = True
    return lut


def cells_holding(arr: pa.ChunkedArray, lut: np.ndarray, longer_than: int | None = None
                  ) -> pa.ChunkedArray:
    """Per cell of a text column, from its raw UTF-8 bytes (numpy, no decoding): does it
    hold a byte of `lut` (`byte_set`), or more than `longer_than` bytes?"""
    (only,) = np.flatnonzero(lut) if lut.sum() == 1 else (None,)  # one byte: a compare
    out = []
    for chunk in arr.chunks:
        offs, data = _buffers(chunk)
        flag = np.zeros(len(chunk), dtype=bool)
        if len(chunk):
            hit = _bytes_in(data[offs[0]:offs[-1]], lut, only) + offs[0]
            flag[np.searchsorted(offs, hit, side="right") - 1] = True
            if longer_than is not None:
                flag |= np.diff(offs) > longer_than
        out.append(pa.array(flag, type=pa.bool_()))
    return pa.chunked_array(out, type=pa.bool_())


_BLOCK = 1 << 18  # bytes looked at in one numpy step (a cell's column can be 100 MB)


def _bytes_in(span: np.ndarray, lut: np.ndarray, only: int | None) -> np.ndarray:
    """Positions in `span` of the bytes `lut` holds (`only`: its one byte), a block at a
    time: the per-byte mask of a whole column was a temporary as large as its text (new
    pages from the kernel for every column, measured: a quarter of the screens' CPU)."""
    found = []
    for at in range(0, len(span), _BLOCK):
        block = span[at:at + _BLOCK]
        hit = np.flatnonzero(lut[block] if only is None else block == only)
        if len(hit):
            found.append(hit + at)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


_CR = byte_set(b"\r")


def _needs_normalizing(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Per cell, from the raw UTF-8 bytes (numpy, no decoding): may it need trimming or
    CR LF -> LF? True when it holds a CR or its first or last byte is a space, a control
    or part of a non-ASCII character (a superset: the exact SQL then decides)."""
    out = []
    for chunk, cr in zip(arr.chunks, cells_holding(arr, _CR).chunks, strict=True):
        first, last, filled = utf8_edges(chunk)
        flag = filled & ((first <= 32) | (first >= 127) | (last <= 32) | (last >= 127))
        out.append(pa.array(flag | cr.to_numpy(zero_copy_only=False), type=pa.bool_()))
    return pa.chunked_array(out, type=pa.bool_())


# A rule's regular expression runs only on the cells that may break it: a cell none of
# whose raw bytes could start what the rule looks for is known to pass (a superset
# screened in numpy; trimming and CR LF -> LF only remove characters). Per problem code:
# (bytes that may, longer than this many bytes may).
_SCREENS = {
    # anything but [A-Za-z0-9._-], or over 64 bytes (ID_RE)
    "id_format": (~byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                            b"0123456789._-"), 64),
    # C0 but tab and newline, DEL, and the lead bytes of U+0080-009F (C2) and of
    # U+202A-202E / U+2066-2069 (E2): CTRL_RE
    "text_control": (byte_set(bytes([*range(0, 9), *range(11, 32), 127, 0xC2, 0xE2])),
                     None),
}


def _screened(col: Column) -> str | None:
    """The code of the rule of `col`'s kind that a byte screen spares, if any."""
    return next((code for _, code in _RULES[col.kind][0] if code in _SCREENS), None)


def _screen(arr: pa.ChunkedArray, code: str) -> pa.ChunkedArray:
    lut, longer_than = _SCREENS[code]
    return cells_holding(arr, lut, longer_than)


def _buffers(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's offsets (int64, one per cell + 1) and UTF-8 bytes, as numpy."""
    _, offsets, values = chunk.buffers()[:3]
    wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
    offs = np.frombuffer(offsets, dtype=np.int64 if wide else np.int32) if offsets else \
        np.zeros(1, dtype=np.int64)
    offs = offs[chunk.offset:chunk.offset + len(chunk) + 1].astype(np.int64, copy=False)
    data = np.frombuffer(values, dtype=np.uint8) if values is not None else np.zeros(
        1, dtype=np.uint8)
    return offs, data


def utf8_edges(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell of a string array: first byte, last byte (0 when empty), non-empty."""
    offs, data = _buffers(chunk)
    start, end = offs[:-1], offs[1:]
    filled = end > start
    if len(data) == 0:
        data = np.zeros(1, dtype=np.uint8)
    first = data.take(start, mode="clip")  # (an empty last cell starts at the end)
    last = data.take(end - 1, mode="clip")  # (an empty first cell ends before 0)
    if not filled.all():
        first[~filled] = 0
        last[~filled] = 0
    return first, last, filled


def _normalized_sql(c: str, flag: str) -> str:
    """The cell as the rules read it: CR LF -> LF, trimmed (only where `flag` says it may
    be needed: the regular expression is the costly part)."""
    exact = (f"regexp_replace(replace({c}, chr(13) || chr(10), chr(10)), "
             f"'^{_WS}+|{_WS}+$', '', 'g')")
    return f"case when {flag} then {exact} else {c} end"


def clean_table(con: duckdb.DuckDBPyConnection, name: str, raw: pd.DataFrame,
                issues: Issues) -> CleanTable | None:
    """Check every cell of `raw` (one DuckDB pass) into the temp table `_c_<name>`."""
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
    columns = [c for c in table.columns if c.name in raw.columns]
    data = check_cells(con, name, columns, raw, issues)
    data = _drop_duplicates(con, name, issues) or data
    return CleanTable(name, [c.name for c in columns], data.num_rows, data)


def check_cells(con: duckdb.DuckDBPyConnection, name: str, columns: list[Column],
                raw: pd.DataFrame, issues: Issues) -> pa.Table:
    """Every cell of `columns` by its kind, in one DuckDB query over the text registered as
    Arrow. Its result (an Arrow table registered as `_k_<name>`, read through the temp
    view `_c_<name>`) holds `_row`, the clean typed value of each column (NULL if missing
    or bad) and its problem code `_e<i>`; only the failing rows come back to Python, with
    the value as found in `raw`."""
    texts = {c.name: as_text(raw[c.name], c.kind) for c in columns}
    arrays = [arrow_text(x) for x in texts.values()]
    screens = {i: _screened(c) for i, c in enumerate(columns) if _screened(c)}
    data = pa.table([pa.array(raw.index.to_numpy(dtype="int64")), *arrays,
                     *(_needs_normalizing(a) for a in arrays),
                     *(_screen(arrays[i], code) for i, code in screens.items())],
                    names=["_row", *(f"r{i}" for i in range(len(columns))),
                           *(f"t{i}" for i in range(len(columns))),
                           *(f"s{i}" for i in screens)])
    n = range(len(columns))
    norm = ", ".join(f"{_normalized_sql(f'r{i}', f't{i}')} as v{i}" for i in n)
    flags = "".join(f", s{i}" for i in screens)
    codes = ", ".join(f"{_problem_sql(c, f'v{i}', f's{i}' if i in screens else None)} "
                      f"as _e{i}" for i, c in enumerate(columns))
    clean = ", ".join(f"case when _e{i} is null and v{i} <> '' then "
                      f"({_clean_sql(c, f'v{i}')})::{SQL_TYPES.get(c.kind, 'varchar')} end "
                      f"as {c.name}, _e{i}" for i, c in enumerate(columns))
    sql = (f"select _row, {clean} from (select *, {codes} from "
           f"(select _row, {norm}{flags} from _raw_{name}))")
    con.register(f"_raw_{name}", data)
    try:  # one parallel pass; the result (typed values + codes) is read many times after
        checked = con.sql(sql, params=_list_params(sql)).to_arrow_table()
    finally:
        con.unregister(f"_raw_{name}")
    con.register(f"_k_{name}", checked)
    con.execute(f"create or replace temp view _c_{name} as select * from _k_{name}")
    for i, col in enumerate(columns):
        if checked.column(f"_e{i}").null_count < len(checked):
            _report_cells(con, name, i, col, texts[col.name], data.column(f"r{i}"), issues)
    return checked


def _report_cells(con, name: str, i: int, col: Column, raw: pd.Series,
                  text: pa.ChunkedArray, issues: Issues) -> None:
    found = con.execute(f"select _row, _e{i} from _c_{name} where _e{i} is not null "
                        "order by _row").fetchall()
    by_code: dict[str, list[int]] = {}
    for row, code in found:
        by_code.setdefault(code, []).append(row)
    for code, params in [*_PROBLEMS[col.kind], ("required", {})]:
        rows = by_code.get(code)
        if not rows:
            continue
        pos = raw.index.get_indexer(rows)
        params = dict(params)
        per_row = None
        if code in _PER_ROW:
            per_row = _PER_ROW[code](text.take(pa.array(pos)).to_pylist())
        if code == "code":
            params["expected"] = ", ".join(CODES[col.codes])
        issues.add_rows(name, col.name, code, rows, raw.to_numpy()[pos], params, per_row)


def _lengths(values: list[str]) -> dict:
    """The length of each text once trimmed."""
    return {"length": [len(v.replace("\r\n", "\n").strip()) for v in values]}


def _weeks(values: list[str]) -> dict:
    """How many weeks each value's year has."""
    return {"weeks": [weeks_in_year(int(v.strip()[:4])) for v in values]}


_CTRL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def _control_at(values: list[str]) -> dict:
    """The first control or direction character of each text: code point, position."""
    found = [_CTRL.search(v) for v in values]
    return {"char": [f"U+{ord(m[0]):04X}" if m else "?" for m in found],
            "at": [m.start() + 1 if m else 1 for m in found]}


_PER_ROW = {"text_too_long": _lengths, "markdown_too_long": _lengths,
            "week_invalid": _weeks, "text_control": _control_at}


def _sql_list(values) -> str:
    return "[" + ", ".join(f"'{v}'" for v in sorted(values)) + "]"


def _in_any_case(values: str, case: str) -> str:
    """The cell is not among `values` (all lower or all upper case: `case`) in any case.
    Most cells are written as the list writes them: `case` (lower, upper, about 60 ns a
    cell at 1M) is applied only to the others (a CASE evaluates its ELSE on those rows
    alone)."""
    return (f"case when list_contains({values}, {V}) then false "
            f"else not list_contains({values}, {case}({V})) end")


def _cased(values: str, case: str) -> str:
    """The clean value of a cell found among `values` in some case: as the list writes it."""
    return f"case when list_contains({values}, {V}) then {V} else {case}({V}) end"


_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIMED = _ISO + r"[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
V = "{v}"  # the cell, in the templates below

# Per kind: (condition on the trimmed, non-empty cell `{v}`, problem code) in the order
# they are tried (the first that holds is reported), and the clean value's SQL.
_RULES = {
    "id": ([(f"not regexp_full_match({V}, '{ID_RE}')", "id_format")], V),
    "text": ([(f"length({V}) > {MAX_TEXT}", "text_too_long"),
              (f"regexp_matches({V}, '{CTRL_RE}')", "text_control")], V),
    "markdown": ([(f"length({V}) > {MAX_MARKDOWN}", "markdown_too_long"),
                  (f"regexp_matches({V}, '{CTRL_RE}')", "text_control")], V),
    "week": ([(f"not regexp_full_match({V}, '{WEEK_RE}')", "week_format"),
              ("left({v}, 4) = '0000' or substr({v}, 7, 2)::integer not between 1 and "
               "weekofyear(make_date(left({v}, 4)::integer, 12, 28))", "week_invalid")], V),
    "date": ([(f"regexp_full_match({V}, '{_TIMED}')", "date_time"),
              (f"not regexp_full_match({V}, '{_ISO}')", "date_format"),
              ("try_cast({v} as date) is null or {v} < '0001'", "date_invalid")],
             "try_cast({v} as date)"),
    "integer": ([("not regexp_full_match({v}, '[0-9]{1,10}') "
                  f"or try_cast({V} as bigint) > {MAX_INT}", "integer")],
                "try_cast({v} as integer)"),
    # -0 is zero, not a negative amount (a nonzero digit makes it negative)
    "amount": ([(r"regexp_full_match({v}, '-\s*[0-9.,]*[1-9][0-9.,]*')", "amount_negative"),
                (r"not regexp_full_match({v}, '-?[0-9]+(\.[0-9]{1,2})?')", "amount_format"),
                ("length(ltrim(split_part({v}, '.', 1), '0')) > 16", "amount_too_large")],
               "try_cast({v} as decimal(18, 2))"),
    "code": ([(_in_any_case("{codes}", "lower"), "code")], _cased("{codes}", "lower")),
    "country": ([(_in_any_case("{countries}", "upper"), "country")],
                _cased("{countries}", "upper")),
    "currency": ([(_in_any_case("{currencies}", "upper"), "currency")],
                 _cased("{currencies}", "upper")),
    "region": ([(r"not regexp_full_match({v}, '[0-9]{2}(\.[0-9]{2})?')", "region"),
                ("not list_contains({regions}, {v})", "region_unknown")], "{v}"),
}
_RULES["ref"] = _RULES["id"]
_PROBLEMS = {kind: [(code, {}) for _, code in rules] for kind, (rules, _) in _RULES.items()}


# The long lists of allowed values reach the cell checks' SQL as parameters (`$countries`):
# written into the query as literals, DuckDB parsed and bound them again at every check
# (measured: 27 ms for the 552 region codes against 3 ms as a parameter).
_LISTS = {"countries": countries, "currencies": currencies, "regions": region_codes}


def _fill(template: str, col: Column, v: str) -> str:
    if "{codes}" in template:
        template = template.replace("{codes}", _sql_list(CODES[col.codes]))
    for name in _LISTS:
        template = template.replace("{" + name + "}", f"${name}")
    return template.replace(V, v)


def _list_params(sql: str) -> dict[str, list[str]] | None:
    """The lists of allowed values `sql` names (`$regions`...), as parameters."""
    return {name: sorted(values()) for name, values in _LISTS.items()
            if f"${name}" in sql} or None


def _problem_sql(col: Column, v: str, screen: str | None = None) -> str:
    """The problem code of one cell (NULL when fine): rules in order, `required` if empty.
    `screen`: the cell's flag from `_screen` (false: it passes the screened rule)."""
    rules, _ = _RULES[col.kind]
    if col.signed:  # its sign is checked against the row (`_ROW_RULES`)
        rules = [r for r in rules if r[1] != "amount_negative"]
    whens = " ".join(
        f"when {f'{screen} and ({cond})' if screen and code in _SCREENS else cond} "
        f"then '{code}'" for cond, code in ((_fill(c, col, v), code) for c, code in rules))
    empty = "'required'" if col.required else "null"
    return f"case when {v} = '' then {empty} {whens} end"


def _clean_sql(col: Column, v: str) -> str:
    return _fill(_RULES[col.kind][1], col, v)


def _drop_duplicates(con, name: str, issues: Issues) -> pa.Table | None:
    """A repeated id is an error on every repeat; the repeats leave `_c_<name>` (the rows
    left, as Arrow; None when there was no repeat)."""
    rid = rid_sql(name, "c")
    n = con.execute(f"select count({rid}) - count(distinct {rid}) from _c_{name} c"
                    ).fetchall()[0][0]
    if not n:
        return None
    found = con.execute(
        f"select _row, rid, first_row from (select _row, {rid} as rid, min(_row) over "
        f"(partition by {rid}) as first_row from _c_{name} c where {rid} is not null) "
        "where _row <> first_row order by _row").df()
    issues.add_rows(name, key_columns(name)[0], "duplicate_key", found["_row"],
                    found["rid"].to_numpy(), per_row={"first_row": found["first_row"].to_numpy()})
    # the file is refused anyway; the checks that follow see each id once
    con.execute(f"create or replace temp table _d_{name} as select * from _c_{name} "
                "where not list_contains($rows, _row)",
                {"rows": found["_row"].astype("int64").tolist()})
    con.execute(f"create or replace temp view _c_{name} as select * from _d_{name}")
    return con.sql(f"select * from _d_{name}").to_arrow_table()


_CHECKERS: dict[int, duckdb.DuckDBPyConnection] = {}  # by process: a fork starts its own
_CHECKERS_LOCK = threading.Lock()


def checker() -> duckdb.DuckDBPyConnection:
    """A private connection for the cell checks (pass 1, no store): a cursor of this
    process's one in-memory DuckDB. Its temporary views and registrations are its own
    and go when it is closed; opening it costs nothing, where each `duckdb.connect()`
    started a database (measured 70-180 ms under load: most of a one-cell edit's checks)."""
    with _CHECKERS_LOCK:
        db = _CHECKERS.get(os.getpid())
        if db is None:
            db = _CHECKERS[os.getpid()] = duckdb.connect()
        return db.cursor()


def clean_column(table: str, col: Column, raw: pd.Series, issues: Issues) -> pd.Series:
    """One column checked on its own (on a `checker`): stored text form, NaN if missing
    or bad; problems go to `issues`."""
    con = checker()
    try:
        check_cells(con, table, [col], raw.to_frame(col.name), issues)
        out = con.execute(f"select {col.name}::varchar as v from _c_{table} order by _row"
                          ).df()["v"]
    finally:
        con.close()
    return pd.Series(out.to_numpy(), index=raw.index, dtype=str)


# --- Pass 2: the store after import -----------------------------------------------------


def rid_sql(table: str, alias: str) -> str:
    """SQL for the record id of `alias` (fx_rates: currency@valid_from; recipients:
    program_id@country)."""
    if table == "fx_rates":
        return f"({alias}.currency || '@' || strftime({alias}.valid_from, '%Y-%m-%d'))"
    keys = key_columns(table)
    if len(keys) > 1:
        return "(" + " || '@' || ".join(f"{alias}.{k}" for k in keys) + ")"
    return f"{alias}.{keys[0]}"


def join_sql(table: str, file_alias: str, store_alias: str) -> str:
    return " and ".join(f"{store_alias}.{k} = {file_alias}.{k}" for k in key_columns(table))


def _typed(col: Column, expr: str) -> str:
    """A clean typed value, or the column's default when missing (participants.role)."""
    return f"coalesce({expr}, '{col.default}')" if col.default else expr


class Staging:
    """The clean tables `_c_<table>` and the after-import views `_a_<table>` in DuckDB;
    `removed`: records named for removal (the editor's deleted rows), per table, kept
    in `_x_<table>` and left out of the after-import views."""

    def __init__(self, con: duckdb.DuckDBPyConnection, tables: dict[str, CleanTable],
                 replace: bool, removed: dict[str, list[str]] | None = None) -> None:
        self.con = con
        self.tables = tables
        self.replace = replace
        self.removed = {k: list(v) for k, v in (removed or {}).items() if v}
        self.names: list[str] = [f"_c_{name}" for name in tables]  # dropped by close()

    def build(self) -> None:
        for name in TABLE_ORDER:
            if name in self.tables:
                self._register(self.tables[name])
            if name in self.removed:
                self.con.execute(f"create or replace temp table _x_{name} as select "
                                 "unnest($ids::varchar[]) as rid", {"ids": self.removed[name]})
                self.names.append(f"_x_{name}")
        for name in TABLE_ORDER:
            self._after_view(name)

    def _stored(self, name: str) -> str:
        """The stored rows of `name` that stay (all but those named for removal)."""
        body = f"select *, null::bigint as _row, false as _is_new from main.{name} s"
        if name in self.removed:
            body += (f" where not exists (select 1 from _x_{name} x "
                     f"where x.rid = {rid_sql(name, 's')})")
        return body

    def _register(self, ct: CleanTable) -> None:
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
            f"from _c_{ct.name} f "
            f"left join main.{ct.name} s on {join_sql(ct.name, 'f', 's')}")
        self.names.append(f"_f_{ct.name}")

    def _after_view(self, name: str) -> None:
        if name not in self.tables:
            body = self._stored(name)
        elif self.replace:
            body = f"select * from _f_{name}"
        else:
            body = (f"select * from _f_{name} union all by name {self._stored(name)} "
                    f"{'and' if name in self.removed else 'where'} not exists (select 1 "
                    f"from _f_{name} f where {join_sql(name, 'f', 's')})")
        self.con.execute(f"create or replace temp view _a_{name} as {body}")
        self.names.append(f"_a_{name}")

    def close(self) -> None:
        for obj in reversed(self.names):
            if obj.startswith("_c_"):
                name = obj[3:]
                self.con.execute(f"drop view if exists _c_{name}")
                self.con.execute(f"drop table if exists _d_{name}")
                self.con.unregister(f"_k_{name}")
            elif obj.startswith("_x_"):
                self.con.execute(f"drop table if exists {obj}")
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
        rows = [r for (r,) in staging.con.execute(
            f"select c._row from _c_{name} c where {rid_sql(name, 'c')} is not null and "
            f"not exists (select 1 from main.{name} s where {join_sql(name, 'c', 's')}) "
            "order by c._row").fetchall()]
        for col in absent:
            issues.add_rows(name, col.name, "missing_column", rows, [None] * len(rows),
                            {"column": col.name})


def check_references(staging: Staging, issues: Issues) -> None:
    """Every reference of the store as it would be after the import points at a record.
    Only the file's rows can break one unless records go (a replace, the editor's
    removals): then the whole table is checked, else the file's rows alone (an edit of
    one participant reads that row, not a million)."""
    for name in TABLE_ORDER:
        for col in TABLES[name].columns:
            if col.kind != "ref":
                continue
            whole = col.ref in staging.removed or (staging.replace and col.ref in staging.tables)
            if name not in staging.tables and not whole:
                continue
            rows = f"_a_{name}" if whole or staging.replace else f"_f_{name}"
            pk = key_columns(col.ref)[0]
            found = staging.query(
                f"select a._row, {rid_sql(name, 'a')} as record, a.{col.name} as value "
                f"from {rows} a where a.{col.name} is not null and not exists "
                f"(select 1 from _a_{col.ref} p where p.{pk} = a.{col.name}) order by a._row")
            _report_refs(name, col, found, issues, col.ref in staging.removed)


def _report_refs(name: str, col: Column, found: pd.DataFrame, issues: Issues,
                 deleted: bool) -> None:
    """`found`: the file's rows (`ref_missing`) and stored records (`ref_removed` by a
    replace; `ref_deleted` by the editor's deleted rows, `deleted`) that point at nothing."""
    in_file = found[found["_row"].notna()]
    issues.add_rows(name, col.name, "ref_missing", in_file["_row"].astype("int64"),
                    in_file["value"].to_numpy(), {"target": col.ref})
    for rec in found[found["_row"].isna()].itertuples():
        if len(issues.items) >= issues.cap:
            issues.total += 1
            continue
        issues.add(Issue(name, None, col.name, rec.value,
                         "ref_deleted" if deleted else "ref_removed",
                         {"target": col.ref, "value": rec.value}, record=rec.record))


_ROW_RULES = {
    "agreements": [("ends_on", "ends_before_starts", "a.ends_on < a.starts_on",
                    "a.ends_on::varchar as ends_on, a.starts_on::varchar as starts_on")],
    "programs": [("ends_on", "ends_before_starts", "a.ends_on < a.starts_on",
                  "a.ends_on::varchar as ends_on, a.starts_on::varchar as starts_on")],
    "funding": [("currency", "amount_needs_currency",
                 "a.amount is not null and a.currency is null", "'' as _none"),
                ("amount", "amount_negative", "a.amount < 0 and a.origin is null",
                 "'' as _none")],
    "recipients": [("percentage", "percentage_range", "a.percentage > 100",
                    "'' as _none")],
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


def _pairs_with_file_rows(staging: Staging, left: str, right: str, select: str,
                          on: str, where: str, order: str) -> pd.DataFrame:
    """The pairs (`left` l, `right` r) of the store after the import that satisfy `on`
    and `where` and hold at least one of the file's rows: one side from the file
    (`_f_`), the other from the store after (`_a_`), so that a small file reads only
    its own rows' partners, not every stored pair."""
    parts = []
    if left in staging.tables:
        parts.append(f"select {select} from _f_{left} l join _a_{right} r on {on} "
                     f"where {where}")
    if right in staging.tables:
        parts.append(f"select {select} from _a_{left} l join _f_{right} r on {on} "
                     f"where {where}")
    return staging.query(f"select * from ({' union '.join(parts)}) order by {order}")


def check_funding_delegation(staging: Staging, issues: Issues) -> None:
    if not {"funding", "delegations"} & staging.tables.keys():
        return
    found = _pairs_with_file_rows(
        staging, "funding", "delegations",
        "l._row as f_row, r._row as d_row, l.funding_id as funding, "
        "l.program_id as program, l.delegation_id as delegation, r.program_id as actual",
        "r.delegation_id = l.delegation_id", "r.program_id <> l.program_id",
        "f_row nulls last, d_row")
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
    found = _pairs_with_file_rows(
        staging, "programs", "agreements",
        "l._row as p_row, r._row as a_row, l.program_id as program, "
        "l.partner_id as partner, l.agreement_id as agreement, "
        "r.partner_id as agreement_partner",
        "r.agreement_id = l.agreement_id", "l.partner_id <> r.partner_id",
        "p_row nulls last, a_row")
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


@dataclass
class CheckedFile:
    """A file's cells checked on their own (`check_file`): the clean rows of each table as
    Arrow, and the problems found so far. Needs no store, so no lock."""

    tables: dict[str, CleanTable]
    issues: Issues

    def attach(self, con: duckdb.DuckDBPyConnection) -> None:
        """Make the clean rows `_c_<name>` on `con` (a registration: no copy)."""
        for name, ct in self.tables.items():
            con.register(f"_k_{name}", ct.data)
            con.execute(f"create or replace temp view _c_{name} as select * from _k_{name}")


def check_file(frames: dict[str, pd.DataFrame], issues: Issues | None = None
               ) -> CheckedFile:
    """Pass 1 for every table of `frames`, on a private connection (`checker`)."""
    issues = issues if issues is not None else Issues()
    tables: dict[str, CleanTable] = {}
    con = checker()
    try:
        for name in TABLE_ORDER:
            if name in frames:
                ct = clean_table(con, name, frames[name], issues)
                if ct is not None:
                    tables[name] = ct
    finally:
        con.close()
    return CheckedFile(tables, issues)


def validate(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], *,
             replace: bool = False, issues: Issues | None = None) -> Staging:
    """Check `frames` against the contract and the store; return the staging (views
    built) for the importer. Raises ValidationFailed with every problem found."""
    return validate_against(con, check_file(frames, issues), replace=replace)


def validate_against(con: duckdb.DuckDBPyConnection, checked: CheckedFile, *,
                     replace: bool = False, removed: dict[str, list[str]] | None = None
                     ) -> Staging:
    """Pass 2: `checked` against the store on `con` (the store as it would be after the
    import, without the records `removed` names); returns the staging for the importer,
    or raises ValidationFailed with every problem found, the file's own included."""
    issues, tables = checked.issues, checked.tables
    staging = Staging(con, tables, replace, removed)
    try:
        checked.attach(con)
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
