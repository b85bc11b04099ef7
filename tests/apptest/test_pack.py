"""The meeting pack: same figures as the page, self-contained HTML that shows its charts
in a browser with no network, a PDF of one page per section, the command line."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import streamlit as st

from coopdash import cli, settings, store
from coopdash.figures import weekly
from coopdash.figures.filters import Filters
from coopdash.figures.scope import Scope
from coopdash.i18n import t
from coopdash.pack import document as pack

TODAY = dt.date(2026, 11, 25)
WEEK = weekly.Week.parse("2026-W48")
SECTIONS = ("figures", "since", "happened", "changes", "next", "decisions", "minutes", "charts")


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setenv("COOPDASH_TODAY", TODAY.isoformat())
    return TODAY


@pytest.fixture
def pack_html(store_copy, demo_store, today):
    con = store.connect(store_copy(demo_store), read_only=False)
    try:
        yield pack.build_html(con, WEEK, Scope.of(settings.get()), "en")
    finally:
        con.close()


def _pack_figures(html_text: str) -> dict[str, int]:
    return {k: int(v) for k, v in
            re.findall(r'data-key="([a-z_0-9]+)" data-value="(-?\d+)"', html_text)}


def test_pack_figures_equal_the_page(app, store_copy, demo_store, today):
    """For the same week and filters, the pack prints the figures the page shows."""
    db = store_copy(demo_store)
    at = app(db, lang="en")
    at.run()
    at.switch_page("pages/weekly.py").run()
    at.multiselect(key="flt_kinds").set_value(["seminar", "study_visit"]).run()
    assert not at.exception, at.exception
    shown = {m.label: int(re.sub(r"\D", "", m.value)) for m in at.metric}
    con = store.connect(db)
    try:
        scope = Scope.of(settings.get(), Filters(kinds=("seminar", "study_visit")))
        html_text = pack.build_html(con, WEEK, scope, "en")
    finally:
        con.close()
    printed = _pack_figures(html_text)
    assert set(printed) == set(weekly.FIGURES)
    assert {weekly.heading(f"fig.{k}", "en"): v for k, v in printed.items()} == shown
    assert any(v for k, v in printed.items() if k != "n_changes")  # not all zero


def test_pack_html_is_self_contained(pack_html):
    """No script at all (the charts are inline SVG: tests/browser/test_pack_offline.py
    opens them offline), nothing from the network, every section."""
    assert "<script" not in pack_html and "plotly.js v" not in pack_html
    assert pack_html.count('<svg class="main-svg"') >= 6
    assert not re.search(r'(src|href)="https?:', pack_html)
    assert "@page { size: A4 landscape" in pack_html
    for section in SECTIONS:
        assert f'<section id="{section}"' in pack_html
    assert t("weekly.pack.title", "en", week="2026-W48") in pack_html


def test_cli_writes_html_and_refuses_a_bad_week(store_copy, sample_store, tmp_path, today,
                                                capsys):
    """`python -m coopdash pack --week ... --out x.html` writes the pack; a bad week is a
    plain error."""
    db = store_copy(sample_store)
    out = tmp_path / "pack.html"
    assert cli.main(["pack", "--week", "2026-W48", "--lang", "id", "--out", str(out),
                     "--db", str(db)]) == 0
    text = out.read_text(encoding="utf-8")
    assert t("weekly.pack.title", "id", week="2026-W48") in text
    assert cli.main(["pack", "--week", "2026-48", "--db", str(db)]) == 2
    assert "2026-W48" in capsys.readouterr().err


def test_cli_without_chromium_says_so(store_copy, sample_store, tmp_path, today,
                                      monkeypatch, capsys):
    """With no Chromium, asking for a PDF says so plainly and writes nothing."""
    monkeypatch.setenv("COOPDASH_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert not pack.pdf_available()
    out = tmp_path / "pack.pdf"
    assert cli.main(["pack", "--week", "2026-W48", "--lang", "en", "--out", str(out),
                     "--db", str(store_copy(sample_store))]) == 1
    assert not out.exists()
    assert t("weekly.pack.no_pdf", "en") in capsys.readouterr().err


def test_filters_are_described_in_words():
    """The pack names the filters it was made with, in the chosen language."""
    text = pack.describe_filters(Filters(kinds=("seminar",), partners=("jclair-sg",)), "en")
    assert "Seminar" in text and "jclair-sg" in text
    assert pack.describe_filters(Filters(), "id") == t("weekly.filters_none", "id")


def test_python_m_coopdash_pack_is_wired(store_copy, sample_store, tmp_path, today):
    """`python -m coopdash pack` runs the pack (`coopdash/cli/pack.py`)."""
    out = tmp_path / "via-cli.html"
    assert cli.main(["pack", "--week", "2026-W48", "--lang", "en", "--out", str(out),
                     "--db", str(store_copy(sample_store))]) == 0
    assert 'data-key="n_actions_open"' in out.read_text(encoding="utf-8")


def _downloads(at) -> dict[str, object]:
    """The page's download buttons by key (`$$ID-…-<key>`)."""
    return {d.proto.id.rsplit("-", 1)[-1]: d for d in at.get("download_button")}


