"""The one cache boundary of the app: query results, and what pages build from them.

`cache.run(name, ctx, **extra)` runs `queries/<name>.sql` with the page context's
parameters; results are keyed by query, parameters and the content of the tables the query
reads (`data_key`: each table's digest in the version the run started on,
`query.tables_read`), so a write invalidates only the results of the queries that read
what it changed: a follow-up written leaves the participants' aggregates as they were,
and an undo back to a state already shown finds its results computed. A run still reads
every result from the one version it started on (a key of that version's content).

What pages build from those results (Plotly figures, display tables, headline figures)
is cached here too, with `cache.view(builder, *args, **kw)`: the pure builder of
`coopdash.charts.leadership` runs once per distinct input and the object is shared by
every later rerun and session. A frame from `run` is keyed by where it came from (query,
parameters, what it read), any other frame by its content.

What a page computes from the store in a way of its own (the explorer's pages and counts,
the weekly review) goes through `cache.computed(build, ctx, *args)`: keyed by the
context's parameters and by the data version, or, when the call names the queries the
build reads (`_reads=`: the explorer's page and count read their tab's query alone, the
weekly review `weekly.QUERIES`), by
the content those queries read, like their results.

Every call a session makes is noted (the most recent `RECENT` of each kind, with how often
it was asked) until the next write: the warm-up after it (`coopdash.web.warmup`) takes the
notes and computes those calls again on the new version before anyone asks, the most asked
first; nothing asked only before an earlier write, and nothing the warm-up itself computed,
is warmed again, except what a warm-up overtaken by a newer write gave back (`give_back`).
Two runs (or a run and the warm-up) asking for the same missing key at once compute it
once: Streamlit's cache holds one lock per key while the value is computed, and the others
wait for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from coopdash import settings as settings_mod
from coopdash.store import query
from coopdash.web import profiling, recipes, storage
from coopdash.web.context import Context

RECENT = 96  # calls of each kind noted for the warm-up, between two writes


# --- query results -------------------------------------------------------------------------

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


TTL, ENTRIES = _cache_settings()


@st.cache_resource(ttl=TTL, max_entries=16, show_spinner=False)
def _digests(db_path: str, version: int) -> dict[str, str]:
    """Each table of `version` of the store -> a digest of its content (once per version)."""
    profiling.missed()
    return query.table_digests(storage.connection(version=version))


def data_key(db_path: str, version: int, name: str) -> str:
    """What query `name` reads in `version` of the store: the digests of its tables. Two
    versions give the same key exactly when those tables hold the same rows."""
    return _data_key(_digests(db_path=db_path, version=version), name)


def _data_key(digests: dict[str, str], name: str) -> str:
    read = sorted(query.tables_read(name, frozenset(digests)))
    return hashlib.blake2b(repr([(t, digests[t]) for t in read]).encode(),
                           digest_size=16).hexdigest()


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def cached(db_path: str, data: str, name: str, params_json: str, _version: int
           ) -> pd.DataFrame:
    """The result of query `name` (parameters as `params_key`) on what it reads (`data`:
    `data_key`), computed on `_version` of the store (not part of the key)."""
    del data  # the cache key only
    profiling.missed()
    return query.run(storage.connection(version=_version), name, params_from_key(params_json))


def result(db_path: str, version: int, name: str, params_json: str) -> pd.DataFrame:
    """Query `name`'s result on `version` of the store (cached), known to `view` by where
    it came from."""
    with profiling.cache_call():
        data = data_key(db_path, version, name)
        df = cached(db_path=db_path, data=data, name=name, params_json=params_json,
                    _version=version)
    remember(df, (db_path, data, name, params_json))
    return df


def run(name: str, ctx: Context, **extra: Any) -> pd.DataFrame:
    """Run `queries/<name>.sql` with the page context's parameters (cached). Treat the
    frame as read-only: `view` knows it by where it came from."""
    params = {k: v for k, v in ctx.params(**extra).items() if k in query.param_names(name)}
    key = params_key(params)
    df = result(str(ctx.settings.db_path), ctx.data_version, name, key)
    _note(_asked_queries, (name, key), None)
    return df


# --- what the warm-up replays ------------------------------------------------------------

# what sessions asked for since the warm-up last took it (since the last write): key ->
# (what to replay, how many times it was asked), the most recently asked last
_asked_queries: dict[tuple[str, str], tuple[None, int]] = {}  # (query, parameters)
_asked_views: dict[str, tuple[tuple[Callable[..., Any], tuple, dict], int]] = {}  # recipes
_asked_computed: dict[tuple[str, str], tuple[tuple[Callable[..., Any], Context, tuple, dict,
                                                   tuple[str, ...]], int]] = {}
_asked_lock = threading.Lock()
KINDS = ("queries", "views", "computed")


class Asked(NamedTuple):
    """What sessions asked for, the most asked last (among as often asked, the most
    recent last)."""

    queries: list[tuple[str, str]]  # (name, parameters as `params_key`)
    views: list[tuple[Callable[..., Any], tuple, dict]]  # recipes: `coopdash.web.recipes`
    computed: list[tuple[Callable[..., Any], Context, tuple, dict, tuple[str, ...]]]
    # build, ctx, args, kw, the queries it reads (`computed`'s `_reads`)


class Note(NamedTuple):
    """One call asked for: what `take_notes` hands the warm-up, and `give_back` takes."""

    kind: str  # one of KINDS
    key: Any
    value: Any  # what Asked lists for it
    count: int  # times asked


def _notes() -> dict[str, dict]:
    return {"queries": _asked_queries, "views": _asked_views, "computed": _asked_computed}


def _note(notes: dict, key: Any, value: Any) -> None:
    with _asked_lock:
        _, count = notes.pop(key, (None, 0))
        notes[key] = (value, count + 1)
        while len(notes) > RECENT:
            del notes[next(iter(notes))]


def _ordered(kind: str, notes: dict) -> list[Note]:
    """The notes of one kind, the most asked last (a stable sort: among as often asked,
    the most recent last)."""
    return sorted((Note(kind, k, v, n) for k, (v, n) in notes.items()),
                  key=lambda note: note.count)


def _asked_now() -> Asked:  # under `_asked_lock`
    got = {kind: _ordered(kind, notes) for kind, notes in _notes().items()}
    return Asked([n.key for n in got["queries"]], [n.value for n in got["views"]],
                 [n.value for n in got["computed"]])


def asked() -> Asked:
    """What sessions asked for since the last `take_asked` (kept)."""
    with _asked_lock:
        return _asked_now()


def take_asked() -> Asked:
    """What sessions asked for since the last call, forgotten here: the warm-up after a
    write takes it, so the next warm-up replays only what is asked from now on."""
    with _asked_lock:
        got = _asked_now()
        for notes in _notes().values():
            notes.clear()
        return got


def take_notes() -> list[Note]:
    """`take_asked` as the warm-up replays it: every note, the queries first, then the
    views, then the computed results, each kind the most asked first."""
    with _asked_lock:
        got = [n for kind, notes in _notes().items() for n in reversed(_ordered(kind, notes))]
        for notes in _notes().values():
            notes.clear()
        return got


def give_back(left: list[Note]) -> None:
    """Notes a warm-up took and did not replay (a newer version was published meanwhile):
    asked again, as if before anything asked since, with their counts; the next warm-up
    replays them on the newer version."""
    with _asked_lock:
        for kind, notes in _notes().items():
            back = {n.key: (n.value, n.count) for n in reversed(left) if n.kind == kind}
            for key, (value, count) in list(notes.items()):
                old = back.pop(key, (None, 0))
                back[key] = (value, count + old[1])
            notes.clear()
            notes.update(list(back.items())[-RECENT:])


# --- view models: what pages build from query results -----------------------------------------

# id(frame) -> (weak reference to the frame, (db, `data_key`, query, parameters)) for the
# frames `run` handed out; an entry goes when its frame does.
_sources: dict[int, tuple[weakref.ref, tuple]] = {}
_sources_lock = threading.RLock()


def remember(df: pd.DataFrame, source: tuple) -> None:
    """Know `df` by its source from now on (a query's frame, a reference list)."""
    ident = id(df)

    def forget(ref: weakref.ref, ident: int = ident) -> None:
        with _sources_lock:
            if _sources.get(ident, (None,))[0] is ref:
                del _sources[ident]

    with _sources_lock:
        _sources[ident] = (weakref.ref(df, forget), source)


_PLAIN = (str, int, float, bool, type(None), dt.date)


def source_of(df: pd.DataFrame) -> tuple | None:
    """(db, `data_key`, query, parameters) of a frame `run` handed out, else None."""
    entry = _sources.get(id(df))
    return entry[1] if entry is not None and entry[0]() is df else None


def key_text(value: Any) -> str:
    """A text that stands for `value` in a cache key: a frame from `run` by its source,
    another frame by its content, plain values (and tuples, lists, dicts of them) by their
    repr. Streamlit's own hasher walks nested values item by item, far slower."""
    if isinstance(value, pd.DataFrame):
        source = source_of(value)
        if source is not None:
            return repr(("query", *source))
        content = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return repr(("frame", tuple(value.columns), tuple(map(str, value.dtypes)),
                     hashlib.blake2b(content, digest_size=16).hexdigest()))
    if isinstance(value, tuple | list):
        return type(value).__name__ + "(" + ",".join(key_text(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ",".join(key_text(k) + ":" + key_text(v) for k, v in value.items()) + "}"
    if isinstance(value, _PLAIN):
        return repr(value)
    raise TypeError(f"cache: no cache key for a {type(value).__name__}")


def _digest(*parts: Any) -> str:
    return hashlib.blake2b("".join(key_text(p) for p in parts).encode(),
                           digest_size=16).hexdigest()


def _name(build: Callable[..., Any]) -> str:
    """A function's name for a cache key: with its file, as a page's functions all live in
    the module `__main__`."""
    code = getattr(build, "__code__", None)
    where = f"@{code.co_filename}" if code is not None else ""
    return f"{build.__module__}.{build.__qualname__}{where}"


def _shared(out: Any) -> Any:
    """A cached object handed out: a frame or dict as a shallow copy (pandas
    copy-on-write), so a page may change its copy freely; anything else as it is."""
    if isinstance(out, pd.DataFrame | dict):
        return out.copy() if isinstance(out, dict) else out.copy(deep=False)
    return out


class Drawn(go.Figure):
    """A cached figure as `st.plotly_chart` reads it. Streamlit turns the figure it is
    given into a dict on every run that draws it (`Figure.to_dict`: a deep copy of every
    trace, its lists walked for arrays to base64), then into JSON: 2.7 of 20.7 CPU-s in a
    profile of 117 runs at 1M (the profiler inflates many small calls: unprofiled, the
    gain was within the noise of a warm run). A view's figure is shared and never changed
    (`view`), so its dict is made once, when the view is built, and `to_dict` hands out
    that one dict: read it, never change it."""

    _drawn: dict

    def to_dict(self) -> dict:
        return self._drawn


def drawn(fig: Any) -> Any:
    """A Plotly figure made `Drawn` (the same object, its dict made now); anything else as
    it is."""
    if type(fig) is go.Figure:
        as_dict = fig.to_dict()
        fig.__class__ = Drawn
        fig._drawn = as_dict
    return fig


@st.cache_resource(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def _view(name: str, key: str, _build: Callable[..., Any], _args: tuple, _kwargs: dict
          ) -> Any:
    del name, key  # the cache key only
    profiling.missed()
    return drawn(_build(*_args, **_kwargs))


def view(build: Callable[..., Any], *args: Any, _record: bool = True, **kwargs: Any) -> Any:
    """`build(*args, **kwargs)`, cached per distinct input (see the module docstring).

    `build` must be pure (a `coopdash.charts.leadership` builder); its arguments frames and plain
    values. The object is shared: a figure goes to `st.plotly_chart` as it is (which only
    reads it); a frame or dict comes back as a shallow copy (pandas copy-on-write), so a
    page may change its copy freely.
    """
    key = _digest(args, dict(sorted(kwargs.items())))
    with profiling.cache_call():
        out = _view(name=_name(build), key=key, _build=build, _args=args, _kwargs=kwargs)
    if _record:  # for the warm-up after the next write
        _note_view(build, args, kwargs)
    return _shared(out)


def derived(build: Callable[..., pd.DataFrame], df: pd.DataFrame, *args: Any
            ) -> pd.DataFrame:
    """`build(df, *args)` for a frame `df` from `run` (one figure of a page's one query:
    `funding.part`), cached like a view; the frame handed out is known by `df`'s source
    and the call, so the views built from it are keyed by that, not by hashing its
    content on every run. (The warm-up replays query frames only: views of it have no
    recipe, as views of any derived frame.)"""
    out = view(build, df, *args)
    source = source_of(df)
    if source is not None:
        remember(out, (*source, _name(build), args))
    return out


def _note_view(build: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Remember how a view was built (its recipe: `coopdash.web.recipes`) for the warm-up."""
    made = recipes.recipe(args, kwargs, source_of)
    if made is not None:
        _note(_asked_views, repr((build.__module__, build.__qualname__, made)), (build, *made))


# --- what a page computes from the store in its own way --------------------------------------

# explorer pages and counts, weekly reviews: a quarter of the results kept. Sized for a
# day's use: sessions cycling the pages with no filter or one kind of program, in both
# languages, ask per filter and language about 60 query results, 45 views and 13 computed
# results; with 256 and 64 every such round was computed again (at 1M participants 0.31-
# 0.37 CPU-s a run instead of 0.06-0.07; `test_the_caches_keep_a_round_of_filters`)
COMPUTED_ENTRIES = max(1, ENTRIES // 4)


@st.cache_resource(ttl=TTL, max_entries=COMPUTED_ENTRIES, show_spinner=False)
def _computed(db: str, data: str, name: str, key: str, _build: Callable[..., Any],
              _ctx: Context, _args: tuple, _kwargs: dict) -> Any:
    del db, data, name, key  # the cache key only
    profiling.missed()
    return _build(_ctx, *_args, **_kwargs)


def computed(build: Callable[..., Any], ctx: Context, *args: Any, _record: bool = True,
             _reads: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """`build(ctx, *args, **kwargs)`, cached per data version (or, with `_reads`, per
    content of what the queries it names read: `build` must then read the store through
    those queries alone), the context's parameters and language, and the arguments (plain
    values): one shared object (a frame or dict as a shallow copy). `build` reads the
    store at `ctx.data_version` only (through `run` or `storage.connection(version=
    ctx.data_version)`), never the session state: the warm-up calls it after a write, off
    any page, with the new version."""
    key = _digest(ctx.params(), ctx.lang, args, dict(sorted(kwargs.items())))
    db = str(ctx.settings.db_path)
    with profiling.cache_call():
        data = f"version {ctx.data_version}"
        if _reads:  # the version's digests looked up once for all the queries named
            digests = _digests(db_path=db, version=ctx.data_version)
            data = "reads " + " ".join(_data_key(digests, q) for q in _reads)
        out = _computed(db=db, data=data, name=_name(build), key=key, _build=build,
                        _ctx=ctx, _args=args, _kwargs=kwargs)
    if _record:  # for the warm-up after the next write
        _note(_asked_computed, (_name(build), key), (build, ctx, args, kwargs, _reads))
    return _shared(out)


def computed_on(version: int, build: Callable[..., Any], ctx: Context, args: tuple,
                kwargs: dict, reads: tuple[str, ...] = ()) -> Any:
    """An asked `computed` call again, on `version` of the store (the warm-up; not noted
    as asked)."""
    return computed(build, dataclasses.replace(ctx, data_version=version), *args,
                    _record=False, _reads=reads, **kwargs)
