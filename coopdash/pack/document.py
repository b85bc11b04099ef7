"""The weekly meeting pack: one self-contained HTML file (and a PDF where Chromium is on
the machine) of one ISO week's review, for the chosen filters and language.

Pure (no Streamlit). The figures, changes and lists come from `coopdash.figures.weekly.review`,
the very code behind the Weekly review page, so the pack says what the page said.

The HTML opens offline and carries no script: its charts are inline SVG, drawn once by
Plotly in the headless Chromium that prints the PDF (`_Charts.finish`; a few hundred kB
instead of 4.9 MB of plotly.js in every file); on a machine without Chromium (no PDF
either) plotly.js is inlined once, with the first chart, as before. It prints on
A4 landscape, one page per section (`@page { size: A4 landscape }`; each section is one
page tall and long lists are cut with "… and N more", the page keeps them whole).

`make_pack` is the one entry for the file's bytes: the command line (`pack`, `send-pack`:
`coopdash/cli/pack.py`), the Weekly page's download and the e-mail.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from coopdash.charts import leadership
from coopdash.charts import weekly as weekly_charts
from coopdash.figures import meeting as meeting_figs
from coopdash.figures import weekly
from coopdash.figures.filters import Filters
from coopdash.figures.filters import describe as describe_filters
from coopdash.figures.scope import Scope
from coopdash.i18n import code_label, fmt_date, fmt_datetime, fmt_int, t
from coopdash.pack import markup
from coopdash.store import query

ROWS = {"changes": 14, "imports": 6, "next": 7, "expiring": 6, "decisions": 7,
        "happened": 6}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHART_SIZE = (540, 300)  # px: two charts side by side on A4 landscape

CSS = """
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt;
       color: #1f2933; margin: 0; }
section { height: 188mm; overflow: hidden; page-break-after: always; break-after: page;
          padding: 2mm 0; }
