"""Streamlit glue shared by every page: the store connection, the cached query runner,
the shared sidebar (filters, language, currency) and the page context.

Pages call `ctx = ui.context()` and then `ui.run(name, ctx, **extra)`; they hold no SQL
and touch no files. Caching sits here, at the one boundary: results are keyed by query,
parameters and the store's data version, so any write invalidates them.

What pages build from those results (Plotly figures, display tables, headline figures)
is cached here too, with `ui.view(builder, *args, **kw)` (and its shorthands `ui.chart`,
`ui.table`): the pure builder of `coopdash.charts.leadership` runs once per distinct input and the
object is shared by every later rerun and session. A frame from `ui.run` is keyed by
where it came from (query, parameters, data version), any other frame by its content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st
from babel import Locale

from coopdash import settings as settings_mod
from coopdash import store
from coopdash.access import Person
from coopdash.charts import leadership
from coopdash.contract import CODES
from coopdash.figures.filters import NONE, Filters
from coopdash.i18n import code_label, fmt_int, locale, t
from coopdash.settings import DISPLAY_CURRENCIES, LANGS, Settings
from coopdash.store import query
from coopdash.web import assets, auth, legacy_pages, literal, params, recipes
from coopdash.workbook import bootstrap, regions

_CTX_KEY = "_coopdash_ctx"
ICON = Path(__file__).resolve().parent / "icon.png"  # the page icon, served by the app


@dataclass(frozen=True)
class Context:
    """What every page needs for this run; built once per run by dashboard.py."""

    settings: Settings
    lang: str
    currency: str
    filters: Filters
    data_version: int
    today: dt.date
    person: Person  # who is using this session (coopdash.web.auth), checked every rerun

    def can(self, what: str) -> bool:
        """What this person's role allows (`coopdash.access`)."""
        return self.person.can(what)

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def label(self, codelist: str, code: str | None) -> str:
        return code_label(codelist, code, self.lang)

    def params(self, **extra: Any) -> dict[str, Any]:
        """Every common query parameter plus the page's own."""
        return {
            **self.filters.params(self.settings.home_country),
            "currency": self.currency,
            "today": self.today,
            "home": self.settings.home_country,
            "show_names": self.can("names"),
            **extra,
        }


# --- the store --------------------------------------------------------------------------

plain = literal.plain  # text people typed, shown literally in Markdown (`web.literal`)


@st.cache_resource(show_spinner=False)
def _reader(db_path: str, first_run: str) -> store.Reader:
    bootstrap.ensure(Path(db_path), first_run)
    reader = store.Reader(db_path)
    _start_warmer(db_path, reader)
    return reader


# --- the first visitor after a write does not pay for it -----------------------------------
#
# The queries sessions ran most recently (query, parameters) are remembered; a thread per
# server watches the store (one stat a second) and, when a new version is published, runs
# them on it into the cache before anyone asks, with the sidebar's choices in both
# languages, then builds the figures sessions drew from them (their recipes:
# `coopdash.web.recipes`). Sessions then find their default views computed and drawn.

_WARM_KEYS = 96
_recent: dict[tuple[str, str], None] = {}
_recent_views: dict[str, tuple[Callable[..., Any], tuple, dict]] = {}
_recent_lock = threading.Lock()


def _note(name: str, key: str) -> None:
    with _recent_lock:
        _recent.pop((name, key), None)
        _recent[(name, key)] = None
        while len(_recent) > _WARM_KEYS:
            del _recent[next(iter(_recent))]


def _start_warmer(db_path: str, reader: store.Reader) -> None:
    ref = weakref.ref(reader)
    thread = threading.Thread(target=_watch, args=(db_path, ref, reader.version()),
                              name="coopdash-warmer", daemon=True)
    thread.start()


def _watch(db_path: str, ref: weakref.ref, seen: int) -> None:
    """Until the reader is dropped (its cache cleared) or the store removed."""
    while (reader := ref()) is not None:
        try:
            version = reader.version()
        except store.StoreMissingError:
            return
        del reader
        if version != seen:
            seen = version
            warm(db_path, version)
        time.sleep(1.0)


def warm(db_path: str, version: int) -> int:
    """Run the remembered queries on `version` into the cache, then build the remembered
    views (figures, headline figures) from them; how many queries ran."""
    with _recent_lock:
        keys = list(_recent)
        views = list(_recent_views.values())
    for name, key in reversed(keys):  # the most recent first
        _cached(db_path, version, name, key)
    for lang in LANGS:
        _choices(db_path, version, lang)
    for build, args, kwargs in reversed(views):
        _warm_view(db_path, version, build, args, kwargs)
    return len(keys)


