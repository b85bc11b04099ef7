"""The meeting pack as a PowerPoint deck: native charts whose data are the page's figures,
the week's events and minutes in it, opened by LibreOffice Impress (converted to PDF)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation

from coopdash import settings, store
from coopdash.figures import weekly
from coopdash.figures.filters import Filters
from coopdash.figures.scope import Scope
from coopdash.i18n import code_label, t
from coopdash.pack import document as pack
from tests.unit.test_meeting import _csv, _people_per_side

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice")


def _deck(db, week: str, lang: str, filters: Filters | None = None, currency: str = "IDR",
          read_only: bool = True):
    """The deck's bytes and its review (read-only, as the page's AppTest holds the store
    in this process: DuckDB wants one configuration per file)."""
    con = store.connect(db, read_only=read_only)
    try:
        scope = Scope.of(settings.get(), filters, currency)
        data, review = pack.make_pack(con, weekly.Week.parse(week), "pptx", scope, lang)
    finally:
        con.close()
    return data, review


def _slides(data: bytes) -> list:
    return list(Presentation(io.BytesIO(data)).slides)


def _text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


def _charts(slide) -> dict[str, object]:
    return {s.chart.chart_title.text_frame.text: s.chart for s in slide.shapes if s.has_chart}


def _series(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def test_sample_deck_names_the_jclair_meeting_with_native_charts(sample_store):
    """2023-W21 deck: title, figures, since last meeting, what happened (the 22 May 2023
    meeting, attendees per side as a native chart whose data match the sample's rows),
    next, decisions, minutes, charts; every chart is a PowerPoint chart, not a picture."""
    data, _ = _deck(sample_store, "2023-W21", "en")
    slides = _slides(data)
    titles = [s.shapes.title.text for s in slides]
    assert titles == [t("weekly.pack.title", "en", week="2023-W21"), t("weekly.figures", "en"),
                      t("meeting.since", "en", week="—"), t("meeting.happened", "en"),
                      t("weekly.next", "en"), t("weekly.decisions", "en"),
                      f"{t('meeting.minutes', 'en')} · 2023-W21", t("weekly.charts", "en"),
                      t("weekly.charts", "en")]
    happened = slides[3]
    meeting_row = next(p for p in _csv("programs") if p["starts_on"] == "2023-05-22")
    assert meeting_row["title"] in _text(happened) and "22 May 2023" in _text(happened)
    people = _charts(happened)[t("meeting.chart_people", "en")]
    counts = _people_per_side(meeting_row["program_id"])
    assert list(people.plots[0].categories) == [code_label("side", s, "en")
                                                for s in ("home", "partner")]
    assert _series(people)[t("meeting.attended", "en")] == [
        counts[("home", "attended")], counts[("partner", "attended")]]
    assert _series(people)[t("meeting.seats", "en")] == [None, None]  # not planned: no bar
    assert not any(s.shape_type == 13 for sl in slides for s in sl.shapes)  # no pictures
    assert sum(len(_charts(s)) for s in slides) == 6


def test_deck_figures_equal_the_page(app, store_copy, demo_store, monkeypatch):
    """For the demo, the week and a filter: the deck's figures table and native chart hold
    exactly the numbers the Weekly review page shows."""
    monkeypatch.setenv("COOPDASH_TODAY", "2026-11-25")
    db = store_copy(demo_store)
    at = app(db, lang="en")
    at.run()
    at.switch_page("pages/weekly.py").run()
    at.multiselect(key="flt_kinds").set_value(["seminar", "study_visit"]).run()
    assert not at.exception, at.exception
    shown = {m.label: int(re.sub(r"\D", "", m.value)) for m in at.metric}
    data, _ = _deck(db, "2026-W48", "en", Filters(kinds=("seminar", "study_visit")))
    slide = _slides(data)[1]
    rows = [[c.text for c in row.cells] for row in slide.shapes[1].table.rows][1:]
    assert {r[0]: int(re.sub(r"\D", "", r[1])) for r in rows} == shown
    chart = _charts(slide)[t("meeting.deck.chart_figures", "en")]
    this_week = _series(chart)[t("meeting.deck.this_week", "en")]
    labels = list(chart.plots[0].categories)
    assert dict(zip(labels, this_week, strict=True)) == {
        k: v for k, v in shown.items() if k != weekly.heading("fig.n_changes", "en")}
    assert any(this_week)


def test_deck_follows_language_and_currency(demo_store, monkeypatch):
    """In Bahasa Indonesia and USD the deck's words and its funding chart follow: the
    chart's amounts are the funding query's in USD."""
    monkeypatch.setenv("COOPDASH_TODAY", "2026-11-25")
    data, review = _deck(demo_store, "2026-W48", "id", currency="USD")
    slides = _slides(data)
    assert slides[1].shapes.title.text == t("weekly.figures", "id")
    assert "USD" in _text(slides[0])
    funding = _charts(slides[-1])[t("weekly.chart.funding", "id") + " (USD)"]
    expected = review.extra["leadership_frames"]["funding_by_source"]
    assert list(funding.plots[0].categories) == [code_label("source", s, "id")
                                                 for s in expected["source"]]
    values = list(funding.plots[0].series[0].values)
    assert values == pytest.approx([round(float(v), 2) for v in expected["amount_display"]])


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice Impress is not installed "
                    "(scripts/setup.sh dev installs libreoffice-impress)")
def test_cli_deck_opens_in_libreoffice_impress(tmp_path, sample_store):
    """`pack --out pack.pptx` writes a deck that LibreOffice Impress converts to PDF; the
    PDF's text (pdftotext) names the week, the meeting and its attendees."""
    out = tmp_path / "pack.pptx"
    done = subprocess.run([sys.executable, "-m", "coopdash", "pack", "--db", str(sample_store),
                           "--week", "2023-W21", "--lang", "en", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    profile = (tmp_path / "lo").as_uri()
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   capture_output=True, timeout=300, check=True)
    pdf = tmp_path / "pack.pdf"
    assert pdf.is_file()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert t("weekly.pack.title", "en", week="2023-W21").split()[0] in text
    assert "2023-W21" in text and "22 May 2023" in text
    assert t("meeting.happened", "en") in text
    assert "5 attended" in text
