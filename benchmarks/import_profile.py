"""Profile one import of the demo data into a NEW store, with a phase breakdown.

    .venv/bin/python -m benchmarks import-profile                 # 1M participants, CSV
    .venv/bin/python -m benchmarks import-profile --xlsx -n 100000
    .venv/bin/python -m benchmarks import-profile --pyinstrument  # + a call tree
    .venv/bin/python -m benchmarks import-profile --cli 3         # + 3 real CLI imports
    .venv/bin/python -m benchmarks import-profile --against-duckdb 3 --write

The demo folder (or workbook) is generated once into `bench-work/import-<n>` (git-ignored)
and reused. Each run imports it into a fresh store exactly as `python -m coopdash import`
does (`importer.import_file`: the sandboxed reading child, the cell checks before the
write lock, then the one write: the store checks, the apply, the write log, checkpoint,
fsync and publish) and prints rows/s, the time of each phase (wall-clock and CPU,
measured by wrapping the functions) and the peak RSS. `--cli N` then times N runs of the
real command line in its own process (interpreter start included), each into a fresh
store. `--against-duckdb N`: N rounds of DuckDB's own load of the same CSV files (text
tables, no check, a new process) then the command line's import, in turn, and the ratio
of the medians (issue 22's goal: at most 1.5x), each round followed by the same two
commands on a two-row file (the cost of any import, whatever its size); `--write` saves
the result
(docs/benchmarks/import-profile.json, the page regenerated).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench-work"
PHASES: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # wall s, CPU s

# (module, attribute path, phase name): wrapped if present, so the script survives refactors
_WRAP = [
    ("coopdash.workbook.handover", "Started.result",
     "read: sandboxed child (parse, hand over)"),
    ("coopdash.workbook.reading", "frame_of", "read: Arrow -> frames"),
    ("coopdash.workbook.mojibake", "check", "text encoding (mojibake search)"),
    ("coopdash.workbook.validate", "clean_table", "cell checks (before the lock)"),
    ("coopdash.store.snapshots", "_start", "lock held: copy of the base version"),
    ("coopdash.workbook.validate", "Staging.build", "lock held: staging views"),
    ("coopdash.workbook.validate", "check_new_rows", "lock held: checks against the store"),
    ("coopdash.workbook.validate", "check_references", "lock held: checks against the store"),
    ("coopdash.workbook.validate", "check_row_rules", "lock held: checks against the store"),
    ("coopdash.workbook.validate", "check_funding_delegation",
     "lock held: checks against the store"),
    ("coopdash.workbook.validate", "check_program_partner",
     "lock held: checks against the store"),
    ("coopdash.workbook.importer", "_Ctx.apply", "lock held: write tables+history"),
    ("coopdash.workbook.importer", "_Ctx.log", "lock held: write import_log"),
    ("coopdash.store.base", "commit", "lock held: commit"),
    ("coopdash.store.snapshots", "_finish", "lock held: write_log + checkpoint"),
    ("coopdash.store.snapshots", "_publish", "lock held: fsync + publish (rename)"),
    ("coopdash.store.snapshots", "_prune", "lock held: prune old versions"),
]


STATEMENTS: dict[str, float] = defaultdict(float)


def _wrap_statements() -> None:
    """Time every SQL statement the importer's `_Ctx.run` sends (by its first words)."""
    from coopdash.workbook import importer

    run = importer._Ctx.run

    def timed(self, sql: str, _run=run):
        t0 = time.perf_counter()
        try:
            return _run(self, sql)
        finally:
            STATEMENTS[f"{self.name}: {' '.join(sql.split()[:4])[:50]}"] += (
                time.perf_counter() - t0)

    importer._Ctx.run = timed


def _wrap() -> None:
    import functools
    import importlib

    for mod_name, attr, phase in _WRAP:
        mod = importlib.import_module(mod_name)
        owner, _, name = attr.rpartition(".")
        holder = getattr(mod, owner) if owner else mod
        fn = getattr(holder, name, None)
        if fn is None:
            continue

        def timed(*a, _fn=fn, _phase=phase, **kw):
            t0, c0 = time.perf_counter(), own_and_children_cpu()
            try:
                return _fn(*a, **kw)
            finally:
                PHASES[_phase][0] += time.perf_counter() - t0
                PHASES[_phase][1] += own_and_children_cpu() - c0

        setattr(holder, name, functools.wraps(fn)(timed))


