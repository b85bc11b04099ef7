"""Writes from the browser at scale (issue 18 budgets): one changed cell saved from the
Explorer's editor, and the Record form's save, each as the server runs it from the click
to the published version, against an empty write (the store's copy alone) and DuckDB's
own UPDATE of the same cell (open a copy, update, checkpoint) in the same run. Each write
is split into phases (copy, validation, apply, publish). Not a test; writes its result
(docs/benchmarks/editor-writes.json, then docs/benchmarks.md).

    .venv/bin/python -m benchmarks editor [--participants 1000000] [--repeat 3] [--write]
        [--json raw.json] [--before raw-of-an-earlier-commit.json]

What the page does on Save is exactly what is timed: `store.writing(...)` (lock, copy,
publish) around `grid_edits.save` / `entry.save` (the one validator and importer).
`--before` shows an earlier commit's raw figures (its `--json`, measured on the same
machine in the same session) beside these.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks import results, sections
from coopdash import store
from coopdash.store import snapshots
from coopdash.workbook import bootstrap, entry, grid_edits, importer

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


# what each phase of a write is, and the function that does it (wrapped while measuring);
# "other" (in the tables) is the rest: the lock, the editor's frames, Python around them
PHASES = (("lock", snapshots, "_write_atomically"),  # who holds it: holder.json
          ("copy", snapshots, "_start"), ("open copy", snapshots, "_open_work"),
          ("editor: diff, conflicts", grid_edits, "changes"),
          ("editor: diff, conflicts", grid_edits, "deleted"),
          ("editor: diff, conflicts", grid_edits, "conflicts"),
          ("form: rows, fresh ids", entry, "rows"),
          ("cell checks", importer, "check_file"),
          ("store checks", importer, "validate_against"), ("apply", importer, "_apply"),
          ("checkpoint", snapshots, "_finish"), ("publish", snapshots, "_publish"),
          ("prune", snapshots, "_prune"))
_LABELS = list(dict.fromkeys(label for label, _, _ in PHASES))
_spent: dict[str, float] = {}


@contextlib.contextmanager
def phase_timers():
    """While inside: the time spent in each phase of `PHASES` adds up in `_spent`."""
    saved = [(module, attr, getattr(module, attr)) for _, module, attr in PHASES]

    def timed(label, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                _spent[label] = _spent.get(label, 0.0) + time.perf_counter() - t0
        return wrapper

    for (label, module, attr), (_, _, fn) in zip(PHASES, saved, strict=True):
        setattr(module, attr, timed(label, fn))
    try:
        yield
    finally:
        for module, attr, fn in saved:
            setattr(module, attr, fn)


def _timed(fn) -> tuple[float, float, dict[str, float]]:
    """`fn()`'s wall seconds, this process's CPU seconds (every thread: DuckDB's too) and
    the wall seconds of each phase. The CPU seconds say what the write costs the server
    whatever the machine's load; the wall seconds at a load of 20 on 2 cores are mostly
    waiting for a core."""
    _spent.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0, dict(_spent)


def duckdb_update(db: Path, n: int) -> tuple[float, float]:
    """DuckDB's own UPDATE of the cell `one_cell` changes, on a private copy of the
    current version (copied outside the timer): open, update, checkpoint, close."""
    _, src = snapshots.current(db)
    scratch = db.with_name(f"duckdb-update-{os.getpid()}.duckdb")
    shutil.copyfile(src, scratch)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        con = duckdb.connect(str(scratch))
        con.execute("update participants set full_name = full_name || $s where "
                    "participant_id = (select participant_id from participants order by "
                    "participant_id limit 1 offset $o)", {"s": f" ({n})", "o": n % 1000})
        con.execute("checkpoint")
        con.close()
        return time.perf_counter() - t0, time.process_time() - c0
    finally:
        scratch.unlink(missing_ok=True)


def empty_write(db: Path) -> None:
    with store.writing(db, actor="bench", what="edit", file_name="bench"):
        pass


def one_cell(db: Path, n: int):
    """A participant's name corrected in the editor: the page's 50 rows are opened when
    the page is drawn (here, untimed); what is returned is the click on Save."""
    with store.reading(db) as con:
        ids = [r[0] for r in con.execute(
            "select participant_id from participants order by participant_id "
            "limit 50 offset $o", {"o": n % 1000}).fetchall()]
        opened = grid_edits.records(con, "participants", ids)
    edited = opened.copy()
    edited.loc[0, "full_name"] = f"{opened.loc[0, 'full_name']} ({n})"

    def save() -> None:
        with store.writing(db, actor="bench", what="edit", file_name=grid_edits.FILE_NAME,
                           mode=grid_edits.MODE) as con:
            grid_edits.save(con, "participants", opened, edited, "bench")
    return save


def form(db: Path, n: int):
    """The JCLAIR meeting as the form writes it: milestone, program, 2 + 5 people, a
    follow-up, on a stored partner and agreement (picked when the page is drawn,
    untimed); what is returned is the click on Save."""
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

    def save() -> None:
        with store.writing(db, actor="bench", what="form", file_name=entry.FILE_NAME,
                           mode=entry.MODE) as con:
            entry.save(con, record, "bench")
    return save


def tables(db: Path, repeat: int) -> dict[str, float]:
    """The Explorer's participants tab in AppTest as a server runs it (`measure.app_test`,
    role keeper): warm rerun and a page turn, read-only and with the editor open (its
    rows opened, the reference search boxes, the grid), median ms of `repeat` runs each.
    A page turn goes to a page not seen yet: cold for the page's rows, as a keeper's is."""
    from benchmarks import measure

    at = measure.app_test(db)
    at.query_params["tab"] = "participants"
    at.switch_page("pages/explorer.py").run()
    out: dict[str, float] = {}
    page = iter(range(2, 2 + 4 * repeat))
    for mode in ("read-only", "editable"):
        if mode == "editable":
            at.toggle(key="ex_edit").set_value(True).run()
        at.run()
        out[f"{mode} warm rerun"], out[f"{mode} warm rerun CPU"] = _median_ms(at.run, repeat)
        out[f"{mode} page turn"], out[f"{mode} page turn CPU"] = _median_ms(
            lambda: at.number_input(key="ex_page").set_value(next(page)).run(), repeat)
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
    return out


def _median_ms(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `repeat` calls of `fn` (the CPU of this
    process, every thread: what a run costs the server, whatever the machine's load)."""
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


