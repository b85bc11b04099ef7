"""Funding: the source mix by lines and by amount, over time, by program kind and by
partner; amounts converted to the display currency with the rates shown, unconverted
amounts counted and shown apart (never as zero). Every figure comes from one query
(`queries/funding_page.sql`: the funding lines computed once), split by
`coopdash.figures.funding.part` (once per result: `cache.derived`)."""

import streamlit as st

from coopdash.charts import leadership
from coopdash.figures import funding
from coopdash.i18n import fmt_int
from coopdash.web import cache, frame, layout, sidebar

ctx = frame.context()
st.title(ctx.t("lead.funding.title"))
layout.demo_banner(ctx)

_LINES = {"n_lines": "lines", "n_unconverted": "unconverted", "amount_display": "amount"}


def _rows(key: str, df, columns: dict, **kw) -> None:
    layout.rows_behind(ctx, key, df, columns, money=ctx.currency, **kw)  # built once opened


def _mix(df) -> None:
    st.subheader(ctx.t("lead.funding.mix"))
    # the chart first: it is what the page is waited for; the table follows it
    if sel := layout.chart(leadership.funding_mix_chart, df, ctx.lang, ctx.currency, key="fu_mix"):
        sidebar.drill_to("funding", sources=sorted({s for s, *_ in sel}))
    layout.table(ctx, df, {"source": "source", "amount_display": "amount", "n_lines": "lines",
                           "n_converted": "converted", "n_unconverted": "unconverted",
                           "n_no_amount": "no_amount"},
                 codes={"source": "source"}, money=ctx.currency)
    st.caption(ctx.t("lead.funding.counted_note"))  # macro is_counted (_macros.sql)
    no_amount = int(df["n_no_amount"].sum())
    if no_amount:
        st.caption(ctx.t("lead.funding.no_amount_note", n=fmt_int(no_amount, ctx.lang)))


def _stack(title: str | None, figure: str, by: str, key: str, measure: str) -> None:
    if title:
        st.subheader(title)
    df = cache.derived(funding.part, page, figure)
    if layout.empty_state(ctx, df):
        return
    if sel := layout.chart(leadership.funding_stack_chart, df, ctx.lang, ctx.currency, by, measure,
                           key=key):
        field = {"year": None, "program_kind": "kinds", "partner_name": "partners"}[by]
        narrowed = {"sources": sorted({s for _, s in sel})}
        if field:
            narrowed[field] = sorted({c for c, _ in sel})
        sidebar.drill_to("funding", **narrowed)
    label = {"year": "year", "program_kind": "kind", "partner_name": "partner"}[by]
    _rows(f"{key}_rows", df, {by: label, "source": "source", **_LINES},
          codes={"source": "source", **({"program_kind": "program_kind"}
                                        if by == "program_kind" else {})})


def _rates() -> None:
    st.subheader(ctx.t("lead.funding.rates"))
    st.caption(ctx.t("lead.funding.converted_note", currency=ctx.currency))
    rates = cache.derived(funding.part, page, "rates")
    if rates.empty:
        st.caption(ctx.t("lead.funding.rates_none"))
    else:
        layout.table(ctx, rates, {"currency": "currency", "valid_from": "valid_from",
                                  "idr_per_unit": "rate", "source": "rate_source",
                                  "n_lines": "lines"}, dates=("valid_from",))


def _unconverted() -> None:
    st.subheader(ctx.t("lead.funding.unconverted"))
    df = cache.derived(funding.part, page, "unconverted")
    if df.empty:
        st.caption(ctx.t("lead.funding.unconverted_none"))
        return
    st.warning(ctx.t("lead.funding.unconverted_note",
                     n=fmt_int(int(df["n_lines"].sum()), ctx.lang)),
               icon=":material/currency_exchange:")
    layout.table(ctx, df, {"currency": "currency", "n_lines": "lines", "amount": "original_amount",
                           "first_on": "from", "last_on": "to"}, dates=("first_on", "last_on"))


# every figure of the page from one query: the funding lines are computed once
page = cache.run("funding_page", ctx, limit=funding.TOP_PARTNERS)
mix = cache.derived(funding.part, page, "source")
if not layout.empty_state(ctx, mix):
    st.caption(ctx.t("lead.common.drill_hint"))
    _mix(mix)
    measure = st.segmented_control(
        ctx.t("lead.common.measure"), ["amount_display", "n_lines"], default="amount_display",
        key="fu_measure", format_func=lambda m: ctx.t(
            "lead.common.by_amount" if m == "amount_display" else "lead.common.by_lines"),
    ) or "amount_display"
    _stack(ctx.t("lead.funding.over_time"), "year", "year", "fu_time", measure)
    # by kind and by partner share one place; only the open tab is built and drawn
    by_kind, by_partner = st.tabs(
        [ctx.t("lead.funding.by_kind"), ctx.t("lead.funding.by_partner")],
        key="fu_split_tab", on_change="rerun")
    if by_partner.open:
        with by_partner:
            _stack(None, "partner", "partner_name", "fu_partner", measure)
    else:
        with by_kind:
            _stack(None, "kind", "program_kind", "fu_kind", measure)
    left, right = st.columns(2)
    with left:
        _rates()
    with right:
        _unconverted()
