"""The one download helper (coopdash.web.download): files made at the click, in memory,
for the roles that may have them."""

from __future__ import annotations

import pytest

from coopdash import settings, store
from coopdash.access import Person
from coopdash.store import users
from coopdash.web import auth, download


def _as(role: str) -> Person:
    return Person(role=role, actor="pytest")


def test_build_runs_only_when_called_and_checks_the_role_again():
    """The guarded build makes nothing until it is called (the click), then returns the
    builder's bytes and records it; a failed check gets an error, never a file."""
    calls, recorded = [], []

    def build() -> bytes:
        calls.append(1)
        return b"rows"

    analyst = download.guarded(build, lambda: True, "export", lambda: recorded.append(1))
    assert calls == [] and recorded == []
    assert analyst() == b"rows" and calls == [1] and recorded == [1]
    with pytest.raises(download.NotAllowedError):
        download.guarded(build, lambda: False, "export", lambda: recorded.append(1))()
    assert calls == [1] and recorded == [1]


def _role_setter(db):
    """`set_role(role)`: the administrator gives ana@office.go.id `role` (None: removes
    it), one published write."""

    def set_role(role):
        with store.writing(db, actor="boss@office.go.id", what="role") as w:
            users.set_role(w, "ana@office.go.id", role, "boss@office.go.id")

    return set_role


def test_the_click_reads_a_signed_in_persons_role_afresh(sample_store, store_copy,
                                                         monkeypatch):
    """A role removed by an administrator after the page was drawn refuses the click,
    although the page's own connection (the version it was drawn from) still holds the
    old role; the recorder writes one access-log line (one published write) for a role
    that sees names, none otherwise."""
    db = store_copy(sample_store)
    monkeypatch.setenv("COOPDASH_DB", str(db))
    set_role = _role_setter(db)
    set_role("analyst")
    reader = store.Reader(db)  # the dashboard's reader: the page pins the version it drew
    drawn_from = reader.connection()
    ana = Person(role="analyst", actor="ana@office.go.id", email="ana@office.go.id",
                 signed_in=True)
    check = auth.still_allowed(ana, settings.get(), "export")
    assert check()
    set_role(None)
    assert users.role_of(drawn_from, "ana@office.go.id") == "analyst"  # the page's version
    assert not check()

    def con():
        return reader.connection()  # the current version
    record = auth.recorder(ana, con, table="participants", filters={"q": "x"},
                           fmt="csv", n_rows=3)
    record()
    assert users.access_log(con())[["actor", "table_name", "n_rows", "format"]
                                   ].values.tolist() == [["ana@office.go.id", "participants",
                                                          3, "csv"]]
    assert auth.recorder(_as("viewer"), con, table="participants", filters={},
                         fmt="csv", n_rows=3) is None


def test_a_file_drawn_with_names_is_refused_once_the_role_sees_none(sample_store, store_copy,
                                                                   monkeypatch):
    """An analyst's meeting pack (no permission needed, but drawn with names, so logged)
    clicked after an administrator lowered the analyst to viewer is refused: the viewer
    the analyst has become gets no names; a file without names is still given."""
    db = store_copy(sample_store)
    monkeypatch.setenv("COOPDASH_DB", str(db))
    set_role = _role_setter(db)
    set_role("analyst")
    ana = Person(role="analyst", actor="ana@office.go.id", email="ana@office.go.id",
                 signed_in=True)
    with_names = auth.still_allowed(ana, settings.get(), None, names=True)
    without = auth.still_allowed(ana, settings.get(), None)
    assert with_names() and without()
    set_role("viewer")
    assert not with_names() and without()
    shared = Person(role="viewer", actor="wall")  # no sign-in: the server's one role
    assert not auth.still_allowed(shared, settings.get(), None, names=True)()


