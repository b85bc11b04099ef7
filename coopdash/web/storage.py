"""The store as the app reads and writes it: the one process-wide reader (created with
the first-run data if the store does not exist yet), read-only connections to the
version a run started on, and this session's writes."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from coopdash import settings as settings_mod
from coopdash import store
from coopdash.i18n import t
from coopdash.settings import Settings
from coopdash.web import context
from coopdash.web.context import Context
from coopdash.workbook import bootstrap

_LOG = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _reader(db_path: str, first_run: str, threads: int) -> store.Reader:
    bootstrap.ensure(Path(db_path), first_run)
    return store.Reader(db_path, threads=threads)


def reader(settings: Settings | None = None) -> store.Reader:
    """The process-wide reader of the store (created with the first-run data if the store
    does not exist yet)."""
    s = settings or settings_mod.get()
    first = st.spinner(t("app.first_run", s.lang)) if not s.db_path.exists() else nullcontext()
    with plain_store_errors(s), first:
        return _reader(db_path=str(s.db_path), first_run=s.first_run, threads=s.query_threads)


@contextmanager
def plain_store_errors(s: Settings) -> Iterator[None]:
    """The store held by a program outside coopdash (or by a writer for longer than we
    wait), or a WAL beside it that is not its own: a plain message in the reader's
    language and the run stops, instead of Streamlit's error page. The server's paths
    go to the server's log, never to the page. Off a page's run (the warm-up's thread)
    there is no page to tell and no run to stop: the error goes on to the caller (it was
    lost there, the connection coming back as None)."""
    try:
        yield
    except (store.StoreBusyError, store.StoreWalError, store.StoreUnreadableError) as exc:
        if get_script_run_ctx() is None:
            raise
        _say_and_stop(exc, st.session_state.get("lang", s.lang))


def _say_and_stop(exc: store.StoreError, lang: str) -> None:
    if isinstance(exc, store.StoreBusyError):
        _LOG.warning("store busy: %s", exc)
        st.error(t("store.web.busy", lang), icon=":material/lock:")
    elif isinstance(exc, store.StoreWalError):
        _LOG.error("store refused: %s", exc)
        st.error(t("store.web.wal", lang), icon=":material/error:")
    else:
        _LOG.error("store unreadable: %s", exc)
        st.error(t("store.web.unreadable", lang), icon=":material/error:")
    st.stop()


def connection(settings: Settings | None = None, version: int | None = None
               ) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the version of the store this run started on (the
    current one outside a run): a page drawn while a write lands finishes on the state it
    started from; its next run shows the new one. Queries run on cursors of it."""
    if version is None:
        ctx = st.session_state.get(context.KEY)
        version = ctx.data_version if ctx is not None else None
    with plain_store_errors(settings or settings_mod.get()):
        return reader(settings).connection(version)


def connection_ref(settings: Settings | None = None
                   ) -> Callable[[], duckdb.DuckDBPyConnection]:
    """The store connection for code that runs later, off the page's run (a download's
    build): a function that returns it, holding it by weak reference. A builder kept by
    the browser's download button then never keeps a connection open that the app has
    dropped (its cache cleared, the store replaced); it fails loudly instead."""
    ref = weakref.ref(connection(settings))

    def current() -> duckdb.DuckDBPyConnection:
        con = ref()
        if con is None:
            raise store.StoreError("the app's store connection was closed; reload the page")
        return con

    return current


def data_version(settings: Settings | None = None) -> int:
    """The current version of the store: one `stat` of the store file."""
    with plain_store_errors(settings or settings_mod.get()):
        return reader(settings).version()


@contextmanager
def writing(ctx: Context, what: str, **kw: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    """`with storage.writing(ctx, "edit") as con:` one write by this session's user,
    published whole when the block ends (every cached result is keyed by the content it
    read, in the version a run started on, so the next run reads the new version: nothing
    to drop); if another
    writer holds the store longer than we wait, the page says who and stops."""
    try:
        with store.writing(ctx.settings.db_path, actor=ctx.person.actor, what=what,
                           **kw) as con:
            yield con
    except store.WriterBusyError as exc:
        st.error(exc.message(ctx.lang), icon=":material/lock:")
        st.stop()
    except store.StoreFullError as exc:  # nothing was changed; say so, not a traceback
        st.error(exc.message(ctx.lang), icon=":material/error:")
        st.stop()