WRITES = (("empty", "an empty write (lock, copy, publish: the floor of any write)"),
          ("cell", "one changed cell from the editor (participants, 50 rows opened)"),
          ("form", "the Record form: milestone, program, 2 + 5 people, a follow-up"))


def measure(participants: int, repeat: int, work: Path) -> dict:
    db = work / f"editor-{participants}.duckdb"
    if not db.exists():
        store.create(db, bootstrap.populate("demo", participants=participants))
    empty_write(db)  # a store from an older release is migrated here, not in a timed write
    updates = [duckdb_update(db, i) for i in range(repeat)]
    out = {"participants": participants, "mb": db.stat().st_size / 1e6, "phases": {},
           "load_start": round(os.getloadavg()[0], 1), "duckdb": [w for w, _ in updates],
           "cpu": {"duckdb": [c for _, c in updates]}}
    clicks = {"empty": lambda i: lambda: empty_write(db), "cell": lambda i: one_cell(db, i),
              "form": lambda i: form(db, i)}
    with phase_timers():
        for name, _ in WRITES:
            runs = [_timed(clicks[name](i)) for i in range(repeat)]
            out[name] = [total for total, _, _ in runs]
            out["cpu"][name] = [cpu for _, cpu, _ in runs]
            out["phases"][name] = {label: statistics.median(p.get(label, 0.0)
                                                            for _, _, p in runs)
                                   for label in _LABELS}
    out["tables"] = measure_in_child(tables, db, repeat)
    out["load"] = round(os.getloadavg()[0], 1)
    return out


def measure_in_child(fn, *args):
    """`fn(*args)` in a child process (AppTest's Streamlit state stays out of this one)."""
    from benchmarks import measure

    return measure.in_child(fn, *args)


def _table(res: dict, before: dict | None) -> list[str]:
    def med(r: dict, k: str) -> float:
        return statistics.median(r[k])
    def cpu(r: dict, k: str) -> str:
        return f"{statistics.median(r['cpu'][k]):.2f}" if k in r.get("cpu", {}) else "—"
    base, floor = med(res, "empty"), med(res, "duckdb")
    head = ("| write | seconds (median) | runs | × empty write | × DuckDB's UPDATE "
            "| CPU seconds (median) |")
    if before:
        head += f" before ({before['commit']}, load {before['load']}): seconds, CPU |"
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for k, label in (("duckdb", "DuckDB alone: open a copy, UPDATE the same cell, "
                      "CHECKPOINT"), *WRITES):
        row = (f"| {label} | {med(res, k):.2f} | {', '.join(f'{s:.2f}' for s in res[k])} | "
               f"{med(res, k) / base:.2f} | {med(res, k) / floor:.1f} | {cpu(res, k)} |")
        if before:
            row += f" {med(before, k):.2f}, {cpu(before, k)} |" if k in before else " — |"
        lines.append(row)
    return lines


