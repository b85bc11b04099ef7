"""Delegations: sizes (seats planned / confirmed / attended), reciprocity over time, home
participants by province, roles and positions; each chart with the rows behind it."""

import streamlit as st

from coopdash.charts import leadership
from coopdash.web import cache, frame, layout, places, sidebar

ctx = frame.context()
st.title(ctx.t("lead.deleg.title"))
layout.demo_banner(ctx)


def _rows(key: str, df, columns: dict, **kw) -> None:
    layout.rows_behind(ctx, key, df, columns, **kw)  # built only once opened


def _sizes() -> None:
    st.subheader(ctx.t("lead.deleg.sizes"))
    st.caption(ctx.t("lead.deleg.sizes_caption"))
    df = cache.run("delegations_by_kind", ctx)
    if layout.empty_state(ctx, df):
        return
    if sel := layout.chart(leadership.delegation_sizes_chart, df, ctx.lang, key="dl_sizes"):
        sidebar.drill_to("delegations", kinds=sorted({k for k, *_ in sel}))
    _rows("dl_rows_sizes", df, {
        "program_kind": "kind", "direction": "direction", "n_programs": "programs",
        "n_delegations": "delegations", "n_seats": "seats", "n_confirmed": "confirmed",
        "n_attended": "attended"},
          codes={"program_kind": "program_kind"}, directions=True)
    st.markdown(f"**{ctx.t('lead.deleg.programs')}**")
    top = cache.run("delegations_by_program", ctx, limit=25)
    layout.table(ctx, top, {"title": "program", "partner_name": "partner", "program_kind": "kind",
                            "side": "side", "n_seats": "seats", "n_confirmed": "confirmed",
                            "n_attended": "attended"},
                 codes={"program_kind": "program_kind", "side": "side"})


def _reciprocity() -> None:
    st.subheader(ctx.t("lead.deleg.reciprocity"))
    df = cache.run("delegations_reciprocity", ctx)
    if layout.empty_state(ctx, df):
        return
    measure = st.segmented_control(
        ctx.t("lead.common.measure"), ["n_seats", "n_people"], default="n_seats",
        key="dl_measure", format_func=lambda m: ctx.t(f"lead.deleg.measure_{m[2:]}"))
    if sel := layout.chart(leadership.reciprocity_chart, df, ctx.lang, measure or "n_seats",
                           key="dl_recip"):
        sidebar.drill_to("delegations", sides=sorted(
            {"home" if d == "outbound" else "partner" for d, *_ in sel}))
    _rows("dl_rows_recip", df, {"year": "year", "direction": "direction",
                                "n_delegations": "delegations", "n_seats": "seats",
                                "n_people": "people"}, directions=True)


def _provinces() -> None:
    st.subheader(ctx.t("lead.deleg.provinces"))
    df = cache.run("delegations_provinces", ctx)
    if df.empty:
        st.info(ctx.t("lead.deleg.provinces_none"), icon=":material/map:")
        return
    names = places.province_names()
    # only the open tab is drawn: the map (the heaviest chart to draw) waits for its tab
    bar, geo = st.tabs([ctx.t("lead.deleg.provinces"), ctx.t("lead.deleg.map")],
                       key="dl_prov_tab", on_change="rerun")
    sel = []
    if geo.open:
        with geo:
            sel = layout.chart(leadership.province_map_chart, df, places.provinces(), ctx.lang,
                               key="dl_map")
    else:
        with bar:
            sel = layout.chart(leadership.province_chart, df, names, ctx.lang, key="dl_prov")
    if sel:
        sidebar.drill_to("participants", regions=sorted({c for c, *_ in sel}))
    with layout.lazy_expander(ctx.t("lead.common.rows_behind"), "dl_rows_prov") as is_open:
        if is_open:
            st.dataframe(cache.view(leadership.province_table, df, names, ctx.lang),
                         hide_index=True)


def _roles() -> None:
    # roles and positions share one place; only the open tab is built and drawn
    roles, positions = st.tabs([ctx.t("lead.deleg.roles"), ctx.t("lead.deleg.positions")],
                               key="dl_people_tab", on_change="rerun")
    if positions.open:
        with positions:
            if not ctx.can("names"):  # a position names a person (one regency's head)
                st.info(ctx.t("access.positions_hidden"), icon=":material/lock:")
                return
            df = cache.run("delegations_positions", ctx, limit=15)
            if not layout.empty_state(ctx, df):
                if sel := layout.chart(leadership.positions_chart, df, ctx.lang,
                                       key="dl_positions"):
                    sidebar.drill_to("participants", sides=sorted({s for _, s in sel}))
                _rows("dl_rows_positions", df, {"position": "position", "side": "side",
                                                "n_people": "people"}, codes={"side": "side"})
        return
    with roles:
        df = cache.run("delegations_roles", ctx)
        if not layout.empty_state(ctx, df):
            if sel := layout.chart(leadership.roles_chart, df, ctx.lang, key="dl_roles"):
                sidebar.drill_to("participants", sides=sorted({s for _, s in sel}))
            # an ordinary expander: these rows are few, and built with the chart
            with st.expander(ctx.t("lead.common.rows_behind")):
                layout.table(ctx, df, {"role": "role", "side": "side", "n_people": "people",
                                       "n_attended": "attended"},
                             codes={"role": "role", "side": "side"})


st.caption(ctx.t("lead.common.drill_hint"))
_sizes()
_reciprocity()
_provinces()
_roles()
