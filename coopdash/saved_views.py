"""Saved views: a person names the address of what they are looking at and reopens it.

A view is the page (its url path) and the URL's query parameters: filters, language,
display currency, the explorer's table, search and sort. It is stored as data only (no
role, no rows), so opening it is exactly opening its URL: the server decides on that run,
from the role of whoever opens it, what they may see. An analyst's shared view of the
participants shows a viewer counts.

Who may do what (`Who`, decided by the web layer from the sign-in or the settings):
- every person may open their own views and every shared view;
- a person who may save (`Who.may_save`) saves views under names unique to them;
- a person who may share (`Who.may_share`: the role's `share` permission,
  `coopdash.access`) shares a view with everyone; others keep theirs to themselves;
- only a view's owner, or an admin, renames, (un)shares or deletes it.

Errors are `ViewError(key, **values)`: a catalogue key (`coopdash/i18n/deploy.toml`) with
its values, so the page says them in the reader's language. Writes change no record and
do not bump the store's data version (migration 006).

May import the foundation and `coopdash.store` (as `figures` may). Never Streamlit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb

from coopdash.store import query

MAX_NAME = 80
# query parameters that are never part of a view: one-off messages of the URL rules
TRANSIENT = frozenset({"page_not_found"})


class ViewError(ValueError):
    """A refused change of a saved view; `key` and `values` make the localised message."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Who:
    """The person acting on views: `owner` is their e-mail when signed in, the configured
    actor otherwise; `may_save` whether they may save views; `may_share` whether they may
    share one with everyone; `is_admin` whether they may change anyone's shared views."""

    owner: str
    may_save: bool
    is_admin: bool = False
    may_share: bool = False


@dataclass(frozen=True)
class SavedView:
    view_id: int
    owner: str
    name: str
    page: str
    params: dict[str, str]
    is_shared: bool

    def may_change(self, who: Who) -> bool:
        return who.is_admin or self.owner == who.owner


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _view(row: Any) -> SavedView:
    return SavedView(int(row.view_id), row.owner, row.name, row.page, json.loads(row.query),
                     bool(row.is_shared))


def listed(con: duckdb.DuckDBPyConnection, who: Who) -> list[SavedView]:
    """The views `who` may open: their own first, then the shared ones; by name."""
    df = query.run(con, "saved_views_list", {"owner": who.owner})
    return [_view(r) for r in df.itertuples(index=False)]


def get(con: duckdb.DuckDBPyConnection, view_id: int) -> SavedView:
    df = query.run(con, "saved_view_one", {"view_id": int(view_id)})
    if df.empty:
        raise ViewError("views.error.gone")
    return _view(next(df.itertuples(index=False)))


def clean_name(name: str) -> str:
    """The name as it is stored; refuses an empty or too long one."""
    text = " ".join((name or "").split())
    if not text:
        raise ViewError("views.error.empty_name")
    if len(text) > MAX_NAME:
        raise ViewError("views.error.long_name", max=MAX_NAME)
    return text


def address(params: dict[str, str]) -> dict[str, str]:
    """The query parameters a view keeps (the URL's, less one-off messages)."""
    return {k: str(v) for k, v in sorted(params.items()) if k not in TRANSIENT}


def _taken(con: duckdb.DuckDBPyConnection, owner: str, name: str, but: int | None = None
           ) -> bool:
    df = query.run(con, "saved_view_named", {"owner": owner, "name": name})
    return any(int(v) != but for v in df["view_id"])


def save(con: duckdb.DuckDBPyConnection, who: Who, name: str, page: str,
         params: dict[str, str], shared: bool = False) -> SavedView:
    """Save the address (`page`, `params`) under `name` for `who`."""
    if not who.may_save:
        raise ViewError("views.error.not_allowed")
    if shared and not who.may_share:
        raise ViewError("views.error.not_sharing")
    text = clean_name(name)
    if _taken(con, who.owner, text):
        raise ViewError("views.error.taken", name=text)
    kept = address(params)
    df = query.run(con, "saved_view_insert", {
        "owner": who.owner, "name": text, "page": page, "query": json.dumps(kept),
        "is_shared": bool(shared), "now": _now()})
    return SavedView(int(df["view_id"].iloc[0]), who.owner, text, page, kept, bool(shared))


def change(con: duckdb.DuckDBPyConnection, who: Who, view_id: int, *,
           name: str | None = None, shared: bool | None = None) -> SavedView:
    """Rename and/or (un)share a view: its owner or an admin only."""
    view = _changeable(con, who, view_id)
    text = view.name if name is None else clean_name(name)
    if text != view.name and _taken(con, view.owner, text, but=view.view_id):
        raise ViewError("views.error.taken", name=text)
    is_shared = view.is_shared if shared is None else bool(shared)
    if is_shared and not view.is_shared and not who.may_share:
        raise ViewError("views.error.not_sharing")
    query.run(con, "saved_view_update", {"view_id": view.view_id, "name": text,
                                         "is_shared": is_shared, "now": _now()})
    return SavedView(view.view_id, view.owner, text, view.page, view.params, is_shared)


def delete(con: duckdb.DuckDBPyConnection, who: Who, view_id: int) -> None:
    """Delete a view: its owner or an admin only."""
    view = _changeable(con, who, view_id)
    query.run(con, "saved_view_delete", {"view_id": view.view_id})


def _changeable(con: duckdb.DuckDBPyConnection, who: Who, view_id: int) -> SavedView:
    view = get(con, view_id)
    if not view.may_change(who):
        raise ViewError("views.error.not_owner", owner=view.owner)
    return view
