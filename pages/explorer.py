"""Explorer: one tab per table, shared filters + search + the tab's own filters, sorted
and paged in SQL, with exports built from the very query behind the table.

The URL carries the tab (`tab`), search (`q`), sort (`sort`, `-col` descending), page
(`pg`) and the tab's own filters (short keys in coopdash.figures.explorer.TABS), so a link
reopens the same rows. Widgets only: the SQL lives in queries/explorer_*.sql and the
logic in coopdash.figures.explorer / coopdash.figures.exports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pandas as pd
import streamlit as st

from coopdash.figures import explorer as ex
from coopdash.figures import exports
from coopdash.web import auth, cache, context, editor, frame, layout, params, sidebar, storage
from coopdash.web.download import download

ctx = frame.context()
SHOW_NAMES = ctx.can("names")  # participants' names and ids
PAGE_KEYS = ("tab", "q", "pg", "sort", "size")
FILTER_URL_KEYS = tuple({f.url for tab in ex.TABS.values() for f in tab.filters})


# --- state: per-tab values kept outside widgets, so switching tabs keeps them ----------

def _defaults(tab: ex.Tab) -> dict:
    return {"q": "", "page": 1, "sort": tab.default_sort_for(SHOW_NAMES),
            "desc": tab.default_desc,
            "size": ex.DEFAULT_PAGE_SIZE, "filters": {f.param: [] for f in tab.filters}}


def _from_url(tab: ex.Tab, qp) -> dict:
    """The tab's state from the link, each value read by `coopdash.web.params` (a value
    that cannot be used is dropped with a note the page shows)."""
    state = _defaults(tab)
    state["q"] = sidebar.noted(params.text("q", qp.get("q")))
    sort = sidebar.noted(params.choice("sort", qp.get("sort"), [
        f"{d}{c}" for c in tab.sortable(SHOW_NAMES) for d in ("", "-")], ""))
    if sort:
        state["sort"], state["desc"] = sort.lstrip("-"), sort.startswith("-")
    state["page"] = sidebar.noted(params.integer("pg", qp.get("pg"), 1, 1, 10**9))
    state["size"] = sidebar.noted(params.integer("size", qp.get("size"), ex.DEFAULT_PAGE_SIZE,
                                                 min(ex.PAGE_SIZES), max(ex.PAGE_SIZES),
                                                 ex.PAGE_SIZES))
    for flt in tab.filters:
        state["filters"][flt.param] = list(sidebar.noted(params.codes(flt.url, qp.get(flt.url),
                                                                      flt.codes)))
    return state


def _seed() -> None:
    """First run of the explorer in this session: the URL decides (a drill-down from
    another page has already set the tab)."""
    if st.session_state.get("_ex_seeded"):
        return
    qp = st.query_params
    tab = st.session_state.get("explorer_tab") or sidebar.noted(
        params.choice("tab", qp.get("tab"), ex.TABS, ex.DEFAULT_TAB))
    st.session_state["explorer_tab"] = tab
    st.session_state["_ex_state"] = {tab: _from_url(ex.TABS[tab], qp)}
    st.session_state["_ex_loaded"] = None
    st.session_state["_ex_seeded"] = True


def _load_widgets(tab: ex.Tab) -> dict:
    """When the tab changes, put its saved values into the (shared) widget keys."""
    states = st.session_state.setdefault("_ex_state", {})
    state = states.setdefault(tab.name, _defaults(tab))
    if st.session_state.get("_ex_loaded") != tab.name:
        st.session_state["ex_q"] = state["q"]
        st.session_state["ex_sort"] = state["sort"]
        st.session_state["ex_desc"] = state["desc"]
        st.session_state["ex_size"] = state["size"]
        st.session_state["ex_page"] = state["page"]
        for flt in tab.filters:
            st.session_state[f"ex_f_{flt.param}"] = list(state["filters"].get(flt.param, []))
        st.session_state["_ex_loaded"] = tab.name
    return state


def _url_values(tab: ex.Tab, state: dict) -> dict[str, str]:
    """The link's keys for this state (defaults left out, so a plain link stays short)."""
    wanted = {"tab": tab.name}
    if state["q"]:
        wanted["q"] = state["q"]
    if (state["sort"], state["desc"]) != (tab.default_sort_for(SHOW_NAMES), tab.default_desc):
        wanted["sort"] = ("-" if state["desc"] else "") + state["sort"]
    if state["page"] > 1:
        wanted["pg"] = str(state["page"])
    if state["size"] != ex.DEFAULT_PAGE_SIZE:
        wanted["size"] = str(state["size"])
    for flt in tab.filters:
        if state["filters"].get(flt.param):
            wanted[flt.url] = ",".join(state["filters"][flt.param])
    return wanted


def _write_url(tab: ex.Tab, state: dict) -> None:
    wanted = _url_values(tab, state)
    for key in (*PAGE_KEYS, *FILTER_URL_KEYS):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


