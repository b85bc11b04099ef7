"""Weekly review: what changed this ISO week, what is next, what needs a decision; the
follow-ups worked on in the meeting; the meeting pack to take away.

Widgets and layout only: the review comes from `coopdash.figures.weekly` (the same code the
meeting pack uses), edits go through the one importer. Every query goes through the
cached `cache.run` (keyed by what it reads), so a rerun costs no SQL; the change list is
counted in SQL and only its first lines are fetched. The meeting pack and the whole change
list are downloads (`coopdash.web.download`): built only when their button is clicked.

Each function takes what it draws; `main()` at the bottom is the page.
"""

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from coopdash.contract import CODES
from coopdash.figures import meeting, weekly
from coopdash.i18n import fmt_date, fmt_int
from coopdash.pack import document as pack
from coopdash.web import auth, cache, context, frame, layout, literal, params, sidebar, storage
from coopdash.web.download import download
from coopdash.workbook import meeting_edits as saving
from coopdash.workbook.validate import ValidationFailed

SHOWN = 300  # rows of a list on the page, and choices in a form's selectbox
TABLE_LINES = {  # table key -> the review's frame and the function that makes it readable
    "changes": ("changes", weekly.change_lines),
    "imports": ("imports", weekly.import_lines),
    "expiring": ("expiring", weekly.expiring_lines),
    "actions_due": ("actions_due", weekly.action_lines),
    "stale": ("stale", weekly.stale_lines),
    "late": ("late", weekly.late_lines),
}


READS = (*weekly.QUERIES, "weekly_link_options")  # every query `page_data` runs


def runner(ctx: context.Context) -> weekly.Runner:
    """The review's query runner: the cached `cache.run` with the page's context."""
    return lambda name, extra: cache.run(name, ctx, **extra)


# --- the week (in the URL as ?week=2026-W48) -----------------------------------------------

def pick_week(ctx: context.Context, where) -> weekly.Week:
    """The week picker (seeded from the URL once), mirrored back into the URL."""
    if "weekly_week" not in st.session_state:  # the link's week (read by coopdash.web.params)
        url_week = sidebar.noted(params.week("week", st.query_params.get("week")))
        st.session_state["weekly_week"] = (weekly.Week(*url_week) if url_week
                                           else weekly.Week.of(ctx.today)).label
    sidebar.link_notes(ctx.lang, "weekly")
    chosen = weekly.Week.parse(st.session_state["weekly_week"], default=ctx.today)
    import_days = cache.run("weekly_import_days", ctx)["imported_on"]
    choices = [w.label for w in weekly.week_choices(ctx.today, import_days, chosen=chosen)]
    this_week = weekly.Week.of(ctx.today).label

    def week_label(label: str) -> str:
        text = weekly.Week.parse(label).describe(ctx.lang)
        return f"{text} · {ctx.t('weekly.this_week')}" if label == this_week else text

    sidebar.hold("weekly_week")
    label = where.selectbox(ctx.t("weekly.week"), choices, key="weekly_week",
                            format_func=week_label, placeholder=ctx.t("common.choose"))
    week = weekly.Week.parse(label, default=ctx.today)
    if st.query_params.get("week") != week.label:
        st.query_params["week"] = week.label
    return week


# --- the review as the page shows it (cached per signature) -------------------------------

def _choices(df: pd.DataFrame, key: str) -> dict[str, str]:
    return dict(zip(df[key], df["title"], strict=True))


def _shown(key: str, df: pd.DataFrame, lang: str, limit: int | None = SHOWN
           ) -> tuple[pd.DataFrame, int]:
    head = df if limit is None else df.head(limit)
    return head.rename(columns=weekly.headers(key, df.columns, lang)), len(df)


def _readable(lines: Callable[[pd.DataFrame, str], pd.DataFrame], df: pd.DataFrame,
              lang: str) -> pd.DataFrame:
    """`lines(df, lang)` once per content of `df`'s rows and language (`cache.view`: a
    frame from `cache.run` is known by what its query read), so a write that leaves a
    list's rows as they were does not format it again (at 1M participants the open
    follow-ups alone: about 12,000 rows)."""
    return cache.view(lines, df, lang, _record=False)  # the review's warm-up rebuilds it


