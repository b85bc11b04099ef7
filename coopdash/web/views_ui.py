"""Saved views in the sidebar: save the address of what is shown under a name, reopen,
rename, share, delete (`coopdash.saved_views` does the work and the checks).

Opening a view is opening its URL: the session's state is dropped and the page runs
again from the view's address, as a fresh tab on that URL would (the sidebar seeds its
filters, language and currency from the URL on a session's first run, the explorer its
table, search and sort). The role is never part of it: it is decided on that run.

Who acts (`who`): with sign-in, the signed-in person (their e-mail; an admin changes any
shared view); without sign-in (one role for the whole server), the configured actor
(`COOPDASH_ACTOR`): every reader of that server shares its views, and the `viewer` role
(a wall screen, a read-only server) opens views but saves or changes none.
"""

from __future__ import annotations

import streamlit as st

from coopdash import saved_views as sv
from coopdash.settings import ROOT
from coopdash.web import context, layout, literal, storage

_OPEN_KEY = "views_open"
PAGES_DIR = ROOT / "pages"


def who(ctx: context.Context) -> sv.Who:
    """The person acting on views, from the run's person (`coopdash.web.auth`): signed in,
    their e-mail, and an admin (`manage`) changes any view; one role for everyone, the
    configured actor, who saves unless that role is `viewer`."""
    person = ctx.person
    if person.signed_in:
        return sv.Who(owner=person.actor, may_save=True, is_admin=person.can("manage"),
                      may_share=person.can("share"))
    return sv.Who(owner=person.actor, may_save=person.role != "viewer",
                  is_admin=False, may_share=person.can("share"))


def sidebar(ctx: context.Context, page_path: str) -> None:
    """The saved views section of the sidebar, for the page at `page_path`; built only
    while its expander is open."""
    with st.sidebar, layout.lazy_expander(ctx.t("views.title"), key=_OPEN_KEY) as is_open:
        if is_open:
            _section(ctx, who(ctx), page_path)


def _section(ctx: context.Context, person: sv.Who, page_path: str) -> None:
    con = storage.connection()
    views = sv.listed(con, person)
    _flash(ctx)
    if views:
        _pick(ctx, person, {v.view_id: v for v in views})
    else:
        st.caption(ctx.t("views.none"))
    if person.may_save:
        _save_form(ctx, person, page_path)
    else:
        st.caption(ctx.t("views.read_only"))


def _label(ctx: context.Context, view: sv.SavedView, person: sv.Who) -> str:
    if view.owner == person.owner:
        return view.name + (" · " + ctx.t("views.shared_mark") if view.is_shared else "")
    return ctx.t("views.by", name=view.name, owner=view.owner)


def _pick(ctx: context.Context, person: sv.Who, views: dict[int, sv.SavedView]) -> None:
    wanted = st.session_state.pop("_views_pick_next", None)
    if wanted in views:
        st.session_state["views_pick"] = wanted
    chosen = st.selectbox(ctx.t("views.pick"), list(views), key="views_pick",
                          format_func=lambda i: _label(ctx, views[i], person),
                          placeholder=ctx.t("common.choose"))
    view = views[chosen]
    if st.button(ctx.t("views.open"), key="views_open_button", type="primary",
                 icon=":material/bookmark:", width="stretch"):
        if not (PAGES_DIR / f"{view.page}.py").is_file():  # a page since removed
            st.error(ctx.t("views.error.page_gone", page=view.page), icon=":material/error:")
        else:
            reopen(view)
    if view.may_change(person):
        _manage(ctx, person, view)


def _manage(ctx: context.Context, person: sv.Who, view: sv.SavedView) -> None:
    new_name = st.text_input(ctx.t("views.new_name"), value=view.name,
                             key=f"views_rename_{view.view_id}", max_chars=sv.MAX_NAME)
    shared = st.checkbox(ctx.t("views.share"), value=view.is_shared,
                         key=f"views_share_{view.view_id}",
                         disabled=not (person.may_share or view.is_shared))
    # one under the other: side by side, the sidebar cuts their labels short
    if st.button(ctx.t("views.apply"), key="views_apply", width="stretch"):
        _act(ctx, "views.changed", lambda con: sv.change(con, person, view.view_id,
                                                         name=new_name, shared=shared))
    if st.button(ctx.t("views.delete"), key="views_delete", width="stretch",
                 icon=":material/delete:"):
        _act(ctx, "views.deleted", lambda con: sv.delete(con, person, view.view_id),
             name=literal.plain(view.name))


def _save_form(ctx: context.Context, person: sv.Who, page_path: str) -> None:
    with st.form("views_save_form", clear_on_submit=True, border=False):
        name = st.text_input(ctx.t("views.name"), key="views_name", max_chars=sv.MAX_NAME,
                             placeholder=ctx.t("views.name_hint"))
        shared = st.checkbox(ctx.t("views.share"), key="views_new_shared",
                             disabled=not person.may_share,
                             help=None if person.may_share else ctx.t("views.share_no"))
        if st.form_submit_button(ctx.t("views.save"), icon=":material/bookmark_add:",
                                 width="stretch"):
            params = st.query_params.to_dict()
            _act(ctx, "views.saved", lambda con: sv.save(con, person, name,
                                                         page_path, params, shared))


def _act(ctx: context.Context, done_key: str, action, **values) -> None:
    """Run a change (`action(con)`, one published write of the store); say it worked
    (after the rerun that lists it) or why it was refused (nothing written)."""
    try:
        with storage.writing(ctx, "view", file_name=done_key.removeprefix("views.")) as con:
            result = action(con)
    except sv.ViewError as exc:
        st.error(ctx.t(exc.key, **{k: literal.plain(v) for k, v in exc.values.items()}),
                 icon=":material/error:")
        return
    if isinstance(result, sv.SavedView):
        values = {"name": literal.plain(result.name), **values}
        # chosen in the list on the next run (the list is already drawn in this one)
        st.session_state["_views_pick_next"] = result.view_id
    st.session_state["_views_flash"] = (done_key, values)
    st.rerun()


def _flash(ctx: context.Context) -> None:
    done = st.session_state.pop("_views_flash", None)
    if done:
        st.success(ctx.t(done[0], **done[1]), icon=":material/check_circle:")


def reopen(view: sv.SavedView) -> None:
    """Open `view` as its URL would open in a fresh tab: drop the session's state (filters,
    explorer state, language) and run its page from its query parameters."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.switch_page(f"pages/{view.page}.py", query_params=view.params)
