"""The sample's JCLAIR case as a keeper enters it on the Record page (issue 18 §2), as a
list of widget steps that an AppTest and a Chromium test both play: the letter of 19 May
2023 (new partner, new agreement at exploration), then the meeting of 22 May 2023 (its
program with 2 + 5 attendees, the follow-up). Values come from `data/sample/*.csv`.

A step is (kind, widget key, value as stored, text a person picks in the browser);
kinds: text, area, select, date, number, check, radio.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from babel import Locale

from coopdash import settings, store
from coopdash.figures import weekly
from coopdash.figures.scope import Scope
from coopdash.figures.summary import headline
from coopdash.i18n import code_label
from coopdash.pack import document as pack
from coopdash.settings import SAMPLE_DIR

MEETING = "jclair-exploratory-meeting"
# what the form enters of the sample; the rest (the five proposed programs, their
# delegations and funding line) is loaded by a workbook afterwards (`rest_of_sample`)
Step = tuple[str, str, object, str]


def sample(name: str) -> list[dict]:
    with open(SAMPLE_DIR / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _code(key: str, codelist: str, code: str) -> Step:
    return ("select", key, code, code_label(codelist, code, "en"))


def _text(key: str, value: str) -> Step:
    return ("text", key, value, value)


def letter_steps() -> list[Step]:
    partner, agreement = sample("partners")[0], sample("agreements")[0]
    letter = next(m for m in sample("milestones") if m["kind"] == "letter")
    country = Locale("en").territories[partner["country"]]
    return [
        ("date", "rec_day", letter["occurred_on"], letter["occurred_on"]),
        _code("rec_kind", "milestone_kind", "letter"),
        _code("rec_channel", "channel", letter["channel"]),
        _text("rec_reference", letter["reference"]),
        _text("rec_title", letter["title"]),
        _text("rec_partner_name", partner["name"]),
        ("select", "rec_partner_country", partner["country"],
         f"{country} ({partner['country']})"),
        _code("rec_partner_org_type", "org_type", partner["org_type"]),
        _text("rec_partner_city", partner["office_city"]),
        _text("rec_partner_id", partner["partner_id"]),
        _text("rec_agreement_title", agreement["title"]),
        _code("rec_agreement_instrument", "instrument", agreement["instrument"]),
        _text("rec_agreement_reference", agreement["reference"]),
        ("area", "rec_agreement_notes", agreement["notes"], agreement["notes"]),
        _text("rec_agreement_id", agreement["agreement_id"]),
    ]


def _people_steps(side: str, people: list[dict]) -> list[Step]:
    steps: list[Step] = [("number", f"rec_{side}_n", len(people), str(len(people)))]
    for n, p in enumerate(people, start=1):
        key = f"rec_{side}_{n}"
        steps += [_text(f"{key}_name", p["full_name"]),
                  _text(f"{key}_position", p["position"]),
                  _text(f"{key}_organisation", p["organisation"]),
                  _code(f"{key}_role", "role", p["role"]),
                  _code(f"{key}_gender", "gender", p["gender"]),
                  _code(f"{key}_status", "participant_status", p["status"])]
    return [s for s in steps if s[2] != "" or s[0] != "text"]


def meeting_steps() -> list[Step]:
    """The meeting, on the partner and agreement the letter recorded (picked by default:
    they are the only ones)."""
    meeting = next(m for m in sample("milestones") if m["kind"] == "meeting")
    program = next(p for p in sample("programs") if p["program_id"] == MEETING)
    sides = {d["delegation_id"]: d["side"] for d in sample("delegations")
             if d["program_id"] == MEETING}
    action = sample("actions")[0]
    steps = [
        ("date", "rec_day", meeting["occurred_on"], meeting["occurred_on"]),
        _code("rec_kind", "milestone_kind", "meeting"),
        _code("rec_channel", "channel", meeting["channel"]),
        _text("rec_title", meeting["title"]),
        ("check", "rec_has_program", True, ""),
        _text("rec_program_title", program["title"]),
        _code("rec_program_kind", "program_kind", program["kind"]),
        _code("rec_program_status", "program_status", program["status"]),
        _code("rec_program_mode", "mode", program["mode"]),
    ]
    for side in ("home", "partner"):
        steps += _people_steps(side, [p for p in sample("participants")
                                      if sides.get(p["delegation_id"]) == side])
    steps += [("number", "rec_follow_ups_n", 1, "1"),
              _text("rec_follow_up_1_title", action["title"]),
              _text("rec_follow_up_1_owner", action["owner"])]
    return steps


def rest_of_sample(folder: Path) -> Path:
    """The sample's records the form does not enter (the proposed programs, their
    delegations and funding line), as a CSV folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("programs", "delegations", "funding"):
        rows = [r for r in sample(name) if r["program_id"] != MEETING]
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(sample(name)[0]))
            w.writeheader()
            w.writerows(rows)
    return folder


def pack_html(db: Path, week: str) -> str:
    """The English pack of `week` over the store at `db`, its chart ids and making time
    masked (they differ between two builds of the same records). Its charts as Plotly
    figures (`svg=False`): the same data compared, without a Chromium to draw them."""
    scope = Scope.of(settings.get())
    con = store.connect(db, read_only=True)
    try:
        review = pack.build_review(con, weekly.Week.parse(week), scope, "en")
    finally:
        con.close()
    html = pack.render_html(review, scope, "en", svg=False)
    html = re.sub(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<id>", html)  # chart ids
    return re.sub(r"\d{1,2} \w+ \d{4},? \d{2}[.:]\d{2}", "<made>", html)  # the making time


def overview(db: Path) -> dict:
    """The Overview's headline figures over the store at `db`, from the query the page
    reads (`coopdash.figures.summary.headline`), in-process."""
    con = store.connect(db, read_only=True)
    try:
        return headline(con, Scope.of(settings.get()))
    finally:
        con.close()
