"""The weekly review: one ISO week's changes, what is next, what needs a decision.

Pure logic (no Streamlit): the page (`pages/weekly.py`) and the meeting pack
(`coopdash/pack/document.py`) both call `review(run, week, today)` with a query runner, so they
compute the same figures from the same code. `run(name, extra_params) -> DataFrame` runs
`queries/<name>.sql` with the common parameters (filters, currency, today, ...) plus the
extras; the page passes the cached `cache.run`, the pack a plain `query.run` on a connection.

The reference day of a review is today when the week holds today, else the nearest day
of the week (its Monday for a future week, its Sunday for a past one): "overdue",
"next 14 / 30 days", "expiring within 90 days" and "no milestone for 60 days" are counted
from it. Those day counts are named once in `coopdash.figures.thresholds` and passed to
the SQL as parameters; "expiring" and "stalled" are the timeline's very queries
(`agreements_expiring`, `agreements_stalled`), and "open follow-ups" the Overview's
definition (the macro `action_open_on`).

The change list is counted in SQL (`weekly_change_counts`: per table, records added /
changed / removed and the number of lines) and only its first `LINES` lines are fetched
(`weekly_changes`, the meaningful ones first: changed fields old -> new, then removals,
then additions), so a week with a million-row import reviews as fast as a quiet one. The
whole list is `full_change_list` (built only when asked for). Records added are named by
`import_added`, not by `history` (schema version 2; a table of its own since 11).

Follow-ups and minutes written in the meeting are the workbook's edits
(`coopdash.workbook.meeting_edits`): through the one importer, validated and recorded in
`import_log` / `history` like any workbook.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import pandas as pd

from coopdash.contract import TABLE_ORDER, TABLES, WeekError, iso_week
from coopdash.figures import meeting as meeting_figs
from coopdash.figures import thresholds
from coopdash.i18n import code_label, fmt_date, t

Runner = Callable[[str, dict[str, Any]], pd.DataFrame]

FIGURES = ("n_actions_open", "n_actions_overdue", "n_agreements_in_force",
           "n_programs_next_30", "n_programs_this_year", "n_changes")
LINES = 100  # change lines fetched for the page (the pack prints fewer)
# every query `review` runs (with `meeting`'s): the page's cache keys a review by what
# these read (`tests/apptest/test_weekly.py` checks the list against a review's own runs)
QUERIES = ("weekly_imports", "weekly_changes", "weekly_change_counts", "weekly_upcoming",
           "agreements_expiring", "weekly_actions", "agreements_stalled",
           "weekly_late_programs", "weekly_figures", *meeting_figs.QUERIES)


# --- weeks ------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Week:
    """An ISO week: Monday `start` to Sunday `end`, written `2026-W48`."""

    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Week:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def parse(cls, text: str | None, default: dt.date | None = None) -> Week:
        """`2026-W48`, read as the workbook reads a week (`contract.iso_week`); another
        text gives the week of `default` (a URL must never crash the page) or, without a
        default, raises `contract.WeekError` (`week_format`, or `week_invalid`: no such
        week, like 2025-W53)."""
        try:
            return cls(*iso_week(text or ""))
        except WeekError:
            if default is None:
                raise
        return cls.of(default)

    @property
    def start(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def shift(self, weeks: int) -> Week:
        return Week.of(self.start + dt.timedelta(weeks=weeks))

    @property
    def previous(self) -> Week:
        return self.shift(-1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def reference_day(self, today: dt.date) -> dt.date:
        """Today if the week holds it; else the week's day nearest to today."""
        return min(max(today, self.start), self.end)

    def describe(self, lang: str) -> str:
        """`2026-W48 (23 Nov – 29 Nov 2026)`."""
        return f"{self.label} ({_date(self.start, lang)} – {_date(self.end, lang)})"

    def __str__(self) -> str:
        return self.label


