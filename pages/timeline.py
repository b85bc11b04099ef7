"""Agreement timeline: a Gantt of agreements from exploration to expiry coloured by stage,
milestones as markers, programs on the same time axis; agreements expiring soon and
explorations that have stalled."""

import streamlit as st

from coopdash.charts import leadership
from coopdash.figures import thresholds
from coopdash.i18n import fmt_int
from coopdash.web import cache, frame, layout, sidebar

ctx = frame.context()
st.title(ctx.t("lead.timeline.title"))
layout.demo_banner(ctx)


def _gantt(agreements) -> None:
    st.subheader(ctx.t("lead.timeline.gantt"))
    st.caption(ctx.t("lead.timeline.gantt_caption") + " " + ctx.t("lead.common.drill_hint"))
    if len(agreements) and agreements["n_total"].iloc[0] > len(agreements):
        st.caption(ctx.t("lead.timeline.showing", n=fmt_int(len(agreements), ctx.lang),
                         total=fmt_int(agreements["n_total"].iloc[0], ctx.lang)))
    milestones = cache.run("timeline_milestones", ctx,
                           agreement_ids=agreements["agreement_id"].tolist())
    if sel := layout.chart(leadership.agreement_timeline_chart, agreements, milestones,
                           cache.run("timeline_programs", ctx), ctx.lang, ctx.today,
                           key="tl_gantt"):
        partner_of = dict(zip(agreements["agreement_id"], agreements["partner_id"], strict=True))
        partners = sorted({partner_of[a] for a, *_ in sel if a in partner_of})
        if partners:
            sidebar.drill_to("agreements", partners=partners)
        else:  # a program bar: [kind]
            sidebar.drill_to("programs", kinds=sorted({k for k, *_ in sel}))
    with layout.lazy_expander(ctx.t("lead.timeline.milestones"), "tl_rows_ms") as is_open:
        if is_open:
            layout.table(ctx, milestones, {"occurred_on": "date", "kind": "milestone_kind",
                                           "title": "milestone", "agreement_title": "agreement"},
                         codes={"kind": "milestone_kind"}, dates=("occurred_on",))
    layout.rows_behind(ctx, "tl_rows", agreements,
                       {"title": "agreement", "partner_name": "partner", "stage": "stage",
                        "bar_from": "from", "ends_on": "ends_on"},
                       codes={"stage": "stage"}, dates=("bar_from", "ends_on"))


def _expiring(days: int) -> None:
    st.markdown(f"**{ctx.t('lead.timeline.expiring', days=days)}**")
    df = cache.run("agreements_expiring", ctx, ref=ctx.today, expiring_days=days)
    if df.empty:
        st.caption(ctx.t("lead.timeline.expiring_none", days=days))
        return
    layout.table(ctx, df, {"title": "agreement", "partner_name": "partner", "stage": "stage",
                           "ends_on": "ends_on", "days_left": "days_left"},
                 codes={"stage": "stage"}, dates=("ends_on",))


def _stalled() -> None:
    st.subheader(ctx.t("lead.timeline.stalled", days=thresholds.STALLED_DAYS))
    df = cache.run("agreements_stalled", ctx, ref=ctx.today, **thresholds.params())
    if df.empty:
        st.caption(ctx.t("lead.timeline.stalled_none"))
        return
    layout.table(ctx, df, {"title": "agreement", "partner_name": "partner", "stage": "stage",
                           "last_milestone_on": "last_milestone", "days_quiet": "days_quiet"},
                 codes={"stage": "stage"}, dates=("last_milestone_on",))


agreements = cache.run("timeline_agreements", ctx, limit=40)
if not layout.empty_state(ctx, agreements):
    _stalled()
    left, right = st.columns(2)
    with left:
        _expiring(thresholds.EXPIRING_DAYS)
    with right:
        _expiring(thresholds.EXPIRING_LATER_DAYS)
    _gantt(agreements)
