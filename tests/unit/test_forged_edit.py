"""A forged edit over the wire (issue 18 "Who may"): signed-in sessions of a real served
coopdash, driven through Streamlit's own WebSocket protocol (tests/wsload.py). A viewer
or an analyst sends the widget states a keeper's browser sends to save an edit in the
Explorer (the edit switch, a changed cell or a deleted row in the grid, "Save"): the
server writes nothing — the store's file is byte-identical, its history holds no new
write — and its log names the staff member who sent them (never a participant). A
keeper's forged save of a grid or a row the page did not offer writes nothing either.
("Delete them all" set by hand, and the session-state side of a forged edit:
tests/apptest/test_editor_page.py.)"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
import wsload
from conftest import server_log, start_server
from streamlit.proto.WidgetStates_pb2 import WidgetState

from coopdash import store
from coopdash.i18n import t
from coopdash.store import users

SECRET = "forged-edit-test-secret-0123456789"
PEOPLE = {"viewer@office.example": "viewer", "analyst@office.example": "analyst",
          "keeper@office.example": "keeper"}


@pytest.fixture(scope="module")
def signin_server(sample_store, tmp_path_factory):
    """The sample store served with sign-in (the identity cookie is made by the test from
    the deployment's secret, as wsload does): a keeper, an analyst and a viewer."""
    folder = tmp_path_factory.mktemp("forged")
    db = folder / "served.duckdb"
    shutil.copy(sample_store, db)
    with store.writing(db, actor="test-setup", what="role") as con:
        for email, role in PEOPLE.items():
            users.set_role(con, email, role, actor="test-setup")
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[auth]\nredirect_uri = "http://127.0.0.1:9/oauth2callback"\n'
                       f'cookie_secret = "{SECRET}"\nclient_id = "forged"\n'
                       'client_secret = "forged"\nserver_metadata_url = '
                       '"http://127.0.0.1:9/.well-known/openid-configuration"\n',
                       encoding="utf-8")
    proc, url = start_server(db, args=("--secrets.files", str(secrets)))
    yield url, db, proc
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def keeper_ids(signin_server) -> dict[str, str]:
    return wsload.run_apart(_keepers_widget_ids(signin_server[0]))


def _fingerprint(db) -> tuple:
    """The current version's number and file bytes, and how many writes the history has."""
    version, path = store.current(db)
    with store.reading(db) as con:
        writes = con.execute("select count(*) from write_log").fetchall()[0][0]
    return version, hashlib.sha256(path.read_bytes()).hexdigest(), writes


async def _session(url: str, email: str) -> wsload.Session:
    cookie = wsload.identity_cookie(SECRET, wsload.origin_of(url), email)
    return await wsload.Session.open(url, cookies={wsload.USER_COOKIE: cookie})


def _state(widget_id: str, **value) -> WidgetState:
    state = WidgetState(id=widget_id)
    for name, v in value.items():
        setattr(state, name, v)
    return state


def _id(run: wsload.Run, key: str) -> str:
    element = run.widget(key)
    return getattr(element, element.WhichOneof("type")).id


async def _keepers_widget_ids(url: str) -> dict[str, str]:
    """The ids of the editor's widgets on the programs and participants tabs, as the
    server sends them to a keeper's browser (an id is computed from the widget's key:
    the same in every session, and anyone can read how in Streamlit's source)."""
    ids = {}
    for tab in TABS:  # a session per tab: the link's tab counts on a session's first run
        keeper = await _session(url, "keeper@office.example")
        try:
            first = await keeper.run("explorer", f"tab={tab}&lang=en")
            toggle = ids["ex_edit"] = _id(first, "ex_edit")
            keeper.states[toggle] = _state(toggle, bool_value=True)
            opened = await keeper.run("explorer", f"tab={tab}&lang=en")
            ids[f"ex_editor_{tab}"] = _id(opened, f"ex_editor_{tab}")
            ids["ex_edit_save"] = _id(opened, "ex_edit_save")
        finally:
            await keeper.close()
    return ids


TABS = {  # what the forged message changes: a program's status and a deleted row; a name
    "programs": {"edited_rows": {"0": {"status": "cancelled"}}, "added_rows": [],
                 "deleted_rows": [1]},
    "participants": {"edited_rows": {"0": {"full_name": "Forged Name"}}, "added_rows": [],
                     "deleted_rows": []},
}


