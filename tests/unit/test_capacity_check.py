"""The capacity benchmark's verdict (benchmarks/capacity.py): the percentiles it reports
and the largest step that met the goal (p95 ≤ 2 s, no error, no half-applied state)."""

from __future__ import annotations

import pytest

from benchmarks.capacity import knee, pct

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