def readable_tables(r: weekly.Review, lang: str, limit: int | None = SHOWN
                    ) -> dict[str, tuple[pd.DataFrame, int]]:
    """Each list of the review as a readable table cut at `limit` rows (None: whole),
    with its length."""
    soon = r.upcoming["is_soon"].astype(bool)
    tables = {key: _readable(lines, getattr(r, frame), lang)
              for key, (frame, lines) in TABLE_LINES.items()}
    tables["next_14"] = _readable(weekly.upcoming_lines, r.upcoming[soon], lang)
    tables["next_30"] = _readable(weekly.upcoming_lines, r.upcoming[~soon], lang)
    h, m = r.happened, r.meeting
    tables["happened_programs"] = _readable(meeting.program_lines, h.programs, lang)
    tables["happened_milestones"] = _readable(meeting.milestone_lines, h.milestones, lang)
    tables["happened_agreements"] = _readable(meeting.agreement_lines, h.agreements, lang)
    tables["happened_actions"] = _readable(meeting.happened_action_lines, h.actions, lang)
    tables["created"] = _readable(meeting.meeting_action_lines, m.created, lang)
    tables["last_actions"] = _readable(meeting.meeting_action_lines, m.last_actions, lang)
    tables["minutes_history"] = _readable(meeting.history_lines, m.history, lang)
    return {key: _shown(key, df, lang, limit) for key, df in tables.items()}


def whole_table(r: weekly.Review, key: str, lang: str) -> pd.DataFrame:
    """One list of the review whole and readable, with the page's headings (the CSV
    behind a table the page cuts at SHOWN rows)."""
    return readable_tables(r, lang, limit=None)[key][0]


def form_choices(run: weekly.Runner, r: weekly.Review) -> dict:
    """The forms' choices: agreements and programs to link, open follow-ups to update."""
    links = run("weekly_link_options", {"limit": SHOWN})
    open_actions = r.actions.sort_values(["due_on", "action_id"], na_position="last")
    return {
        "agreement": _choices(links[links["kind"] == "agreement"], "record_id"),
        "program": _choices(links[links["kind"] == "program"], "record_id"),
        "n_links": dict(zip(links["kind"], links["n_of_kind"], strict=True)),
        "actions": open_actions.head(SHOWN).reset_index(drop=True),
        "n_actions": len(open_actions),
    }


def page_data(ctx: context.Context, year: int, number: int) -> tuple[SimpleNamespace, dict]:
    """The review of week `year`-W`number` as the page shows it and the forms' choices,
    through `cache.computed`: computed once per content of what its queries read
    (`READS`), week, language and query scope (the role's right to names included), and
    again by the warm-up after a write; a rerun only reads them back. Every write changes
    the import log, which the review reads, so each write builds it again: from cached
    query results, and its lists formatted again only where their rows changed
    (`_readable`). One shared object, read-only: a copy per rerun (`cache_data`) cost
    0.24 s of the warm rerun at 1M participants."""
    run, lang = runner(ctx), ctx.lang
    r = weekly.review(run, weekly.Week(year, number), ctx.today)
    m = r.meeting
    view = SimpleNamespace(ref=r.ref, figures=r.figures, has_imports=not r.imports.empty,
                           summary=r.summary, n_change_lines=r.n_change_lines,
                           n_more_changes=r.n_more_changes, tables=readable_tables(r, lang),
                           n_happened=r.happened.n_events, people=r.happened.people(),
                           notes=m.notes, recorded=meeting.recorded_text(m.minutes, lang),
                           last_week=m.last_week, last_notes=m.last_notes,
                           last_recorded=meeting.recorded_text(m.last_minutes, lang),
                           last_states=m.last_states(), n_last_actions=len(m.last_actions))
    return view, form_choices(run, r)


# --- downloads (built when clicked) ---------------------------------------------------------

