"""The Record form's fresh ids (issue 18 §2): a meeting recorded again on the same
agreement and day gets the next free id of each family (`…-2`, `…-3`, a gap left by a
stored `…-4` skipped), never a stored one, and one id is never given twice in an entry."""

from __future__ import annotations

import datetime as dt

from coopdash import store
from coopdash.workbook import entry

DAY = dt.date(2024, 1, 10)  # a day the sample holds nothing on


def _meeting(title: str) -> entry.Entry:
    people = [entry.Person(full_name=f"Person {i}") for i in range(3)]
    return entry.Entry(
        occurred_on=DAY, kind="meeting", title=title, channel="online",
        partner_id="jclair-sg", agreement_id="bpsdm-jclair",
        program=entry.Program(title=title, kind="meeting", status="completed",
                              mode="online", starts_on=DAY,
                              ends_on=DAY,
                              sides={"home": entry.Side(people=people[:1]),
                                     "partner": entry.Side(people=people[1:])}),
        follow_ups=[entry.FollowUp(title="Follow up", owner="BPSDM"),
                    entry.FollowUp(title="Another", owner="BPSDM")])


def _save(db, title: str) -> None:
    with store.writing(db, actor="ana", what="form", file_name=entry.FILE_NAME,
                       mode=entry.MODE) as con:
        entry.save(con, _meeting(title), "ana")


def _ids(db, table: str, key: str, prefix: str) -> list[str]:
    with store.reading(db) as con:
        return [r for (r,) in con.execute(
            f"select {key} from {table} where starts_with({key}, $p) order by 1",
            {"p": prefix}).fetchall()]


def test_the_same_meeting_again_gets_the_next_free_ids(sample_store, store_copy):
    db = store_copy(sample_store)
    base = "bpsdm-jclair-meeting-2024-01-10"
    _save(db, "First")
    _save(db, "Second")
    # a stored id that the counting would reach next: it is skipped, not reused
    with store.writing(db, actor="ana", what="edit") as con:
        con.execute("insert into milestones select * replace ($id as milestone_id) "
                    "from milestones where milestone_id = $m",
                    {"id": f"{base}-3", "m": base})
    _save(db, "Third")
    with store.reading(db) as con:
        titles = dict(con.execute(
            "select milestone_id, title from milestones where starts_with(milestone_id, $b)",
            {"b": base}).fetchall())
    assert titles == {base: "First", f"{base}-2": "Second", f"{base}-3": "First",
                      f"{base}-4": "Third"}
    # the two follow-ups of one entry share a family: two ids, each once
    actions = _ids(db, "actions", "action_id", "bpsdm-jclair-follow-up-2024-01-10")
    assert len(actions) == len(set(actions)) == 6
    people = _ids(db, "participants", "participant_id", base)
    assert len(people) == len(set(people)) == 9
