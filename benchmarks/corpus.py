"""The hostile corpus (tests/hostile_corpus.py) measured: each case through
`python -m coopdash import` in its own process, with its exit code, wall time and peak
memory (the largest of the command and its reading child), the worst cases named.

    .venv/bin/python -m benchmarks corpus [--only NAME-PART] [--out docs/benchmarks.md]

Writes its result, docs/benchmarks/corpus.json (replaced on each run), and regenerates
docs/benchmarks.md (benchmarks/results.py). Not a test:
tests/unit/test_hostile_corpus.py asserts the exits and messages; this measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import sections
from coopdash import store
from coopdash.workbook import bootstrap
from tests.hostile_corpus import cases

ROOT = Path(__file__).resolve().parent.parent

START, END = "<!-- corpus -->", "<!-- /corpus -->"


def run_case(case, folder: Path, db: Path) -> dict:
    path = case.make(folder)
    env = {**os.environ, **case.env, "COOPDASH_LANG": "en"}
    started = time.perf_counter()
    peak_file = folder / "peak.txt"
    # /usr/bin/time: a small parent, so the peak is the command's or its reading child's
    # (a process forked from this big benchmark would inherit its high-water mark)
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(peak_file),
                             sys.executable, "-m", "coopdash", "import", str(path), "--db",
                             str(db), "--lang", "en", *case.args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    peak = int(peak_file.read_text().split()[-1]) / 1024
    text = (out + err).decode("utf-8", "replace")
    return {"name": case.name, "exit": proc.returncode, "expected": case.exit,
            "seconds": seconds, "peak_mb": peak, "traceback": "Traceback" in text,
            "size_kb": _size(path) / 1024}


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size if path.exists() else 0


def markdown(rows: list[dict], total: float, load: tuple[str, str]) -> str:
    worst_t = max(rows, key=lambda r: r["seconds"])
    worst_m = max(rows, key=lambda r: r["peak_mb"])
    bad = [r["name"] for r in rows if r["exit"] != r["expected"] or r["traceback"]]
    lines = [
        START, "", "## Hostile corpus (issue 13)", "",
        f"`benchmarks/corpus.py`: {len(rows)} generated cases of tests/hostile_corpus.py, each "
        "through `python -m coopdash import` in its own process over a copy of the sample "
        "store (default limits unless the case sets one: reading child 1,024 MB, 120 s, "
        "200 MB per entry). Time = wall clock of the whole command (Python start, the "
        "reading child, validation); peak = largest resident set of the command or its "
        f"reading child. Total {total:.0f} s, run on {dt.date.today().isoformat()} "
        f"(load average over 1 min: {load[0]} at the start, {load[1]} at the end; "
        f"{os.cpu_count()} cores).", "",
        f"- **Worst time:** {worst_t['name']} — {worst_t['seconds']:.1f} s "
        f"(exit {worst_t['exit']}).",
        f"- **Worst memory:** {worst_m['name']} — {worst_m['peak_mb']:.0f} MB "
        f"(exit {worst_m['exit']}).",
        f"- Exit codes as expected and no traceback: "
        f"{'all' if not bad else 'NOT for ' + ', '.join(bad)}.", "",
        "| case | file KB | exit | s | peak MB |", "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        name = r["name"].replace("|", "\\|")
        lines.append(f"| {name} | {r['size_kb']:,.0f} | {r['exit']} | {r['seconds']:.2f} | "
                     f"{r['peak_mb']:.0f} |")
    return "\n".join([*lines, "", END, ""])


def write_section(out: Path, section: str, start: str = START, end: str = END,
                  script: str = "python -m benchmarks corpus") -> None:
    """Save `section` (which begins with `start` and ends with `end`) as its result
    beside `out` and regenerate the page `out` (benchmarks/sections.py)."""
    sections.put(out, start, end, section, script)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = ap.parse_args()
    rows = []
    load_start = _load()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="coopdash-corpus-") as tmp:
        base = Path(tmp) / "sample.duckdb"
        store.create(base, bootstrap.populate("sample"))
        for i, case in enumerate(c for c in cases() if args.only in c.name):
            folder = Path(tmp) / f"c{i}"
            folder.mkdir()
            db = folder / "store.duckdb"
            shutil.copy(base, db)
            rows.append(run_case(case, folder, db))
            print(f"{rows[-1]['exit']} {rows[-1]['seconds']:6.2f}s "
                  f"{rows[-1]['peak_mb']:6.0f}MB  {case.name}", flush=True)
            shutil.rmtree(folder)
    total = time.perf_counter() - started
    write_section(Path(args.out), markdown(rows, total, (load_start, _load())))


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


if __name__ == "__main__":
    main()