def test_page_builds_the_pack_only_when_clicked(app, store_copy, demo_store, monkeypatch):
    """The weekly page never builds a pack or the change list on its runs: both are
    offered as downloads whose bytes are made at the click (deferred). The change list's
    button counts every line of the week, and those bytes hold exactly that many lines."""
    monkeypatch.setenv("COOPDASH_TODAY", dt.date.today().isoformat())  # the demo's import week
    built = []
    for name in ("render_html", "html_to_pdf"):
        real = getattr(pack, name)
        monkeypatch.setattr(pack, name, lambda *a, _r=real, **kw: built.append(1) or _r(*a, **kw))
    real_list = weekly.change_list_csv
    monkeypatch.setattr(weekly, "change_list_csv",
                        lambda *a, **kw: built.append(2) or real_list(*a, **kw))
    db = store_copy(demo_store)
    at = app(db, lang="en")
    at.run()
    at.switch_page("pages/weekly.py").run()
    at.run()
    assert not at.exception, at.exception
    offered = _downloads(at)
    assert offered["wk_pack_html"].proto.label == t("weekly.pack.download_html", "en")
    assert all(d.proto.deferred_file_id for d in offered.values())  # made at the click
    assert built == []
    # the change list: the first lines, "… and N more", the whole list at the click
    more = [c.value for c in at.caption if "more lines" in c.value]
    assert more, [c.value for c in at.caption]
    total = int(re.sub(r"\D", "", more[0].split("(")[1]))
    assert total > weekly.LINES
    label = offered["wk_list_download"].proto.label
    assert label == t("weekly.list.download", "en", n=f"{total:,}")
    st.cache_resource.clear()  # release the app's connection to read the file here
    con = store.connect(db, read_only=True)
    try:
        week = weekly.Week.of(dt.date.today())
        csv = weekly.change_list_csv(con, week, Scope.of(settings.get()).params(), "id")
    finally:
        con.close()
    assert csv.decode("utf-8").count("\n") == total + 1  # with its header
    header = csv.decode("utf-8").splitlines()[0]  # in the reader's language (here id)
    assert header == ",".join(f'"{t(f"weekly.col.{weekly.CHANGE_LIST_HEADINGS[c]}", "id")}"'
                              for c in weekly.CHANGE_LIST_COLUMNS), header


def test_pack_cuts_the_change_list_with_the_whole_count(store_copy, demo_store, monkeypatch):
    """The pack prints the first change lines and '… and N more' counted over the whole week
    (in SQL), with the per-table summary the page shows."""
    monkeypatch.setenv("COOPDASH_TODAY", dt.date.today().isoformat())
    week = weekly.Week.of(dt.date.today())
    con = store.connect(store_copy(demo_store), read_only=False)
    try:
        review = pack.build_review(con, week, Scope.of(settings.get()), "en")
        text = pack.build_html(con, week, Scope.of(settings.get()), "en")
    finally:
        con.close()
    assert len(review.changes) == pack.ROWS["changes"] < review.n_change_lines
    hidden = review.n_change_lines - pack.ROWS["changes"]
    changes = text[text.index('<section id="changes"'):text.index('<section id="next"')]
    assert t("weekly.more_rows", "en", n=f"{hidden:,}") in changes
    for r in review.summary.itertuples(index=False):
        assert f"{r.n_added:,} added" in changes


def test_a_broken_chart_fails_the_pack_instead_of_vanishing():
    """A chart whose data lacks its columns raises: the pack is not made without it."""
    import pandas as pd

    broken = {"funding_by_source": pd.DataFrame({"unexpected": [1]})}
    with pytest.raises(KeyError):
        pack.leadership_charts(broken, "en", "IDR")


def test_without_chromium_the_pack_carries_plotly_once(store_copy, demo_store, tmp_path,
                                                       today, monkeypatch):
    """No Chromium to draw the charts as SVG (nor to print a PDF): the HTML pack still
    shows every chart offline, with plotly.js inlined once before the first one."""
    monkeypatch.setenv("COOPDASH_CHROMIUM", str(tmp_path / "no-such-browser"))
    con = store.connect(store_copy(demo_store))
    try:
        text = pack.build_html(con, WEEK, Scope.of(settings.get()), "en")
    finally:
        con.close()
    assert text.count('class="chart"') == 6
    assert text.count("Plotly.newPlot(") == 6
    assert text.count("* plotly.js v") == 1  # the bundle's banner: plotly.js, once
    assert "<!--chart-" not in text


def test_charts_are_drawn_under_a_long_temp_folder(store_copy, demo_store, tmp_path, today,
                                                   monkeypatch):
    """A server whose TMPDIR is a long path (a service's private folder, pytest's own):
    Chromium still draws the charts (its socket would not fit under that folder) and
    leaves nothing there."""
    import tempfile

    long = tmp_path / ("x" * 60) / "server-tmp"
    long.mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("TMPDIR", str(long))  # what the server's children get
    monkeypatch.setattr(tempfile, "tempdir", str(long))  # what this process reads
    pack.svg_charts.cache_clear()
    con = store.connect(store_copy(demo_store))
    try:
        text = pack.build_html(con, WEEK, Scope.of(settings.get()), "en")
    finally:
        con.close()
    assert text.count('<svg class="main-svg"') >= 6 and "<script" not in text
    assert list(long.iterdir()) == []
