"""Weekly review: what changed this ISO week, what is next, what needs a decision; the
follow-ups worked on in the meeting; the meeting pack to take away.

Widgets and layout only: the review comes from `coopdash.figures.weekly` (the same code the
meeting pack uses), edits go through the one importer. Every query goes through the
cached `ui.run` (keyed on the data version), so a rerun costs no SQL; the change list is
counted in SQL and only its first lines are fetched; the meeting pack and the whole change
list are built only when their button is pressed, then offered for download.
"""

import datetime as dt
import json
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from coopdash.contract import CODES
from coopdash.figures import weekly
from coopdash.i18n import fmt_date, fmt_int
from coopdash.meeting import pack
from coopdash.web import params, ui

ctx = ui.context()
lang = ctx.lang
st.title(ctx.t("weekly.title"))
ui.demo_banner(ctx)


def _run(name: str, extra: dict) -> pd.DataFrame:
    return ui.run(name, ctx, **extra)


# --- the week (in the URL as ?week=2026-W48) -----------------------------------------------

if "weekly_week" not in st.session_state:  # the link's week (read by coopdash.web.params)
    _url_week = ui.noted(params.week("week", st.query_params.get("week")))
    st.session_state["weekly_week"] = (weekly.Week(*_url_week) if _url_week
                                       else weekly.Week.of(ctx.today)).label
ui.link_notes(lang, "weekly")
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

# everything the review depends on: the data, the week, language, currency, filters, today
signature = json.dumps([ctx.data_version, week.label, lang, ctx.currency, ctx.params()],
                       default=str, sort_keys=True)


SHOWN = 300  # rows of a list on the page, and choices in a form's selectbox


def _choices(df: pd.DataFrame, key: str) -> dict[str, str]:
    return dict(zip(df[key], df["title"], strict=True))


