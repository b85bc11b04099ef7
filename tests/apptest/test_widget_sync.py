"""Every run sends the browser the values the server uses for the widgets it keeps across
runs (language, currency, the week, the explorer's controls), not only the first run.

A widget drawn without its value shows its default in a browser that lost its copy (a
run cut short by the next click), and the next click sends that default back: under load,
a menu click switched an English session to Indonesian (seen in the sign-in crawl)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("sample_store")


def _sent_value(widget) -> str | None:
    """The value this run told the browser to show (None: left to the browser)."""
    proto = widget.proto
    return proto.raw_value if proto.set_value else None


def test_language_and_currency_are_sent_on_every_run(app, sample_store):
    at = app(sample_store, lang="en")
    at.run()
    at.selectbox(key="currency").set_value("USD").run()
    at.run()  # a run with nothing changed: the browser still gets both values
    assert _sent_value(at.selectbox(key="lang")) == "English"
    assert _sent_value(at.selectbox(key="currency")) == "USD"


def test_week_and_explorer_controls_are_sent_on_every_run(app, sample_store):
    at = app(sample_store, lang="en")
    at.switch_page("pages/explorer.py").run()
    at.selectbox(key="ex_size").set_value(50).run()
    at.run()
    assert _sent_value(at.selectbox(key="ex_size")) == "50"
    at.switch_page("pages/weekly.py").run()
    week = at.selectbox(key="weekly_week")
    other = week.options[-1]
    assert other != week.value  # the oldest week offered, not this week
    week.select(other).run()
    at.run()
    assert _sent_value(at.selectbox(key="weekly_week")) == other