def _warm_view(db_path: str, version: int, build: Callable[..., Any], args: tuple,
               kwargs: dict) -> None:
    def fetch(ref: recipes.Ref) -> pd.DataFrame:
        df = _cached(db_path, version, ref.name, ref.key)
        _remember(df, (db_path, version, ref.name, ref.key))
        return df

    view(build, *recipes.resolve(args, fetch), _record=False, **recipes.resolve(kwargs, fetch))


def _note_view(build: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Remember how a view was built (its recipe: `coopdash.web.recipes`) for `warm`."""
    made = recipes.recipe(args, kwargs, _source_of)
    if made is None:
        return
    key = repr((build.__module__, build.__qualname__, made))
    with _recent_lock:
        _recent_views.pop(key, None)
        _recent_views[key] = (build, *made)
        while len(_recent_views) > _WARM_KEYS:
            del _recent_views[next(iter(_recent_views))]


def reader(settings: Settings | None = None) -> store.Reader:
    """The process-wide reader of the store (created with the first-run data if the store
    does not exist yet)."""
    s = settings or settings_mod.get()
    try:
        if not s.db_path.exists():
            with st.spinner(t("app.first_run", s.lang)):
                return _reader(str(s.db_path), s.first_run)
        return _reader(str(s.db_path), s.first_run)
    except store.StoreBusyError:
        st.error(t("store.cli.busy", s.lang, path=s.db_path), icon=":material/lock:")
        st.stop()
    except store.StoreWalError as exc:
        st.error(t("intake.store.wal_foreign", s.lang, path=exc.path, wal=exc.wal),
                 icon=":material/error:")
        st.stop()


def connection(settings: Settings | None = None, version: int | None = None
               ) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the version of the store this run started on (the
    current one outside a run): a page drawn while a write lands finishes on the state it
    started from; its next run shows the new one. Queries run on cursors of it."""
    if version is None:
        ctx = st.session_state.get(_CTX_KEY)
        version = ctx.data_version if ctx is not None else None
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
    return reader(settings).version()


def after_write() -> None:
    """Call after a write: nothing to drop, every cached result is keyed by the data
    version it was read from, and the next run reads the new version. (Kept so pages say
    where a write happened.)"""


@contextmanager
def writing(ctx: Context, what: str, **kw: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    """`with ui.writing(ctx, "edit") as con:` one write by this session's user, published
    whole when the block ends; if another writer holds the store longer than we wait, the
    page says who and stops."""
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    return value


def params_key(params: dict[str, Any]) -> str:
    """Query parameters as one text (dates kept): a cache key that `params_from_key`
    turns back into the parameters."""
    return json.dumps(params, default=_jsonable, sort_keys=True)


def params_from_key(key: str) -> dict[str, Any]:
    return _from_json(json.loads(key))


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "__date__" in value:
        return dt.date.fromisoformat(value["__date__"])
    if isinstance(value, dict):
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _cache_settings() -> tuple[int, int]:
    s = settings_mod.get()
    return s.cache_ttl, s.cache_entries


_TTL, _ENTRIES = _cache_settings()


@st.cache_data(ttl=_TTL, max_entries=_ENTRIES, show_spinner=False)
def _cached(db_path: str, version: int, name: str, params_json: str) -> pd.DataFrame:
    return query.run(connection(version=version), name, params_from_key(params_json))


def run(name: str, ctx: Context, **extra: Any) -> pd.DataFrame:
    """Run `queries/<name>.sql` with the page context's parameters (cached). Treat the
    frame as read-only: `ui.view` knows it by where it came from."""
    params = {k: v for k, v in ctx.params(**extra).items() if k in query.param_names(name)}
    key = params_key(params)
    db = str(ctx.settings.db_path)
    df = _cached(db, ctx.data_version, name, key)
    _remember(df, (db, ctx.data_version, name, key))
    _note(name, key)
    return df


# --- view models: what pages build from query results, cached -----------------------------

# id(frame) -> (weak reference to the frame, (db, data version, query, parameters)) for the
# frames `run` handed out; an entry goes when its frame does.
_sources: dict[int, tuple[weakref.ref, tuple]] = {}
_sources_lock = threading.RLock()


def _remember(df: pd.DataFrame, source: tuple) -> None:
    ident = id(df)

    def forget(ref: weakref.ref, ident: int = ident) -> None:
        with _sources_lock:
            if _sources.get(ident, (None,))[0] is ref:
                del _sources[ident]

    with _sources_lock:
        _sources[ident] = (weakref.ref(df, forget), source)


_PLAIN = (str, int, float, bool, type(None), dt.date)


def _source_of(df: pd.DataFrame) -> tuple | None:
    """(db, data version, query, parameters) of a frame `run` handed out, else None."""
    entry = _sources.get(id(df))
    return entry[1] if entry is not None and entry[0]() is df else None


def _key_text(value: Any) -> str:
    """A text that stands for `value` in a cache key: a frame from `run` by its source,
    another frame by its content, plain values (and tuples, lists, dicts of them) by their
    repr. Streamlit's own hasher walks nested values item by item, far slower."""
    if isinstance(value, pd.DataFrame):
        source = _source_of(value)
        if source is not None:
            return repr(("query", *source))
        content = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return repr(("frame", tuple(value.columns), tuple(map(str, value.dtypes)),
                     hashlib.blake2b(content, digest_size=16).hexdigest()))
    if isinstance(value, tuple | list):
        return type(value).__name__ + "(" + ",".join(_key_text(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ",".join(_key_text(k) + ":" + _key_text(v) for k, v in value.items()) + "}"
    if isinstance(value, _PLAIN):
        return repr(value)
    raise TypeError(f"ui.view: no cache key for a {type(value).__name__}")


@st.cache_resource(ttl=_TTL, max_entries=_ENTRIES, show_spinner=False)
def _view(name: str, key: str, _build: Callable[..., Any], _args: tuple, _kwargs: dict
          ) -> Any:
    del name, key  # the cache key only
    return _build(*_args, **_kwargs)


def view(build: Callable[..., Any], *args: Any, _record: bool = True, **kwargs: Any) -> Any:
    """`build(*args, **kwargs)`, cached per distinct input (see the module docstring).

    `build` must be pure (a `coopdash.charts.leadership` builder); its arguments frames and plain
    values. The object is shared: a figure goes to `st.plotly_chart` as it is (which only
    reads it); a frame or dict comes back as a shallow copy (pandas copy-on-write), so a
    page may change its copy freely.
    """
    text = _key_text(args) + _key_text(dict(sorted(kwargs.items())))
    key = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    out = _view(f"{build.__module__}.{build.__qualname__}", key, build, args, kwargs)
    if _record:  # for the warm-up after the next write (`warm`)
        _note_view(build, args, kwargs)
    if isinstance(out, pd.DataFrame | dict):
        return out.copy() if isinstance(out, dict) else out.copy(deep=False)
    return out


def chart(build: Callable[..., Any], *args: Any, key: str, **kwargs: Any) -> list[list[Any]]:
    """Draw the cached figure `build(*args, **kwargs)` as a selectable chart; returns the
    `customdata` of the points selected (empty when none)."""
    event = st.plotly_chart(view(build, *args, **kwargs), key=key, on_select="rerun",
                            selection_mode="points",
                            config=assets.chart_config(_CHART_CONFIG))
    return leadership.selected_values(event)


# no mode bar: one toolbar less to build per chart on every page change (the charts stay
# clickable; zoom and download are not offered, the rows behind each chart are)
_CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}


@contextmanager
def lazy_expander(label: str, key: str) -> Iterator[bool]:
    """An expander whose content is built only while it is open: yields whether it is.

    Opening or closing it reruns the page (`on_change="rerun"`), so a closed expander
    costs the browser nothing (a data grid is the heaviest element to mount on a page
    change). Its open state lives in `st.session_state[key]`."""
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


def table(ctx: Context, df: pd.DataFrame, columns: dict[str, str], **kwargs: Any) -> None:
    """Show `leadership.labelled_table(df, lang, columns, ...)` (cached) as a dataframe."""
    st.dataframe(view(leadership.labelled_table, df, ctx.lang, columns, **kwargs),
                 hide_index=True)


def rows_behind(ctx: Context, key: str, df: pd.DataFrame, columns: dict[str, str],
                **kwargs: Any) -> None:
    """The rows behind a chart in a lazy expander (`lazy_expander`): the table is built
    and drawn only once an analyst opens it."""
    with lazy_expander(ctx.t("lead.common.rows_behind"), key) as is_open:
        if is_open:
            table(ctx, df, columns, **kwargs)


# --- the sidebar and the context ---------------------------------------------------------

_WIDGETS = {  # widget key -> (Filters field, URL key)
    "flt_partners": ("partners", "partner"),
    "flt_countries": ("countries", "country"),
    "flt_kinds": ("kinds", "kind"),
    "flt_statuses": ("statuses", "status"),
    "flt_sources": ("sources", "source"),
    "flt_regions": ("regions", "region"),
    "flt_sides": ("sides", "side"),
}


def drill_to(tab: str, **filters: list[str] | tuple[str, ...]) -> None:
    """Open the explorer on `tab` with the shared filters narrowed (chart selections).

    `filters` uses the Filters field names (`kinds=["seminar"]`, `partners=[...]`). The
    sidebar widgets were already drawn in this run, so the change is applied at the start
    of the next run, before they are drawn again.
    """
    st.session_state["_pending_filters"] = {k: list(v) for k, v in filters.items()}
    st.session_state["explorer_tab"] = tab
    st.query_params["tab"] = tab
    st.switch_page("pages/explorer.py")


def _apply_pending() -> None:
    pending = st.session_state.pop("_pending_filters", None)
    if not pending:
        return
    by_field = {field: key for key, (field, _) in _WIDGETS.items()}
    for field, values in pending.items():
        if field in by_field:
            st.session_state[by_field[field]] = values


def _seed_from_url() -> None:
    """On a session's first run, the URL decides the filters, language and currency. Every
    value goes through `coopdash.web.params`; what cannot be used is noted (`link_notes`)."""
    _apply_pending()
    if st.session_state.get("_seeded"):
        return
    qp = st.query_params
    for key, (_field, url_key) in _WIDGETS.items():
        st.session_state[key] = list(noted(params.codes(url_key, qp.get(url_key))))
    for key, url_key in (("flt_from", "from"), ("flt_to", "to")):
        st.session_state[key] = noted(params.date(url_key, qp.get(url_key)))
    st.session_state["_url_period"] = (qp.get("from"), qp.get("to"))
    lang = noted(params.choice("lang", qp.get("lang"), LANGS, ""))
    if lang:
        st.session_state["lang"] = lang
    cur = noted(params.choice("cur", (qp.get("cur") or "").upper() or None,
                               DISPLAY_CURRENCIES, ""))
    if cur:
        st.session_state["currency"] = cur
    st.session_state["_seeded"] = True


def hold(*keys: str) -> None:
    """Re-assert these widgets' values through the Session State API before they are
    drawn, so that every run sends the browser the value the server uses.

    A widget whose value the server only remembers is drawn without it; if the browser
    has lost its copy meanwhile (a run cut short by the next click), it shows the
    widget's default and sends that back with the next click: the language fell back to
    Indonesian after a menu click under load. Only for widgets drawn without a default
    argument (Streamlit warns when a widget has both)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def noted(parsed: params.Parsed) -> Any:
    """The parsed value; its note (if any) kept to be shown by `link_notes`."""
    if parsed.note is not None:
        note(parsed.note)
    return parsed.value


def note(item: params.Note) -> None:
    """Keep a note about a link's value for `link_notes` (once per distinct note)."""
    notes = st.session_state.setdefault("_link_notes", [])
    if item not in notes:
        notes.append(item)


def link_notes(lang: str, where: str = "frame") -> None:
    """Say which parts of the link were not used, and why, until the reader dismisses
    them. Called by the frame (the sidebar's keys) and by a page after it read its own
    keys (`where` names the caller); each note is shown once per run."""
    shown = st.session_state.setdefault("_link_notes_shown", set())
    notes = [n for n in st.session_state.get("_link_notes", []) if n not in shown]
    if not notes:
        return
    shown.update(notes)
    with st.container(border=True, key=f"link_notes_{where}"):
        st.markdown(f"**{t('link.title', lang)}**")
        for item in notes:
            st.caption(":material/link_off: " + item.message(lang))
        st.button(t("link.dismiss", lang), key=f"link_notes_dismiss_{where}",
                  on_click=_dismiss_notes)


def _dismiss_notes() -> None:
    """The dismiss button's callback: runs before the next run draws anything."""
    st.session_state["_link_notes"] = []


_CODED = {"flt_kinds": "program_kind", "flt_statuses": "program_status",
          "flt_sources": "source", "flt_sides": "side"}  # widget key -> codelist


@st.cache_resource(ttl=_TTL, max_entries=16, show_spinner=False)
def _choices(db_path: str, version: int, lang: str
             ) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Widget key -> (options, option -> label) of every sidebar filter, and the program
    years under `years`: read from the store and labelled once per data version and
    language, not on every rerun."""
    settings = settings_mod.get()
    ctx0 = Context(settings, "en", "IDR", Filters(), version, settings.today(),
                   Person(role="viewer", actor="coopdash"))  # options hold no names
    opts = run("filter_options", ctx0)
    by_kind = {kind: rows for kind, rows in opts.groupby("kind", sort=False)}
    empty = opts.iloc[0:0]

    def listed(kind: str) -> list[str]:
        return by_kind.get(kind, empty)["value"].tolist()

    partners = by_kind.get("partner", empty)
    provinces = province_names()
    out = {
        "flt_partners": (listed("partner"), dict(zip(partners["value"], partners["label"],
                                                     strict=True))),
        "flt_countries": (listed("country"), {v: f"{country_name(v, lang)} ({v})"
                                              for v in listed("country")}),
        "flt_regions": (listed("province"), {v: f"{provinces.get(v, v)} ({v})"
                                             for v in listed("province")}),
        "years": (listed("year"), {}),
    }
    for key, codelist in _CODED.items():
        codes = list(CODES[codelist])
        out[key] = (codes, {c: code_label(codelist, c, lang) for c in codes})
    for key in ("flt_sources", "flt_regions"):  # fields that can be empty: say so, last
        options, labels = out[key]
        out[key] = ([*options, NONE], {**labels, NONE: t(f"filter.none.{_WIDGETS[key][1]}", lang)})
    return out


def _multiselect(key: str, label: str, choices: tuple[list[str], dict[str, str]],
                 lang: str) -> None:
    options, labels = choices
    # keep only still-existing values (a URL may name a partner that was removed): noted
    chosen = st.session_state.get(key, [])
    current = [v for v in chosen if v in labels]
    if len(current) < len(chosen):
        note(params.Note(_WIDGETS[key][1], "unknown_codes",
                         params.shown(", ".join(v for v in chosen if v not in labels))))
    st.session_state[key] = current
    st.multiselect(label, options, key=key, format_func=labels.__getitem__,
                   placeholder=t("common.all", lang),
                   help=t(f"filter.help.{_WIDGETS[key][1]}", lang))


def sidebar(settings: Settings, version: int) -> Filters:
    """Language, currency and the shared filters; returns the filter state."""
    _seed_from_url()
    st.session_state.setdefault("lang", settings.lang)
    st.session_state.setdefault("currency", settings.currency)
    hold("lang", "currency")
    with st.sidebar:
        lang = st.selectbox(t("app.language", st.session_state["lang"]), LANGS, key="lang",
                            format_func=lambda v: t(f"app.lang_{v}", v))
        st.selectbox(t("app.currency", lang), DISPLAY_CURRENCIES, key="currency")
        st.subheader(t("filter.title", lang))
        _filter_widgets(_choices(str(settings.db_path), version, lang), lang)
    flt = _filters_from_state()
    _write_url(flt, lang)
    return flt


def _filter_widgets(choices: dict[str, tuple[list[str], dict[str, str]]], lang: str) -> None:
    for key, label in (("flt_partners", "partner"), ("flt_countries", "country"),
                       ("flt_kinds", "kind"), ("flt_statuses", "status")):
        _multiselect(key, t(f"filter.{label}", lang), choices[key], lang)
    _period_widget(choices["years"][0], lang)
    for key, label in (("flt_sources", "source"), ("flt_regions", "region"),
                       ("flt_sides", "side")):
        _multiselect(key, t(f"filter.{label}", lang), choices[key], lang)
    if st.button(t("filter.reset", lang), key="flt_reset", width="stretch"):
        for key in (*_WIDGETS, "flt_from", "flt_to"):
            st.session_state.pop(key, None)
        st.session_state["_seeded"] = True
        st.query_params.clear()
        st.rerun()


def _period_widget(year_values: list[str], lang: str) -> None:
    years = sorted(int(y) for y in year_values) or [dt.date.today().year]
    lo, hi = years[0], years[-1]
    _check_url_period(lo, hi)
    cur_from, cur_to = st.session_state.get("flt_from"), st.session_state.get("flt_to")
    value = (cur_from.year if cur_from else lo, cur_to.year if cur_to else hi)
    value = (max(lo, min(value[0], hi)), max(lo, min(value[1], hi)))
    if lo == hi:
        return
    chosen = st.slider(t("filter.period", lang), lo, hi, value=value, key="flt_years",
                       help=t("filter.help.period", lang))
    full = chosen == (lo, hi)
    if not full:
        st.caption(t("filter.help.period", lang))
    st.session_state["flt_from"] = None if full else dt.date(chosen[0], 1, 1)
    st.session_state["flt_to"] = None if full else dt.date(chosen[1], 12, 31)


def _check_url_period(lo: int, hi: int) -> None:
    """Once, for the link's period: say how it is shown when the data's years (lo..hi) or
    the slider's whole years cannot show it as written."""
    raw = st.session_state.pop("_url_period", None)
    start, end = st.session_state.get("flt_from"), st.session_state.get("flt_to")
    if raw is None or (start is None and end is None):
        return
    value = params.shown(" – ".join(str(v) for v in raw if v))
    y0, y1 = (start.year if start else lo), (end.year if end else hi)
    reason, shown = None, None
    if y0 > y1:
        reason = "period_reversed"
    elif y0 > hi or y1 < lo:
        reason = "period_outside"
    elif y0 < lo or y1 > hi:
        reason, shown = "period_clamped", f"{max(y0, lo)}–{min(y1, hi)}"
    elif (start and (start.month, start.day) != (1, 1)) or (end and (end.month, end.day)
                                                            != (12, 31)):
        reason, shown = "period_years", f"{y0}–{y1}"
    if reason in ("period_reversed", "period_outside"):
        st.session_state["flt_from"] = st.session_state["flt_to"] = None
    if reason:
        note(params.Note("from/to", reason, value,
                         (("hi", hi), ("lo", lo), ("shown", shown or ""))))


def _filters_from_state() -> Filters:
    kw = {field: tuple(st.session_state.get(key) or ()) for key, (field, _) in _WIDGETS.items()}
    return Filters(date_from=st.session_state.get("flt_from"),
                   date_to=st.session_state.get("flt_to"), **kw)


def _write_url(flt: Filters, lang: str) -> None:
    """Mirror the filters, language and currency into the URL (page keys are kept)."""
    wanted = {**flt.to_query_params(), "lang": lang, "cur": st.session_state["currency"]}
    for key in (*flt.url_keys, "lang", "cur"):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def build_context() -> Context:
    """Called once per run by dashboard.py; pages read it with `context()`."""
    legacy_pages.leave_legacy_mode()  # before any widget: see there
    settings = settings_mod.get()
    version = data_version(settings)
    # the role is read from the version this run starts on, never from the one the
    # previous run started on (kept in the session): a role changed by an administrator
    # counts from the person's next click, not the one after
    person = auth.gate(settings, connection(settings, version))  # no access: stops here
    flt = sidebar(settings, version)
    ctx = Context(settings, st.session_state["lang"], st.session_state["currency"], flt,
                  version, settings.today(), person)
    st.session_state["_link_notes_shown"] = set()  # a new run: show the notes again
    link_notes(ctx.lang)
    st.session_state[_CTX_KEY] = ctx
    return ctx


def context() -> Context:
    legacy_pages.leave_legacy_mode()
    ctx = st.session_state.get(_CTX_KEY)
    if ctx is None:  # a page run on its own (tests): build the frame's context
        ctx = build_context()
    return ctx


# --- names of places ----------------------------------------------------------------------

def country_name(code: str | None, lang: str) -> str:
    """`JP` -> `Jepang` / `Japan` (Babel's territory names)."""
    if not code:
        return t("common.none", lang)
    return Locale.parse(locale(lang)).territories.get(code, code)


@st.cache_data(show_spinner=False)
def province_names() -> dict[str, str]:
    """Province code -> name, from the shipped reference list (data/reference)."""
    df = regions.provinces()
    return dict(zip(df["province_code"].astype(str), df["name"], strict=True))


def provinces() -> pd.DataFrame:
    """The provinces reference list (`coopdash.workbook.regions.provinces()`), known to `view` by
    name: it ships with the code and never changes while the server runs."""
    df = regions.provinces()
    _remember(df, ("reference", "provinces"))
    return df


# --- small shared pieces of page layout ---------------------------------------------------

def empty_state(ctx: Context, df: pd.DataFrame | None = None) -> bool:
    """Show the empty-state message if `df` has no rows; True when shown."""
    if df is not None and len(df):
        return False
    st.info(ctx.t("common.empty"), icon=":material/filter_alt_off:")
    return True


def demo_banner(ctx: Context) -> None:
    df = run("demo_records", ctx)
    n = int(df["n_demo"].iloc[0]) if len(df) else 0
    if n:
        st.caption(":material/science: " + ctx.t("common.demo_banner",
                                                 n=fmt_int(n, ctx.lang)))
