"""A legitimate but big workbook: the demo at N participants written as one `.xlsx`
(`python -m coopdash demo --out PATH.xlsx`), imported into an empty store through
`python -m coopdash import` with the default reading limits (1 GB memory, 120 s, 200 MB
per zip entry). Records exit code, wall time, peak memory and what the keeper was told.

    .venv/bin/python -m benchmarks big-xlsx [--participants 1000000] [--keep DIR]

Writes its result, docs/benchmarks/big-xlsx.json, and regenerates docs/benchmarks.md
(benchmarks/results.py). Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import write_section

ROOT = Path(__file__).resolve().parent.parent

START, END = "<!-- big-xlsx -->", "<!-- /big-xlsx -->"
RAISED = ("COOPDASH_INTAKE_ENTRY_MB=2000",
          "COOPDASH_INTAKE_ENTRY_MB=2000,COOPDASH_INTAKE_MEMORY_MB=4096,"
          "COOPDASH_INTAKE_SECONDS=600")


def timed(args: list[str], folder: Path, env: dict[str, str]) -> dict:
    """Run `python -m coopdash ARGS` under /usr/bin/time: exit, seconds, peak MB, output."""
    peak_file = folder / "peak.txt"
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(peak_file), sys.executable,
                           "-m", "coopdash", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    return {"exit": proc.returncode, "seconds": time.perf_counter() - started,
            "peak_mb": int(peak_file.read_text().split()[-1]) / 1024,
            "said": (proc.stdout + proc.stderr).strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--keep", help="a folder where the workbook is kept (built if missing)")
    ap.add_argument("--raised", action="append",
                    help="settings of a further run, NAME=VALUE[,NAME=VALUE] (a keeper's "
                         "way round the limits); repeatable")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = ap.parse_args()
    env = {**os.environ, "COOPDASH_LANG": "en"}
    variants = [("default limits", {})] + [
        (raised, dict(pair.split("=", 1) for pair in raised.split(",")))
        for raised in args.raised or RAISED]
    runs = []
    with tempfile.TemporaryDirectory(prefix="coopdash-bigxlsx-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        book = folder / f"demo-{args.participants}.xlsx"
        if not book.exists():
            subprocess.run([sys.executable, "-m", "coopdash", "demo", "--participants",
                            str(args.participants), "--out", str(book)], cwd=ROOT, env=env,
                           check=True, capture_output=True)
        size = book.stat().st_size / 1e6
        for label, extra in variants:
            db = Path(tmp) / f"store-{len(runs)}.duckdb"
            subprocess.run([sys.executable, "-m", "coopdash", "init", "--with", "none",
                            "--db", str(db)], cwd=ROOT, env=env, check=True,
                           capture_output=True)
            load = f"{os.getloadavg()[0]:.2f}"
            run = timed(["import", str(book), "--db", str(db), "--lang", "en"], Path(tmp),
                        {**env, **extra})
            runs.append({**run, "label": label, "load": load})
            print(label, run["exit"], f"{run['seconds']:.1f}s", f"{run['peak_mb']:.0f}MB",
                  run["said"][-600:], flush=True)
    write_section(Path(args.out), markdown(args.participants, size, runs), START, END,
                  "python -m benchmarks big-xlsx")


def markdown(participants: int, size_mb: float, runs: list[dict]) -> str:
    lines = [START, "", f"## A big legitimate workbook: {participants:,} participants as .xlsx",
             "", f"`benchmarks/big_xlsx.py`, {dt.date.today().isoformat()} "
             f"({os.cpu_count()} cores). The demo written as one workbook ({size_mb:,.0f} "
             "MB), imported into an empty store through `python -m coopdash import`. Peak = "
             "the largest resident set of the command or its reading child.", ""]
    for run in runs:
        said = "\n".join("    " + line for line in run["said"].splitlines()[-8:])
        lines += [f"- **{run['label']}** (load average {run['load']}): exit "
                  f"**{run['exit']}** in **{run['seconds']:.1f} s**, peak "
                  f"**{run['peak_mb']:,.0f} MB**. Told:", "", said, ""]
    return "\n".join([*lines, END, ""])


if __name__ == "__main__":
    main()