# --- the controls ----------------------------------------------------------------------

def _controls(tab: ex.Tab) -> None:
    sidebar.hold("ex_q", "ex_sort", "ex_desc", "ex_size",  # ex_page is re-set by main()
                 *(f"ex_f_{flt.param}" for flt in tab.filters))
    cols = st.columns([3, *([2] * len(tab.filters))])
    cols[0].text_input(ctx.t("explorer.search"), key="ex_q", help=ctx.t("explorer.search_help"),
                       placeholder=ctx.t("explorer.search_placeholder" if SHOW_NAMES
                                         else "explorer.search_placeholder_no_names"))
    for col, flt in zip(cols[1:], tab.filters, strict=True):
        col.multiselect(ctx.t(f"explorer.filter.{flt.param}"), list(flt.codes),
                        key=f"ex_f_{flt.param}", placeholder=ctx.t("explorer.any"),
                        format_func=lambda v, cl=flt.codelist: ex.code_label(cl, v, ctx.lang))
    heads = ex.headers(tab, SHOW_NAMES, ctx.lang, ctx.currency)
    allowed = tab.sortable(SHOW_NAMES)
    if st.session_state.get("ex_sort") not in allowed:
        st.session_state["ex_sort"] = tab.default_sort_for(SHOW_NAMES)
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    c1.selectbox(ctx.t("explorer.sort"), allowed, key="ex_sort",
                 format_func=lambda c: heads.get(c, c), placeholder=ctx.t("common.choose"))
    c2.toggle(ctx.t("explorer.descending"), key="ex_desc")
    c3.selectbox(ctx.t("explorer.page_size"), ex.PAGE_SIZES, key="ex_size",
                 placeholder=ctx.t("common.choose"))


def _read_controls(tab: ex.Tab, state: dict) -> None:
    state["q"] = (st.session_state.get("ex_q") or "").strip()
    state["sort"] = st.session_state.get("ex_sort") or tab.default_sort_for(SHOW_NAMES)
    state["desc"] = bool(st.session_state.get("ex_desc"))
    state["size"] = int(st.session_state.get("ex_size") or ex.DEFAULT_PAGE_SIZE)
    state["filters"] = {f.param: list(st.session_state.get(f"ex_f_{f.param}") or [])
                        for f in tab.filters}


def _signature(tab: ex.Tab, state: dict, params: dict) -> str:
    """What decides the rows (not the page): a change sends the reader back to page 1."""
    shown = {k: v for k, v in params.items() if not k.startswith(("label_", "province_"))}
    raw = json.dumps([tab.name, state["sort"], state["desc"], state["size"], ctx.lang,
                      ctx.currency, shown], default=str, sort_keys=True)
    return hashlib.sha1(raw.encode()).hexdigest()


def _params(scope: context.Context, tab: ex.Tab, q: str, filters: dict) -> dict:
    return scope.params(**ex.tab_params(tab, q, filters, scope.lang))


def count_rows(scope: context.Context, tab_name: str, q: str, filters: dict) -> int:
    """How many rows the tab holds for the search and filters (`cache.computed`, keyed
    by what the tab's query reads: it reads the store through that query alone)."""
    tab = ex.TABS[tab_name]
    return ex.count(storage.connection(scope.settings, scope.data_version), tab,
                    _params(scope, tab, q, filters))


def page_rows(scope: context.Context, tab_name: str, q: str, filters: dict, sort: str,
              desc: bool, page: int, size: int) -> pd.DataFrame:
    """One page of the tab's rows (`cache.computed`, keyed like `count_rows`)."""
    tab = ex.TABS[tab_name]
    return ex.fetch(storage.connection(scope.settings, scope.data_version), tab,
                    _params(scope, tab, q, filters), sort, desc, page, size)


def screen(tab_name: str, df: pd.DataFrame, lang: str, currency: str,
           show_names: bool) -> pd.DataFrame:
    """The page of rows as shown (`ex.for_screen`: every cell formatted by Babel), through
    `cache.view`: built once per page of rows, language and currency, not on every rerun
    (a quarter of a warm explorer run's CPU at 1M)."""
    return ex.for_screen(ex.TABS[tab_name], df, lang, currency, show_names)


# --- exports ---------------------------------------------------------------------------

FORMATS = ("csv", "xlsx", "parquet")


def _exports(tab: ex.Tab, state: dict, params: dict, n_rows: int) -> None:
    """The rows behind the table as CSV, Excel or Parquet, each built when clicked; for
    roles that may export only, and recorded in the access log when they hold names."""
    if not ctx.can("export"):  # a viewer: no file at all
        return
    st.subheader(ctx.t("explorer.export_title"))
    st.caption(ctx.t("explorer.export_note", n=ex.fmt_int(n_rows, ctx.lang)))
    spec = exports.TableExport(tab=tab, params=params, sort=state["sort"], desc=state["desc"],
                               lang=ctx.lang, currency=ctx.currency, filters=ctx.filters,
                               show_names=SHOW_NAMES)
    con = storage.connection_ref()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for col, fmt in zip(st.columns(len(FORMATS)), FORMATS, strict=True):
        download(ctx, f"ex_dl_{fmt}", ctx.t(f"explorer.download_{fmt}"),
                 lambda fmt=fmt: exports.to_bytes(con(), spec, fmt),
                 f"coopdash-{tab.name}-{stamp}.{fmt}", where=col, permission="export",
                 unavailable=_unavailable(fmt, n_rows), record=_record(tab, state, fmt, n_rows))