async def _forge(url: str, email: str, tab: str, ids: dict[str, str]) -> wsload.Run:
    """A session of `email` on the Explorer's `tab`, then a rerun carrying what a keeper's
    browser sends to save an edit there: the switch on, the grid's changes, Save."""
    forger = await _session(url, email)
    try:
        await forger.run("explorer", f"tab={tab}&lang=en")
        for state in (_state(ids["ex_edit"], bool_value=True),
                      _state(ids[f"ex_editor_{tab}"], string_value=json.dumps(TABS[tab])),
                      _state(ids["ex_edit_save"], trigger_value=True)):
            forger.states[state.id] = state
        return await forger.run("explorer", f"tab={tab}&lang=en")
    finally:
        await forger.close()


def _alerts(run: wsload.Run) -> list[str]:
    return [e.alert.body for e in run.elements if e.WhichOneof("type") == "alert"]


def _names(db) -> list[str]:
    with store.reading(db) as con:
        return [r[0] for r in con.execute("select full_name from participants").fetchall()]


@pytest.mark.parametrize(("email", "tab"), [("viewer@office.example", "programs"),
                                            ("analyst@office.example", "participants")])
def test_a_forged_save_from_a_viewer_or_analyst_writes_nothing(signin_server, keeper_ids,
                                                               email, tab):
    """The editor's widget states sent by a viewer (a program's status changed, a row
    deleted, Save) or an analyst (a participant's name changed, Save), with the very ids
    a keeper's browser uses: the store's file and history are as before; the page says
    nothing was saved; the server's log names the person and role and the editor's keys,
    and no participant's name (neither the forged one nor a stored one)."""
    url, db, proc = signin_server
    before = _fingerprint(db)
    run = wsload.run_apart(_forge(url, email, tab, keeper_ids))
    assert run.exceptions() == [] and run.statuses[-1] == 0
    assert _fingerprint(db) == before
    assert _alerts(run) == [t("editor.forged", "en")]
    role = PEOPLE[email]
    logged = [line for line in server_log(proc).splitlines()
              if f"editor state from {email} (role {role})" in line]
    assert len(logged) == 1, server_log(proc)[-3000:]
    assert f"ex_editor_{tab}" in logged[0] and "ex_edit_save" in logged[0], logged
    assert not [n for n in [*_names(db), "Forged Name"] if n in logged[0]], logged


async def _keeper_forges(url: str, ids: dict[str, str], edit: dict, table: str) -> wsload.Run:
    """A keeper on the Explorer's programs, the editor open, sends the grid state of
    `table` (`edit`) and Save."""
    keeper = await _session(url, "keeper@office.example")
    try:
        await keeper.run("explorer", "tab=programs&lang=en")
        keeper.states[ids["ex_edit"]] = _state(ids["ex_edit"], bool_value=True)
        await keeper.run("explorer", "tab=programs&lang=en")
        for state in (_state(ids[f"ex_editor_{table}"], string_value=json.dumps(edit)),
                      _state(ids["ex_edit_save"], trigger_value=True)):
            keeper.states[state.id] = state
        return await keeper.run("explorer", "tab=programs&lang=en")
    finally:
        await keeper.close()


def test_a_keepers_forged_save_of_what_the_page_did_not_offer_writes_nothing(
        signin_server, keeper_ids):
    """A keeper on the programs tab sends the participants' grid (a name changed) — a
    grid the page did not draw: Streamlit drops it, Save finds nothing changed, says so
    and writes nothing (not even an empty write: before, the history got an 'edit' with
    nothing in it). Then the programs' grid with a changed and a deleted row the page
    does not hold: Streamlit's data_editor refuses it (IndexError, in the server's log;
    the browser gets its redacted error) before any save. The store, its history and the
    participants' names stay as they were."""
    url, db, proc = signin_server
    before, names = _fingerprint(db), _names(db)
    run = wsload.run_apart(_keeper_forges(url, keeper_ids, TABS["participants"], "participants"))
    assert run.exceptions() == [] and _alerts(run) == [t("editor.nothing", "en")]
    assert _fingerprint(db) == before and _names(db) == names
    beyond = {"edited_rows": {"999": {"title": "Forged"}}, "added_rows": [],
              "deleted_rows": [999]}
    run = wsload.run_apart(_keeper_forges(url, keeper_ids, beyond, "programs"))
    assert len(run.exceptions()) == 1 and _alerts(run) == []
    assert "IndexError: index 999 is out of bounds" in server_log(proc)
    assert _fingerprint(db) == before and _names(db) == names
