"""The view-model cache of coopdash.web.cache (`cache.view`; `layout.chart` and
`layout.table` draw through it): a builder runs
once per distinct input, the shared objects are never changed by their users, and what is
shown still follows the language chosen."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from coopdash.figures import summary
from coopdash.web import cache

CALLS: list[tuple] = []


def _counted(df: pd.DataFrame, lang: str, scale: int = 1) -> pd.DataFrame:
    CALLS.append((len(df), lang, scale))
    return df.assign(v=df["n"] * scale)


@pytest.fixture(autouse=True)
def _no_calls():
    CALLS.clear()


def test_view_builds_once_per_distinct_input():
    df = pd.DataFrame({"n": [1, 2, 3]})
    first = cache.view(_counted, df, "en", scale=2)
    again = cache.view(_counted, df.copy(), "en", scale=2)  # same content: a hit
    assert len(CALLS) == 1
    assert again["v"].tolist() == first["v"].tolist() == [2, 4, 6]
    cache.view(_counted, df, "id", scale=2)  # another language
    cache.view(_counted, df, "en", scale=3)  # another builder argument
    cache.view(_counted, df.assign(n=[1, 2, 4]), "en", scale=2)  # other content
    assert len(CALLS) == 4


def test_a_page_may_change_its_copy_of_a_cached_frame():
    df = pd.DataFrame({"n": [1, 2]})
    mine = cache.view(_counted, df, "en")
    mine["v"] = [0, 0]
    assert cache.view(_counted, df, "en")["v"].tolist() == [1, 2]
    assert len(CALLS) == 1


def test_frames_from_run_stand_for_their_query():
    """A frame `cache.run` handed out is keyed by its source, not by its content; a frame
    derived from it (a new object) by its content."""
    df = pd.DataFrame({"n": [1, 2]})
    cache.remember(df, ("db", 3, "some_query", "{}"))
    assert "some_query" in cache.key_text(df)
    derived = df.assign(m=1)
    assert "some_query" not in cache.key_text(derived)
    assert cache.key_text(derived).startswith("('frame'")


def test_plain_values_only_in_a_key():
    with pytest.raises(TypeError):
        cache.key_text(object())


def _plotly_chart_script():
    import json

    import pandas as pd
    import streamlit as st

    from coopdash.charts import leadership

    df = pd.DataFrame({"year": [2024, 2025, 2024], "direction": ["outbound", "outbound",
                                                                  "inbound"],
                       "n_seats": [5, 12, 3], "n_people": [4, 0, 3]})
    fig = leadership.reciprocity_chart(df, "en")
    before = json.dumps(fig.to_plotly_json(), sort_keys=True, default=str)
    st.plotly_chart(fig, key="c", on_select="rerun", selection_mode="points")
    st.plotly_chart(fig, key="d")
    after = json.dumps(fig.to_plotly_json(), sort_keys=True, default=str)
    st.text("same" if before == after else "changed")


def test_plotly_chart_does_not_change_the_figure_it_draws():
    """The cache hands the same figure object to every rerun and session: Streamlit
    must only read it."""
    at = AppTest.from_function(_plotly_chart_script).run()
    assert not at.exception
    assert at.text[0].value == "same"


def _drawn_chart_script():
    import pandas as pd
    import streamlit as st

    from coopdash.charts import leadership
    from coopdash.web import cache

    df = pd.DataFrame({"year": [2024, 2025, 2024], "direction": ["outbound", "outbound",
                                                                  "inbound"],
                       "n_seats": [5, 12, 3], "n_people": [4, 0, 3]})
    st.plotly_chart(leadership.reciprocity_chart(df, "en"), key="plain")
    st.plotly_chart(cache.drawn(leadership.reciprocity_chart(df, "en")), key="drawn")


def test_a_drawn_figure_is_sent_as_the_figure_itself():
    """`cache.Drawn` (a view's figure with its dict made once) gives Streamlit exactly the
    chart the plain figure gives: the same spec, byte for byte."""
    at = AppTest.from_function(_drawn_chart_script).run()
    assert not at.exception
    plain, drawn = (c.proto.spec for c in at.get("plotly_chart"))
    assert '"n_seats"' in plain or "2025" in plain  # a real chart, not an empty spec
    assert drawn == plain


def test_a_warm_rerun_copies_no_figure(app, demo_store, monkeypatch):
    """On a warm rerun of the Overview, `st.plotly_chart` turns no figure into a dict
    again (Plotly's `to_dict`: a deep copy of every trace): each cached figure's dict was
    made once, when it was built
    (`cache.drawn`); the charts sent are the same."""
    import plotly.basedatatypes

    copied: list[str] = []
    real = plotly.basedatatypes.BaseFigure.to_dict

    def to_dict(fig):
        copied.append(type(fig).__name__)
        return real(fig)

    monkeypatch.setattr(plotly.basedatatypes.BaseFigure, "to_dict", to_dict)
    at = app(demo_store, lang="en")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    first = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(first) >= 3
    copied.clear()
    at.run()
    assert copied == []
    assert [c.proto.spec for c in at.get("plotly_chart")] == first


def _cells(at: AppTest) -> list[str]:
    return [str(v) for df in at.dataframe for col in df.value.columns
            for v in df.value[col]]


def test_tables_read_in_the_chosen_language_warm_and_after_a_switch(app, demo_store):
    """Counts in the rows behind the charts use `.` for thousands in Bahasa Indonesia and
    `,` in English, on a warm (cached) rerun too and after switching the language."""
    at = app(demo_store, lang="id")
    at.run()
    at.switch_page("pages/delegations.py").run()
    assert not at.exception
    thousands_id = re.compile(r"^\d{1,3}(\.\d{3})+$")
    thousands_en = re.compile(r"^\d{1,3}(,\d{3})+$")
    first = _cells(at)
    assert any(thousands_id.match(c) for c in first), first[:40]
    assert not any(thousands_en.match(c) for c in first)
    at.run()  # warm: every table from the cache
    assert _cells(at) == first
    at.selectbox(key="lang").set_value("en").run()
    english = _cells(at)
    assert any(thousands_en.match(c) for c in english), english[:40]
    assert not any(thousands_id.match(c) for c in english)


def test_the_explorer_formats_a_page_of_rows_once(app, demo_store, monkeypatch):
    """The explorer's page of rows is formatted for the screen (Babel, every cell) once
    per page, language and currency (`cache.view`), not on every rerun; another language
    formats it again, in that language."""
    from coopdash.figures import explorer as ex

    formatted: list[str] = []
    real = ex.for_screen

    def counted(tab, df, lang, currency, show_names):
        formatted.append(lang)
        return real(tab, df, lang, currency, show_names)

    monkeypatch.setattr(ex, "for_screen", counted)
    at = app(demo_store, lang="id")
    at.session_state["explorer_tab"] = "delegations"
    at.switch_page("pages/explorer.py").run()
    assert not at.exception
    first = _cells(at)
    at.run()
    at.run()
    assert _cells(at) == first and formatted == ["id"]
    at.selectbox(key="lang").set_value("en").run()
    assert formatted == ["id", "en"] and _cells(at) != first


def test_headline_figures_per_period():
    """One result of overview_headline.sql holds both dates; each reads its own rows."""
    rows = pd.DataFrame({
        "period": ["now", "before"], "metric": ["programs", "programs"],
        "code": ["active", "active"], "n": [7, 4], "amount": [None, None],
        "n_unconverted": [None, None], "n_no_amount": [None, None], "on_date": [None, None]})
    assert summary.figures(rows)["programs"] == 7
    assert summary.figures(rows, "before")["programs"] == 4


def test_a_warm_funding_page_splits_and_hashes_nothing(app, demo_store, monkeypatch):
    """The Funding page splits its one query's result into figures once per result
    (`cache.derived`), and the charts and tables built from a figure are keyed by where
    it came from: a warm rerun splits nothing again and hashes no frame's content (each
    cost every rerun of every session a pandas pass per figure)."""
    from coopdash.figures import funding

    split: list[str] = []
    hashed: list[int] = []
    real_part, real_hash = funding.part, pd.util.hash_pandas_object

    def part(page, name):
        split.append(name)
        return real_part(page, name)

    def hash_frame(obj, *args, **kwargs):
        hashed.append(len(obj))
        return real_hash(obj, *args, **kwargs)

    monkeypatch.setattr(funding, "part", part)
    monkeypatch.setattr(pd.util, "hash_pandas_object", hash_frame)
    at = app(demo_store, lang="en")
    at.switch_page("pages/funding.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(split) == ["kind", "rates", "source", "unconverted", "year"]
    first, split[:], hashed[:] = _cells(at), [], []
    at.run()
    assert (split, hashed) == ([], [])
    assert _cells(at) == first
