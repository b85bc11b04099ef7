"""The workbook contract (described for people in docs/workbook.md) as data.

One definition of every table, column, kind, code list and reference. The validator,
the schema check, the template, the exporter and the labels all read it from here.

May import: nothing of coopdash (the foundation).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

CODES: dict[str, tuple[str, ...]] = {
    "org_type": (
        "government", "local_government", "local_government_association", "public_sector",
        "ngo", "multilateral", "academic", "private", "other",
    ),
    "instrument": ("loi", "mou", "implementing_arrangement", "exchange_of_letters", "other"),
    "stage": (
        "exploration", "drafting", "approval", "signed", "active", "extended", "expired",
        "terminated",
    ),
    "milestone_kind": ("letter", "meeting", "signing", "extension", "review", "visit", "other"),
    "channel": ("online", "in_person", "hybrid", "document"),
    "program_kind": (
        "seminar", "study_visit", "specialist_dispatch", "webinar", "training", "meeting",
        "exchange", "other",
    ),
    "program_status": (
        "proposed", "planned", "confirmed", "ongoing", "completed", "postponed", "cancelled",
    ),
    "mode": ("in_person", "online", "hybrid"),
    "side": ("home", "partner"),
    "gender": ("female", "male", "unspecified"),
    "role": ("head", "member", "speaker", "moderator", "observer", "staff"),
    "participant_status": ("nominated", "confirmed", "attended", "withdrawn"),
    "source": ("apbn", "apbd", "partner", "self_funded", "co_funded", "other"),
    "funding_status": ("planned", "committed", "spent"),
    "action_status": ("open", "done", "dropped"),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id, text, markdown, date, week, integer, amount, code, country, currency,
    # region, ref
    required: bool = False
    codes: str | None = None  # key into CODES for kind == "code"
    ref: str | None = None  # referenced table for kind == "ref"
    default: str | None = None  # stored when missing (participants.role)
    note: str = ""
    signed: bool = False  # an amount that may be negative (funding.amount, see its note)


@dataclass(frozen=True)
class Table:
    name: str
    key: str
    columns: tuple[Column, ...]
    note: str = ""
    by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name: str, kind: str, required: bool = False, **kw) -> Column:  # noqa: N802
    return Column(name, kind, required, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("partners", "partner_id", (
            C("partner_id", "id", True),
            C("name", "text", True),
            C("country", "country", True, note="home country of the organisation"),
            C("office_city", "text"),
            C("org_type", "code", True, codes="org_type"),
        )),
        Table("agreements", "agreement_id", (
            C("agreement_id", "id", True),
            C("partner_id", "ref", True, ref="partners"),
            C("title", "text", True),
            C("instrument", "code", True, codes="instrument"),
            C("stage", "code", True, codes="stage"),
            C("signed_on", "date"),
            C("starts_on", "date"),
            C("ends_on", "date", note="not before starts_on"),
            C("reference", "text"),
            C("notes", "text"),
        )),
        Table("milestones", "milestone_id", (
            C("milestone_id", "id", True),
            C("agreement_id", "ref", True, ref="agreements"),
            C("occurred_on", "date", True),
            C("kind", "code", True, codes="milestone_kind"),
            C("title", "text", True),
            C("channel", "code", codes="channel"),
            C("reference", "text"),
        )),
        Table("programs", "program_id", (
            C("program_id", "id", True),
            C("partner_id", "ref", True, ref="partners"),
            C("agreement_id", "ref", ref="agreements"),
            C("title", "text", True),
            C("kind", "code", True, codes="program_kind"),
            C("status", "code", True, codes="program_status"),
            C("mode", "code", codes="mode"),
            C("host_country", "country"),
            C("host_city", "text"),
            C("starts_on", "date"),
            C("ends_on", "date", note="not before starts_on"),
            C("origin", "text", note="empty for our own records; an IATI publisher's "
              "organisation identifier for an activity loaded from its file"),
            C("origin_file", "text", note="the IATI file it was loaded from"),
            C("origin_on", "date", note="when the publisher generated that file"),
        )),
        Table("recipients", "program_id,country", (
            C("program_id", "ref", True, ref="programs"),
            C("country", "country", True, note="a country the program benefits (IATI "
              "recipient-country), not where it takes place"),
            C("percentage", "amount", note="its share, 0 to 100"),
        ), note="who a program benefits, by country"),
        Table("delegations", "delegation_id", (
            C("delegation_id", "id", True),
            C("program_id", "ref", True, ref="programs"),
            C("side", "code", True, codes="side"),
            C("seats_planned", "integer"),
        )),
        Table("participants", "participant_id", (
            C("participant_id", "id", True),
            C("delegation_id", "ref", True, ref="delegations"),
            C("full_name", "text", True, note="personal data"),
            C("position", "text"),
            C("organisation", "text"),
            C("region_code", "region"),
            C("gender", "code", codes="gender"),
            C("role", "code", codes="role", default="member"),
            C("status", "code", True, codes="participant_status"),
        )),
        Table("funding", "funding_id", (
            C("funding_id", "id", True),
            C("program_id", "ref", True, ref="programs"),
            C("delegation_id", "ref", ref="delegations"),
            C("source", "code", True, codes="source"),
            C("funder", "text"),
            C("amount", "amount", signed=True, note="negative only on a line of an IATI "
              "publisher (a correction, as published)"),
            C("currency", "currency", note="required when amount is given"),
            C("status", "code", True, codes="funding_status"),
            C("recorded_on", "date"),
            C("origin", "text", note="empty for our own records; the IATI publisher's "
              "organisation identifier for a transaction loaded from its file"),
        )),
        Table("fx_rates", "currency,valid_from", (
            C("currency", "currency", True),
            C("valid_from", "date", True),
            C("idr_per_unit", "amount", True, note="> 0"),
            C("source", "text"),
        )),
        Table("actions", "action_id", (
            C("action_id", "id", True),
            C("agreement_id", "ref", ref="agreements"),
            C("program_id", "ref", ref="programs"),
            C("title", "text", True),
            C("owner", "text", True),
            C("opened_on", "date", True),
            C("due_on", "date"),
            C("status", "code", True, codes="action_status"),
            C("closed_on", "date", note="required when done or dropped"),
            C("meeting_week", "week", note="the weekly meeting that created it (2026-W48)"),
        )),
        Table("minutes", "meeting_week", (
            C("meeting_week", "week", True, note="ISO week YYYY-Www, like 2026-W48"),
            C("notes", "markdown", True, note="Markdown, at most 100,000 characters"),
            C("recorded_by", "text", note="who wrote them last"),
            C("recorded_on", "date"),
        )),
    )
}

# The order that respects references: parents before children.
TABLE_ORDER: tuple[str, ...] = (
    "partners", "agreements", "milestones", "programs", "recipients", "delegations",
    "participants",
    "funding", "fx_rates", "actions", "minutes",
)


# The column that names a record for a person (the weekly change list shows it; history
# keeps it for a removed record). Tables not listed are named by their id.
LABELS: dict[str, str] = {
    "partners": "name", "agreements": "title", "milestones": "title", "programs": "title",
    "participants": "full_name", "funding": "funder", "actions": "title",
}


def key_columns(table: str) -> list[str]:
    return TABLES[table].key.split(",")


# --- the week kind: the one reading of an ISO week ---------------------------------------

WEEK_RE = r"[0-9]{4}-W[0-9]{2}"  # an ISO week as the contract writes it: 2026-W48
_WEEK = re.compile(WEEK_RE)


class WeekError(ValueError):
    """Not a week: `code` is the validator's (`week_format`: not written YYYY-Www;
    `week_invalid`: no such week, e.g. 2025-W53), `params` its message's values (the
    catalogue's `store.err.<code>`)."""

    def __init__(self, text: str, code: str, **params: int) -> None:
        super().__init__(f"{code}: {text!r}")
        self.text, self.code, self.params = text, code, params


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week of 28 December is the year's last (none in year 0)."""
    return dt.date(year, 12, 28).isocalendar().week if year >= 1 else 0


def iso_week(text: str) -> tuple[int, int]:
    """`2026-W48` (spaces around allowed, as in a cell) -> (2026, 48); the same rule as the
    workbook's week cells (`validate`: the SQL form of it, tested to agree). Raises
    `WeekError`: `week_format` for anything else (`2026-w48`, `2026-W5`, `2026W48`),
    `week_invalid` for a week the year does not have (`2025-W53`, `2026-W00`)."""
    text = text.strip()
    if not _WEEK.fullmatch(text):
        raise WeekError(text, "week_format")
    year, number = int(text[:4]), int(text[6:])
    weeks = weeks_in_year(year)
    if not 1 <= number <= weeks:
        raise WeekError(text, "week_invalid", weeks=weeks)
    return year, number
