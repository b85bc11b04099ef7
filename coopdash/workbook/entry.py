"""What happened, recorded in one form: a meeting, letter or visit with everything it
brings (the Record page), turned into workbook rows and written by the one importer.

    entry = Entry(occurred_on=dt.date(2023, 5, 22), partner_id="jclair-sg", ...)
    result = save(con, entry, actor="ana")      # on a writing connection: one write

`rows(con, entry)` builds the workbook sheets (text cells, like an upload) with fresh ids
(read from the store on `con`, so a new record never overwrites a stored one); `save`
hands them to `importer.import_frames` (mode `edit`): the same validator, the same
messages, one `import_log` per table, history, one published write. A refused entry
raises `ValidationFailed` whose issues carry, in `params["place"]`, where in the form the
row came from (`Place`), so the page can say "people, partner side, person 3".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from coopdash.contract import TABLES
from coopdash.workbook.validate import Issue, ValidationFailed

FILE_NAME = "record form"
MODE = "edit"  # import_log.mode; the write itself is `what = "form"` in write_log
SIDES = ("home", "partner")
_MAX_ID = 64


@dataclass
class NewPartner:
    name: str
    country: str
    org_type: str
    office_city: str = ""
    partner_id: str = ""  # empty: made from the name


@dataclass
class NewAgreement:
    title: str
    instrument: str
    reference: str = ""
    notes: str = ""
    agreement_id: str = ""  # empty: made from the partner and the title
    stage: str = "exploration"


@dataclass
class Person:
    full_name: str
    position: str = ""
    organisation: str = ""
    role: str = "member"
    gender: str = ""
    status: str = "attended"


@dataclass
class Side:
    seats: int | None = None
    people: list[Person] = field(default_factory=list)


@dataclass
class Program:
    title: str
    kind: str
    status: str
    mode: str = ""
    host_country: str = ""
    host_city: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    sides: dict[str, Side] = field(default_factory=dict)


@dataclass
class FollowUp:
    title: str
    owner: str
    due_on: dt.date | None = None


@dataclass
class Entry:
    """One thing that happened: its date, partner, agreement, milestone; optionally a
    program with its delegations and the follow-ups it opened."""

    occurred_on: dt.date | None
    kind: str
    title: str
    channel: str = ""
    reference: str = ""
    partner_id: str = ""
    new_partner: NewPartner | None = None
    agreement_id: str = ""
    new_agreement: NewAgreement | None = None
    program: Program | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)


@dataclass(frozen=True)
class Place:
    """Where in the form a workbook row came from: a section, and a side and a position
    in its list for people and follow-ups."""

    section: str
    side: str | None = None
    n: int | None = None


def slug(text: str, width: int = 40) -> str:
    """`Rapat penjajakan – JCLAIR` -> `rapat-penjajakan-jclair` (an id's characters)."""
    out = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return out[:width].rstrip("-") or "record"


class _Ids:
    """Fresh ids: not in the store on `con`, not given twice in this entry."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.given: set[tuple[str, str]] = set()

    def taken(self, table: str, record_id: str) -> bool:
        key = TABLES[table].key
        if (table, record_id) in self.given:
            return True
        return bool(self.con.execute(
            f"select count(*) from main.{table} where {key} = $id",
            {"id": record_id}).fetchall()[0][0])

    def fresh(self, table: str, base: str) -> str:
        """`base`, else the first of `base-2`, `base-3`... that is free: the stored ids of
        that family read in one query (a loop asking for each in turn made the tenth
        meeting of an agreement on one day cost ten queries per record)."""
        base = base[:_MAX_ID - 4].rstrip("-")
        key = TABLES[table].key
        stored = {r for (r,) in self.con.execute(
            f"select {key} from main.{table} where {key} = $base "
            f"or starts_with({key}, $base || '-')", {"base": base}).fetchall()}
        record_id, n = base, 1
        while record_id in stored or (table, record_id) in self.given:
            n += 1
            record_id = f"{base}-{n}"
        self.given.add((table, record_id))
        return record_id


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class _Sheets:
    """Workbook rows by table (text cells), each with the place it came from."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.places: dict[str, list[Place]] = {}

    def add(self, table: str, place: Place, **cells: Any) -> None:
        self.rows.setdefault(table, []).append({k: _text(v) for k, v in cells.items()})
        self.places.setdefault(table, []).append(place)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: pd.DataFrame(rows, columns=TABLES[name].column_names, dtype=str)
                .fillna("") for name, rows in self.rows.items()}

    def place(self, table: str | None, row: int | None) -> Place | None:
        """The place of workbook row `row` (numbered from 2, as `import_frames` does)."""
        if table not in self.places or row is None or row < 2:
            return None
        return self.places[table][row - 2]


@dataclass
class Rows:
    frames: dict[str, pd.DataFrame]
    sheets: _Sheets
    taken: list[Issue]
    ids: dict[str, str]