def week_choices(today: dt.date, import_days: Iterable[dt.date] = (), back: int = 26,
                 ahead: int = 4, chosen: Week | None = None) -> list[Week]:
    """Weeks the picker offers, newest first: `back` weeks before this one to `ahead`
    after, every week with an import, and the chosen one."""
    this = Week.of(today)
    weeks = {this.shift(n) for n in range(-back, ahead + 1)}
    weeks |= {Week.of(pd.Timestamp(d).date()) for d in import_days if pd.notna(d)}
    if chosen:
        weeks.add(chosen)
    return sorted(weeks, reverse=True)


# --- the review ---------------------------------------------------------------------------

@dataclass
class Review:
    """Everything the page shows and the pack prints for one week."""

    week: Week
    ref: dt.date
    figures: pd.DataFrame  # key, value, previous, delta
    imports: pd.DataFrame  # one row per import per table
    changes: pd.DataFrame  # the first LINES change lines (changed, removed, then added)
    change_counts: pd.DataFrame  # per table: n_added, n_changed, n_removed, n_lines
    upcoming: pd.DataFrame  # programs starting or ending in the next NEXT_DAYS days
    expiring: pd.DataFrame  # agreements ending in the next EXPIRING_DAYS days
    actions: pd.DataFrame  # every open follow-up
    stale: pd.DataFrame  # explorations with no milestone for STALLED_DAYS days
    late: pd.DataFrame  # programs past their start, still planned
    happened: meeting_figs.Happened | None = None  # what took place in the week
    meeting: meeting_figs.Meeting | None = None  # minutes, since last meeting
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def actions_due(self) -> pd.DataFrame:
        """Follow-ups overdue on the reference day, or due by the end of the week."""
        a = self.actions
        due = pd.to_datetime(a["due_on"])
        keep = due.notna() & (due <= pd.Timestamp(self.week.end))
        return a[keep].reset_index(drop=True)

    @property
    def summary(self) -> pd.DataFrame:
        """Per table (in workbook order): records added, changed, removed this week."""
        return self.change_counts[["table_name", "n_added", "n_changed", "n_removed"]]

    @property
    def n_change_lines(self) -> int:
        """How many lines the whole change list has (`changes` holds the first ones)."""
        return int(self.change_counts["n_lines"].sum()) if len(self.change_counts) else 0

    @property
    def n_more_changes(self) -> int:
        """Change lines not in `changes` ("… and N more")."""
        return max(0, self.n_change_lines - len(self.changes))


def week_params(week: Week) -> dict[str, Any]:
    return {"week_start": week.start, "week_end": week.end}


def review(run: Runner, week: Week, today: dt.date, lines: int = LINES) -> Review:
    """The weekly review of `week`, seen from `today`, with the first `lines` change lines
    (see the module's docstring)."""
    ref = week.reference_day(today)
    on_ref = {"ref": ref, **thresholds.params()}
    imports = run("weekly_imports", week_params(week))
    previous_imports = run("weekly_imports", week_params(week.previous))
    return Review(
        week=week,
        ref=ref,
        figures=figures(run, ref, imports, previous_imports),
        imports=imports,
        changes=run("weekly_changes", {**week_params(week), "limit": lines}),
        change_counts=in_table_order(run("weekly_change_counts", week_params(week))),
        upcoming=run("weekly_upcoming", on_ref),
        expiring=run("agreements_expiring", on_ref),
        actions=run("weekly_actions", on_ref),
        stale=run("agreements_stalled", on_ref),
        late=run("weekly_late_programs", on_ref),
        happened=meeting_figs.happened(run, week),
        meeting=meeting_figs.meeting(run, week, ref),
    )


def _n_changes(imports: pd.DataFrame) -> int:
    if imports.empty:
        return 0
    return int(imports[["n_added", "n_changed", "n_removed"]].to_numpy().sum())


