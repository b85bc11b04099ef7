"""Roles per person, the log of role changes and the access log, kept in the store
(migration 004).

Reads go through the query runner (`queries/users_*.sql`); each write is one transaction
on its own cursor, inside one published write (`store.writing`), so each change is a new
version of the store. The dashboard reads a signed-in person's role on every rerun from
the version that run starts on (a primary-key lookup), and again at a download's click
from the current version: a change counts from the person's next click.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import duckdb

from coopdash import access
from coopdash.store import query
from coopdash.store.base import transaction

if TYPE_CHECKING:
    import pandas as pd


def role_of(con: duckdb.DuckDBPyConnection, email: str) -> str | None:
    """The role kept for `email` (None: no row)."""
    df = query.run(con, "users_role", {"email": access.email(email)})
    return str(df["role"].iloc[0]) if len(df) else None


def listed(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query.run(con, "users_list")


def role_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query.run(con, "users_role_log")


def access_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query.run(con, "users_access_log")


def signed_out_at(con: duckdb.DuckDBPyConnection, email: str) -> float | None:
    """When `email` last signed out (UTC epoch seconds), None if never."""
    df = query.run(con, "users_signed_out", {"email": access.email(email)})
    return float(df["signed_out"].iloc[0]) if len(df) else None


def sign_out(con: duckdb.DuckDBPyConnection, email: str, at: float) -> None:
    """Record that `email` signed out at `at` (UTC epoch seconds): their sessions that
    signed in before it end at their next click (`coopdash.web.auth`)."""
    when = dt.datetime.fromtimestamp(at, dt.UTC).replace(tzinfo=None)
    cur = con.cursor()
    try:
        cur.execute("insert or replace into sign_outs values ($email, $at)",
                    {"email": access.email(email), "at": when})
    finally:
        cur.close()


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def set_role(con: duckdb.DuckDBPyConnection, email: str, role: str | None,
             actor: str, admins: tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """Give `email` the role `role` (None: remove it), logged with `actor`; returns
    (old, new). Setting the role a person already has changes and logs nothing.
    `admins`: the administrators named by COOPDASH_ADMINS; without one of them, the last
    stored admin's role is never removed nor lowered (`access.LastAdminError`)."""
    email = access.email(email)
    new = access.check_role(role) if role is not None else None
    with con.cursor() as cur, transaction(cur):
        rows = cur.execute("select role from users where email = $email",
                           {"email": email}).fetchall()
        old = rows[0][0] if rows else None
        others = cur.execute("select count(*) from users where role = 'admin' "
                             "and email <> $email", {"email": email}).fetchall()[0][0]
        if access.leaves_no_admin(old, new, others, admins):
            raise access.LastAdminError(email)
        if old != new:
            _write_role(cur, email, old, new, actor)
    return old, new


def _write_role(cur: duckdb.DuckDBPyConnection, email: str, old: str | None,
                new: str | None, actor: str) -> None:
    now = _now()
    if new is None:
        cur.execute("delete from users where email = $email", {"email": email})
    else:
        cur.execute("insert or replace into users (email, role, changed_at, changed_by) "
                    "values ($email, $role, $now, $actor)",
                    {"email": email, "role": new, "now": now, "actor": actor})
    cur.execute("insert into role_log (changed_at, actor, email, old_role, new_role) "
                "values ($now, $actor, $email, $old, $new)",
                {"now": now, "actor": actor, "email": email, "old": old, "new": new})


def log_access(con: duckdb.DuckDBPyConnection, *, actor: str, role: str, table: str,
               filters: dict[str, Any], n_rows: int | None, fmt: str) -> None:
    """Record one export that holds participants' names (who, when, what, how many)."""
    cur = con.cursor()
    try:
        cur.execute(
            "insert into access_log (accessed_at, actor, role, table_name, filters, n_rows,"
            " format) values ($now, $actor, $role, $table, $filters, $n, $fmt)",
            {"now": _now(), "actor": actor, "role": role, "table": table,
             "filters": json.dumps(filters, sort_keys=True, default=str, ensure_ascii=False),
             "n": n_rows, "fmt": fmt})
    finally:
        cur.close()