def test_a_sign_out_refuses_the_clicks_of_every_session_signed_in_before(
        sample_store, store_copy, monkeypatch):
    """Ana signs out in one tab: a download clicked in a tab she signed in to before
    (its page drawn before) is refused, the meeting pack (no permission) too; a session
    signed in again after the sign-out goes on; the write is a `signout`, not a record."""
    db = store_copy(sample_store)
    monkeypatch.setenv("COOPDASH_DB", str(db))
    with store.writing(db, actor="boss@office.go.id", what="role") as w:
        users.set_role(w, "ana@office.go.id", "analyst", "boss@office.go.id")

    def ana(at: float) -> Person:
        return Person(role="analyst", actor="ana@office.go.id", email="ana@office.go.id",
                      signed_in=True, signed_in_at=at)

    old_tab = ana(1_700_000_000.0)
    checks = [auth.still_allowed(old_tab, settings.get(), w) for w in ("export", None)]
    assert [c() for c in checks] == [True, True]
    with store.writing(db, actor="ana@office.go.id", what="signout") as w:
        users.sign_out(w, "ana@office.go.id", 1_700_000_100.5)
    assert [c() for c in checks] == [False, False]
    with store.reading(db) as con:
        assert users.signed_out_at(con, "ana@office.go.id") == 1_700_000_100.5
        assert auth.ended(con, "ana@office.go.id", 1_700_000_099.0)
        assert not auth.ended(con, "ana@office.go.id", 1_700_000_100.0)  # signed in again
        assert not auth.ended(con, "budi@office.go.id", 1.0)  # never signed out
    assert auth.still_allowed(ana(1_700_000_200.0), settings.get(), "export")()


def test_allowed_follows_the_roles():
    """No permission: everyone; `export`: analysts and keepers, not viewers."""
    assert download.allowed(_as("viewer"), None)
    assert not download.allowed(_as("viewer"), "export")
    assert download.allowed(_as("analyst"), "export")
    assert download.allowed(_as("keeper"), "write")
    assert not download.allowed(_as("analyst"), "write")


def test_every_offered_extension_has_a_mime_type():
    """Each kind of file the pages offer is served with its own MIME type."""
    for ext in ("csv", "xlsx", "parquet", "zip", "html", "pdf"):
        assert "/" in download.MIME[ext]


def _calls(name: str):
    """(file, line) of every call of a function or method `name` in the app's code."""
    import ast

    from conftest import ROOT

    files = [*(ROOT / "coopdash").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
             ROOT / "dashboard.py", ROOT / "app.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(
                    func, "id", None)
                if called == name:
                    yield path.relative_to(ROOT).as_posix(), node


def test_one_door_for_files():
    """Every file leaves through `download.download` (which logs files with names): no
    other `download_button` in the app, every call says how its file is logged
    (`record=`), and Streamlit's grid toolbar offers no "Download as CSV" (the shipped
    config turns it off; the browser check is in tests/browser/test_signin.py)."""
    import tomllib

    from conftest import ROOT
    from streamlit import config

    assert [f for f, _ in _calls("download_button")] == ["coopdash/web/download.py"]
    doors = list(_calls("download"))
    assert len(doors) >= 8, doors  # explorer, data, weekly, admin: the scan is not vacuous
    assert [(f, n.lineno) for f, n in doors
            if "record" not in {k.arg for k in n.keywords}] == []
    shipped = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert "client.disableDataExport" in config._config_options_template
    assert shipped["client"]["disableDataExport"] is True


def test_no_streamlit_english_placeholder():
    """A select box that may show nothing chosen (`index=None`) and every multiselect
    says it in the reader's language (`placeholder=`), never Streamlit's English
    "Choose an option"."""
    bare = [(f, n.lineno) for name in ("selectbox", "multiselect") for f, n in _calls(name)
            if "placeholder" not in {k.arg for k in n.keywords}
            and (name == "multiselect" or any(
                k.arg == "index" and getattr(k.value, "value", 0) is None
                for k in n.keywords))]
    assert bare == []