def figures(run: Runner, ref: dt.date, imports: pd.DataFrame,
            previous_imports: pd.DataFrame) -> pd.DataFrame:
    """Headline figures on `ref` and seven days before, with the change."""
    now = run("weekly_figures", {"as_of": ref, **thresholds.params()}).iloc[0]
    before = run("weekly_figures", {"as_of": ref - dt.timedelta(days=7),
                                    **thresholds.params()}).iloc[0]
    rows = []
    for key in FIGURES:
        if key == "n_changes":
            value, previous = _n_changes(imports), _n_changes(previous_imports)
        else:
            value, previous = int(now[key]), int(before[key])
        rows.append({"key": key, "value": value, "previous": previous,
                     "delta": value - previous})
    return pd.DataFrame(rows)


CHANGE_LIST_COLUMNS = ("changed_at", "actor", "file_name", "mode", "table_name", "record_id",
                       "record_label", "change", "field", "old_value", "new_value")
# each column's heading in the reader's language (`weekly.col.<key>`, as on the page)
CHANGE_LIST_HEADINGS = dict(zip(CHANGE_LIST_COLUMNS, (
    "when", "who", "file", "mode", "table", "record_id", "record", "change", "field", "old",
    "new"), strict=True))


def write_change_list(con: duckdb.DuckDBPyConnection, week: Week, params: dict[str, Any],
                      path: Path | BinaryIO, lang: str | None = None) -> int:
    """The week's whole change list as CSV (UTF-8, codes and ISO times as stored, in the
    page's order) to `path` (a file name or a binary file), streamed in batches; returns
    the number of lines. `params`: the common query parameters (`show_names` hides
    participants' names as on the page). `lang`: headings in that language (the
    page's download); None: the column names (`CHANGE_LIST_COLUMNS`)."""
    import pyarrow.csv as pacsv

    from coopdash.store import query

    cols = ", ".join(CHANGE_LIST_COLUMNS)
    bound = {**params, **week_params(week), "limit": 2**62}
    n = 0
    wrap = f"select {cols} from ({{query}})"
    names = [t(f"weekly.col.{CHANGE_LIST_HEADINGS[c]}", lang) if lang else c
             for c in CHANGE_LIST_COLUMNS]
    with query.stream(con, "weekly_changes", bound, wrap=wrap) as reader, \
            pacsv.CSVWriter(path, _renamed(reader.schema, names)) as out:
        for batch in reader:
            out.write_batch(batch.rename_columns(names))
            n += batch.num_rows
    return n


def _renamed(schema: Any, names: list[str]) -> Any:
    import pyarrow as pa

    return pa.schema([field.with_name(name) for field, name in zip(schema, names, strict=True)])


def change_list_csv(con: duckdb.DuckDBPyConnection, week: Week, params: dict[str, Any],
                    lang: str) -> bytes:
    """`write_change_list` in memory, headed in `lang`: the bytes of the page's download."""
    buf = io.BytesIO()
    write_change_list(con, week, params, buf, lang)
    return buf.getvalue()


# --- readable tables (page and pack show the same words) ----------------------------------

def _codes_of(table: str, column: str | None) -> str | None:
    tbl = TABLES.get(table)
    col = tbl.by_name.get(column) if tbl and column else None
    return col.codes if col is not None else None


def value_text(table: str, column: str | None, value: Any, lang: str) -> str:
    """A history value as a person reads it: code labels, dates by locale, `—` if empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return t("common.none", lang)
    codes = _codes_of(table, column)
    if codes:
        return f"{code_label(codes, value, lang)} ({value})"
    tbl = TABLES.get(table)
    col = tbl.by_name.get(column) if tbl and column else None
    if col is not None and col.kind == "date":
        try:
            return fmt_date(dt.date.fromisoformat(str(value)[:10]), lang)
        except ValueError:
            return str(value)
    return str(value)


def heading(key: str, lang: str) -> str:
    """A heading or figure label of the review (`weekly.<key>`) with the thresholds it
    counts with written in (`{soon}`, `{next}`, `{expiring}`, `{stalled}`: see
    `coopdash.figures.thresholds`), the same words on the page and in the pack."""
    return t(f"weekly.{key}", lang, **thresholds.words())


def table_label(table: str, lang: str) -> str:
    return t(f"weekly.table.{table}", lang)


def field_label(field_name: str | None, lang: str) -> str:
    if not field_name:
        return ""
    key = f"weekly.field.{field_name}"
    text = t(key, lang)
    return field_name if text == key else text


def in_table_order(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of a per-table frame (`table_name`) in workbook order."""
    if df.empty:
        return df.reset_index(drop=True)
    order = {name: i for i, name in enumerate(TABLE_ORDER)}
    return (df.assign(_o=df["table_name"].map(order)).sort_values(["_o", "table_name"])
            .drop(columns="_o").reset_index(drop=True))


