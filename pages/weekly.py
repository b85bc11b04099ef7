"""Weekly review: what changed this ISO week, what is next, what needs a decision; the
follow-ups worked on in the meeting; the meeting pack to take away.

Widgets and layout only: the review comes from `coopdash.weekly` (the same code the
meeting pack uses), edits go through the one importer.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from coopdash import pack, ui, weekly
from coopdash.contract import CODES
from coopdash.i18n import fmt_date, fmt_int

ctx = ui.context()
lang = ctx.lang
st.title(ctx.t("weekly.title"))
ui.demo_banner(ctx)


def _run(name: str, extra: dict) -> pd.DataFrame:
    return ui.run(name, ctx, **extra)


# --- the week (in the URL as ?week=2026-W48) -----------------------------------------------

if "weekly_week" not in st.session_state:
    st.session_state["weekly_week"] = weekly.Week.parse(
        st.query_params.get("week"), default=ctx.today).label
chosen = weekly.Week.parse(st.session_state["weekly_week"], default=ctx.today)
import_days = _run("weekly_import_days", {})["imported_on"]
choices = [w.label for w in weekly.week_choices(ctx.today, import_days, chosen=chosen)]
this_week = weekly.Week.of(ctx.today).label


def _week_label(label: str) -> str:
    text = weekly.Week.parse(label).describe(lang)
    return f"{text} · {ctx.t('weekly.this_week')}" if label == this_week else text


top = st.columns([2, 1, 1], vertical_alignment="bottom")
label = top[0].selectbox(ctx.t("weekly.week"), choices, key="weekly_week",
                         format_func=_week_label)
week = weekly.Week.parse(label, default=ctx.today)
if st.query_params.get("week") != week.label:
    st.query_params["week"] = week.label

review = weekly.review(_run, week, ctx.today)
filters_text = pack.describe_filters(ctx.filters, lang)
st.caption(ctx.t("weekly.intro", week=week.describe(lang), ref=fmt_date(review.ref, lang))
           + " " + filters_text)


# --- the meeting pack ------------------------------------------------------------------------

lead_frames = pack.leadership_frames(_run)


def _pack_html() -> str:
    review.extra["leadership_charts"] = pack.leadership_charts(lead_frames, lang, ctx.currency)
    return pack.render_html(review, ctx.filters, lang, today=ctx.today)


def _pack_pdf() -> bytes:
    return pack.html_to_pdf(_pack_html())


top[1].download_button(ctx.t("weekly.pack.download_html"), _pack_html,
                       file_name=pack.file_name(week, lang, "html"), mime="text/html",
                       on_click="ignore", icon=":material/download:", key="wk_pack_html")
if pack.pdf_available():
    top[2].download_button(ctx.t("weekly.pack.download_pdf"), _pack_pdf,
                           file_name=pack.file_name(week, lang, "pdf"),
                           mime="application/pdf", on_click="ignore",
                           icon=":material/picture_as_pdf:", key="wk_pack_pdf")
else:
    top[2].caption(ctx.t("weekly.pack.no_pdf"))

flash = st.session_state.pop("wk_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")


# --- headline figures --------------------------------------------------------------------------

st.subheader(ctx.t("weekly.figures"))
cols = [c for _ in range(2) for c in st.columns(3)]
for col, fig in zip(cols, review.figures.itertuples(index=False), strict=False):
    worse_when_up = fig.key in ("n_actions_open", "n_actions_overdue")
    col.metric(ctx.t(f"weekly.fig.{fig.key}"), fmt_int(fig.value, lang),
               delta=int(fig.delta), delta_color="inverse" if worse_when_up else "normal",
               help=ctx.t("weekly.delta_help", value=fmt_int(fig.previous, lang),
                          now=fmt_int(fig.value, lang)),
               border=True)


def _table(df: pd.DataFrame, key: str) -> None:
    """A readable table with headings from the catalogue, or 'None.'"""
    if df.empty:
        st.caption(ctx.t("weekly.nothing"))
        return
    st.dataframe(df.rename(columns=weekly.headers(key, df.columns, lang)), hide_index=True,
                 width="stretch", key=f"wk_tbl_{key}")


# --- what changed ------------------------------------------------------------------------------

st.subheader(ctx.t("weekly.changes"))
if review.imports.empty:
    st.info(ctx.t("weekly.changes_none"), icon=":material/history:")
else:
    summary = weekly.change_summary(review.changes)
    st.markdown("\n".join(
        "- " + ctx.t("weekly.by_table", table=weekly.table_label(r.table_name, lang),
                     added=fmt_int(r.n_added, lang), changed=fmt_int(r.n_changed, lang),
                     removed=fmt_int(r.n_removed, lang))
        for r in summary.itertuples(index=False)))
    st.caption(ctx.t("weekly.changes_note"))
    st.markdown("**" + ctx.t("weekly.details") + "**")
    _table(weekly.change_lines(weekly.ordered_changes(review.changes), lang), "changes")
    st.markdown("**" + ctx.t("weekly.imports") + "**")
    _table(weekly.import_lines(review.imports, lang), "imports")


# --- what is next ------------------------------------------------------------------------------

st.subheader(ctx.t("weekly.next"))
soon = review.upcoming[review.upcoming["is_within_14"].astype(bool)]
later = review.upcoming[~review.upcoming["is_within_14"].astype(bool)]
st.markdown("**" + ctx.t("weekly.next_14") + "**")
_table(weekly.upcoming_lines(soon, lang), "next_14")
st.markdown("**" + ctx.t("weekly.next_30") + "**")
_table(weekly.upcoming_lines(later, lang), "next_30")
st.caption(ctx.t("weekly.readiness_note"))
st.markdown("**" + ctx.t("weekly.expiring") + "**")
_table(weekly.expiring_lines(review.expiring, lang), "expiring")


# --- what needs a decision -----------------------------------------------------------------------

st.subheader(ctx.t("weekly.decisions"))
st.markdown("**" + ctx.t("weekly.actions_due") + "**")
_table(weekly.action_lines(review.actions_due, lang), "actions_due")
st.markdown("**" + ctx.t("weekly.stale") + "**")
_table(weekly.stale_lines(review.stale, lang), "stale")
st.markdown("**" + ctx.t("weekly.late") + "**")
_table(weekly.late_lines(review.late, lang), "late")


# --- follow-ups worked on in the meeting ----------------------------------------------

def _save(record: dict) -> None:
    """Write through the importer; on success rerun with a message, else show the errors."""
    try:
        weekly.save_action(ui.connection(), record, actor=ctx.settings.actor)
    except weekly.ValidationFailed as exc:
        st.error("\n".join([ctx.t("weekly.err.header"),
                            *("- " + line for line in weekly.error_lines(exc, lang))]),
                 icon=":material/error:")
        return
    ui.after_write()
    st.session_state["wk_flash"] = ctx.t("weekly.edit.saved", title=record["title"])
    st.rerun()


def _add_form() -> None:
    links = _run("weekly_link_options", {})
    by_kind = {k: dict(zip(g["record_id"], g["title"], strict=True))
               for k, g in links.groupby("kind")}
    agreements, programs = by_kind.get("agreement", {}), by_kind.get("program", {})
    none = ctx.t("weekly.edit.none")
    with st.form("wk_add", clear_on_submit=True, border=True):
        st.markdown("**" + ctx.t("weekly.edit.add") + "**")
        title = st.text_input(ctx.t("weekly.edit.action_title"), key="wk_add_title")
        owner = st.text_input(ctx.t("weekly.edit.owner"), key="wk_add_owner")
        due = st.date_input(ctx.t("weekly.edit.due_on"), value=None, key="wk_add_due",
                            format="YYYY-MM-DD")
        agreement = st.selectbox(ctx.t("weekly.edit.agreement"), ["", *agreements],
                                 key="wk_add_agreement",
                                 format_func=lambda v: agreements.get(v, none))
        program = st.selectbox(ctx.t("weekly.edit.program"), ["", *programs],
                               key="wk_add_program", format_func=lambda v: programs.get(v, none))
        if st.form_submit_button(ctx.t("weekly.edit.submit_add"), type="primary",
                                 key="wk_add_submit"):
            _save({"action_id": weekly.new_action_id(ctx.today), "title": title,
                   "owner": owner, "opened_on": ctx.today, "due_on": due, "status": "open",
                   "agreement_id": agreement, "program_id": program})


def _update_form() -> None:
    open_actions = review.actions
    st.markdown("**" + ctx.t("weekly.edit.update") + "**")
    if open_actions.empty:
        st.caption(ctx.t("weekly.edit.no_open"))
        return
    titles = dict(zip(open_actions["action_id"], open_actions["title"], strict=True))
    aid = st.selectbox(ctx.t("weekly.edit.which"), list(titles), key="wk_upd_id",
                       format_func=lambda v: f"{titles[v]} ({v})")
    row = open_actions[open_actions["action_id"] == aid].iloc[0].to_dict()
    due = row["due_on"] if pd.notna(row["due_on"]) else None
    with st.form(f"wk_upd_{aid}", border=True):
        owner = st.text_input(ctx.t("weekly.edit.owner"), value=row["owner"],
                              key=f"wk_upd_owner_{aid}")
        due_on = st.date_input(ctx.t("weekly.edit.due_on"), value=_date(due),
                               key=f"wk_upd_due_{aid}", format="YYYY-MM-DD")
        status = st.radio(
            ctx.t("weekly.edit.status"), list(CODES["action_status"]), horizontal=True,
            key=f"wk_upd_status_{aid}", format_func=lambda v: ctx.label("action_status", v))
        closed_on = st.date_input(ctx.t("weekly.edit.closed_on"), value=ctx.today,
                                  key=f"wk_upd_closed_{aid}", format="YYYY-MM-DD")
        if st.form_submit_button(ctx.t("weekly.edit.submit_update"), type="primary",
                                 key=f"wk_upd_submit_{aid}"):
            record = {**row, "owner": owner, "due_on": due_on}
            _save(weekly.closed(record, status or "open", closed_on))


def _date(value) -> dt.date | None:
    return pd.Timestamp(value).date() if value is not None else None


st.subheader(ctx.t("weekly.edit.title"))
if not ctx.settings.can("write"):
    st.caption(ctx.t("weekly.edit.read_only"))
else:
    left, right = st.columns(2)
    with left:
        _add_form()
    with right:
        _update_form()
