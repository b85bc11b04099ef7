"""The Scale benchmark's measuring functions on 10,000 participants, --quick-like: they run
end to end and the pandas peer's figures equal DuckDB's. No time is asserted (the
benchmark writes its times to docs/benchmarks.md). The peer's own semantics are tested in
tests/unit/test_peer.py; here only the benchmark's path (real importer, child processes,
AppTest timing, report) is exercised."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import measure, report

pytestmark = pytest.mark.bench


@pytest.fixture(scope="module")
def bench_store(tmp_path_factory) -> tuple[dict, Path]:
    work = tmp_path_factory.mktemp("bench")
    gen = measure.generate(10_000, work, xlsx=False)
    db = work / "store-10000.duckdb"
    return {"generated": gen, "import_csv": measure.import_store(gen["csv_dir"], db)}, db


def test_bench_peer_equals_duckdb(bench_store):
    """Every page aggregate and the headline: peer == DuckDB, default and narrowing filter;
    every query file runs with the benchmark's default parameters."""
    size, db = bench_store
    assert size["import_csv"]["rows"] == size["generated"]["rows_total"]
    data = measure.measure_data(db, repeats=1, peer_repeats=1)
    assert data["peer"], "the peer comparison ran"
    assert [r for r in data["peer"] if not r["equal"]] == []
    assert {r["filter"] for r in data["peer"]} == {"default", "narrow"}
    failed = [q for q in data["queries"] if q.get("error")]
    assert failed == []


def test_bench_page_timing_and_report(bench_store):
    """A page timed in AppTest (cold, warm, narrow) without exception, and the report
    renders every section from the results."""
    size, db = bench_store
    size["data"] = measure.measure_data(db, repeats=1, peer_repeats=1)
    size["pages"] = measure.measure_pages(db, repeats=1, pages=("overview",))
    (row,) = size["pages"]["pages"]
    assert row["default"]["errors"] == [] and row["narrow"]["errors"] == []
    assert row["default"]["n_queries"] > 0
    results = {"date": "today", "command": "benchmarks/run.py --quick", "today": "2026-11-28",
               "machine": {"cpu": "x", "cores": 2, "memory_gb": 1.0, "os": "linux"},
               "versions": {"python": "3"}, "sizes": {"10000": size}}
    md = report.markdown(results)
    assert "## 10,000 participants" in md and "| overview | narrow |" in md
