"""One way to run benchmarks: `python -m benchmarks NAME` (benchmarks/__main__.py) knows
every benchmark module, and no benchmark changes sys.path."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"


def _has_main(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body)


def test_every_benchmark_is_named_once_and_runs_by_name():
    from benchmarks.__main__ import BENCHMARKS

    with_main = {p.stem for p in BENCH.glob("*.py") if p.stem != "__main__" and _has_main(p)}
    modules = [module for module, _ in BENCHMARKS.values()]
    assert sorted(modules) == sorted(with_main)
    listed = subprocess.run([sys.executable, "-m", "benchmarks"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    assert all(f"  {name} " in listed for name in BENCHMARKS)
    helped = subprocess.run([sys.executable, "-m", "benchmarks", "first-visit", "--help"],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert helped.startswith("usage: python -m benchmarks first-visit")
    wrong = subprocess.run([sys.executable, "-m", "benchmarks", "nothing"], cwd=ROOT,
                           capture_output=True, text=True)
    assert wrong.returncode == 2 and "no benchmark named 'nothing'" in wrong.stderr


def test_no_benchmark_changes_sys_path():
    touched = [p.name for p in BENCH.glob("*.py") if "sys.path" in p.read_text("utf-8")
               and p.stem != "__main__"]
    assert touched == []


def test_first_visit_states_each_parts_share_of_the_overview():
    """`first-visit`'s table of parts: a part's share is the whole Overview's median minus
    the median of the Overview served without it, for the time and the busy main thread;
    a part not measured (`--no-parts`, an older result) is no row."""
    from benchmarks import first_visit

    def visit(ms: float, busy: float, boxes: int, nodes: int) -> dict:
        return {**dict.fromkeys(first_visit.BREAKDOWN, 0), "ms": ms, "busy_ms": busy,
                "boxes": boxes, "nodes": nodes}

    result = {"breakdown": {"overview_loopback": visit(3600, 2900, 470, 1660),
                            "without_ov_timeline": visit(3100.4, 2450, 300, 1350),
                            "without_filters": visit(3500, 2700, 460, 1400)}}
    rows = first_visit.parts_table(result).splitlines()
    assert rows[2] == "| whole | 3,600 | – | 2,900 | – | 470 | 1,660 |"
    assert rows[3:] == [
        "| without the agreements' timeline chart | 3,100 | 500 | 2,450 | 450 | 300 | 1,350 |",
        "| without the sidebar's filters (partner, country, province… lists) | 3,500 | 100 | "
        "2,700 | 200 | 460 | 1,400 |"]