def pack_downloads(ctx: context.Context, week: weekly.Week, where: list) -> None:
    """The meeting pack as HTML and PDF, built from the store when a button is clicked."""
    con, scope, lang = storage.connection_ref(), ctx.scope, ctx.lang
    # the pack holds names only if this person's role sees them (scope.show_names)
    logged = {**scope.filters.to_query_params(), "week": week.label}

    def html() -> bytes:
        return pack.build_html(con(), week, scope, lang).encode("utf-8")

    download(ctx, "wk_pack_html", ctx.t("weekly.pack.download_html"), html,
             pack.file_name(week, lang, "html"), where=where[0],
             record=auth.recorder(ctx.person, con, table="weekly_pack", filters=logged,
                                  fmt="html", n_rows=None))
    download(ctx, "wk_pack_pdf", ctx.t("weekly.pack.download_pdf"),
             lambda: pack.make_pack(con(), week, "pdf", scope, lang)[0],
             pack.file_name(week, lang, "pdf"), where=where[1], primary=False,
             unavailable=None if pack.pdf_available() else ctx.t("weekly.pack.no_pdf"),
             record=auth.recorder(ctx.person, con, table="weekly_pack", filters=logged,
                                  fmt="pdf", n_rows=None))

    def pptx() -> bytes:
        return pack.make_pack(con(), week, "pptx", scope, lang)[0]

    download(ctx, "wk_pack_pptx", ctx.t("meeting.download_pptx"), pptx,
             pack.file_name(week, lang, "pptx"), where=where[2], primary=False,
             record=auth.recorder(ctx.person, con, table="weekly_pack", filters=logged,
                                  fmt="pptx", n_rows=None))


def whole_list_download(ctx: context.Context, week: weekly.Week, key: str, total: int) -> None:
    """The whole list behind a table cut at SHOWN rows, as CSV, built at the click (with
    the person's role, never the server's COOPDASH_ROLE)."""
    con, scope, lang = storage.connection_ref(), ctx.scope, ctx.lang

    def build() -> bytes:
        r = pack.build_review(con(), week, scope, lang)
        return meeting.table_csv(whole_table(r, key, lang))

    download(ctx, f"wk_whole_{key}", ctx.t("meeting.whole_list", n=fmt_int(total, lang)),
             build, f"coopdash-weekly-{week.label}-{key}.csv", primary=False,
             record=auth.recorder(ctx.person, con, table=f"weekly_{key}", fmt="csv",
                                  filters={**scope.filters.to_query_params(),
                                           "week": week.label}, n_rows=total))


def change_list_download(ctx: context.Context, week: weekly.Week, n_lines: int) -> None:
    """The week's whole change list as CSV, written when its button is clicked."""
    con, params, lang = storage.connection_ref(), ctx.params(), ctx.lang
    download(ctx, "wk_list_download",
             ctx.t("weekly.list.download", n=fmt_int(n_lines, ctx.lang)),
             lambda: weekly.change_list_csv(con(), week, params, lang),
             f"coopdash-changes-{week.label}.csv",
             record=auth.recorder(ctx.person, con, table="weekly_changes", fmt="csv",
                                  filters={**ctx.filters.to_query_params(),
                                           "week": week.label}, n_rows=n_lines))


# --- the sections ------------------------------------------------------------------------------

def headline(ctx: context.Context, figures: pd.DataFrame) -> None:
    st.subheader(ctx.t("weekly.figures"))
    cols = [c for _ in range(2) for c in st.columns(3)]
    for col, fig in zip(cols, figures.itertuples(index=False), strict=False):
        worse_when_up = fig.key in ("n_actions_open", "n_actions_overdue")
        col.metric(weekly.heading(f"fig.{fig.key}", ctx.lang), fmt_int(fig.value, ctx.lang),
                   **layout.delta(fig.delta, ctx.lang, worse_when_up),
                   help=ctx.t("weekly.delta_help", value=fmt_int(fig.previous, ctx.lang),
                              now=fmt_int(fig.value, ctx.lang)),
                   border=True)


def table(ctx: context.Context, view: SimpleNamespace, key: str, title: str | None = None,
          week: weekly.Week | None = None) -> None:
    """A readable table with headings from the catalogue, or 'None.' `title`: its
    heading (`weekly.heading`, thresholds written in). Cut at SHOWN rows, it says how many
    more there are and offers the whole list (CSV) when `week` is given."""
    if title:
        st.markdown("**" + weekly.heading(title, ctx.lang) + "**")
    shown, total = view.tables[key]
    if shown.empty:
        st.caption(ctx.t("weekly.nothing"))
        return
    st.dataframe(shown, hide_index=True, width="stretch", key=f"wk_tbl_{key}")
    if total > len(shown) and key != "changes":  # the change list says its own total
        st.caption(ctx.t("weekly.more_shown", n=fmt_int(total - len(shown), ctx.lang)))
        if week is not None:
            whole_list_download(ctx, week, key, total)


