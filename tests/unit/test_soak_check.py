"""The soak benchmark's judge (benchmarks/soak.py): an Overview showing figures of two
different versions at once is counted as half-applied, a whole one is not, and a load
that still shows a state older than one published 5 s before it began is counted stale."""

from __future__ import annotations

import pytest

from benchmarks.soak import Load, check_states, shown_figures

pytestmark = pytest.mark.bench


def summary(agreements, programs, out, into, lines, open_) -> dict:
    return {"agreements": {"total": agreements}, "programs": {"total": programs},
            "seats_planned": {"outbound": out, "inbound": into},
            "funding": {"lines": lines}, "actions": {"open": open_}}


BASE = shown_figures(summary(70, 506, 1796, 1579, 737, 142))
AFTER = shown_figures(summary(70, 510, 1802, 1606, 744, 146))
FIGURES = {1: BASE, 2: AFTER}
SEEN = [(0.0, 1), (20.0, 2)]  # version 1 from the start, version 2 published at 20 s


def load(at: float, headline: list[str]) -> Load:
    return Load(session=0, page="overview", at_s=at, settle_s=1.0, headline=headline)


def test_whole_states_pass_and_a_mix_is_half_applied():
    """Programs of the new version beside seats of the old one is a half-applied state."""
    mixed = AFTER[:2] + BASE[2:]
    got = check_states([load(1, BASE), load(30, AFTER), load(19.5, AFTER), load(21, mixed)],
                       FIGURES, SEEN)
    assert got["overview_loads"] == 4
    assert got["half_applied"] == 1
    assert got["half_examples"][0]["headline"] == mixed
    assert got["stale"] == 0
    assert BASE[2] == "1,796"  # formatted as the page formats it


def test_an_old_state_long_after_a_publish_is_stale():
    """A load that begins 10 s after version 2 was published and shows version 1."""
    got = check_states([load(30, BASE), load(22, BASE)], FIGURES, SEEN)
    assert got["half_applied"] == 0
    assert got["stale"] == 1
