"""The weekly meeting beyond the change list: what *happened* in the week, the minutes,
and "since last meeting". Pure logic (no Streamlit), used by `weekly.review`, so the page,
the packs (HTML, PDF, PowerPoint) and the e-mail show the same rows.

What happened is placed in a week by the records' own dates, never by when they were
loaded: a program by `starts_on` / `ends_on` (started, ended, held, or ongoing through
the week), a milestone by `occurred_on`, an agreement by `signed_on`, `starts_on`,
`ends_on` and its extension milestones, a follow-up by `opened_on` and `closed_on`. The
sidebar filters apply as everywhere (`f_programs`, `f_agreements`, `f_actions`). Minutes
belong to the whole meeting: no filter applies to them.

"Last meeting" is the latest earlier week with minutes or follow-ups created in it (a
meeting may be skipped); its follow-ups are shown as they stand on the review's
reference day: done, dropped, open or overdue.

Minutes are saved like every record, through the importer (mode `edit`:
`coopdash.workbook.meeting_edits.save_minutes`): the import log says who saved them and when,
history keeps every earlier text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from coopdash.i18n import code_label, fmt_date, fmt_datetime, fmt_int, t

Runner = Callable[[str, dict[str, Any]], pd.DataFrame]
STATES = ("done", "open", "overdue", "dropped")


class WeekLike(Protocol):  # coopdash.figures.weekly.Week
    start: dt.date
    end: dt.date
    label: str


def _week_params(week: WeekLike) -> dict[str, Any]:
    return {"week_start": week.start, "week_end": week.end}


# --- what happened --------------------------------------------------------------------------

@dataclass
class Happened:
    """The week's events, one frame per kind of record (queries/weekly_happened_*.sql)."""

    programs: pd.DataFrame
    milestones: pd.DataFrame
    agreements: pd.DataFrame
    actions: pd.DataFrame

    @property
    def n_events(self) -> int:
        return sum(len(x) for x in (self.programs, self.milestones, self.agreements,
                                    self.actions))

    def people(self) -> pd.DataFrame:
        """Seats planned, people confirmed and attended per side, over the week's programs
        (rows: home, partner) — the figures of the deck's and pack's chart."""
        p = self.programs
        rows = []
        for side in ("home", "partner"):
            seats = p[f"{side}_seats"].dropna()
            rows.append({"side": side,
                         "seats": int(seats.sum()) if len(seats) else None,
                         "confirmed": int(p[f"{side}_confirmed"].sum()),
                         "attended": int(p[f"{side}_attended"].sum())})
        return pd.DataFrame(rows, columns=["side", "seats", "confirmed", "attended"])


# every query `happened` and `meeting` run
QUERIES = ("weekly_happened_programs", "weekly_happened_milestones",
           "weekly_happened_agreements", "weekly_happened_actions", "weekly_last_meeting",
           "weekly_minutes", "weekly_minutes_history", "weekly_meeting_actions")


def happened(run: Runner, week: WeekLike) -> Happened:
    params = _week_params(week)
    return Happened(
        programs=run("weekly_happened_programs", params),
        milestones=run("weekly_happened_milestones", params),
        agreements=run("weekly_happened_agreements", params),
        actions=run("weekly_happened_actions", params),
    )


# --- minutes and the last meeting -------------------------------------------------------------

@dataclass
class Meeting:
    """This week's minutes (their earlier texts too), the follow-ups created in this
    meeting, and the last meeting before it with its follow-ups' state."""

    week: str
    minutes: pd.DataFrame  # 0 or 1 row (queries/weekly_minutes.sql)
    history: pd.DataFrame  # earlier texts, newest first
    created: pd.DataFrame  # follow-ups created in this week's meeting
    last_week: str | None
    last_minutes: pd.DataFrame
    last_actions: pd.DataFrame  # created in the last meeting, with `state`

    @property
    def notes(self) -> str:
        return str(self.minutes["notes"].iloc[0]) if len(self.minutes) else ""

    @property
    def last_notes(self) -> str:
        return str(self.last_minutes["notes"].iloc[0]) if len(self.last_minutes) else ""

    def last_states(self) -> dict[str, int]:
        """How many of the last meeting's follow-ups are done, open, overdue, dropped."""
        counts = self.last_actions["state"].value_counts() if len(self.last_actions) else {}
        return {s: int(counts.get(s, 0)) for s in STATES}


def meeting(run: Runner, week: WeekLike, ref: dt.date) -> Meeting:
    label = week.label
    last = run("weekly_last_meeting", {"meeting_week": label})["meeting_week"]
    last_week = str(last.iloc[0]) if len(last) and pd.notna(last.iloc[0]) else None
    minutes = run("weekly_minutes", {"meeting_week": label})
    return Meeting(
        week=label,
        minutes=minutes,
        history=run("weekly_minutes_history", {"meeting_week": label}),
        created=run("weekly_meeting_actions", {"meeting_week": label, "ref": ref}),
        last_week=last_week,
        last_minutes=run("weekly_minutes", {"meeting_week": last_week})
        if last_week else minutes.head(0),
        last_actions=run("weekly_meeting_actions", {"meeting_week": last_week or "",
                                                     "ref": ref}),
    )


