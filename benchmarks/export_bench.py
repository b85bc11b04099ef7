"""Benchmark: export 1,000,000 participants (the explorer's participants tab, no filter)
to CSV and Parquet, and report time, file size and peak memory of each.

    .venv/bin/python -m benchmarks export [--participants 1000000] [--store PATH]

The store is built once with the demo generator's quick raw load (`demo.load_into`) and
kept (default /tmp/coopdash-bench-<n>.duckdb). Each export runs in a fresh child process
so that its peak memory (ru_maxrss) is its own, reported beside the baseline of a child
that only counts the rows. `--memory-limit 256MB` caps DuckDB (its sort spills to disk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(path: Path, participants: int) -> None:
    from coopdash import store
    from coopdash.workbook import demo

    t0 = time.perf_counter()
    frames = demo.generate(participants=participants, seed=7, today=dt.date(2025, 1, 1))
    store.create(path, lambda con: demo.load_into(con, frames))
    print(f"built {path} with {participants:,} participants in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)


def _spec(show_names: bool = True):
    from coopdash.figures import explorer as ex
    from coopdash.figures import exports
    from coopdash.figures.filters import Filters

    tab = ex.TABS["participants"]
    flt = Filters()
    params = {**flt.params("ID"), "currency": "IDR", "today": dt.date(2025, 1, 1),
              "home": "ID", "show_names": show_names, **ex.tab_params(tab, "", {}, "id")}
    return exports.TableExport(tab=tab, params=params, lang="id", currency="IDR",
                               filters=flt, show_names=show_names)


def _child(db: str, fmt: str, out: str, queue, memory_limit: str | None) -> None:
    import duckdb

    from coopdash.figures import exports

    config = {"memory_limit": memory_limit,
              "temp_directory": tempfile.gettempdir()} if memory_limit else {}
    con = duckdb.connect(db, read_only=True, config=config)
    t0 = time.perf_counter()
    if fmt == "count":
        n = exports.count(con, _spec())
    else:
        n = exports.write(con, _spec(), fmt, Path(out))
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = Path(out).stat().st_size / 2**20 if fmt != "count" else 0.0
    queue.put({"format": fmt, "rows": n, "seconds": round(seconds, 2),
               "peak_rss_mb": round(peak_mb, 1), "file_mb": round(size_mb, 1)})


def measure(db: Path, fmt: str, folder: Path, memory_limit: str | None = None) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(str(db), fmt, str(folder / f"bench.{fmt}"), queue,
                                                   memory_limit))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--store", type=Path, default=None)
    ap.add_argument("--memory-limit", default=None,
                    help="DuckDB memory_limit for the export (e.g. 256MB); the sort spills")
    args = ap.parse_args()
    db = args.store or Path(tempfile.gettempdir()) / f"coopdash-bench-{args.participants}.duckdb"
    if not db.exists():
        build(db, args.participants)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("count", "csv", "parquet"):
            result = measure(db, fmt, Path(tmp), args.memory_limit)
            print(json.dumps({**result, "memory_limit": args.memory_limit}), flush=True)


if __name__ == "__main__":
    main()
