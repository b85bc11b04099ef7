"""Profile one import of the demo data into a NEW store, with a phase breakdown.

    .venv/bin/python -m benchmarks import-profile                 # 1M participants, CSV
    .venv/bin/python -m benchmarks import-profile --xlsx -n 100000
    .venv/bin/python -m benchmarks import-profile --pyinstrument  # + a call tree
    .venv/bin/python -m benchmarks import-profile --cli 3         # + 3 real CLI imports

The demo folder (or workbook) is generated once into `bench-work/import-<n>` (git-ignored)
and reused. Each run imports it into a fresh store exactly as `python -m coopdash import`
does (`importer.import_file`: the sandboxed reading child, the cell checks before the
write lock, then the one write: the store checks, the apply, the write log, checkpoint,
fsync and publish) and prints rows/s, the time of each phase (wall-clock, measured by
wrapping the functions) and the peak RSS. `--cli N` then times N runs of the real command
line in its own process (interpreter start included), each into a fresh store.
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
PHASES: dict[str, float] = defaultdict(float)

# (module, attribute path, phase name): wrapped if present, so the script survives refactors
_WRAP = [
    ("coopdash.workbook.reading", "run_child", "read: sandboxed child (parse, hand over)"),
    ("coopdash.workbook.reading", "frame_of", "read: Arrow -> frames"),
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
            t0 = time.perf_counter()
            try:
                return _fn(*a, **kw)
            finally:
                PHASES[_phase] += time.perf_counter() - t0

        setattr(holder, name, functools.wraps(fn)(timed))


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


def run(src: Path, profile: bool) -> int:
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
    t0, cpu0 = time.perf_counter(), time.process_time()
    r = importer.import_file(db, src, actor="bench")
    cpu = time.process_time() - cpu0
    total = time.perf_counter() - t0
    if profiler is not None:
        profiler.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{src.name}: {r.rows:,} rows in {total:.2f} s = {r.rows / total:,.0f} rows/s "
          f"(import_file, as the CLI); CPU of this process {cpu:.2f} s; "
          f"peak RSS {peak:,.0f} MB; store {db.stat().st_size / 2**20:.0f} MB")
    for phase, sec in PHASES.items():
        print(f"  {phase:<48} {sec:6.2f} s")
    for label, sec in sorted(STATEMENTS.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {label:<58} {sec:6.2f} s")
    _remove_store(db)
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return r.rows


def _remove_store(db: Path) -> None:
    for p in (db, Path(f"{db}.wal"), Path(f"{db}.publish")):
        p.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{db}.versions"), ignore_errors=True)


def cli_runs(src: Path, n: int, rows: int) -> list[float]:
    """`python -m coopdash import SRC --db NEW` n times, each into a fresh store: seconds."""
    db = WORK / f"cli-{src.name}.duckdb"
    out = []
    for _ in range(n):
        _remove_store(db)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "coopdash", "import", str(src), "--new", "--db",
                        str(db),
                        "--lang", "en"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       env={**os.environ, "COOPDASH_ACTOR": "bench"})
        out.append(time.perf_counter() - t0)
        print(f"CLI import: {rows:,} rows in {out[-1]:.2f} s = {rows / out[-1]:,.0f} rows/s",
              flush=True)
    _remove_store(db)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--participants", type=int, default=1_000_000)
    ap.add_argument("--xlsx", action="store_true", help="import a workbook, not CSVs")
    ap.add_argument("--pyinstrument", action="store_true", help="print a call tree too")
    ap.add_argument("--cli", type=int, default=0, metavar="N",
                    help="then time N imports by the real command line")
    args = ap.parse_args(argv)
    WORK.mkdir(exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    src = source(args.participants, args.xlsx)
    rows = run(src, args.pyinstrument)
    if args.cli:
        cli_runs(src, args.cli, rows)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
