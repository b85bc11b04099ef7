"""The first visitor after a write does not pay for it.

The cache boundary (`coopdash.web.cache`) notes what sessions ask for: queries (name,
parameters), views (their recipes: `coopdash.web.recipes`) and computed results (the
explorer's pages, the weekly review). A thread per server watches the store (one stat a
second) and, when a new version is published, takes those notes and computes only what
was asked since the previous write on it into the cache, with the sidebar's choices in
both languages. Sessions then find what they were using computed and drawn; a call asked
only before an earlier write is computed by the first run that asks for it again (once:
runs asking for the same missing key at once wait for one computation).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import pandas as pd

from coopdash import store
from coopdash.settings import LANGS
from coopdash.web import cache, profiling, recipes, sidebar

_watched: weakref.WeakSet = weakref.WeakSet()  # readers with a watcher
_watched_lock = threading.Lock()


def watch(db_path: str, reader: store.Reader) -> None:
    """Start the watcher of `reader`'s store, once per reader; it stops when the reader
    is dropped (its cache cleared) or the store removed."""
    with _watched_lock:
        if reader in _watched:
            return
        _watched.add(reader)
    thread = threading.Thread(target=_watch, args=(db_path, weakref.ref(reader),
                                                   reader.version()),
                              name="coopdash-warmer", daemon=True)
    thread.start()


def _watch(db_path: str, ref: weakref.ref, seen: int) -> None:
    while (reader := ref()) is not None:
        try:
            version = reader.version()
        except store.StoreMissingError:
            return
        del reader
        if version != seen:
            seen = version
            with profiling.logged_warm(version), profiling.profiled("warm"):
                warm(db_path, version)
        time.sleep(1.0)


def warm(db_path: str, version: int) -> int:
    """Run the queries sessions asked for since the last warm-up on `version` into the
    cache, then build the views and computed results they asked for from them (the notes
    are taken: the next warm-up replays only what is asked from now on); how many
    queries ran."""
    queries, views, computed = cache.take_asked()
    with profiling.part("queries"):
        for name, key in reversed(queries):  # the most recent first
            cache.result(db_path, version, name, key)
    with profiling.part("sidebar"):
        for lang in LANGS:
            sidebar.choices(db_path, version, lang)
    with profiling.part("views"):
        for build, args, kwargs in reversed(views):
            _warm_view(db_path, version, build, args, kwargs)
    with profiling.part("computed"):
        for build, ctx, args, kwargs, reads in reversed(computed):
            if str(ctx.settings.db_path) == db_path:
                cache.computed_on(version, build, ctx, args, kwargs, reads)
    return len(queries)


def _warm_view(db_path: str, version: int, build: Callable[..., Any], args: tuple,
               kwargs: dict) -> None:
    def fetch(ref: recipes.Ref) -> pd.DataFrame:
        return cache.result(db_path, version, ref.name, ref.key)

    cache.view(build, *recipes.resolve(args, fetch), _record=False,
               **recipes.resolve(kwargs, fetch))