# --- readable tables (page and packs show the same words) ------------------------------------

def _none(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _day(value: Any, lang: str) -> str:
    return t("common.none", lang) if _none(value) else fmt_date(pd.Timestamp(value).date(), lang)


def _count(value: Any, lang: str) -> str:
    return t("common.none", lang) if _none(value) else fmt_int(int(value), lang)


def people_text(seats: Any, confirmed: Any, attended: Any, lang: str) -> str:
    """`2 seats · 1 confirmed · 5 attended` (seats `—` when not planned)."""
    return t("meeting.people", lang, seats=_count(seats, lang),
             confirmed=_count(confirmed, lang), attended=_count(attended, lang))


def program_lines(programs: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["when", "event", "program", "partner", "kind", "home", "partner_side"]
    rows = []
    for r in programs.itertuples(index=False):
        span = _day(r.starts_on, lang)
        if not _none(r.ends_on) and r.ends_on != r.starts_on:
            span = f"{span} – {_day(r.ends_on, lang)}"
        rows.append({
            "when": span,
            "event": t(f"meeting.program_event.{r.event}", lang),
            "program": r.title,
            "partner": r.partner_name,
            "kind": code_label("program_kind", r.kind, lang),
            "home": people_text(r.home_seats, r.home_confirmed, r.home_attended, lang),
            "partner_side": people_text(r.partner_seats, r.partner_confirmed,
                                        r.partner_attended, lang),
        })
    return pd.DataFrame(rows, columns=cols)


def milestone_lines(milestones: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["when", "kind", "title", "agreement", "partner", "reference"]
    rows = [{"when": _day(r.occurred_on, lang),
             "kind": code_label("milestone_kind", r.kind, lang)
             + ("" if _none(r.channel) else f" ({code_label('channel', r.channel, lang)})"),
             "title": r.title, "agreement": r.agreement_title, "partner": r.partner_name,
             "reference": "" if _none(r.reference) else r.reference}
            for r in milestones.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def agreement_lines(agreements: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["when", "event", "agreement", "partner", "stage"]
    rows = [{"when": _day(r.event_on, lang),
             "event": t(f"meeting.agreement_event.{r.event}", lang),
             "agreement": r.title, "partner": r.partner_name,
             "stage": code_label("stage", r.stage, lang)}
            for r in agreements.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def happened_action_lines(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = ["when", "event", "title", "owner", "meeting"]
    rows = [{"when": _day(r.event_on, lang),
             "event": t(f"meeting.action_event.{r.event}", lang),
             "title": r.title, "owner": r.owner,
             "meeting": "" if _none(r.meeting_week) else r.meeting_week}
            for r in actions.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def meeting_action_lines(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The follow-ups created in a meeting, with their state today."""
    cols = ["state", "title", "owner", "due", "closed"]
    rows = [{"state": t(f"meeting.state.{r.state}", lang), "title": r.title, "owner": r.owner,
             "due": _day(r.due_on, lang),
             "closed": "" if _none(r.closed_on) else _day(r.closed_on, lang)}
            for r in actions.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def history_lines(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each earlier text of the minutes: when it was replaced, by whom, its first line."""
    cols = ["when", "who", "text"]
    rows = [{"when": fmt_datetime(pd.Timestamp(r.changed_at).to_pydatetime(), lang),
             "who": "" if _none(r.actor) else r.actor,
             "text": "" if _none(r.old_value) else str(r.old_value)}
            for r in history.itertuples(index=False)]
    return pd.DataFrame(rows, columns=cols)


def recorded_text(minutes: pd.DataFrame, lang: str) -> str:
    """`Recorded by ana, 23 Nov 2026 10:02` ('' when no one is named)."""
    if not len(minutes) or _none(minutes["recorded_by"].iloc[0]):
        return ""
    saved = minutes["saved_at"].iloc[0]
    when = (fmt_datetime(pd.Timestamp(saved).to_pydatetime(), lang) if not _none(saved)
            else _day(minutes["recorded_on"].iloc[0], lang))
    return t("meeting.minutes_by", lang, who=minutes["recorded_by"].iloc[0], when=when)


def table_csv(df: pd.DataFrame) -> bytes:
    """A readable table as CSV (UTF-8 with BOM for Excel; cells that Excel would run as a
    formula neutralised): the whole list behind a table the page cuts."""
    from coopdash.figures.exports import BOM, neutralise

    return BOM + df.map(lambda v: neutralise(v) if isinstance(v, str) else v).to_csv(
        index=False).encode("utf-8")


def states_text(states: dict[str, int], lang: str) -> str:
    """`2 done · 1 open · 1 overdue` (states with none left out; `none` if all zero)."""
    parts = [t(f"meeting.states.{s}", lang, n=fmt_int(n, lang)) for s, n in states.items() if n]
    return " · ".join(parts) if parts else t("meeting.states.none", lang)