def _shown(key: str, df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    head = df.head(SHOWN)
    return head.rename(columns=weekly.headers(key, df.columns, lang)), len(df)


@st.cache_data(max_entries=16, show_spinner=False)
def _page_data(db: str, sig: str) -> tuple[SimpleNamespace, dict]:
    """The review as the page shows it (readable tables cut at SHOWN rows) and the forms'
    choices, computed once per signature (a rerun only reads them back): the review's
    queries go through the cached `ui.run`; the pack recomputes the review from them."""
    del db, sig  # the cache key
    r = weekly.review(_run, week, ctx.today)
    soon = r.upcoming["is_soon"].astype(bool)
    links = _run("weekly_link_options", {"limit": SHOWN})
    open_actions = r.actions.sort_values(["due_on", "action_id"], na_position="last")
    choices = {
        "agreement": _choices(links[links["kind"] == "agreement"], "record_id"),
        "program": _choices(links[links["kind"] == "program"], "record_id"),
        "n_links": dict(zip(links["kind"], links["n_of_kind"], strict=True)),
        "actions": open_actions.head(SHOWN).reset_index(drop=True),
        "n_actions": len(open_actions),
    }
    tables = {
        "changes": weekly.change_lines(r.changes, lang),
        "imports": weekly.import_lines(r.imports, lang),
        "next_14": weekly.upcoming_lines(r.upcoming[soon], lang),
        "next_30": weekly.upcoming_lines(r.upcoming[~soon], lang),
        "expiring": weekly.expiring_lines(r.expiring, lang),
        "actions_due": weekly.action_lines(r.actions_due, lang),
        "stale": weekly.stale_lines(r.stale, lang),
        "late": weekly.late_lines(r.late, lang),
    }
    # what the page shows of the review: small, read back from the cache on every rerun
    view = SimpleNamespace(ref=r.ref, figures=r.figures, has_imports=not r.imports.empty,
                           summary=r.summary, n_change_lines=r.n_change_lines,
                           n_more_changes=r.n_more_changes,
                           tables={k: _shown(k, df) for k, df in tables.items()})
    return view, choices


review, choices = _page_data(str(ctx.settings.db_path), signature)
filters_text = pack.describe_filters(ctx.filters, lang)
st.caption(ctx.t("weekly.intro", week=week.describe(lang), ref=fmt_date(review.ref, lang))
           + " " + filters_text)


# --- the meeting pack (built only when asked for) ---------------------------------------------

# a pack built for another signature (data, week, language, filters) is stale

def _build_pack() -> None:
    with st.spinner(ctx.t("weekly.pack.building")):
        full = weekly.review(_run, week, ctx.today)  # the page's queries: cached
        full.extra["leadership_charts"] = pack.leadership_charts(
            pack.leadership_frames(_run), lang, ctx.currency)
        html_text = pack.render_html(full, ctx.filters, lang, today=ctx.today)
    st.session_state["wk_pack"] = {"sig": signature, "html": html_text.encode("utf-8")}


if top[1].button(ctx.t("weekly.pack.prepare"), key="wk_pack_prepare", icon=":material/build:"):
    _build_pack()
built = st.session_state.get("wk_pack")
if built and built["sig"] == signature:
    html_bytes = built["html"]
    top[1].download_button(ctx.t("weekly.pack.download_html"), data=html_bytes,
                           file_name=pack.file_name(week, lang, "html"), mime="text/html",
                           on_click="ignore", icon=":material/download:", key="wk_pack_html",
                           type="primary")
    if pack.pdf_available():  # printed by Chromium only when this button is clicked
        top[2].download_button(ctx.t("weekly.pack.download_pdf"),
                               data=lambda: pack.html_to_pdf(html_bytes.decode("utf-8")),
                               file_name=pack.file_name(week, lang, "pdf"),
                               mime="application/pdf", on_click="ignore",
                               icon=":material/picture_as_pdf:", key="wk_pack_pdf")
    else:
        top[2].caption(ctx.t("weekly.pack.no_pdf"))
elif built:
    top[2].caption(ctx.t("weekly.pack.stale"))

flash = st.session_state.pop("wk_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")


# --- headline figures --------------------------------------------------------------------------

st.subheader(ctx.t("weekly.figures"))
cols = [c for _ in range(2) for c in st.columns(3)]
for col, fig in zip(cols, review.figures.itertuples(index=False), strict=False):
    worse_when_up = fig.key in ("n_actions_open", "n_actions_overdue")
    col.metric(weekly.heading(f"fig.{fig.key}", lang), fmt_int(fig.value, lang),
               delta=int(fig.delta), delta_color="inverse" if worse_when_up else "normal",
               help=ctx.t("weekly.delta_help", value=fmt_int(fig.previous, lang),
                          now=fmt_int(fig.value, lang)),
               border=True)


def _table(key: str) -> None:
    """A readable table with headings from the catalogue, or 'None.'"""
    shown, total = review.tables[key]
    if shown.empty:
        st.caption(ctx.t("weekly.nothing"))
        return
    st.dataframe(shown, hide_index=True, width="stretch", key=f"wk_tbl_{key}")
    if total > len(shown) and key != "changes":  # the change list says its own total
        st.caption(ctx.t("weekly.more_shown", n=fmt_int(total - len(shown), lang)))


# --- what changed ------------------------------------------------------------------------------

def _build_change_list() -> None:
    old = st.session_state.get("wk_list")
    if old:
        Path(old["path"]).unlink(missing_ok=True)
    folder = Path(tempfile.gettempdir()) / "coopdash-exports"
    folder.mkdir(exist_ok=True)
    name = f"coopdash-changes-{week.label}.csv"
    path = folder / f"{abs(hash(signature)):x}-{name}"
    with st.spinner(ctx.t("weekly.list.building")):
        n = weekly.write_change_list(ui.connection(), week, ctx.params(), path)
    st.session_state["wk_list"] = {"sig": signature, "path": str(path), "name": name, "n": n}


def _change_list() -> None:
    """The whole change list as CSV: written when asked for, then offered for download."""
    if st.button(ctx.t("weekly.list.prepare"), key="wk_list_prepare",
                 icon=":material/build:"):
        _build_change_list()
    built = st.session_state.get("wk_list")
    if not built or built["sig"] != signature or not Path(built["path"]).exists():
        return
    path = built["path"]
    st.download_button(ctx.t("weekly.list.download", n=fmt_int(built["n"], lang)),
                       data=lambda: Path(path).read_bytes(), file_name=built["name"],
                       mime="text/csv", on_click="ignore", icon=":material/download:",
                       key="wk_list_download", type="primary")


st.subheader(ctx.t("weekly.changes"))
if not review.has_imports:
    st.info(ctx.t("weekly.changes_none"), icon=":material/history:")
else:
    summary = review.summary
    st.markdown("\n".join(
        "- " + ctx.t("weekly.by_table", table=weekly.table_label(r.table_name, lang),
                     added=fmt_int(r.n_added, lang), changed=fmt_int(r.n_changed, lang),
                     removed=fmt_int(r.n_removed, lang))
        for r in summary.itertuples(index=False)))
    st.caption(ctx.t("weekly.changes_note"))
    st.markdown("**" + ctx.t("weekly.details") + "**")
    _table("changes")
    if review.n_more_changes:
        st.caption(ctx.t("weekly.more_lines", n=fmt_int(review.n_more_changes, lang),
                         total=fmt_int(review.n_change_lines, lang)))
        _change_list()
    st.markdown("**" + ctx.t("weekly.imports") + "**")
    _table("imports")


# --- what is next ------------------------------------------------------------------------------

st.subheader(ctx.t("weekly.next"))
st.markdown("**" + weekly.heading("next_14", lang) + "**")
_table("next_14")
st.markdown("**" + weekly.heading("next_30", lang) + "**")
_table("next_30")
st.caption(ctx.t("weekly.readiness_note"))
st.markdown("**" + weekly.heading("expiring", lang) + "**")
_table("expiring")


# --- what needs a decision -----------------------------------------------------------------------

st.subheader(ctx.t("weekly.decisions"))
st.markdown("**" + ctx.t("weekly.actions_due") + "**")
_table("actions_due")
st.markdown("**" + weekly.heading("stale", lang) + "**")
_table("stale")
st.markdown("**" + ctx.t("weekly.late") + "**")
_table("late")


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
    agreements, programs = choices["agreement"], choices["program"]
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
        if max(choices["n_links"].values(), default=0) > SHOWN:
            st.caption(ctx.t("weekly.edit.some_links", n=fmt_int(SHOWN, lang)))
        if st.form_submit_button(ctx.t("weekly.edit.submit_add"), type="primary",
                                 key="wk_add_submit"):
            _save({"action_id": weekly.new_action_id(ctx.today), "title": title,
                   "owner": owner, "opened_on": ctx.today, "due_on": due, "status": "open",
                   "agreement_id": agreement, "program_id": program})


def _update_form() -> None:
    open_actions = choices["actions"]
    st.markdown("**" + ctx.t("weekly.edit.update") + "**")
    if choices["n_actions"] > len(open_actions):
        st.caption(ctx.t("weekly.edit.some_actions", n=fmt_int(len(open_actions), lang),
                         total=fmt_int(choices["n_actions"], lang)))
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