section:last-of-type { page-break-after: auto; break-after: auto; }
@media screen { section { height: auto; min-height: 0; max-width: 277mm; margin: 0 auto 12mm;
                          border-bottom: 1px solid #d0d7de; padding-bottom: 6mm; } }
h1 { font-size: 18pt; margin: 0 0 1mm; color: #0b3d91; }
h2 { font-size: 14pt; margin: 0 0 2mm; color: #0b3d91; border-bottom: 2px solid #0b3d91; }
h3 { font-size: 10.5pt; margin: 3mm 0 1mm; }
.meta { color: #52606d; margin: 0 0 3mm; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; margin: 3mm 0; }
.figure { border: 1px solid #d0d7de; border-radius: 2mm; padding: 2mm 3mm; }
.figure .label { color: #52606d; font-size: 9pt; }
.figure .value { font-size: 20pt; font-weight: 600; }
.figure .delta { font-size: 9pt; }
.delta.up { color: #1a7f37; } .delta.down { color: #cf222e; } .delta.same { color: #52606d; }
table { border-collapse: collapse; width: 100%; table-layout: auto; }
th, td { text-align: left; padding: 0.6mm 1.5mm; border-bottom: 1px solid #e5e9ee;
         vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.none, .more { color: #52606d; font-style: italic; margin: 0.5mm 0; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm; }
.chart { break-inside: avoid; }
.chart .main-svg { position: absolute; top: 0; left: 0; pointer-events: none; }
ul.summary { margin: 1mm 0; padding-left: 5mm; }
.minutes { border-left: 3px solid #0b3d91; padding: 1mm 3mm;
           margin: 1mm 0; max-height: 80mm; overflow: hidden; }
.minutes p { margin: 0.6mm 0; } .minutes ul, .minutes ol { margin: 0.6mm 0; padding-left: 5mm; }
.minutes .heading { font-weight: 600; color: #0b3d91; margin-top: 1.5mm; }
.minutes .heading.h1, .minutes .heading.h2 { font-size: 11.5pt; }
"""


# --- small pieces ---------------------------------------------------------------------------

def esc(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def short(value: Any, width: int = 70) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def file_name(week: weekly.Week, lang: str, ext: str) -> str:
    return f"coopdash-weekly-{week.label}-{lang}.{ext}"


def table_html(df: pd.DataFrame, lang: str, limit: int | None = None,
               numeric: Iterable[str] = ("days", "added", "changed", "removed"),
               total: int | None = None, width: int = 70) -> str:
    """A readable table (headings from the catalogue); cut at `limit` rows with a note.
    `total`: how many rows the whole list has when `df` holds only its first ones;
    `width`: characters a cell shows before it is cut with `…`."""
    if df.empty:
        return f'<p class="none">{esc(t("weekly.nothing", lang))}</p>'
    heads = weekly.headers("", df.columns, lang)
    nums = set(numeric)
    shown = df if limit is None else df.head(limit)
    head = "".join(f'<th class="{"num" if c in nums else ""}">{esc(heads[c])}</th>'
                   for c in df.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = "".join(f'<td class="{"num" if c in nums else ""}">{esc(short(v, width))}</td>'
                        for c, v in zip(df.columns, row, strict=True))
        body.append(f"<tr>{cells}</tr>")
    out = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    hidden = max(len(df), total or 0) - len(shown)
    if hidden > 0:
        out += f'<p class="more">{esc(t("weekly.more_rows", lang, n=fmt_int(hidden, lang)))}</p>'
    return out


class _Charts:
    """Figures to HTML: each chart is first a placeholder; `finish` puts them in, as
    inline SVG drawn by Plotly in headless Chromium (`svg_charts`), or (`svg` False: the
    page Chromium prints to PDF draws them itself; or no Chromium at all) as Plotly divs
    with plotly.js inline with the first one only."""

    def __init__(self, svg: bool = True) -> None:
        self.figures: list[go.Figure] = []
        self.svg = svg

    def __call__(self, fig: go.Figure) -> str:
        width, height = CHART_SIZE
        fig.update_layout(width=width, height=height)
        self.figures.append(fig)
        return f'<div class="chart"><!--chart-{len(self.figures) - 1}--></div>'

    def finish(self, document: str) -> str:
        """`document` with every chart in its placeholder."""
        if not self.figures:
            return document
        if not self.svg or chromium() is None:
            drawn = [fig.to_html(full_html=False, include_plotlyjs="inline" if i == 0 else False,
                                 config={"displayModeBar": False, "staticPlot": True})
                     for i, fig in enumerate(self.figures)]
        else:
            drawn = list(svg_charts(tuple(fig.to_json() for fig in self.figures)))
        return re.sub(r"<!--chart-(\d+)-->", lambda m: drawn[int(m.group(1))], document)


_SVG_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><script src="{plotly}"></script>
</head><body><pre id="out"></pre><script>
(async () => {{
  const out = [];
  for (const spec of {specs}) {{
    const div = document.createElement("div");
    document.body.appendChild(div);
    await Plotly.newPlot(div, spec.data, spec.layout, {{staticPlot: true, displayModeBar: false}});
    out.push(div.querySelector(".svg-container").outerHTML);
    div.remove();
  }}
  document.getElementById("out").textContent = JSON.stringify(out);
}})();
</script></body></html>"""


class ChartsError(RuntimeError):
    """Chromium is on this machine but did not draw the pack's charts (a bug to see)."""


@functools.lru_cache(maxsize=16)
def svg_charts(specs: tuple[str, ...], timeout: float = 120) -> tuple[str, ...]:
    """Each figure (Plotly JSON) drawn by the plotly.js of the Python package in headless
    Chromium, as the markup of its drawing (SVG layers, no script): what the pack's
    HTML carries. Kept for the same figures (a week's pack asked for again)."""
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    page = _SVG_PAGE.format(plotly=source.as_uri(), specs="[" + ",".join(specs) + "]")
    with tempfile.TemporaryDirectory(prefix="coopdash-charts-") as tmp:
        src = Path(tmp) / "charts.html"
        src.write_text(page, encoding="utf-8")
        done = _run_chromium(tmp, ["--dump-dom", src.as_uri()], timeout)
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout.decode("utf-8"), re.S)
    drawn = json.loads(html.unescape(found.group(1))) if found and found.group(1) else []
    if len(drawn) != len(specs):
        raise ChartsError(f"Chromium drew {len(drawn)} of {len(specs)} charts: "
                                  f"{done.stderr.decode(errors='replace')[-500:]}")
    return tuple(drawn)


# --- the sections ---------------------------------------------------------------------------

def _delta_help(f, lang: str) -> str:
    return t("weekly.delta_help", lang, value=fmt_int(f.previous, lang),
             now=fmt_int(f.value, lang))


def _figures_html(review: weekly.Review, lang: str) -> str:
    cards = []
    for f in review.figures.itertuples(index=False):
        delta = int(f.delta)
        css = "up" if delta > 0 else "down" if delta < 0 else "same"
        sign = "+" if delta > 0 else ""
        label = weekly.heading(f"fig.{f.key}", lang)
        cards.append(
            f'<div class="figure" data-key="{esc(f.key)}" data-value="{int(f.value)}" '
            f'data-delta="{delta}"><div class="label">{esc(label)}'
            f'</div><div class="value">{esc(fmt_int(f.value, lang))}</div>'
            f'<div class="delta {css}">{sign}{esc(fmt_int(delta, lang))} · '
            f'{esc(_delta_help(f, lang))}'
            f"</div></div>")
    return f'<div class="figures">{"".join(cards)}</div>'


def _intro(review: weekly.Review, lang: str) -> str:
    return t("weekly.intro", lang, week=review.week.describe(lang), ref=fmt_date(review.ref, lang))


def section_cover(review: weekly.Review, filters: Filters, lang: str, made: dt.datetime,
                  chart) -> str:
    title = t("weekly.pack.title", lang, week=review.week.label)
    summary = review.summary
    return (
        f'<section id="figures"><h1>{esc(title)}</h1>'
        f'<p class="meta">{esc(t("weekly.pack.subtitle", lang, made=fmt_datetime(made, lang)))}'
        f"<br>{esc(_intro(review, lang))}"
        f"<br>{esc(describe_filters(filters, lang))}</p>"
        f"<h2>{esc(t('weekly.figures', lang))}</h2>{_figures_html(review, lang)}"
        f'<div class="charts">{chart(weekly_charts.changes_chart(summary, lang))}'
        f"{chart(_actions_chart(review, lang))}</div></section>")


def _actions_chart(review: weekly.Review, lang: str) -> go.Figure:
    return weekly_charts.actions_chart(review.actions, review.ref, review.week.end, lang)


def section_changes(review: weekly.Review, lang: str) -> str:
    out = [f'<section id="changes"><h2>{esc(t("weekly.changes", lang))}</h2>']
    if review.imports.empty:
        out.append(f'<p class="none">{esc(t("weekly.changes_none", lang))}</p></section>')
        return "".join(out)
    items = "".join(
        "<li>" + esc(t("weekly.by_table", lang, table=weekly.table_label(r.table_name, lang),
                       added=fmt_int(r.n_added, lang), changed=fmt_int(r.n_changed, lang),
                       removed=fmt_int(r.n_removed, lang))) + "</li>"
        for r in review.summary.itertuples(index=False))
    out.append(f'<ul class="summary">{items}</ul>')
    out.append(f"<h3>{esc(t('weekly.details', lang))}</h3>")
    lines = weekly.change_lines(review.changes.head(ROWS["changes"]), lang)
    out.append(table_html(lines.drop(columns=["when"]), lang, ROWS["changes"],
                          total=review.n_change_lines))
    out.append(f"<h3>{esc(t('weekly.imports', lang))}</h3>")
    out.append(table_html(weekly.import_lines(review.imports, lang), lang, ROWS["imports"]))
    out.append(f'<p class="more">{esc(t("weekly.changes_note", lang))} '
               f'{esc(t("meeting.changes.filters", lang))}</p></section>')
    return "".join(out)


def section_next(review: weekly.Review, lang: str) -> str:
    soon = review.upcoming["is_soon"].astype(bool)
    parts = [
        f'<section id="next"><h2>{esc(t("weekly.next", lang))}</h2>',
        f"<h3>{esc(weekly.heading('next_14', lang))}</h3>",
        table_html(weekly.upcoming_lines(review.upcoming[soon], lang), lang, ROWS["next"]),
        f"<h3>{esc(weekly.heading('next_30', lang))}</h3>",
        table_html(weekly.upcoming_lines(review.upcoming[~soon], lang), lang, ROWS["next"]),
        f'<p class="more">{esc(t("weekly.readiness_note", lang))}</p>',
        f"<h3>{esc(weekly.heading('expiring', lang))}</h3>",
        table_html(weekly.expiring_lines(review.expiring, lang), lang, ROWS["expiring"]),
        "</section>",
    ]
    return "".join(parts)


def section_decisions(review: weekly.Review, lang: str) -> str:
    n = ROWS["decisions"]
    parts = [
        f'<section id="decisions"><h2>{esc(t("weekly.decisions", lang))}</h2>',
        f"<h3>{esc(t('weekly.actions_due', lang))}</h3>",
        table_html(weekly.action_lines(review.actions_due, lang), lang, n),
        f"<h3>{esc(weekly.heading('stale', lang))}</h3>",
        table_html(weekly.stale_lines(review.stale, lang), lang, n),
        f"<h3>{esc(t('weekly.late', lang))}</h3>",
        table_html(weekly.late_lines(review.late, lang), lang, n),
        "</section>",
    ]
    return "".join(parts)


def _h3(key: str, lang: str, **kw) -> str:
    return f"<h3>{esc(t(key, lang, **kw))}</h3>"


def people_table_html(happened, lang: str) -> str:
    """Seats, confirmed and attended per side over the week's programs (the deck's
    chart data), with `data-*` figures a test can read back."""
    rows = []
    for r in happened.people().itertuples(index=False):
        seats = "" if r.seats is None or pd.isna(r.seats) else int(r.seats)
        rows.append(f'<tr data-side="{r.side}" data-seats="{seats}" '
                    f'data-confirmed="{int(r.confirmed)}" data-attended="{int(r.attended)}">'
                    f"<td>{esc(code_label('side', r.side, lang))}</td>"
                    f"<td>{esc(meeting_figs.people_text(r.seats, r.confirmed, r.attended, lang))}"
                    "</td></tr>")
    return f'<table class="people">{"".join(rows)}</table>'


def section_happened(review: weekly.Review, lang: str) -> str:
    h = review.happened
    out = [f'<section id="happened"><h2>{esc(t("meeting.happened", lang))}</h2>',
           f'<p class="more">{esc(t("meeting.happened_note", lang))}</p>']
    if h.n_events == 0:
        out.append(f'<p class="none">{esc(t("meeting.happened_none", lang))}</p></section>')
        return "".join(out)
    n = ROWS["happened"]
    if len(h.programs):
        out += [_h3("meeting.happened_programs", lang),
                table_html(meeting_figs.program_lines(h.programs, lang), lang, n, width=110),
                people_table_html(h, lang)]
    for key, frame, lines in (
            ("milestones", h.milestones, meeting_figs.milestone_lines),
            ("agreements", h.agreements, meeting_figs.agreement_lines),
            ("actions", h.actions, meeting_figs.happened_action_lines)):
        if len(frame):
            out += [_h3(f"meeting.happened_{key}", lang),
                    table_html(lines(frame, lang), lang, n, width=110)]
    out.append("</section>")
    return "".join(out)


def _runs_html(runs: Iterable[markup.Run]) -> str:
    out = []
    for r in runs:
        text = esc(r.text)
        text = f"<em>{text}</em>" if r.italic else text
        out.append(f"<strong>{text}</strong>" if r.bold else text)
    return "".join(out)


_LISTS = {"item": "ul", "number": "ol"}


def markup_html(text: str) -> str:
    """The minutes' Markdown shown styled (`coopdash.pack.markup`): headings, bold,
    italic and lists as HTML, every piece of text escaped (nothing runs)."""
    out, open_list = [], None
    for line in markup.lines(text):
        wanted = _LISTS.get(line.kind)
        if open_list and open_list != wanted:
            out.append(f"</{open_list}>")
            open_list = None
        if wanted and not open_list:
            out.append(f"<{wanted}>")
            open_list = wanted
        if wanted:
            out.append(f"<li>{_runs_html(line.runs)}</li>")
        elif line.kind == "heading":
            out.append(f'<p class="heading h{line.level}">{_runs_html(line.runs)}</p>')
        elif line.kind == "text":
            out.append(f"<p>{_runs_html(line.runs)}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)


def _minutes_html(notes: str, minutes: pd.DataFrame, lang: str) -> str:
    """The minutes, styled as the Weekly page shows them (`markup_html`)."""
    by = meeting_figs.recorded_text(minutes, lang)
    by = f'<p class="more">{esc(by)}</p>' if by else ""
    return f'<div class="minutes">{markup_html(notes)}</div>{by}'


def section_since(review: weekly.Review, lang: str) -> str:
    m = review.meeting
    if m.last_week is None:
        return (f'<section id="since"><h2>{esc(t("meeting.since", lang, week="—"))}</h2>'
                f'<p class="none">{esc(t("meeting.since_none", lang))}</p></section>')
    out = [f'<section id="since"><h2>{esc(t("meeting.since", lang, week=m.last_week))}</h2>',
           _h3("meeting.since_minutes", lang)]
    out.append(_minutes_html(m.last_notes, m.last_minutes, lang) if m.last_notes
               else f'<p class="none">{esc(t("meeting.minutes_none", lang))}</p>')
    if len(m.last_actions):
        states = meeting_figs.states_text(m.last_states(), lang)
        out += [_h3("meeting.since_actions", lang, states=states),
                table_html(meeting_figs.meeting_action_lines(m.last_actions, lang), lang,
                           ROWS["decisions"])]
    else:
        out.append(f'<p class="none">{esc(t("meeting.since_no_actions", lang))}</p>')
    out.append("</section>")
    return "".join(out)


def section_minutes(review: weekly.Review, lang: str) -> str:
    m = review.meeting
    out = [f'<section id="minutes"><h2>{esc(t("meeting.minutes", lang))} · '
           f"{esc(m.week)}</h2>"]
    out.append(_minutes_html(m.notes, m.minutes, lang) if m.notes
               else f'<p class="none">{esc(t("meeting.minutes_none", lang))}</p>')
    if len(m.created):
        out += [_h3("meeting.minutes_created", lang),
                table_html(meeting_figs.meeting_action_lines(m.created, lang), lang,
                           ROWS["decisions"])]
    out.append("</section>")
    return "".join(out)


def section_charts(review: weekly.Review, lang: str, chart) -> str:
    figs = [weekly_charts.readiness_chart(review.upcoming, lang),
            *review.extra.get("leadership_charts", [])]
    body = "".join(chart(f) for f in figs[:4])
    return (f'<section id="charts"><h2>{esc(t("weekly.charts", lang))}</h2>'
            f'<div class="charts">{body}</div></section>')


def render_html(review: weekly.Review, scope: Scope, lang: str,
                made: dt.datetime | None = None, svg: bool = True) -> str:
    """The whole pack of `review`, computed in `scope` (its filters are described on the
    cover), as one HTML document (A4 landscape), its charts as inline SVG (`svg` False:
    plotly.js inline once, for the PDF: Chromium draws while it prints)."""
    made = made or dt.datetime.now().replace(microsecond=0)
    chart = _Charts(svg)
    title = t("weekly.pack.title", lang, week=review.week.label)
    sections = [section_cover(review, scope.filters, lang, made, chart),
                section_since(review, lang), section_happened(review, lang),
                section_changes(review, lang), section_next(review, lang),
                section_decisions(review, lang), section_minutes(review, lang),
                section_charts(review, lang, chart)]
    return chart.finish(f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
                        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
                        f"<body>{''.join(sections)}</body></html>")


# --- building from a store ---------------------------------------------------------------------

LEADERSHIP_QUERIES = ("delegations_reciprocity", "delegations_by_kind", "funding_by_source")


def leadership_frames(run: weekly.Runner) -> dict[str, pd.DataFrame]:
    """The data of the key leadership charts (a query that fails fails the pack)."""
    return {name: run(name, {}) for name in LEADERSHIP_QUERIES}


def leadership_charts(frames: dict[str, pd.DataFrame], lang: str, currency: str
                      ) -> list[go.Figure]:
    """The key leadership charts from `coopdash.charts.leadership`: a chart that cannot
    be built is an error, never a section silently missing from the pack."""
    builders = {
        "delegations_reciprocity": lambda df: leadership.reciprocity_chart(df, lang),
        "delegations_by_kind": lambda df: leadership.delegation_sizes_chart(df, lang),
        "funding_by_source": lambda df: leadership.funding_mix_chart(df, lang, currency),
    }
    titles = {"delegations_reciprocity": "weekly.chart.reciprocity",
              "delegations_by_kind": "weekly.chart.sizes",
              "funding_by_source": "weekly.chart.funding"}
    figs = []
    for name, df in frames.items():
        fig = builders[name](df)
        fig.update_layout(title={"text": t(titles[name], lang), "font": {"size": 13}},
                          margin={"t": 60})
        figs.append(fig)
    return figs


def build_review(con: duckdb.DuckDBPyConnection, week: weekly.Week, scope: Scope,
                 lang: str) -> weekly.Review:
    """The review of `week` computed on `con` in `scope` (what the page shows for the same
    scope: `Context.scope` there, `Scope.of(settings)` on the command line and in the
    e-mail, whose right to names is the operator's, `COOPDASH_ROLE`)."""
    base = scope.params()

    def run(name: str, extra: dict[str, Any]) -> pd.DataFrame:
        return query.run(con, name, {**base, **extra})

    review = weekly.review(run, week, scope.today, lines=ROWS["changes"])
    frames = leadership_frames(run)
    review.extra["leadership_frames"] = frames
    review.extra["leadership_charts"] = leadership_charts(frames, lang, scope.currency)
    return review


def build_html(con: duckdb.DuckDBPyConnection, week: weekly.Week, scope: Scope,
               lang: str = "id") -> str:
    """The pack of `week` as HTML: what the command line writes and the page downloads."""
    return render_html(build_review(con, week, scope, lang), scope, lang)


# --- PDF ------------------------------------------------------------------------------------

def chromium() -> str | None:
    """The Chromium (or Chrome) on this machine: `COOPDASH_CHROMIUM`, else on PATH."""
    env = os.environ.get("COOPDASH_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_available() -> bool:
    return chromium() is not None


class PdfUnavailableError(RuntimeError):
    """No Chromium on this machine (or it failed): the HTML pack still is."""


# Chromium opens a Unix socket in $TMPDIR/org.chromium.Chromium.XXXXXX/ (a socket path
# holds 107 bytes at most): under a longer temp folder it cannot start at all
SOCKET_ROOM = 60


def _chromium_env() -> dict[str, str]:
    """The environment for Chromium: ours, with a temp folder short enough for its
    socket (the system's /tmp when the configured one is too long)."""
    env = dict(os.environ)
    if len(tempfile.gettempdir()) > SOCKET_ROOM:
        env["TMPDIR"] = "/tmp"
    return env


def _run_chromium(tmp: str, args: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Headless Chromium with a fresh profile in `tmp`, nothing from the network on its
    own, page time fast-forwarded up to 10 s (scripts and drawing finish)."""
    exe = chromium()
    if exe is None:
        raise PdfUnavailableError("no Chromium found")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={tmp}/profile", "--virtual-time-budget=10000", *args]
    return subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                          env=_chromium_env())


def html_to_pdf(html_text: str, timeout: float = 120) -> bytes:
    """Print the pack with headless Chromium (A4 landscape from the page's CSS)."""
    with tempfile.TemporaryDirectory(prefix="coopdash-pack-") as tmp:
        src, out = Path(tmp) / "pack.html", Path(tmp) / "pack.pdf"
        src.write_text(html_text, encoding="utf-8")
        done = _run_chromium(tmp, ["--no-pdf-header-footer",
                                   "--run-all-compositor-stages-before-draw",
                                   f"--print-to-pdf={out}", src.as_uri()], timeout)
        if not out.is_file() or out.stat().st_size == 0:
            raise PdfUnavailableError(f"Chromium made no PDF (exit {done.returncode}): "
                                 f"{done.stderr.decode(errors='replace')[-500:]}")
        return out.read_bytes()


FORMATS = ("html", "pdf", "pptx")
MIME = {"html": "text/html", "pdf": "application/pdf",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def make_pack(con: duckdb.DuckDBPyConnection, week: weekly.Week, fmt: str, scope: Scope,
              lang: str = "id") -> tuple[bytes, weekly.Review]:
    """The pack of `week` in `scope` as `html`, `pdf` or `pptx` bytes, and the review it
    shows (one computation for the file and, in the e-mail, its body's figures)."""
    review = build_review(con, week, scope, lang)
    if fmt == "pptx":
        from coopdash.pack import deck

        return deck.render(review, scope, lang), review
    if fmt == "pdf":  # one Chromium: it draws the charts while it prints
        return html_to_pdf(render_html(review, scope, lang, svg=False)), review
    return render_html(review, scope, lang).encode("utf-8"), review
