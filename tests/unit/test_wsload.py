"""The capacity benchmark's load client (benchmarks/wsload.py) speaks Streamlit's protocol
to a real served coopdash: a run of the Overview ends, and the figures it carries are
those `summary --json` prints for the store; a filter set through a widget state narrows
them as the store says it should."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks import served, wsload
from benchmarks.soak import HEADLINE, dig, shown_figures
from coopdash.i18n import code_label, fmt_int, t

pytestmark = pytest.mark.bench


async def _overview_then_study_visits(url: str) -> tuple[wsload.Run, wsload.Run, list[str]]:
    session = await wsload.Session.open(url)
    try:
        first = await session.run("", "lang=en")
        options = session.options("flt_kinds")
        session.choose("flt_kinds", [code_label("program_kind", "study_visit", "en")])
        narrowed = await session.run("", "lang=en")
        return first, narrowed, options
    finally:
        await session.close()


def test_a_run_of_the_overview_shows_what_summary_says(server, demo_store):
    """One session: the Overview's run ends (script_finished, then not running) with the
    six headline figures of `summary --json`; choosing "Study visit" in the kind filter
    reruns it with the study visits' count of programs."""
    summary = served.summary_json(demo_store)
    first, narrowed, options = asyncio.run(_overview_then_study_visits(server))

    assert first.seconds is not None and first.statuses[-1] == 0
    assert first.exceptions() == [] and narrowed.exceptions() == []
    shown = first.metrics()
    assert [shown[t(key, "en")] for key, _ in HEADLINE] == shown_figures(summary)
    assert len(options) == len(summary["programs"]["by_kind"])
    programs = narrowed.metrics()[t("lead.overview.programs", "en")]
    assert programs == fmt_int(dig(summary, ("programs", "by_kind", "study_visit")), "en")
    assert programs != shown[t("lead.overview.programs", "en")]