def changes(ctx: context.Context, view: SimpleNamespace, week: weekly.Week) -> None:
    st.subheader(ctx.t("weekly.changes"))
    if not view.has_imports:
        st.info(ctx.t("weekly.changes_none"), icon=":material/history:")
        return
    lang = ctx.lang
    st.markdown("\n".join(
        "- " + ctx.t("weekly.by_table", table=weekly.table_label(r.table_name, lang),
                     added=fmt_int(r.n_added, lang), changed=fmt_int(r.n_changed, lang),
                     removed=fmt_int(r.n_removed, lang))
        for r in view.summary.itertuples(index=False)))
    st.caption(ctx.t("weekly.changes_note") + " " + ctx.t("meeting.changes.filters"))
    table(ctx, view, "changes", "details")
    if view.n_more_changes:
        st.caption(ctx.t("weekly.more_lines", n=fmt_int(view.n_more_changes, lang),
                         total=fmt_int(view.n_change_lines, lang)))
        change_list_download(ctx, week, view.n_change_lines)
    table(ctx, view, "imports", "imports")


def next_and_decisions(ctx: context.Context, view: SimpleNamespace, week: weekly.Week) -> None:
    st.subheader(ctx.t("weekly.next"))
    table(ctx, view, "next_14", "next_14", week)
    table(ctx, view, "next_30", "next_30", week)
    st.caption(ctx.t("weekly.readiness_note"))
    table(ctx, view, "expiring", "expiring", week)
    st.subheader(ctx.t("weekly.decisions"))
    table(ctx, view, "actions_due", "actions_due", week)
    table(ctx, view, "stale", "stale", week)
    table(ctx, view, "late", "late", week)


# --- the meeting: since last meeting, what happened, minutes -------------------------------

def since_last_meeting(ctx: context.Context, view: SimpleNamespace) -> None:
    """At the top: the last meeting's minutes and where its follow-ups stand."""
    if view.last_week is None:
        st.caption(ctx.t("meeting.since_none"))
        return
    with st.container(border=True, key="wk_since"):
        st.markdown("**" + ctx.t("meeting.since", week=view.last_week) + "**")
        if view.last_notes:
            with st.expander(ctx.t("meeting.since_minutes"), expanded=True):
                st.markdown(view.last_notes)
                if view.last_recorded:
                    st.caption(view.last_recorded)
        else:
            st.caption(ctx.t("meeting.minutes_none"))
        if view.n_last_actions:
            states = meeting.states_text(view.last_states, ctx.lang)
            st.markdown(ctx.t("meeting.since_actions", states=states))
            table(ctx, view, "last_actions")
        else:
            st.caption(ctx.t("meeting.since_no_actions"))


def happened(ctx: context.Context, view: SimpleNamespace, week: weekly.Week) -> None:
    st.subheader(ctx.t("meeting.happened"))
    st.caption(ctx.t("meeting.happened_note"))
    if not view.n_happened:
        st.info(ctx.t("meeting.happened_none"), icon=":material/event_busy:")
        return
    for key in ("programs", "milestones", "agreements", "actions"):
        if len(view.tables[f"happened_{key}"][0]):
            st.markdown(f"**{ctx.t(f'meeting.happened_{key}')}**")
            table(ctx, view, f"happened_{key}", week=week)
            if key == "programs":
                people_table(ctx, view.people)


def people_table(ctx: context.Context, people: pd.DataFrame) -> None:
    """Seats planned, people confirmed and attended per side over the week's programs."""
    st.dataframe(pd.DataFrame({
        ctx.t("meeting.side"): [ctx.label("side", s) for s in people["side"]],
        ctx.t("meeting.seats"): [_n(ctx, v) for v in people["seats"]],
        ctx.t("meeting.confirmed"): [_n(ctx, v) for v in people["confirmed"]],
        ctx.t("meeting.attended"): [_n(ctx, v) for v in people["attended"]],
    }), hide_index=True, key="wk_people")


def _n(ctx: context.Context, value) -> str:
    return ctx.t("common.none") if value is None or pd.isna(value) else fmt_int(value, ctx.lang)


