"""The capacity benchmark's verdict (benchmarks/capacity.py): the percentiles it reports
and the largest step that met the goal (p95 ≤ 2 s, no error, no half-applied state); the
servers' run log summed up (where the runs waited)."""

from __future__ import annotations

import pytest

from benchmarks.capacity import knee, pct, waits, where_waited

pytestmark = pytest.mark.bench


def step(sessions: int, p95: float | None, errors: int = 0, half: int = 0,
         browser_half: int = 0) -> dict:
    return {"sessions": sessions, "p95_s": p95, "errors": errors, "half_applied": half,
            "browser_half_applied": browser_half}


def test_percentiles_are_nearest_rank():
    """Twenty runs of 1..20 s: the median is the 11th, the 95th percentile the 20th."""
    times = [float(x) for x in range(20, 0, -1)]
    assert pct(times, 0.5) == 11.0
    assert pct(times, 0.95) == 20.0
    assert pct([], 0.95) is None


def test_the_knee_is_the_largest_step_that_met_the_goal():
    """A fast step with one error, or one half-applied state seen by Chromium, does not
    count; a step slower than 2 s at p95 does not either."""
    steps = [step(10, 0.8), step(25, 1.9), step(50, 1.2, errors=1), step(100, 4.0)]
    assert knee(steps) == "25"
    assert knee([step(10, 1.0, browser_half=1), step(25, 2.1)]) == "none"
    assert knee([step(10, 0.5), step(25, 0.9, half=1), step(50, 2.0)]) == "50"


def logged(kind: str, at: float, queued: float, ran: float, pid: int = 1, page: str = "x",
           computed: float = 0.0, cache: float = 0.0, parts: dict | None = None) -> dict:
    return {"kind": kind, "at": at, "queued_s": queued, "ran_s": ran, "cpu_s": ran / 2,
            "cache_s": cache, "computed_s": computed, "misses": int(computed > 0),
            "page": page, "version": 3, "parts": parts or {}, "pid": pid}


def test_the_run_log_says_which_runs_overlapped_a_warm_up_and_where_they_waited():
    """A warm-up from 100 to 110 s on process 1: a run of process 1 inside it counts as
    during it, the same run on process 2 does not; a run queued from 95 s into 101 s
    overlaps it; the waits and shares are the runs' own sums."""
    records = [
        logged("warm", 100, 0, 10, parts={"queries": 6, "views": 4}),
        logged("run", 102, 1.0, 3.0, page="weekly", computed=2.0),  # inside
        logged("run", 95, 5.5, 0.5, page="overview", cache=0.5),  # queued into it
        logged("run", 102, 0.0, 1.0, pid=2),  # the other process
        logged("run", 120, 0.0, 0.5),  # after it
    ]
    got = where_waited(records)
    assert got["during_warmup"]["runs"] == 2 and got["otherwise"]["runs"] == 2
    assert got["during_warmup"]["p95_s"] == 6.0  # 5.5 queued + 0.5 ran
    assert got["all"]["queued_p95_s"] == 5.5 and got["all"]["ran_p95_s"] == 3.0
    assert got["all"]["computed_share"] == round(2.0 / 5.0, 2)
    assert got["all"]["cache_share"] == round(0.5 / 5.0, 2)
    assert (got["warmups"], got["warmup_worst_s"]) == (1, 10)
    assert got["warmup_parts_s"] == {"queries": 6, "views": 4}
    assert [(r["page"], r["during_warmup"]) for r in got["slowest"][:2]] == [
        ("overview", True), ("weekly", True)]
    text = waits({"sessions": 50, "server": got})
    assert "50: 4 runs p95 6.0 s" in text and "1 warm-ups" in text