def change_summary(changes: pd.DataFrame) -> pd.DataFrame:
    """Per table: how many records were added, changed, removed, counted on a whole list
    of change lines (the page and the pack use `Review.summary`, counted in SQL)."""
    cols = ["table_name", "n_added", "n_changed", "n_removed"]
    if changes.empty:
        return pd.DataFrame(columns=cols)
    per = (changes.drop_duplicates(["table_name", "record_id", "change"])
           .pivot_table(index="table_name", columns="change", values="record_id",
                        aggfunc="count", fill_value=0))
    out = pd.DataFrame({"table_name": per.index})
    for change in ("added", "changed", "removed"):
        out[f"n_{change}"] = per[change].to_numpy() if change in per else 0
    order = {name: i for i, name in enumerate(TABLE_ORDER)}
    out = out.assign(_o=out["table_name"].map(order)).sort_values("_o").drop(columns="_o")
    return out.reset_index(drop=True)[cols]


def change_lines(changes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One readable line per change: table, record, what, field, old -> new, who, when.

    Words and times repeat from line to line (one import, a few tables and fields), so each
    distinct one is formatted once."""
    cols = ["table", "record", "change", "field", "old", "new", "who", "when"]
    if changes.empty:
        return pd.DataFrame(columns=cols)
    words: dict[tuple, str] = {}

    def once(key: tuple, make: Callable[[], str]) -> str:
        if key not in words:
            words[key] = make()
        return words[key]

    rows = []
    for r in changes.itertuples(index=False):
        label = r.record_label if isinstance(r.record_label, str) and r.record_label else ""
        changed = r.change == "changed"
        rows.append({
            "table": once(("t", r.table_name), lambda r=r: table_label(r.table_name, lang)),
            "record": f"{r.record_id} — {label}" if label else str(r.record_id),
            "change": once(("c", r.change), lambda r=r: t(f"weekly.change.{r.change}", lang)),
            "field": once(("f", r.field), lambda r=r: field_label(r.field, lang)),
            "old": value_text(r.table_name, r.field, r.old_value, lang) if changed else "",
            "new": value_text(r.table_name, r.field, r.new_value, lang) if changed else "",
            "who": r.actor if isinstance(r.actor, str) else "",
            "when": once(("w", r.changed_at), lambda r=r: _when(r.changed_at, lang)),
        })
    return pd.DataFrame(rows, columns=cols)


def _when(value: Any, lang: str) -> str:
    from coopdash.i18n import fmt_datetime

    if value is None or pd.isna(value):
        return t("common.none", lang)
    return fmt_datetime(pd.Timestamp(value).to_pydatetime(), lang)


def import_lines(imports: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Who loaded what and when, one line per import per table."""
    cols = ["when", "who", "file", "mode", "table", "added", "changed", "removed"]
    if imports.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        "when": [_when(v, lang) for v in imports["imported_at"]],
        "who": imports["actor"].tolist(),
        "file": imports["file_name"].tolist(),
        "mode": [t(f"weekly.mode.{m}", lang) for m in imports["mode"]],
        "table": [table_label(x, lang) for x in imports["table_name"]],
        "added": imports["n_added"].astype(int).tolist(),
        "changed": imports["n_changed"].astype(int).tolist(),
        "removed": imports["n_removed"].astype(int).tolist(),
    }, columns=cols)