def minutes(ctx: context.Context, view: SimpleNamespace, week: weekly.Week) -> None:
    """This week's minutes: read by everyone, written by keepers (saved with history)."""
    st.subheader(f"{ctx.t('meeting.minutes')} · {week.label}")
    if ctx.can("write"):
        minutes_form(ctx, view, week)
    elif view.notes:
        st.markdown(view.notes)
    else:
        st.caption(ctx.t("meeting.minutes_none"))
    if view.recorded:
        st.caption(view.recorded)
    if len(view.tables["minutes_history"][0]):
        with st.expander(ctx.t("meeting.history",
                                n=fmt_int(view.tables["minutes_history"][1], ctx.lang))):
            table(ctx, view, "minutes_history")
    if len(view.tables["created"][0]):
        st.markdown("**" + ctx.t("meeting.minutes_created") + "**")
        table(ctx, view, "created")


def minutes_form(ctx: context.Context, view: SimpleNamespace, week: weekly.Week) -> None:
    with st.form(f"wk_minutes_{week.label}", border=True):
        notes = st.text_area(ctx.t("meeting.minutes_edit"), value=view.notes, height=260,
                             max_chars=100_000, key=f"wk_minutes_text_{week.label}",
                             help=ctx.t("meeting.minutes_help"))
        if st.form_submit_button(ctx.t("meeting.minutes_save"), type="primary",
                                 key=f"wk_minutes_save_{week.label}"):
            save_minutes(ctx, week, notes)
    if view.notes:
        with st.expander(ctx.t("meeting.minutes_preview")):
            st.markdown(view.notes)


def refused(ctx: context.Context, exc: ValidationFailed) -> None:
    """Why an edit was not saved: every located problem, as the validator words it."""
    st.error("\n".join([ctx.t("weekly.err.header"),
                        *("- " + issue.format(ctx.lang) for issue in exc.issues)]),
             icon=":material/error:")


def save_minutes(ctx: context.Context, week: weekly.Week, notes: str) -> None:
    """Through the importer (mode edit), one published write: validated, history keeps
    the earlier text, the signed-in person recorded."""
    auth.require(ctx.person, "write", ctx.lang)  # the role read on this very run
    try:
        with storage.writing(ctx, "minutes", file_name=saving.EDIT_FILE_NAME, mode="edit") as con:
            saving.save_minutes(con, week.label, notes, ctx.person.actor, ctx.today)
    except ValidationFailed as exc:
        refused(ctx, exc)
        return
    except saving.NothingChanged:  # nothing published
        st.info(ctx.t("weekly.edit.unchanged"), icon=":material/info:")
        return
    st.session_state["wk_flash"] = ctx.t("meeting.minutes_saved", week=week.label)
    st.rerun()


# --- follow-ups worked on in the meeting ----------------------------------------------

def save(ctx: context.Context, record: dict) -> None:
    """Write through the importer; on success rerun with a message, else show the errors."""
    auth.require(ctx.person, "write", ctx.lang)  # the role read on this very run
    try:
        with storage.writing(ctx, "edit", file_name=saving.EDIT_FILE_NAME, mode="edit") as con:
            saving.save_action(con, record, actor=ctx.person.actor)
    except ValidationFailed as exc:
        refused(ctx, exc)
        return
    except saving.NothingChanged:  # nothing published
        st.info(ctx.t("weekly.edit.unchanged"), icon=":material/info:")
        return
    st.session_state["wk_flash"] = ctx.t("weekly.edit.saved", title=literal.plain(record["title"]))
    st.rerun()


def _link_select(ctx: context.Context, what: str, options: dict[str, str]) -> str:
    none = ctx.t("weekly.edit.none")
    return st.selectbox(ctx.t(f"weekly.edit.{what}"), ["", *options], key=f"wk_add_{what}",
                        format_func=lambda v: options.get(v, none),
                        placeholder=ctx.t("common.choose"))


def add_form(ctx: context.Context, choices: dict, week: weekly.Week,
             on_save: Callable[[dict], None]) -> None:
    with st.form("wk_add", clear_on_submit=True, border=True):
        st.markdown("**" + ctx.t("weekly.edit.add") + "**")
        st.caption(ctx.t("meeting.linked_to_week", week=week.label))
        title = st.text_input(ctx.t("weekly.edit.action_title"), key="wk_add_title")
        owner = st.text_input(ctx.t("weekly.edit.owner"), key="wk_add_owner")
        due = st.date_input(ctx.t("weekly.edit.due_on"), value=None, key="wk_add_due",
                            format="YYYY-MM-DD")
        agreement = _link_select(ctx, "agreement", choices["agreement"])
        program = _link_select(ctx, "program", choices["program"])
        if max(choices["n_links"].values(), default=0) > SHOWN:
            st.caption(ctx.t("weekly.edit.some_links", n=fmt_int(SHOWN, ctx.lang)))
        if st.form_submit_button(ctx.t("weekly.edit.submit_add"), type="primary",
                                 key="wk_add_submit"):
            on_save({"action_id": saving.new_action_id(ctx.today), "title": title,
                     "owner": owner, "opened_on": ctx.today, "due_on": due, "status": "open",
                     "agreement_id": agreement, "program_id": program,
                     "meeting_week": week.label})


