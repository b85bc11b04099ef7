"""Profile one import of the demo data into a NEW store, with a phase breakdown.

    .venv/bin/python -m benchmarks.import_profile                 # 1M participants, CSV
    .venv/bin/python -m benchmarks.import_profile --xlsx -n 100000
    .venv/bin/python -m benchmarks.import_profile --pyinstrument  # + a call tree

The demo folder (or workbook) is generated once into `bench-work/import-<n>` (git-ignored)
and reused. Each run imports it into a fresh store exactly as `store.create` does (the
import inside the creation, then the checkpoint) and prints rows/s, the time of each phase
(wall-clock, measured by wrapping the importer's functions) and the peak RSS.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench-work"
PHASES: dict[str, float] = defaultdict(float)

# (module, attribute path, phase name): wrapped if present, so the script survives refactors
_WRAP = [
    ("coopdash.workbook.reader", "read_path", "read files"),
    ("coopdash.workbook.validate", "clean_table", "cell checks"),
    ("coopdash.workbook.validate", "Staging.build", "staging views"),
    ("coopdash.workbook.validate", "check_new_rows", "cross checks"),
    ("coopdash.workbook.validate", "check_references", "cross checks"),
    ("coopdash.workbook.validate", "check_row_rules", "cross checks"),
    ("coopdash.workbook.validate", "check_funding_delegation", "cross checks"),
    ("coopdash.workbook.validate", "check_program_partner", "cross checks"),
    ("coopdash.workbook.importer", "_Ctx.apply", "write tables+history"),
    ("coopdash.workbook.importer", "_Ctx.log", "write import_log"),
    ("coopdash.workbook.importer", "_commit", "commit"),
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


def run(src: Path, profile: bool) -> None:
    from coopdash import store
    from coopdash.workbook import importer

    _wrap()
    _wrap_statements()
    db = WORK / f"profile-{src.name}.duckdb"
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    got = {}

    def fill(con) -> None:
        got["result"] = importer.import_path(con, src, actor="bench", mode="init")
        got["t_import_end"] = time.perf_counter()

    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    t0, cpu0 = time.perf_counter(), time.process_time()
    store.create(db, fill)
    cpu = time.process_time() - cpu0
    total = time.perf_counter() - t0
    if profiler is not None:
        profiler.stop()
    r = got["result"]
    PHASES["store.create after import (checkpoint, move)"] = t0 + total - got["t_import_end"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{src.name}: {r.rows:,} rows in {r.seconds:.2f} s = {r.rows / r.seconds:,.0f} rows/s "
          f"(import_path); store.create total {total:.2f} s, CPU {cpu:.2f} s; "
          f"peak RSS {peak:,.0f} MB; store {db.stat().st_size / 2**20:.0f} MB")
    for phase, sec in PHASES.items():
        print(f"  {phase:<48} {sec:6.2f} s")
    for label, sec in sorted(STATEMENTS.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {label:<58} {sec:6.2f} s")
    with contextlib.suppress(OSError):
        db.unlink()
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--participants", type=int, default=1_000_000)
    ap.add_argument("--xlsx", action="store_true", help="import a workbook, not CSVs")
    ap.add_argument("--pyinstrument", action="store_true", help="print a call tree too")
    args = ap.parse_args(argv)
    WORK.mkdir(exist_ok=True)
    run(source(args.participants, args.xlsx), args.pyinstrument)


if __name__ == "__main__":
    main()