def _record(tab: ex.Tab, state: dict, fmt: str, n_rows: int):
    """The access-log line of an export of a tab with participants' names (else None)."""
    if not any(c.personal for c in tab.columns):
        return None
    filters = {**ctx.filters.to_query_params(), "q": state["q"],
               "sort": ("-" if state["desc"] else "") + state["sort"],
               **{k: v for k, v in state["filters"].items() if v}}
    return auth.recorder(ctx.person, storage.connection_ref(), table=tab.name, filters=filters,
                         fmt=fmt, n_rows=n_rows)


def _unavailable(fmt: str, n_rows: int) -> str | None:
    """Why `fmt` cannot hold these rows (none at all; past Excel's rows), or None."""
    if n_rows == 0:
        return ctx.t("explorer.no_rows")
    if fmt == "xlsx" and n_rows > exports.EXCEL_MAX_ROWS:
        return ctx.t("explorer.too_many_rows", max=ex.fmt_int(exports.EXCEL_MAX_ROWS, ctx.lang),
                     n=ex.fmt_int(n_rows, ctx.lang))
    return None


def _store_export() -> None:
    """Where the whole store is: the Data page (for roles that may export it)."""
    if ctx.can("export"):
        st.page_link("pages/data.py", label=ctx.t("explorer.store_link"),
                     icon=":material/database:")


# --- the page --------------------------------------------------------------------------

def main() -> None:
    st.title(ctx.t("nav.explorer"))
    layout.demo_banner(ctx)
    st.caption(ctx.t("explorer.intro"))
    _seed()
    sidebar.link_notes(ctx.lang, "explorer")
    st.segmented_control(ctx.t("explorer.table"), ex.TAB_NAMES, key="explorer_tab",
                         required=True, format_func=lambda v: ctx.t(f"explorer.tab.{v}"),
                         label_visibility="collapsed")
    tab = ex.TABS.get(st.session_state.get("explorer_tab")) or ex.TABS[ex.DEFAULT_TAB]
    state = _load_widgets(tab)
    _controls(tab)
    _read_controls(tab, state)
    if tab.name == "participants" and not SHOW_NAMES:
        st.info(ctx.t("explorer.names_hidden"), icon=":material/visibility_off:")
    params = _params(ctx, tab, state["q"], state["filters"])
    sig = _signature(tab, state, params)
    if state.get("sig") not in (None, sig):
        state["page"] = 1
        st.session_state["ex_page"] = 1
    state["sig"] = sig
    n_rows = cache.computed(count_rows, ctx, tab.name, state["q"], state["filters"],
                            _reads=(tab.query,))
    pages = ex.n_pages(n_rows, state["size"])
    asked = int(st.session_state.get("ex_page") or 1)
    st.session_state["ex_page"] = min(max(1, asked), pages)
    if asked > pages and st.query_params.get("pg") == str(asked):  # the link's page
        _page_beyond(asked, pages)
    _table(tab, state, n_rows, pages)
    _write_url(tab, state)
    _exports(tab, state, params, n_rows)
    _store_export()


def _page_beyond(asked: int, pages: int) -> None:
    """Say that the link's page number is past the table's last page (shown instead)."""
    sidebar.note(params.Note("pg", "page_beyond", str(asked), (("last", pages),)))
    sidebar.link_notes(ctx.lang, "explorer_pages")


def _table(tab: ex.Tab, state: dict, n_rows: int, pages: int) -> None:
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    c2.number_input(ctx.t("explorer.page"), min_value=1, max_value=pages, step=1,
                    key="ex_page")
    state["page"] = int(st.session_state["ex_page"])
    c1.markdown("**" + ctx.t("explorer.count", n=ex.fmt_int(n_rows, ctx.lang),
                             page=ex.fmt_int(state["page"], ctx.lang),
                             pages=ex.fmt_int(pages, ctx.lang)) + "**")
    if n_rows == 0:
        layout.empty_state(ctx, None)
        return
    df = cache.computed(page_rows, ctx, tab.name, state["q"], state["filters"], state["sort"],
                        state["desc"], state["page"], state["size"], _reads=(tab.query,))
    st.dataframe(cache.view(screen, tab.name, df, ctx.lang, ctx.currency, SHOW_NAMES),
                 width="stretch", hide_index=True, key="ex_table")
    editor.flash(ctx)
    editor.editor(ctx, tab.name, df)


main()
