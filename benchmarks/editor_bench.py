"""Writes from the browser at scale (issue 18 budgets): one changed cell saved from the
Explorer's editor, and the Record form's save, each as the server runs it from the click
to the published version, against an empty write (the store's copy alone) in the same
run. Not a test; writes its section of docs/benchmarks.md.

    .venv/bin/python -m benchmarks editor [--participants 1000000] [--repeat 3] [--write]

What the page does on Save is exactly what is timed: `store.writing(...)` (lock, copy,
publish) around `editing.save` / `entry.save` (the one validator and importer).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import sections
from coopdash import store
from coopdash.workbook import bootstrap, editing, entry

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def empty_write(db: Path) -> None:
    with store.writing(db, actor="bench", what="edit", file_name="bench"):
        pass


def one_cell(db: Path, n: int) -> None:
    """A participant's name corrected in the editor (the page's 50 rows opened first)."""
    with store.reading(db) as con:
        ids = [r[0] for r in con.execute(
            "select participant_id from participants order by participant_id "
            "limit 50 offset $o", {"o": n % 1000}).fetchall()]
        opened = editing.records(con, "participants", ids)
    edited = opened.copy()
    edited.loc[0, "full_name"] = f"{opened.loc[0, 'full_name']} ({n})"
    with store.writing(db, actor="bench", what="edit", file_name=editing.FILE_NAME,
                       mode=editing.MODE) as con:
        editing.save(con, "participants", opened, edited, "bench")


def form(db: Path, n: int) -> None:
    """The JCLAIR meeting as the form writes it: milestone, program, 2 + 5 people, a
    follow-up, on a stored partner and agreement."""
    with store.reading(db) as con:
        partner_id, agreement_id = con.execute(
            "select partner_id, agreement_id from agreements limit 1").fetchall()[0]
    people = [entry.Person(full_name=f"Person {i}") for i in range(7)]
    record = entry.Entry(
        occurred_on=dt.date(2023, 5, 22), kind="meeting", title=f"Meeting {n}",
        channel="online", partner_id=partner_id, agreement_id=agreement_id,
        program=entry.Program(title=f"Meeting {n}", kind="meeting", status="completed",
                              mode="online", starts_on=dt.date(2023, 5, 22),
                              ends_on=dt.date(2023, 5, 22),
                              sides={"home": entry.Side(people=people[:2]),
                                     "partner": entry.Side(people=people[2:])}),
        follow_ups=[entry.FollowUp(title="Follow up", owner="BPSDM")])
    with store.writing(db, actor="bench", what="form", file_name=entry.FILE_NAME,
                       mode=entry.MODE) as con:
        entry.save(con, record, "bench")


def measure(participants: int, repeat: int, work: Path) -> dict:
    db = work / f"editor-{participants}.duckdb"
    if not db.exists():
        store.create(db, bootstrap.populate("demo", participants=participants))
    out = {"participants": participants, "mb": db.stat().st_size / 1e6}
    for name, fn in (("empty", lambda i: empty_write(db)), ("cell", lambda i: one_cell(db, i)),
                     ("form", lambda i: form(db, i))):
        out[name] = [_timed(lambda f=fn, i=i: f(i)) for i in range(repeat)]
    return out


def markdown(res: dict) -> str:
    def med(k: str) -> float:
        return statistics.median(res[k])
    base = med("empty")
    rows = [("an empty write (lock, copy, publish: the floor of any write)", "empty"),
            ("one changed cell from the editor (participants, 50 rows opened)", "cell"),
            ("the Record form: milestone, program, 2 + 5 people, a follow-up", "form")]
    lines = [f"{res['participants']:,} participants, store file {res['mb']:.0f} MB; "
             f"median of {len(res['empty'])} runs, server time from the click to the "
             "published version.", "", "| write | seconds (median) | runs | × empty write |",
             "| --- | --- | --- | --- |"]
    for label, k in rows:
        runs = ", ".join(f"{s:.2f}" for s in res[k])
        lines.append(f"| {label} | {med(k):.2f} | {runs} | {med(k) / base:.2f} |")
    lines += ["", "Budgets (issue 18): one changed cell ≤ 1 s, the form's save ≤ 1 s at 1M. "
              "Every write copies the whole store file once (see \"Store versions\"), so "
              "the empty write is what any write costs here; the rest is the validator "
              "and the importer on a handful of rows."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=None, help="a folder for the store (kept)")
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="coopdash-editor-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    res = measure(args.participants, args.repeat, work)
    text = markdown(res)
    print(text)
    if args.write:
        sections.put_titled(DOC, "editor:writes", "Writes from the browser: a changed cell, "
                            "the Record form", "benchmarks/editor_bench.py", text,
                            " (2 cores shared with other work: times are upper bounds)")


if __name__ == "__main__":
    main()