def rows(con: duckdb.DuckDBPyConnection, entry: Entry) -> Rows:
    """The workbook rows of `entry`, with fresh ids; `taken` lists the ids a keeper typed
    for a new partner or agreement that the store already holds."""
    ids, sheets, taken = _Ids(con), _Sheets(), []
    partner_id = _partner(entry, ids, sheets, taken)
    agreement_id = _agreement(entry, partner_id, ids, sheets, taken)
    day = _text(entry.occurred_on)
    milestone_id = ids.fresh("milestones", f"{agreement_id}-{entry.kind}-{day}")
    sheets.add("milestones", Place("milestone"), milestone_id=milestone_id,
               agreement_id=agreement_id, occurred_on=day, kind=entry.kind,
               title=entry.title, channel=entry.channel, reference=entry.reference)
    program_id = _program(entry, partner_id, agreement_id, ids, sheets)
    for n, f in enumerate(entry.follow_ups, start=1):
        sheets.add("actions", Place("follow_ups", n=n),
                   action_id=ids.fresh("actions", f"{agreement_id}-follow-up-{day}"),
                   agreement_id=agreement_id, title=f.title, owner=f.owner,
                   opened_on=day, due_on=f.due_on, status="open")
    return Rows(sheets.frames(), sheets, taken,
                {"partner_id": partner_id, "agreement_id": agreement_id,
                 "milestone_id": milestone_id, "program_id": program_id or ""})


def _typed_id(table: str, typed: str, base: str, ids: _Ids, taken: list[Issue],
              section: str) -> str:
    """The id a keeper typed for a new record (refused when stored), else a fresh one."""
    typed = typed.strip()
    if not typed:
        return ids.fresh(table, base)
    if ids.taken(table, typed):
        key = TABLES[table].key
        taken.append(Issue(table, 2, key, typed, "id_taken", {"place": Place(section)}))
    ids.given.add((table, typed))
    return typed


def _partner(entry: Entry, ids: _Ids, sheets: _Sheets, taken: list[Issue]) -> str:
    p = entry.new_partner
    if p is None:
        return entry.partner_id
    partner_id = _typed_id("partners", p.partner_id, slug(p.name), ids, taken, "partner")
    sheets.add("partners", Place("partner"), partner_id=partner_id, name=p.name,
               country=p.country, office_city=p.office_city, org_type=p.org_type)
    return partner_id


def _agreement(entry: Entry, partner_id: str, ids: _Ids, sheets: _Sheets,
               taken: list[Issue]) -> str:
    a = entry.new_agreement
    if a is None:
        return entry.agreement_id
    base = f"{slug(partner_id, 20)}-{slug(a.title, 30)}"
    agreement_id = _typed_id("agreements", a.agreement_id, base, ids, taken, "agreement")
    sheets.add("agreements", Place("agreement"), agreement_id=agreement_id,
               partner_id=partner_id, title=a.title, instrument=a.instrument, stage=a.stage,
               reference=a.reference, notes=a.notes)
    return agreement_id


def _program(entry: Entry, partner_id: str, agreement_id: str, ids: _Ids,
             sheets: _Sheets) -> str | None:
    p = entry.program
    if p is None:
        return None
    program_id = ids.fresh("programs", f"{agreement_id}-{p.kind}-{_text(entry.occurred_on)}")
    sheets.add("programs", Place("program"), program_id=program_id, partner_id=partner_id,
               agreement_id=agreement_id, title=p.title, kind=p.kind, status=p.status,
               mode=p.mode, host_country=p.host_country, host_city=p.host_city,
               starts_on=p.starts_on, ends_on=p.ends_on)
    for side, s in p.sides.items():
        delegation_id = ids.fresh("delegations", f"{program_id}-{side}")
        sheets.add("delegations", Place("people", side), delegation_id=delegation_id,
                   program_id=program_id, side=side, seats_planned=s.seats)
        for n, person in enumerate(s.people, start=1):
            sheets.add("participants", Place("people", side, n),
                       participant_id=ids.fresh("participants", f"{delegation_id}-{n}"),
                       delegation_id=delegation_id, full_name=person.full_name,
                       position=person.position, organisation=person.organisation,
                       role=person.role, gender=person.gender, status=person.status)
    return program_id


def save(con: duckdb.DuckDBPyConnection, entry: Entry, actor: str) -> Any:
    """Write `entry` on the writing connection `con` through the validator and importer
    (one import of every sheet: all or nothing). Raises `ValidationFailed`, each issue
    placed in the form (`params["place"]`)."""
    from coopdash.workbook import importer

    built = rows(con, entry)
    if built.taken:
        raise ValidationFailed(built.taken)
    try:
        return importer.import_frames(con, built.frames, file_name=FILE_NAME, actor=actor,
                                      mode=MODE)
    except ValidationFailed as exc:
        for issue in exc.issues:
            place = built.sheets.place(issue.table, issue.row)
            if place is not None:
                issue.params = {**issue.params, "place": place}
        raise
