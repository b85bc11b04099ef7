"""The first visitor after a write does not pay for it.

The cache boundary (`coopdash.web.cache`) notes what sessions ask for: queries (name,
parameters), views (their recipes: `coopdash.web.recipes`) and computed results (the
explorer's pages, the weekly review). A thread per server watches the store (one stat a
second) and, when a new version is published, takes those notes and computes only what
was asked since the previous write on it into the cache: the sidebar's choices in both
languages first, then what was asked most. Sessions then find what they were using
computed and drawn; a call asked only before an earlier write is computed by the first run
that asks for it again (once: runs asking for the same missing key at once wait for one
computation). A warm-up stops when a newer version is published (writes landing one after
another): what it had not replayed goes to the next warm-up, on the version sessions ask
for. Measured at 1M participants with 50 sessions and writes every 20-30 s, a warm-up that
went on replaying one version ran for 230 s while 15 newer ones were published
(docs/benchmarks-diary.md, "capacity: where the slow runs waited").
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import pandas as pd

from coopdash import store
from coopdash.settings import LANGS
from coopdash.web import cache, profiling, recipes, sidebar

_LOG = logging.getLogger(__name__)
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
            _warm_unless_held(db_path, version, _current(ref))
        time.sleep(1.0)


def _warm_unless_held(db_path: str, version: int, current: Callable[[], int]) -> None:
    """Warm `version`, unless a program outside coopdash holds the store: the pages then
    say so themselves, and the runs after it is let go compute what they ask for."""
    try:
        with profiling.logged_warm(version), profiling.profiled("warm"):
            warm(db_path, version, current)
    except store.StoreBusyError as exc:
        _LOG.warning("warm-up of version %s skipped: %s", version, exc)


def _current(ref: weakref.ref) -> Callable[[], int]:
    """The store's version now, read through the reader while it lives (-1 once it is
    dropped: a warm-up for it then stops)."""
    def current() -> int:
        reader = ref()
        return -1 if reader is None else reader.version()

    return current


def warm(db_path: str, version: int, current: Callable[[], int] | None = None) -> int:
    """Compute what sessions asked for since the last warm-up on `version` into the cache
    (the notes are taken: the next warm-up replays only what is asked from now on): the
    sidebar's choices first (every run draws the sidebar before its page), then the
    queries, the views built from them and the computed results, each kind the most asked
    first. With `current` (the store's version now), it stops as soon as a newer version
    is published: what it did not replay is noted as asked again, for the warm-up of the
    newer version (the one sessions ask for), instead of being computed on a version
    nobody will read. How many queries ran."""
    notes = cache.take_notes()
    with profiling.part("sidebar"):
        for lang in LANGS:
            sidebar.choices(db_path, version, lang)
    for i, note in enumerate(notes):
        if current is not None and current() != version:
            cache.give_back(notes[i:])
            profiling.note(left=len(notes) - i)
            return sum(n.kind == "queries" for n in notes[:i])
        with profiling.part(note.kind):
            _replay(db_path, version, note)
    return sum(n.kind == "queries" for n in notes)


def _replay(db_path: str, version: int, note: cache.Note) -> None:
    if note.kind == "queries":
        cache.result(db_path, version, *note.key)
    elif note.kind == "views":
        _warm_view(db_path, version, *note.value)
    else:
        build, ctx, args, kwargs, reads = note.value
        if str(ctx.settings.db_path) == db_path:
            cache.computed_on(version, build, ctx, args, kwargs, reads)


def _warm_view(db_path: str, version: int, build: Callable[..., Any], args: tuple,
               kwargs: dict) -> None:
    def fetch(ref: recipes.Ref) -> pd.DataFrame:
        return cache.result(db_path, version, ref.name, ref.key)

    cache.view(build, *recipes.resolve(args, fetch), _record=False,
               **recipes.resolve(kwargs, fetch))
