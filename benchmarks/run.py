"""The Scale benchmark: coopdash at 10,000 / 100,000 / 1,000,000 participants, against the
pandas peer. Not part of the test suite; it writes docs/benchmarks/scale.json (its section
of the generated docs/benchmarks.md, and the raw figures) and regenerates the page.

    .venv/bin/python -m benchmarks scale [--sizes 10000,100000,1000000]
        [--out docs/benchmarks.md] [--quick] [--no-browser] [--profile] [--render]
    .venv/bin/python -m benchmarks scale --quick      # 10,000 only, few repeats, no browser

Per size: demo data (CSV folder, and an .xlsx up to 100,000) in bench-work/; the import
through the real importer (rows/s, peak RSS); every query file alone on DuckDB; every
page in AppTest (cold and warm, default and one narrowing filter) with the SQL it runs;
the pandas peer (figures checked equal, times compared). At the largest size also
Chromium (first chart on first load and on a warm page change) and the server's memory
with ten sessions open. `--profile` writes pyinstrument profiles of the pages whose warm
rerun missed its budget (bench-work/profiles/). Budgets: benchmarks/report.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import measure, report, sections

ROOT = Path(__file__).resolve().parent.parent

WORK = ROOT / "bench-work"
XLSX_UP_TO = 100_000
_T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000",
                    help="participants per store, comma-separated")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    ap.add_argument("--quick", action="store_true",
                    help="10,000 only, fewer repeats, no browser (a smoke run)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--profile", action="store_true",
                    help="profile pages that miss the warm budget (largest size)")
    ap.add_argument("--work", default=str(WORK))
    ap.add_argument("--render", action="store_true",
                    help="only rewrite the section from docs/benchmarks/scale.json")
    args = ap.parse_args(argv)
    args.sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    args.repeats = 3 if args.quick else 5
    args.peer_repeats = 1 if args.quick else 2
    args.page_repeats = 3
    args.browser = not (args.quick or args.no_browser)
    return args


def machine() -> dict[str, Any]:
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(),
            "memory_gb": psutil.virtual_memory().total / 2**30,
            "os": f"{platform.system()} {platform.release()}"}


def versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for pkg in ("duckdb", "pandas", "streamlit", "plotly", "pyarrow"):
        out[pkg] = version(pkg)
    return out


def measure_size(n: int, work: Path, args: argparse.Namespace, skip: list[str]
                 ) -> dict[str, Any]:
    log(f"{n:,}: generating")
    gen = measure.generate(n, work, xlsx=n <= XLSX_UP_TO)
    db = work / f"store-{n}.duckdb"
    log(f"{n:,}: CSV import of {gen['rows_total']:,} rows")
    out: dict[str, Any] = {"generated": gen, "store": str(db)}
    out["import_csv"] = measure.import_store(gen["csv_dir"], db)
    if gen["xlsx"]:
        log(f"{n:,}: .xlsx import")
        scratch = work / f"xlsx-{n}.duckdb"
        out["import_xlsx"] = measure.import_store(gen["xlsx"], scratch)
        scratch.unlink(missing_ok=True)
    log(f"{n:,}: queries and the pandas peer")
    out["data"] = measure.measure_data(db, args.repeats, args.peer_repeats)
    pages = tuple(p for p in measure.PAGES if p not in skip)
    log(f"{n:,}: pages in AppTest: {', '.join(pages)}" + (f" (skipped: {skip})" if skip else ""))
    out["pages"] = measure.measure_pages(db, args.page_repeats, pages)
    out["pages"]["skipped"] = skip
    return out


def measure_browser(n: int, db: Path) -> dict[str, Any]:
    from benchmarks import browser

    log(f"{n:,}: Chromium page changes")
    out: dict[str, Any] = {"size": n, "changes": browser.page_changes(db)}
    log(f"{n:,}: server memory with 10 sessions")
    out["memory"] = browser.server_memory(db, sessions=10)
    return out


def profile_misses(results: dict, work: Path) -> list[str]:
    n, size = max(results["sizes"].items(), key=lambda kv: int(kv[0]))
    missed = sorted({r["page"] for r in report.page_rows(size)
                     if not (r["warm_ok"] and r["warm_sql_ok"])})
    written = []
    for page in missed:
        log(f"{int(n):,}: profiling {page}")
        written += measure.profile_page(Path(size["store"]), page, work / "profiles")
    return written


def _portable(value):
    """Paths inside the project written relative to it: nothing machine-specific in docs/."""
    root = str(Path(__file__).resolve().parent.parent) + "/"
    if isinstance(value, dict):
        return {k: _portable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_portable(v) for v in value]
    text = str(value) if isinstance(value, Path) else value
    return text.replace(root, "") if isinstance(text, str) else value


TITLE = "Scale: every page, query and import against the pandas peer"


def save(results: dict, out: Path, when: dict | None = None) -> None:
    """The Scale result (docs/benchmarks/scale.json beside `out`, the page) from `results`."""
    portable = _portable(results)
    sections.put_titled(out, "scale", TITLE, portable["command"], report.markdown(portable),
                        figures=portable, when=when)


def render(out: Path) -> dict:
    """The Scale section again from its saved figures (after a change of report.py),
    keeping the date, commit, machine and load of the run."""
    saved = json.loads((out.parent / out.stem / "scale.json").read_text(encoding="utf-8"))
    save(saved["figures"], out, when={k: saved[k] for k in ("date", "commit", "machine",
                                                              "load", "note")})
    return saved["figures"]


def command(args: argparse.Namespace, argv: list[str] | None) -> str:
    given = sys.argv[1:] if argv is None else argv
    return ".venv/bin/python -m benchmarks scale " + " ".join(given) if given else (
        ".venv/bin/python -m benchmarks scale")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if args.render:
        return render(Path(args.out))
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    results: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"), "command": command(args, argv),
        "machine": machine(), "versions": versions(), "today": measure.TODAY.isoformat(),
        "quick": args.quick, "sizes": {}}
    skip: list[str] = []
    for i, n in enumerate(args.sizes):
        size = results["sizes"][str(n)] = measure_size(n, work, args, skip)
        save(results, out)  # partial results survive a later failure
        if i + 1 < len(args.sizes):
            skip = skip + measure.too_slow(size["pages"], args.sizes[i + 1] / n)
    if args.browser:
        n = max(args.sizes)
        results["browser"] = measure_browser(n, Path(results["sizes"][str(n)]["store"]))
    if args.profile:
        results["profiles"] = profile_misses(results, work)
    save(results, out)
    for j in report.judge(results):
        log(f"{report.verdict(j['ok']):>10}  {j['figure']} @ {int(j['size']):,}: {j['value']}")
    log(f"wrote {out.parent / out.stem / 'scale.json'} and {out}")
    return results


if __name__ == "__main__":
    main()
