"""Overview (opened first): the headline figures with their change, and the three charts
that summarise delegations, funding and the agreements' timeline."""

import datetime as dt

import streamlit as st

from coopdash.charts import leadership
from coopdash.figures import summary
from coopdash.i18n import fmt_date, fmt_int, fmt_money, fmt_percent
from coopdash.web import cache, frame, layout, sidebar

ctx = frame.context()
st.title(ctx.t("lead.overview.title"))
layout.demo_banner(ctx)


def _reference_date(choice: str) -> dt.date:
    if choice == "week":
        return ctx.today - dt.timedelta(days=7)
    try:
        return ctx.today.replace(year=ctx.today.year - 1)
    except ValueError:  # 29 February
        return ctx.today.replace(year=ctx.today.year - 1, day=28)


def _metric(col, label: str, key: str, caption: str, inverse: bool = False) -> None:
    col.metric(label, fmt_int(now[key], ctx.lang), border=True,
               **layout.delta(now[key] - before[key], ctx.lang, worse_when_up=inverse))
    col.caption(caption)


def _breakdown(by: dict, codelist: str) -> str:
    return " · ".join(f"{fmt_int(n, ctx.lang)} {ctx.label(codelist, c)}"
                      for c, n in sorted(by.items(), key=lambda kv: -kv[1])) or "–"


def _reciprocity_text() -> tuple[str, str]:
    value = f"{fmt_int(now['seats_in'], ctx.lang)} : {fmt_int(now['seats_out'], ctx.lang)}"
    if not now["seats_out"]:
        pct = ctx.t("lead.overview.reciprocity_none")
    else:
        pct = fmt_percent(now["seats_in"] / now["seats_out"], ctx.lang)
    ratio = value
    if now["seats_out"] and len(value) > 7:  # large numbers: the share fits the card
        value = pct
    return value, ctx.t("lead.overview.reciprocity_line", pct=pct, ratio=ratio,
                        people_in=fmt_int(now["people_in"], ctx.lang),
                        people_out=fmt_int(now["people_out"], ctx.lang))


def _funding_caption() -> str:
    parts = [f"{ctx.label('source', s)}: {fmt_int(n, ctx.lang)}"
             for s, (n, *_) in sorted(now["funding_by"].items(), key=lambda kv: -kv[1][0])]
    return " · ".join(parts) or "–"


def _since(key: str, msg: str) -> str:
    if now[key] is None:
        return ctx.t("lead.overview.actions_none")
    return ctx.t(msg, date=fmt_date(now[key], ctx.lang, long=True))


choice = st.segmented_control(
    ctx.t("lead.overview.compare"), ["year", "week"], default="year", key="ov_compare",
    format_func=lambda v: ctx.t(f"lead.overview.compare_{v}")) or "year"
ref = _reference_date(choice)
st.caption(ctx.t("lead.overview.since", date=fmt_date(ref, ctx.lang, long=True)))
headline = cache.run(summary.QUERY, ctx, as_of=ctx.today, before=ref)  # both dates at once
now = cache.view(summary.figures, headline, "now")  # what `summary --json` prints, too
before = cache.view(summary.figures, headline, "before")

if not any(now[k] for k in ("agreements", "programs", "funding_lines", "actions_open")):
    layout.empty_state(ctx)
    st.stop()

c1, c2, c3, c4 = st.columns(4)
_metric(c1, ctx.t("lead.overview.agreements"), "agreements", " · ".join(filter(None, [
    ctx.t("lead.overview.partners", n=fmt_int(now["partners"], ctx.lang)),
    _breakdown(now["agreements_by"], "stage"),
    now["explorations_since"] and _since("explorations_since", "lead.overview.explore_since"),
])))
_metric(c2, ctx.t("lead.overview.programs"), "programs",
        _breakdown(now["programs_by"], "program_status") + " · " + ctx.t(
            "lead.overview.programs_year", year=ctx.today.year,
            n=fmt_int(now["programs_year"], ctx.lang)))
_metric(c3, ctx.t("lead.overview.seats_out"), "seats_out", ctx.t(
    "lead.overview.people_line", people=fmt_int(now["people_out"], ctx.lang),
    attended=fmt_int(now["attended_out"], ctx.lang)))
_metric(c4, ctx.t("lead.overview.seats_in"), "seats_in", ctx.t(
    "lead.overview.people_line", people=fmt_int(now["people_in"], ctx.lang),
    attended=fmt_int(now["attended_in"], ctx.lang)))

c1, c2, c3, c4 = st.columns(4)
value, line = _reciprocity_text()
c1.metric(ctx.t("lead.overview.reciprocity"), value, border=True,
          help=ctx.t("lead.overview.reciprocity_help"))
c1.caption(line)
_metric(c2, ctx.t("lead.overview.funding"), "funding_lines", _funding_caption())
c3.metric(ctx.t("lead.overview.funding_amount", currency=ctx.currency),
          fmt_money(now["funding_amount"], ctx.currency, ctx.lang, compact=True), border=True)
c3.caption(ctx.t("lead.overview.funding_unconverted",
                 n=fmt_int(now["funding_unconverted"], ctx.lang),
                 m=fmt_int(now["funding_no_amount"], ctx.lang)))
_metric(c4, ctx.t("lead.overview.actions_open"), "actions_open",
        _since("actions_oldest", "lead.overview.actions_since") + " · "
        + ctx.t("lead.overview.actions_overdue") + ": "
        + fmt_int(now["actions_overdue"], ctx.lang), inverse=True)

st.caption(ctx.t("lead.common.drill_hint"))
left, right = st.columns(2)
with left:
    st.subheader(ctx.t("lead.overview.chart_reciprocity"))
    df = cache.run("delegations_reciprocity", ctx)
    if not layout.empty_state(ctx, df) and (
            sel := layout.chart(leadership.reciprocity_chart, df, ctx.lang, key="ov_recip")):
        sidebar.drill_to("delegations", sides=sorted(
            {"home" if d == "outbound" else "partner" for d, _ in sel}))
with right:
    st.subheader(ctx.t("lead.overview.chart_funding"))
    df = cache.run("funding_by_source", ctx)
    if not layout.empty_state(ctx, df) and (
            sel := layout.chart(leadership.funding_mix_chart, df, ctx.lang, ctx.currency,
                                key="ov_funding")):
        sidebar.drill_to("funding", sources=sorted({s for s, *_ in sel}))

st.subheader(ctx.t("lead.overview.chart_timeline"))
agreements = cache.run("timeline_agreements", ctx, limit=15)
if not layout.empty_state(ctx, agreements):
    milestones = cache.run("timeline_milestones", ctx,
                           agreement_ids=agreements["agreement_id"].tolist())
    if sel := layout.chart(leadership.agreement_timeline_chart, agreements, milestones, None,
                           ctx.lang, ctx.today, compact=True, key="ov_timeline"):
        partner_of = dict(zip(agreements["agreement_id"], agreements["partner_id"], strict=True))
        sidebar.drill_to("agreements", partners=sorted({partner_of[a] for a, *_ in sel}))
