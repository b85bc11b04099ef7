"""A publisher-sized IATI activity file (about 50 MB, made to the 2.03 schema by
`tests/iati_files.write_big`) imported into an empty store with the default reading
limits (`python -m coopdash import FILE.xml`), against a baseline measured in the same
run: lxml's own `iterparse` of the same file, each activity dropped as it ends (what any
streaming reader must at least do). Wall time and peak memory of each, as a ratio.

    .venv/bin/python -m benchmarks iati [--mb 50] [--keep DIR]

Writes its section of docs/benchmarks.md (`<!-- iati:import -->`). Not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import sections
from tests import iati_files

ROOT = Path(__file__).resolve().parent.parent

DOC = ROOT / "docs" / "benchmarks.md"
BASELINE = ("import sys\nfrom lxml import etree\nn = 0\n"
            "for _, el in etree.iterparse(sys.argv[1], tag='iati-activity', "
            "resolve_entities=False, no_network=True):\n"
            "    n += 1\n    el.clear()\n"
            "    while el.getprevious() is not None:\n        del el.getparent()[0]\n"
            "print(n)\n")


CHILD = ("import sys\nfrom coopdash.workbook import handover\n"
         "s = handover.run_child(sys.argv[1])[2]\n"
         "print(s['status'], s['seconds'], s['peak_mb'])\n")


def timed(cmd: list[str], folder: Path) -> dict:
    """Run `cmd` under /usr/bin/time: exit, seconds, peak MB (the process and its
    children: the import's reading child is a child of the command)."""
    peak = folder / "peak.txt"
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(peak), *cmd], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ})
    seconds = time.perf_counter() - started
    return {"exit": proc.returncode, "seconds": seconds,
            "peak_mb": int(peak.read_text().split()[-1]) / 1024,
            "out": (proc.stdout + proc.stderr).strip()}


def run(mb: int, folder: Path) -> str:
    path = folder / "publisher-activities.xml"
    n = iati_files.write_big(path, mb)
    size = path.stat().st_size / 2**20
    load = os.getloadavg()[0]
    base = timed([sys.executable, "-c", BASELINE, str(path)], folder)
    child = timed([sys.executable, "-c", CHILD, str(path)], folder)
    seconds, peak = (float(x) for x in child["out"].split()[-2:])
    db = folder / "iati.duckdb"
    imp = timed([sys.executable, "-m", "coopdash", "import", str(path), "--db", str(db),
                 "--lang", "en"], folder)
    load_after = os.getloadavg()[0]
    lines = [line for line in imp["out"].splitlines() if ":" in line and "added" in line]
    return "\n".join([
        f"A {size:.1f} MB file of {n:,} activities (each with one commitment and 2-29 "
        "disbursements or expenditures, two titles, a budget, a sector), on this machine "
        f"(2 cores shared; load average {load:.1f} before, {load_after:.1f} after).",
        "",
        "| run | exit | wall time | peak memory | ratio to lxml's iterparse |",
        "| --- | --- | --- | --- | --- |",
        f"| lxml iterparse alone (baseline) | {base['exit']} | {base['seconds']:.1f} s | "
        f"{base['peak_mb']:.0f} MB | 1 |",
        f"| the reading child alone (streamed parse, mapping, text tables handed back) | "
        f"{child['exit']} | {seconds:.1f} s | {peak:.0f} MB (the child's own) | "
        f"{seconds / base['seconds']:.1f}× time, {peak / base['peak_mb']:.1f}× memory |",
        f"| `python -m coopdash import FILE.xml` into an empty store (reading child, "
        f"checks, write, publish) | {imp['exit']} | {imp['seconds']:.1f} s | "
        f"{imp['peak_mb']:.0f} MB (largest process) | "
        f"{imp['seconds'] / base['seconds']:.1f}× time, "
        f"{imp['peak_mb'] / base['peak_mb']:.1f}× memory |",
        "",
        "What the import reported: " + "; ".join(s.strip() for s in lines) + ".",
        "",
        "Within the default intake limits (1,024 MB memory and 120 s for the reading "
        "child, 200 MB per file). The file is streamed: one activity is in memory at a "
        "time; what grows with the file is the rows handed back (text tables).",
    ])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="coopdash-iati-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        body = run(args.mb, folder)
    sections.put_titled(DOC, "iati:import", f"A {args.mb} MB IATI activity file",
                        "benchmarks/iati_bench.py", body)
    print(body)


if __name__ == "__main__":
    main()
