"""How a cached view was built, without the data version: so the warm-up can build it
again on the next version before anyone asks (`coopdash.web.warmup`).

A view (`cache.view(build, *args, **kwargs)`: a Plotly figure, a labelled table, the
headline figures) is cached per input, and a frame that came from `cache.run` is keyed by
its source (store, what the query read — `cache.data_key` —, query, parameters). A new
version whose data changed for that query therefore starts with no view of it cached. A
*recipe* is the same call with every such frame replaced by its query
and parameters (`Ref`): replayed on the new version's frames it gives exactly the key the
next session's run will ask for. A call with any other argument (a frame a page derived
itself, an object) has no recipe and is simply built by the first run that needs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

_PLAIN = (str, int, float, bool, type(None), dt.date)


@dataclass(frozen=True)
class Ref:
    """A frame from `cache.run`: which query, with which parameters (as text)."""

    name: str
    key: str


class _NoRecipe(Exception):  # noqa: N818 (internal signal, never leaves this module)
    pass


def recipe(args: tuple, kwargs: dict, source: Callable[[pd.DataFrame], tuple | None]
           ) -> tuple[tuple, dict] | None:
    """(args, kwargs) with each frame from `cache.run` as a `Ref`; None when an argument
    cannot be rebuilt from a query. `source(frame)` is (db, data key, name, key) for a
    frame from a query, another tuple for one known otherwise (`places.provinces`), or None."""
    try:
        return (tuple(_part(a, source) for a in args),
                {k: _part(v, source) for k, v in kwargs.items()})
    except _NoRecipe:
        return None


def _part(value: Any, source) -> Any:
    if isinstance(value, pd.DataFrame):
        src = source(value)
        if src is None or len(src) != 4:  # not from `cache.run` (a reference list, say)
            raise _NoRecipe
        return Ref(src[2], src[3])
    if isinstance(value, tuple | list):
        return type(value)(_part(v, source) for v in value)
    if isinstance(value, dict):
        return {k: _part(v, source) for k, v in value.items()}
    if isinstance(value, _PLAIN):
        return value
    raise _NoRecipe


def resolve(value: Any, fetch: Callable[[Ref], pd.DataFrame]) -> Any:
    """The recipe's arguments with each `Ref` fetched (on the new version)."""
    if isinstance(value, Ref):
        return fetch(value)
    if isinstance(value, tuple | list):
        return type(value)(resolve(v, fetch) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v, fetch) for k, v in value.items()}
    return value
