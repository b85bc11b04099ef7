"""docs/benchmarks.md is generated from docs/benchmarks/*.json (benchmarks/results.py): the
page on disk is that generation, every result says when, on which commit, machine and load
it was taken, and a benchmark's write touches only its own file."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from benchmarks import results, sections

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "title", "script", "date", "commit", "machine", "load", "note", "body",
        "figures"}


def test_the_page_is_the_generation_of_the_result_files():
    """Nobody edits docs/benchmarks.md by hand: after writing a result file (or a rebase
    that brings others'), `python -m benchmarks page` regenerates it."""
    on_disk = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert on_disk == results.page(), "run: .venv/bin/python -m benchmarks page"


def test_every_result_says_when_where_and_on_what_load():
    found = sorted((ROOT / "docs" / "benchmarks").glob("*.json"))
    assert len(found) >= 10
    for path in found:
        r = json.loads(path.read_text(encoding="utf-8"))
        assert set(r) == KEYS, path.name
        assert r["name"] == path.stem
        assert dt.date.fromisoformat(r["date"][:10]) <= dt.date.today()
        assert r["commit"] and "cores" in r["machine"] and r["body"].strip(), path.name
        assert r["load"] is None or r["load"] >= 0
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert "(benchmarks-diary.md)" in page and (ROOT / "docs" / "benchmarks-diary.md").is_file()


def test_a_benchmark_writes_its_own_file_and_the_page_is_rebuilt(tmp_path):
    doc = tmp_path / "b.md"
    sections.put_titled(doc, "store:x", "X at 1M", "python -m benchmarks x", "| a |",
                        " (busy)", figures={"ratio": 1.4})
    sections.put(doc, "<!-- y:start -->", "<!-- y:end -->",
                 "<!-- y:start -->\n## Y\n\nbody of y\n<!-- y:end -->\n", "python -m y")
    sections.put_titled(doc, "store:x", "X at 1M", "python -m benchmarks x", "| b |")
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["store-x.json", "y.json"]
    x = json.loads((tmp_path / "b" / "store-x.json").read_text(encoding="utf-8"))
    assert x["body"] == "| b |" and x["figures"] is None and x["note"] == ""
    assert dt.datetime.fromisoformat(x["date"]).date() == dt.date.today()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                            ":!docs/benchmarks", ":!docs/benchmarks.md"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert x["commit"] == head + ("+changes" if dirty else "")
    assert x["machine"].startswith(f"{os.cpu_count()} cores (")
    page = doc.read_text(encoding="utf-8")
    assert page == results.page(tmp_path / "b")
    said = (f"`python -m benchmarks x` on {x['date']}, commit {x['commit']}, {x['machine']}, "
            f"load average {x['load']:.1f}.")
    assert f"## X at 1M\n\n{said}\n\n| b |\n" in page
    assert "## Y\n\n`python -m y` on " in page and "\n\nbody of y\n" in page
    assert "| a |" not in page
    assert f"| [X at 1M](#x-at-1m) | {x['date']} | {x['commit']} | {x['machine']} |" in page
