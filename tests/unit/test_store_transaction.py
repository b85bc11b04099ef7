"""`store.transaction`: the one begin / commit / rollback of the store's writers (the
migrations, a role change, an import's apply)."""

from __future__ import annotations

import duckdb
import pytest

from coopdash import access, store
from coopdash.store import users


def _count(con) -> int:
    return con.execute("select count(*) from t").fetchall()[0][0]


def test_a_block_that_ends_is_committed(tmp_path):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("create table t (i int)")
    with store.transaction(con):
        con.execute("insert into t values (1), (2)")
    con.close()
    again = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
    assert _count(again) == 2  # on disk, seen by a new connection
    again.close()


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_anything_escaping_the_block_rolls_it_back(tmp_path, error):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("create table t (i int)")
    con.execute("insert into t values (1)")
    with pytest.raises(error), store.transaction(con):
        con.execute("insert into t values (2), (3)")
        raise error("stop")
    assert _count(con) == 1
    con.execute("insert into t values (4)")  # no transaction left open: autocommit again
    assert _count(con) == 2


def test_a_refused_role_change_writes_nothing(tmp_path):
    """set_role inside the helper: the last administrator's role is kept, no log row."""
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    store.migrate(con)
    users.set_role(con, "ana@example.org", "admin", actor="setup")
    logged = con.execute("select count(*) from role_log").fetchall()[0][0]
    with pytest.raises(access.LastAdminError):
        users.set_role(con, "ana@example.org", "viewer", actor="bob")
    assert con.execute("select role from users").fetchall() == [("admin",)]
    assert con.execute("select count(*) from role_log").fetchall()[0][0] == logged