def _date(value) -> dt.date | None:
    return pd.Timestamp(value).date() if pd.notna(value) else None


def _update_fields(ctx: context.Context, aid: str, row: dict) -> dict:
    """The update form's fields for follow-up `aid`; the record as edited."""
    owner = st.text_input(ctx.t("weekly.edit.owner"), value=row["owner"],
                          key=f"wk_upd_owner_{aid}")
    due_on = st.date_input(ctx.t("weekly.edit.due_on"), value=_date(row["due_on"]),
                           key=f"wk_upd_due_{aid}", format="YYYY-MM-DD")
    status = st.radio(
        ctx.t("weekly.edit.status"), list(CODES["action_status"]), horizontal=True,
        key=f"wk_upd_status_{aid}", format_func=lambda v: ctx.label("action_status", v))
    closed_on = st.date_input(ctx.t("weekly.edit.closed_on"), value=ctx.today,
                              key=f"wk_upd_closed_{aid}", format="YYYY-MM-DD")
    return saving.closed({**row, "owner": owner, "due_on": due_on}, status or "open",
                         closed_on)


def update_form(ctx: context.Context, choices: dict, on_save: Callable[[dict], None]) -> None:
    open_actions = choices["actions"]
    st.markdown("**" + ctx.t("weekly.edit.update") + "**")
    if choices["n_actions"] > len(open_actions):
        st.caption(ctx.t("weekly.edit.some_actions", n=fmt_int(len(open_actions), ctx.lang),
                         total=fmt_int(choices["n_actions"], ctx.lang)))
    if open_actions.empty:
        st.caption(ctx.t("weekly.edit.no_open"))
        return
    titles = dict(zip(open_actions["action_id"], open_actions["title"], strict=True))
    aid = st.selectbox(ctx.t("weekly.edit.which"), list(titles), key="wk_upd_id",
                       format_func=lambda v: f"{titles[v]} ({v})",
                       placeholder=ctx.t("common.choose"))
    row = open_actions[open_actions["action_id"] == aid].iloc[0].to_dict()
    with st.form(f"wk_upd_{aid}", border=True):
        record = _update_fields(ctx, aid, row)
        if st.form_submit_button(ctx.t("weekly.edit.submit_update"), type="primary",
                                 key=f"wk_upd_submit_{aid}"):
            on_save(record)


def edits(ctx: context.Context, choices: dict, week: weekly.Week) -> None:
    st.subheader(ctx.t("weekly.edit.title"))
    if not ctx.can("write"):
        st.caption(ctx.t("weekly.edit.read_only"))
        return
    left, right = st.columns(2)
    with left:
        add_form(ctx, choices, week, lambda record: save(ctx, record))
    with right:
        update_form(ctx, choices, lambda record: save(ctx, record))


# --- the page ------------------------------------------------------------------------------------

def main() -> None:
    ctx = frame.context()
    st.title(ctx.t("weekly.title"))
    layout.demo_banner(ctx)
    top = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    week = pick_week(ctx, top[0])
    view, choices = cache.computed(page_data, ctx, week.year, week.number, _reads=READS)
    st.caption(ctx.t("weekly.intro", week=week.describe(ctx.lang),
                     ref=fmt_date(view.ref, ctx.lang))
               + " " + pack.describe_filters(ctx.filters, ctx.lang))
    pack_downloads(ctx, week, top[1:])
    flash = st.session_state.pop("wk_flash", None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    since_last_meeting(ctx, view)
    headline(ctx, view.figures)
    happened(ctx, view, week)
    changes(ctx, view, week)
    next_and_decisions(ctx, view, week)
    minutes(ctx, view, week)
    edits(ctx, choices, week)


main()