def markdown(res: dict, before: dict | None = None) -> str:
    lines = [f"{res['participants']:,} participants, store file {res['mb']:.0f} MB; "
             f"median of {len(res['empty'])} runs, server time from the click on Save to "
             "the published version (the page's rows were opened before, untimed), and the "
             "CPU seconds the server spent on it (all its threads: DuckDB's too); load "
             f"{res.get('load_start', '—')} at the start, {res['load']} at the end.", "",
             *_table(res, before),
             "", "Where each write's time goes (median wall seconds per phase; other: the "
             "rest of the median, the lock, the editor's frames, Python around them):", "",
             "| write | " + " | ".join(_LABELS) + " | other |",
             "|" + " --- |" * (len(_LABELS) + 2)]
    for k, _ in WRITES:
        spent = res["phases"][k]
        other = statistics.median(res[k]) - sum(spent.values())
        lines.append(f"| {k} | " + " | ".join(f"{spent.get(p, 0.0):.3f}" for p in _LABELS)
                     + f" | {other:.3f} |")
    if "tables" in res:
        lines += ["", "The Explorer's participants tab (AppTest as a server runs it, role "
                  "keeper; median ms, wall and CPU):", "", "| run | ms | CPU ms |",
                  "| --- | --- | --- |"]
        shown = res["tables"]
        lines += [f"| {k} | {v:.0f} | " + (f"{shown[k + ' CPU']:.0f}" if k + " CPU" in shown
                                          else "—") + " |"
                  for k, v in shown.items() if not k.endswith(" CPU")]
    lines += ["", "Budgets (issue 18): one changed cell ≤ 1 s, the form's save ≤ 1 s at 1M, "
              "the editable participants table's warm rerun ≤ 150 ms and its page turn as "
              "fast as the read-only table's. "
              "Every write copies the whole store file once (\"copy\"), and the checkpoint "
              "writes what the write changed: since migration 011 an append to "
              "`import_log` no longer rewrites the first import's list of a million ids.",
              "", "Reading these figures: on 2 cores shared with other work a process gets a "
              "fraction of a core, and a write's wall time was 3 to 9 times its CPU time. "
              "The CPU seconds are what a write costs the server; they move far less with "
              "the load (about ±20% between runs here) than the wall seconds, which are what "
              "a keeper waited on this machine at that load. A write's CPU is now mostly a "
              "fixed cost per DuckDB statement (planning "
              "and the Python around it: 3 to 12 ms each, about 30 statements for a cell "
              "and 60 for the form), not the size of the tables: the same two saves on a "
              "store of 10,000 participants cost 0.25 and 0.44 CPU-seconds (load 15). "
              "The 0.9 s that no phase held in the earlier figures was mostly the "
              "benchmark's own opening of the page's rows (a read-only open of the store "
              "and the 50 records, which the page does when it is drawn, not at Save: now "
              "untimed), the open of the work copy and the prune of an old version (now "
              "phases of their own). The editable page turn costs more CPU than the read-only "
              "one (15 to 140 ms more in four runs: it draws the read-only table too, then "
              "opens the page's records for the grid and finds the delegations they name); "
              "the read-only turn's 987 ms against the editable one's 341 ms in the earlier "
              "figures was the wall time's noise at load 19."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=None, help="a folder for the store (kept)")
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    ap.add_argument("--json", default=None, help="write the raw figures to this file")
    ap.add_argument("--before", default=None,
                    help="the raw figures (--json) of an earlier commit, shown beside")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="coopdash-editor-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    res = measure(args.participants, args.repeat, work)
    res["commit"] = results.commit()
    before = json.loads(Path(args.before).read_text()) if args.before else None
    text = markdown(res, before)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    if args.write:
        sections.put_titled(DOC, "editor:writes", "Writes from the browser: a changed cell, "
                            "the Record form", "python -m benchmarks editor --write", text,
                            " (2 cores shared with other work: times are upper bounds)",
                            figures={"after": res, "before": before})


if __name__ == "__main__":
    main()
