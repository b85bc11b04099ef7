"""What a write costs a server process (issue 22 §3): its warm-up and the next round of
pages, at 1M participants, against a round with no write before it.

    .venv/bin/python -m benchmarks write-cost [--participants 1000000] [--db STORE]
        [--against DIR] [--work DIR] [--write] [--quick]

One real `streamlit run app.py` over a copy of the store and one load-client session
(tests/wsload.py) that goes round every page and Explorer tab twice (with no filter, then
with one kind of program chosen): the caches and the warm-up's notes, as after a while of
use. Then a round with no write before it (what a warm round costs), and the writes of
the capacity benchmark from the command line (benchmarks/soak.py's workbooks: import A,
import B, undo B, undo A); after each one, the server's CPU until it is idle again (the
warm-up on the new version) and the round that follows (what the warm-up left cold).
CPU seconds of the server's process, which the machine's other work changes far less than
times; and each write's own command-line process (wall and CPU seconds). `--against
DIR`: the same, one after the other in this run, with the code in DIR (the server's and
the writes'; an export of an earlier commit: `git archive COMMIT | tar -x -C DIR`), for
a ratio measured under the same load. `--write`: the result to docs/benchmarks/write-cost.json
(`--from-json WORK/write-cost.json`: that of an earlier run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks import capacity, results, served, soak
from tests import wsload

WRITES = ("import A", "import B", "undo B", "undo A")


def idle_after(server: served.Server, quiet_s: float = 1.5, timeout: float = 600) -> float:
    """Wait until the server spends (almost) no CPU for `quiet_s` (its warm-up done, the
    watcher having seen the new version: at least 2 s); the CPU seconds spent meanwhile."""
    start = capacity.cpu_seconds([server])
    deadline = time.monotonic() + timeout
    time.sleep(2.0)
    last = capacity.cpu_seconds([server])
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = capacity.cpu_seconds([server])
        if now - last < 0.03 * quiet_s:
            return now - start
        last = now
    raise RuntimeError("the server did not settle")


async def _round(session: wsload.Session) -> list[float]:
    """Every page and tab with no filter, then with one kind chosen: each run's seconds."""
    took = []
    for filtered in (False, True):
        if session.last is not None:
            session.choose("flt_kinds", session.options("flt_kinds")[:1] if filtered else [])
        for page, query in capacity.ROUTE:
            run = await session.run(page, "&".join(q for q in ("lang=en", query) if q),
                                    timeout=600)
            if run.exceptions():
                raise RuntimeError(f"{page}: {run.exceptions()}")
            took.append(run.seconds)
    return took


def round_cost(server: served.Server, session: wsload.Session, loop) -> dict:
    cpu0 = capacity.cpu_seconds([server])
    took = loop.run_until_complete(_round(session))
    return {"cpu_s": round(capacity.cpu_seconds([server]) - cpu0, 2), "runs": len(took),
            "p50_s": capacity.pct(took, 0.5), "worst_s": round(max(took), 2)}


def measure(root: Path, base: Path, books: list[Path], work: Path) -> dict:
    """The rounds and writes on the code in `root`, over a fresh copy of `base`."""
    db = work / "store.duckdb"
    shutil.rmtree(f"{db}.versions", ignore_errors=True)
    shutil.copyfile(base, db)
    served.coopdash("history", db=db)  # publishes the copy as a version
    server = served.start(db, work / "server.log", root=root)
    loop = asyncio.new_event_loop()
    try:
        session = loop.run_until_complete(wsload.Session.open(server.url))
        for _ in range(2):
            round_cost(server, session, loop)
        out = {"no_write": round_cost(server, session, loop), "writes": []}
        idle_after(server)
        for what in WRITES:
            kind, which = what.split()
            book = books["AB".index(which)]
            arg = book if kind == "import" else soak.import_id(db, book.name)
            cpu0 = capacity.children_seconds()  # the server is not a finished child
            done = loop.run_until_complete(soak.cli(kind, str(arg),
                                                    *(("--yes",) if kind == "undo" else ()),
                                                    db=db, root=root))
            if done["rc"]:
                raise RuntimeError(f"{what} failed: {done['out']}")
            out["writes"].append({"write": what, "write_s": done["s"],
                                  "write_cpu_s": round(capacity.children_seconds() - cpu0, 2),
                                  "warm_cpu_s": round(idle_after(server), 2),
                                  "round": round_cost(server, session, loop)})
        loop.run_until_complete(session.close())
    finally:
        loop.close()
        server.stop()
    return out