def _seats(seats: Any, confirmed: Any, lang: str) -> str:
    planned = t("common.none", lang) if seats is None or pd.isna(seats) else str(int(seats))
    return f"{int(confirmed or 0)} / {planned}"


@functools.lru_cache(maxsize=8192)
def _date_text(value: Any, lang: str) -> str:
    return fmt_date(value, lang)


def _date(value: Any, lang: str) -> str:
    """`fmt_date`, each distinct day formatted once (lists repeat the same days)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return fmt_date(None, lang)
    return _date_text(value, lang)


@functools.lru_cache(maxsize=1024)
def _label(codelist: str, code: Any, lang: str) -> str:
    return code_label(codelist, code, lang)


def upcoming_lines(upcoming: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What is next, readable: when, in how many days, program, readiness per side."""
    cols = ["when", "days", "event", "program", "partner", "status", "home", "partner_side",
            "ready"]
    rows = []
    for r in upcoming.itertuples(index=False):
        rows.append({
            "when": _date(r.event_on, lang),
            "days": int(r.days_to),
            "event": t(f"weekly.event.{r.event}", lang),
            "program": r.title,
            "partner": r.partner_name,
            "status": _label("program_status", r.status, lang),
            "home": _seats(r.home_seats, r.home_confirmed, lang),
            "partner_side": _seats(r.partner_seats, r.partner_confirmed, lang),
            "ready": readiness([(r.home_seats, r.home_confirmed),
                                (r.partner_seats, r.partner_confirmed)], lang),
        })
    return pd.DataFrame(rows, columns=cols)


def readiness(sides: list[tuple[Any, Any]], lang: str) -> str:
    """`ready` when, on every side with seats planned, people confirmed fill them; else
    how many people are missing in all (a side with more people does not make up for
    another side's empty seats)."""
    known = [(int(s), int(c or 0)) for s, c in sides if s is not None and pd.notna(s)]
    if not known:
        return t("weekly.ready.no_seats", lang)
    missing = sum(max(0, s - c) for s, c in known)
    if missing <= 0:
        return t("weekly.ready.ok", lang)
    return t("weekly.ready.missing", lang, n=missing)


def action_lines(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["due", "state", "title", "owner", "linked"]
    rows = []
    for r in actions.itertuples(index=False):
        linked = " · ".join(x for x in (r.agreement_title, r.program_title)
                            if isinstance(x, str) and x)
        late = bool(r.is_overdue) if pd.notna(r.is_overdue) else False
        rows.append({
            "due": _date(r.due_on, lang) if pd.notna(r.due_on) else t("common.none", lang),
            "state": t("weekly.due.overdue", lang, n=int(r.days_late)) if late
            else t("weekly.due.this_week", lang),
            "title": r.title,
            "owner": r.owner,
            "linked": linked,
        })
    return pd.DataFrame(rows, columns=cols)


def expiring_lines(expiring: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["ends", "days", "agreement", "partner", "stage"]
    rows = [{"ends": _date(r.ends_on, lang), "days": int(r.days_left), "agreement": r.title,
             "partner": r.partner_name, "stage": _label("stage", r.stage, lang)}
            for r in expiring.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def stale_lines(stale: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["last", "days", "agreement", "partner"]
    none = t("weekly.quiet.never", lang)
    rows = [{"last": _date(r.last_milestone_on, lang) if pd.notna(r.last_milestone_on)
             else none,
             "days": int(r.days_quiet) if pd.notna(r.days_quiet) else None,
             "agreement": r.title, "partner": r.partner_name}
            for r in stale.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def late_lines(late: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["starts", "days", "program", "partner", "status"]
    rows = [{"starts": _date(r.starts_on, lang), "days": int(r.days_late),
             "program": r.title, "partner": r.partner_name,
             "status": _label("program_status", r.status, lang)}
            for r in late.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def headers(kind: str, columns: Iterable[str], lang: str) -> dict[str, str]:
    """Column headings of a readable table, from the catalogue (`weekly.col.<name>`)."""
    del kind
    return {c: t(f"weekly.col.{c}", lang) for c in columns}
