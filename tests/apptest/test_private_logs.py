"""The access log and the role log are the administrators' alone (issue 20): the write
history on the Data page and `python -m coopdash history` list their writes only for a
role that may manage; every other role sees the other writes (imports, edits, views)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopdash import store
from coopdash.i18n import t
from coopdash.store import users

ROOT = Path(__file__).resolve().parents[2]
PRIVATE = {"access", "role"}


@pytest.fixture
def logged(published):
    """The sample store with one role change and one export in the access log, written
    the way the Admin page and a download write them."""
    with store.writing(published, actor="boss@office.go.id", what="role",
                       file_name="ana@office.go.id") as con:
        users.set_role(con, "ana@office.go.id", "analyst", actor="boss@office.go.id")
    with store.writing(published, actor="ana@office.go.id", what="access",
                       file_name="participants", mode="csv") as con:
        users.log_access(con, actor="ana@office.go.id", role="analyst", table="participants",
                         filters={}, n_rows=3, fmt="csv")
    return published


def _history(db, role: str) -> list[list[str]]:
    done = subprocess.run([sys.executable, "-m", "coopdash", "history", "--db", str(db),
                           "--lang", "en"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "COOPDASH_ROLE": role})
    assert done.returncode == 0, done.stderr
    return [line.split("  ") for line in done.stdout.splitlines()[1:]]


def test_history_command_lists_access_and_roles_for_admins_only(logged):
    admin = _history(logged, "admin")
    assert {row[3] for row in admin} >= PRIVATE, admin
    keeper = _history(logged, "keeper")
    assert {row[3] for row in keeper} & PRIVATE == set(), keeper
    assert len(keeper) == len(admin) - 2 and keeper, keeper  # the rest is all there


def _writes_shown(at) -> list[str]:
    what = t("snap.col.what", "en")
    frames = [d.value for d in at.dataframe if what in d.value.columns
              and t("snap.col.undo", "en") in d.value.columns]
    assert len(frames) == 1
    return list(frames[0][what])


def test_data_page_write_history_hides_access_and_roles_but_for_admins(app, logged):
    seen = {}
    for role in ("keeper", "analyst", "admin"):
        at = app(logged, lang="en", role=role).run()
        at.switch_page("pages/data.py").run()
        assert not at.exception
        seen[role] = _writes_shown(at)
    shown = {t(f"data.what.{what}", "en") for what in PRIVATE}  # the page says them in words
    assert set(seen["admin"]) >= shown, seen
    for role in ("keeper", "analyst"):
        assert set(seen[role]) & shown == set(), (role, seen)
        assert len(seen[role]) == len(seen["admin"]) - 2 and seen[role]