def summary(r: dict) -> dict:
    per_write = [w["warm_cpu_s"] + w["round"]["cpu_s"] - r["no_write"]["cpu_s"]
                 for w in r["writes"]]
    return {"warm_round_cpu_s": r["no_write"]["cpu_s"],
            "write_extra_cpu_s": [round(x, 2) for x in per_write],
            "write_extra_mean_s": round(sum(per_write) / len(per_write), 2)}


def markdown(got: dict) -> str:
    lines = ["| code | a round with no write before it (CPU-s, 26 runs) | each write's warm-up "
             "+ the next round (CPU-s): import A, import B, undo B, undo A | beyond a warm "
             "round, mean (CPU-s) | each write itself, its command-line process (wall s / "
             "CPU-s) |", "|---|---|---|---|---|"]
    for label, r in got["trees"].items():
        s = summary(r)
        cells = ", ".join(f"{w['warm_cpu_s']} + {w['round']['cpu_s']}" for w in r["writes"])
        own = ", ".join(f"{w['write_s']} / {w.get('write_cpu_s', '—')}" for w in r["writes"])
        lines.append(f"| {label} | {s['warm_round_cpu_s']} | {cells} | "
                     f"{s['write_extra_mean_s']} | {own} |")
    return (f"One server over {got['participants']:,} participants, one load-client session "
            "going round every page and tab with no filter and with one kind chosen (26 "
            "runs a round); after each write from the command line, the server's CPU until "
            "idle (its warm-up) + the next round's. Load average "
            f"{got['load_before']:.1f} → {got['load_after']:.1f}.\n\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--db", default=None, help="start from a copy of this store")
    ap.add_argument("--against", default=None, help="also the code in this folder")
    ap.add_argument("--work", default=None)
    ap.add_argument("--write", action="store_true", help="docs/benchmarks/write-cost.json")
    ap.add_argument("--quick", action="store_true", help="10,000 participants")
    ap.add_argument("--from-json", default=None, metavar="FILE",
                    help="no run: write the result of an earlier run (its write-cost.json)")
    args = ap.parse_args(argv)
    if args.from_json:
        got = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        save(got)
        return got
    if args.quick:
        args.participants = 10_000
    work = Path(args.work or tempfile.mkdtemp(prefix="coopdash-write-cost-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    base = soak.build_store(work, args.participants, Path(args.db) if args.db else None)
    books = [soak.workbook(base, k, work) for k in (1, 2)]
    trees = {"this commit": served.ROOT}
    if args.against:
        trees["--against"] = Path(args.against).resolve()
    got = {"participants": args.participants, "load_before": os.getloadavg()[0],
           "when": results.stamp(), "trees": {}}
    for label, root in trees.items():
        folder = work / label.strip("-").replace(" ", "-")
        folder.mkdir(exist_ok=True)
        got["trees"][label] = measure(root, base, books, folder)
        print(label, summary(got["trees"][label]), flush=True)
    got["load_after"] = os.getloadavg()[0]
    (work / "write-cost.json").write_text(json.dumps(got, indent=1, default=str))
    if args.write:
        save(got)
    print(markdown(got))
    print(f"results: {work / 'write-cost.json'}")
    return got


def save(got: dict) -> None:
    results.save("write-cost", "What a write costs a server process, at "
                 f"{got['participants']:,} participants", "python -m benchmarks write-cost",
                 markdown(got), figures=got, when=got["when"])