def own_and_children_cpu() -> float:
    """CPU seconds of this process (every thread) and of the children it waited for (the
    reading child): the only child an import starts is in the phase that starts it."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + r.ru_utime + r.ru_stime


def tiny_source() -> Path:
    """A two-row partners file: what one import costs whatever its size (the interpreter,
    its imports, the reading child's start, a new store, the write)."""
    target = WORK / "import-tiny"
    if not target.exists():
        target.mkdir()
        (target / "partners.csv").write_text(
            "partner_id,name,country,office_city,org_type\nbench-a,Bench A,SG,Singapore,"
            "government\nbench-b,Bench B,JP,Tokyo,government\n", encoding="utf-8")
    return target


def source(n: int, xlsx: bool) -> Path:
    """The demo data for `n` participants, generated once (never someone else's folder)."""
    from coopdash.workbook import demo

    target = WORK / (f"import-{n}.xlsx" if xlsx else f"import-{n}")
    if not target.exists():
        t0 = time.perf_counter()
        tmp = target.with_name(target.name + ".part" + target.suffix)
        demo.write(demo.generate(participants=n, seed=7), tmp)
        tmp.rename(target)
        print(f"generated {target} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return target


def run(src: Path, profile: bool) -> dict:
    from coopdash.workbook import importer

    _wrap()
    _wrap_statements()
    db = WORK / f"profile-{src.name}.duckdb"
    _remove_store(db)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    t0, cpu0 = time.perf_counter(), own_and_children_cpu()
    r = importer.import_file(db, src, actor="bench")
    cpu = own_and_children_cpu() - cpu0
    total = time.perf_counter() - t0
    if profiler is not None:
        profiler.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{src.name}: {r.rows:,} rows in {total:.2f} s = {r.rows / total:,.0f} rows/s "
          f"(import_file, as the CLI); CPU (with the reading child's) {cpu:.2f} s; "
          f"peak RSS {peak:,.0f} MB; store {db.stat().st_size / 2**20:.0f} MB")
    for phase, (sec, cpu_s) in PHASES.items():
        print(f"  {phase:<48} {sec:6.2f} s  (CPU {cpu_s:5.2f} s)")
    for label, sec in sorted(STATEMENTS.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {label:<58} {sec:6.2f} s")
    _remove_store(db)
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return {"rows": r.rows, "seconds": total, "cpu_s": cpu, "peak_mb": peak,
            "phases": {k: {"s": s, "cpu_s": c} for k, (s, c) in PHASES.items()}}


def _remove_store(db: Path) -> None:
    for p in (db, Path(f"{db}.wal"), Path(f"{db}.publish")):
        p.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{db}.versions"), ignore_errors=True)


def timed_process(argv: list[str], **kw) -> tuple[float, float]:
    """Run `argv` to its end: (wall seconds, CPU seconds of it and every process it waited
    for: user + system)."""
    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    t0, c0 = time.perf_counter(), cpu()
    subprocess.run(argv, check=True, cwd=ROOT, **kw)
    return time.perf_counter() - t0, cpu() - c0


def cli_runs(src: Path, n: int, rows: int) -> list[tuple[float, float]]:
    """`python -m coopdash import SRC --db NEW` n times, each into a fresh store:
    (wall, CPU) seconds of each."""
    db = WORK / f"cli-{src.name}.duckdb"
    out = []
    for _ in range(n):
        _remove_store(db)
        out.append(timed_process(
            [sys.executable, "-m", "coopdash", "import", str(src), "--new", "--db", str(db),
             "--lang", "en"], stdout=subprocess.DEVNULL,
            env={**os.environ, "COOPDASH_ACTOR": "bench"}))
        print(f"CLI import: {rows:,} rows in {out[-1][0]:.2f} s = {rows / out[-1][0]:,.0f} "
              f"rows/s (CPU {out[-1][1]:.2f} s)", flush=True)
    _remove_store(db)
    return out


# DuckDB's own load of the same CSV files: each as a table of text (no type, no check),
# into a new database file, closed (checkpointed): the floor an import is compared with.
_DUCKDB_LOAD = """
import sys, duckdb
from pathlib import Path
con = duckdb.connect(sys.argv[2])
con.execute("set enable_progress_bar = false")
for f in sorted(Path(sys.argv[1]).glob("*.csv")):
    con.execute(f"create table {f.stem} as select * from read_csv('{f}', header = true, "
                "all_varchar = true)")
con.close()
"""


def duckdb_load(src: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of a new process that loads the CSV files of `src` as DuckDB's
    own text tables (interpreter start included, as for the command line)."""
    db = WORK / f"duckdb-{src.name}.duckdb"
    db.unlink(missing_ok=True)
    out = timed_process([sys.executable, "-c", _DUCKDB_LOAD, str(src), str(db)])
    db.unlink(missing_ok=True)
    return out


def compare(src: Path, rounds: int, rows: int) -> dict:
    """`rounds` pairs, each DuckDB's own load then the command line's import, in turn (the
    same load on the machine for both): (wall, CPU) seconds of each, the ratios of the
    medians, the load average before and after."""
    import statistics

    duck, cli, load = [], [], [os.getloadavg()[0]]
    fixed: dict[str, list] = {"duckdb": [], "cli": []}
    for _ in range(rounds):
        duck.append(duckdb_load(src))
        cli += cli_runs(src, 1, rows)
        print(f"DuckDB's own load {duck[-1][0]:.2f} s; coopdash import {cli[-1][0]:.2f} s: "
              f"{cli[-1][0] / duck[-1][0]:.2f}x", flush=True)
        fixed["duckdb"].append(duckdb_load(tiny_source()))
        fixed["cli"] += cli_runs(tiny_source(), 1, 2)
    load.append(os.getloadavg()[0])

    def ratio(k: int) -> float:
        return statistics.median(c[k] for c in cli) / statistics.median(d[k] for d in duck)

    return {"rows": rows, "duckdb": duck, "cli": cli, "ratio_wall": ratio(0),
            "ratio_cpu": ratio(1), "load": load, "fixed": fixed}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--participants", type=int, default=1_000_000)
    ap.add_argument("--xlsx", action="store_true", help="import a workbook, not CSVs")
    ap.add_argument("--pyinstrument", action="store_true", help="print a call tree too")
    ap.add_argument("--cli", type=int, default=0, metavar="N",
                    help="then time N imports by the real command line")
    ap.add_argument("--against-duckdb", type=int, default=0, metavar="N",
                    help="then N rounds of DuckDB's own load of the CSVs against the "
                         "command line's import, in turn")
    ap.add_argument("--write", action="store_true",
                    help="write docs/benchmarks/import-profile.json and the page")
    args = ap.parse_args(argv)
    WORK.mkdir(exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    src = source(args.participants, args.xlsx)
    profile = run(src, args.pyinstrument)
    if args.cli:
        cli_runs(src, args.cli, profile["rows"])
    against = compare(src, args.against_duckdb, profile["rows"]) if args.against_duckdb \
        else None
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.write:
        from benchmarks import results

        figures = {"participants": args.participants, "source": "xlsx" if args.xlsx else "csv",
                   "profile": profile, "against_duckdb": against}
        results.save("import-profile", f"Import at {args.participants:,} participants, "
                     "phase by phase, against DuckDB's own load",
                     "python -m benchmarks import-profile " + " ".join(argv or sys.argv[1:]),
                     markdown(figures), figures=figures)


def _fixed_rows(fixed: dict | None) -> list[str]:
    """The same two commands on a two-row file, after each round: what every import costs
    whatever its size (interpreter, imports, the reading child's start, a new store)."""
    if not fixed:
        return []
    return [*[f"| DuckDB's own load of a 2-row file, round {i + 1} | {w:.2f} | {c:.2f} |"
              for i, (w, c) in enumerate(fixed["duckdb"])],
            *[f"| coopdash import of a 2-row file, round {i + 1} | {w:.2f} | {c:.2f} |"
              for i, (w, c) in enumerate(fixed["cli"])]]


def markdown(f: dict) -> str:
    p, a = f["profile"], f["against_duckdb"]
    lines = []
    if a:
        lines += [
            f"**Command-line import / DuckDB's own load: {a['ratio_wall']:.2f}× wall-clock** "
            f"(goal ≤ 1.5×), {a['ratio_cpu']:.2f}× CPU; medians of {len(a['cli'])} rounds, "
            f"each DuckDB's load then the import, in turn (load average "
            f"{a['load'][0]:.1f} before, {a['load'][1]:.1f} after).", "",
            "DuckDB's own load: a new `python` process that creates each CSV file as a table "
            "of text (`read_csv(..., all_varchar = true)`) in a new database file and closes "
            "it. The import: `python -m coopdash import FOLDER --new --db NEW` (the reading "
            "child, every check, the write, checkpoint, fsync, publish). CPU = user + "
            "system of the process and its children: steadier than wall-clock on a shared "
            "machine.", "",
            "| run | wall s | CPU s |", "| --- | --- | --- |",
            *[f"| DuckDB's own load, round {i + 1} | {w:.2f} | {c:.2f} |"
              for i, (w, c) in enumerate(a["duckdb"])],
            *[f"| coopdash import, round {i + 1} | {w:.2f} | {c:.2f} |"
              for i, (w, c) in enumerate(a["cli"])],
            *_fixed_rows(a.get("fixed")), ""]
    lines += [f"In-process (`importer.import_file`, as the command line calls it, without the "
              f"interpreter's start): {p['rows']:,} rows in {p['seconds']:.2f} s, CPU "
              f"{p['cpu_s']:.2f} s (this process and the reading child: the child's CPU is "
              f"in its phase), peak RSS of this process {p['peak_mb']:,.0f} MB.", "",
              "| phase | wall s | CPU s |", "| --- | --- | --- |",
              *[f"| {k} | {x['s']:.2f} | {x['cpu_s']:.2f} |" for k, x in p["phases"].items()]]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
