"""The frame every page is drawn in: once per run, the person is checked (sign-in), the
shared sidebar drawn and the page context built (`build_context`, by dashboard.py);
pages read it with `context()`."""

from __future__ import annotations

import streamlit as st

from coopdash import settings as settings_mod
from coopdash.web import auth, legacy_pages, params, sidebar, storage, warmup
from coopdash.web import context as context_mod
from coopdash.web.context import Context


def build_context() -> Context:
    """Called once per run by dashboard.py; pages read it with `context()`."""
    legacy_pages.leave_legacy_mode()  # before any widget: see there
    settings = settings_mod.get()
    version = storage.data_version(settings)
    warmup.watch(str(settings.db_path), storage.reader(settings))
    # the role is read from the version this run starts on, never from the one the
    # previous run started on (kept in the session): a role changed by an administrator
    # counts from the person's next click, not the one after
    person = auth.gate(settings, storage.connection(settings, version))  # no access: stops
    flt = sidebar.sidebar(settings, version)
    ctx = Context(settings, st.session_state["lang"], st.session_state["currency"], flt,
                  version, settings.today(), person)
    st.session_state["_link_notes_shown"] = set()  # a new run: show the notes again
    for key in st.query_params:  # `?kind=a&kind=b`: the last is used, not in silence
        if (twice := params.repeated(key, st.query_params.get_all(key))) is not None:
            sidebar.note(twice)
    sidebar.link_notes(ctx.lang)
    st.session_state[context_mod.KEY] = ctx
    return ctx


def context() -> Context:
    """This run's page context (built by the frame; by the page itself when a page runs
    on its own, in tests)."""
    legacy_pages.leave_legacy_mode()
    ctx = st.session_state.get(context_mod.KEY)
    if ctx is None:  # a page run on its own (tests): build the frame's context
        ctx = build_context()
    return ctx
