"""Roles per person without a browser: the rules (coopdash.access), the roles kept in a
real store with their log, `python -m coopdash users`, and the pages through AppTest in
the mode without sign-in (COOPDASH_ROLE), where a viewer sees no participant name or id
and gets "not allowed" on the Data and Admin pages."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
import streamlit as st

from coopdash import access, settings, store
from coopdash.cli import main as cli_main
from coopdash.i18n import t
from coopdash.settings import SAMPLE_DIR
from coopdash.store import users
from coopdash.web import literal, storage


def test_each_role_has_exactly_its_permissions():
    """viewer: nothing personal, no sharing; analyst: names + export + share views;
    keeper: + write; admin: + manage."""
    table = {role: {w for w in access.KNOWN if access.can(role, w)} for role in access.ROLES}
    assert table == {"viewer": set(), "analyst": {"names", "export", "share"},
                     "keeper": {"names", "export", "write", "share"},
                     "admin": {"names", "export", "write", "manage", "share"}}
    assert not any(access.can(None, w) for w in access.KNOWN)  # no role: nothing
    assert [r for r in access.ROLES if access.can_open(r, "data")] == ["analyst", "keeper",
                                                                       "admin"]
    assert [r for r in access.ROLES if access.can_open(r, "admin")] == ["admin"]
    assert all(access.can_open(r, "explorer") for r in access.ROLES)
    assert not access.can_open(None, "explorer")
    with pytest.raises(access.AccessError):
        access.can("viewer", "delete_everything")


def test_role_resolution_order():
    """COOPDASH_ADMINS always wins, then the stored role, then the default (viewer/none)."""
    admins = ("boss@office.go.id",)
    assert access.resolve("boss@office.go.id", "viewer", admins, None) == "admin"
    assert access.resolve("ana@office.go.id", "analyst", admins, "viewer") == "analyst"
    assert access.resolve("new@office.go.id", None, admins, "viewer") == "viewer"
    assert access.resolve("new@office.go.id", None, admins, None) is None


def test_settings_refuse_a_default_role_beyond_viewer(monkeypatch):
    """COOPDASH_DEFAULT_ROLE may grant viewer only; a typo in COOPDASH_ADMINS is loud."""
    monkeypatch.setenv("COOPDASH_DEFAULT_ROLE", "Viewer")
    monkeypatch.setenv("COOPDASH_ADMINS", " Boss@Office.go.id , it@office.go.id")
    s = settings.get()
    assert s.default_role == "viewer"
    assert s.admins == ("boss@office.go.id", "it@office.go.id")
    monkeypatch.setenv("COOPDASH_DEFAULT_ROLE", "analyst")
    with pytest.raises(access.AccessError, match="only be 'viewer'"):
        settings.get()
    monkeypatch.setenv("COOPDASH_DEFAULT_ROLE", "")
    monkeypatch.setenv("COOPDASH_ADMINS", "boss-at-office")
    with pytest.raises(access.AccessError, match="not an e-mail"):
        settings.get()


def test_roles_are_kept_and_every_change_is_logged(sample_store, store_copy):
    """Add, change, remove: the users table follows and the log has who/when/old -> new;
    setting the same role again changes and logs nothing; data_version is untouched."""
    con = store.connect(store_copy(sample_store), read_only=False)
    version = store.data_version(con)
    assert users.set_role(con, " Ana@Office.go.id", "analyst", "boss@office.go.id") == (
        None, "analyst")
    assert users.set_role(con, "ana@office.go.id", "keeper", "boss@office.go.id") == (
        "analyst", "keeper")
    assert users.set_role(con, "ana@office.go.id", "keeper", "boss@office.go.id") == (
        "keeper", "keeper")
    assert users.role_of(con, "ANA@office.go.id") == "keeper"
    assert users.set_role(con, "ana@office.go.id", None, "it@office.go.id") == ("keeper", None)
    assert users.role_of(con, "ana@office.go.id") is None
    log = users.role_log(con)  # newest first
    assert [tuple(None if pd.isna(v) else v for v in row) for row in
            log[["actor", "email", "old_role", "new_role"]].itertuples(index=False)] == [
        ("it@office.go.id", "ana@office.go.id", "keeper", None),
        ("boss@office.go.id", "ana@office.go.id", "analyst", "keeper"),
        ("boss@office.go.id", "ana@office.go.id", None, "analyst")]
    assert store.data_version(con) == version
    with pytest.raises(access.AccessError):
        users.set_role(con, "ana@office.go.id", "superuser", "boss@office.go.id")
    assert len(users.role_log(con)) == 3  # the refused change wrote nothing
    con.close()


def test_cli_users_set_list_remove(sample_store, store_copy, capsys, monkeypatch):
    """`users set / list / remove` change the store's roles, logged under the operator."""
    db = store_copy(sample_store)
    monkeypatch.setenv("COOPDASH_ACTOR", "it-desk")
    monkeypatch.setenv("COOPDASH_ADMINS", "boss@office.go.id")
    assert cli_main(["users", "set", "Rina@Office.go.id", "keeper", "--db", str(db)]) == 0
    assert cli_main(["users", "set", "budi@office.go.id", "viewer", "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli_main(["users", "list", "--db", str(db), "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split("\t")[:2] for ln in lines] == [["budi@office.go.id", "viewer"],
                                                   ["rina@office.go.id", "keeper"],
                                                   ["boss@office.go.id", "admin"]]
    assert cli_main(["users", "remove", "rina@office.go.id", "--db", str(db)]) == 0
    with pytest.raises(SystemExit):  # argparse refuses a role that is not one
        cli_main(["users", "set", "x@office.go.id", "root", "--db", str(db)])
    assert cli_main(["users", "set", "not-an-address", "viewer", "--db", str(db)]) == 2
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select email, role from users").fetchall() == [
        ("budi@office.go.id", "viewer")]
    assert con.execute("select actor, email, old_role, new_role from role_log "
                       "order by change_id").fetchall() == [
        ("it-desk", "rina@office.go.id", None, "keeper"),
        ("it-desk", "budi@office.go.id", None, "viewer"),
        ("it-desk", "rina@office.go.id", "keeper", None)]
    con.close()


def test_cli_never_removes_nor_lowers_the_last_admin(sample_store, store_copy, capsys,
                                                     monkeypatch):
    """With no COOPDASH_ADMINS, `users remove/set` refuse to take the admin role from the
    last stored admin (a plain message, the store unchanged); once another admin exists,
    or the setting names one, the change is made."""
    db = store_copy(sample_store)
    monkeypatch.delenv("COOPDASH_ADMINS", raising=False)
    assert cli_main(["users", "set", "boss@office.go.id", "admin", "--db", str(db)]) == 0
    capsys.readouterr()
    refused = t("access.last_admin", "en", email="boss@office.go.id")
    for args in (["remove", "boss@office.go.id"], ["set", "boss@office.go.id", "keeper"]):
        assert cli_main(["users", *args, "--db", str(db), "--lang", "en"]) == 2
        assert capsys.readouterr().err.strip() == refused
    with store.reading(db) as con:
        assert users.role_of(con, "boss@office.go.id") == "admin"
        assert len(users.role_log(con)) == 1
    assert cli_main(["users", "set", "ani@office.go.id", "admin", "--db", str(db)]) == 0
    assert cli_main(["users", "set", "boss@office.go.id", "keeper", "--db", str(db)]) == 0
    monkeypatch.setenv("COOPDASH_ADMINS", "it@office.go.id")
    assert cli_main(["users", "remove", "ani@office.go.id", "--db", str(db)]) == 0
    with store.reading(db) as con:
        assert users.listed(con)[["email", "role"]].values.tolist() == [
            ["boss@office.go.id", "keeper"]]


# --- the pages without sign-in: COOPDASH_ROLE for everyone --------------------------------

def _sample_people() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "participants.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("page", ["pages/data.py", "pages/admin.py"])
def test_viewer_gets_not_allowed_on_data_and_admin(app, sample_store, page):
    """A viewer opening the Data or Admin page gets "not allowed", not its widgets."""
    at = app(sample_store, lang="en", role="viewer").run()
    at.switch_page(page).run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("access.not_allowed", "en")]
    assert not at.get("file_uploader") and not at.main.button and not at.dataframe


def test_sidebar_says_which_mode(app, sample_store):
    """Without sign-in, the sidebar says everyone has COOPDASH_ROLE's role."""
    at = app(sample_store, lang="en", role="viewer").run()
    assert t("access.mode.shared", "en", role=t("role.viewer", "en")) in [
        c.value for c in at.sidebar.caption]


def test_viewer_explorer_has_no_participant_name_nor_id(app, sample_store):
    """A viewer's participants tab shows no name, id or position (a position names one
    person), a search by any of them finds no one, and no export is offered; an analyst
    sees and finds them."""
    people = _sample_people()
    personal = [*people["participant_id"], *people["full_name"], *people["position"]]
    probes = (people["participant_id"].iloc[0], people["full_name"].iloc[2],
              people["position"].iloc[2])
    for role in ("viewer", "analyst"):
        at = app(sample_store, lang="en", role=role).run()
        at.query_params["tab"] = "participants"
        at.switch_page("pages/explorer.py").run()
        assert not at.exception
        shown = at.dataframe[0].value
        assert len(shown) == len(people)
        text = shown.to_csv()
        assert [v for v in personal if v in text] == ([] if role == "viewer" else personal)
        assert any("ex_dl_" in k for k in _download_keys(at)) is (role == "analyst")
        for probe in probes:
            at.text_input(key="ex_q").set_value(probe).run()
            found = bool(at.dataframe) and not at.dataframe[0].value.empty
            assert found is (role == "analyst"), (role, probe)
        st.cache_resource.clear()
        st.cache_data.clear()


def test_positions_chart_only_for_roles_that_see_names(app, sample_store):
    """The Delegations page's most frequent positions: none for a viewer (the query
    returns no row, the tab says why); an analyst gets every recorded participant's."""
    from coopdash.figures.filters import Filters
    from coopdash.store import query

    people = _sample_people()
    con = store.connect(sample_store)
    try:
        def positions(show_names):
            return query.run(con, "delegations_positions",
                             {**Filters().params(), "show_names": show_names, "limit": 15})
        assert positions(False).empty
        shown = positions(True)
    finally:
        con.close()
    assert shown["n_people"].sum() == (people["status"] != "withdrawn").sum()
    assert set(shown["position"]) <= set(people["position"])
    at = app(sample_store, lang="en", role="viewer").run()
    at.session_state["dl_people_tab"] = t("lead.deleg.positions", "en")
    at.switch_page("pages/delegations.py").run()
    assert not at.exception
    assert t("access.positions_hidden", "en") in [i.value for i in at.info]


def _download_keys(at) -> list[str]:
    return [b.proto.id for b in at.get("download_button")]


def test_explorer_files_only_for_roles_that_may_export(app, sample_store):
    """The explorer's CSV / Excel / Parquet are offered to an analyst, never to a viewer
    (the access log of what an analyst downloads is tested in Chromium, test_signin)."""
    for role, offered in (("analyst", True), ("viewer", False)):
        at = app(sample_store, lang="en", role=role).run()
        at.query_params["tab"] = "participants"
        at.switch_page("pages/explorer.py").run()
        assert not at.exception
        keys = _download_keys(at)
        assert any("ex_dl_csv" in k for k in keys) is offered, (role, keys)
        st.cache_resource.clear()


@pytest.fixture
def _clicks_survive(monkeypatch):
    """AppTest resets Streamlit's legacy-pages flag before every run, so dashboard.py
    leaves that mode with an st.rerun() at the start of each run, and a form's submit
    click is lost in that rerun. Start each AppTest run in navigation mode, as a real
    server is after its first run."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def _button(at, key: str):
    return next(b for b in at.main.button if b.label == t(key, "en"))


def test_admin_page_changes_roles_with_a_log(app, sample_store, store_copy, monkeypatch,
                                            _clicks_survive):
    """On the Admin page an admin adds, changes and removes a role; each change shows in
    the role log with who did it; a bad address is refused with a message."""
    monkeypatch.setenv("COOPDASH_ACTOR", "it-desk")
    at = app(store_copy(sample_store), lang="en", role="admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    at.text_input(key="adm_email").set_value("Rina@office.go.id")
    at.selectbox(key="adm_role").set_value("keeper")
    _button(at, "admin.save").click().run()
    assert users.role_of(storage.connection(), "rina@office.go.id") == "keeper"
    at.selectbox(key="adm_remove_who").set_value("rina@office.go.id")
    _button(at, "admin.remove").click().run()
    assert users.role_of(storage.connection(), "rina@office.go.id") is None
    at.text_input(key="adm_email").set_value("rina at office")
    _button(at, "admin.save").click().run()
    assert [e.value for e in at.error] == [t("admin.bad_email", "en",
                                                      value=literal.plain("rina at office"))]
    log = users.role_log(storage.connection())
    assert log[["actor", "email"]].values.tolist() == [["it-desk", "rina@office.go.id"]] * 2
    shown = [d.value for d in at.dataframe if t("admin.col.old_role", "en") in d.value.columns]
    assert len(shown[0]) == 2


def test_admin_page_never_removes_nor_lowers_the_last_admin(app, sample_store, store_copy,
                                                            monkeypatch):
    """The Admin page refuses to lower or remove the last stored admin (no COOPDASH_ADMINS)
    with a plain message, and the role stays."""
    db = store_copy(sample_store)
    monkeypatch.delenv("COOPDASH_ADMINS", raising=False)
    with store.writing(db, actor="it-desk", what="role") as con:
        users.set_role(con, "boss@office.go.id", "admin", actor="it-desk")
    at = app(db, lang="en", role="admin").run()
    at.switch_page("pages/admin.py").run()
    refused = [t("access.last_admin", "en", email=literal.plain("boss@office.go.id"))]
    at.text_input(key="adm_email").set_value("boss@office.go.id")
    at.selectbox(key="adm_role").set_value("viewer")
    _button(at, "admin.save").click().run()
    assert [e.value for e in at.error] == refused
    at.selectbox(key="adm_remove_who").set_value("boss@office.go.id")
    _button(at, "admin.remove").click().run()
    assert [e.value for e in at.error] == refused
    assert users.role_of(storage.connection(), "boss@office.go.id") == "admin"


def test_admin_lowering_an_admin_of_the_setting_is_told_the_setting_wins(app, sample_store,
                                                                        store_copy,
                                                                        monkeypatch):
    """An administrator named by COOPDASH_ADMINS "lowers" that address to viewer: the
    role is stored (and logged), but the page says plainly that the setting keeps them
    admin, not a bare success."""
    monkeypatch.setenv("COOPDASH_ADMINS", "boss@office.go.id")
    at = app(store_copy(sample_store), lang="en", role="admin").run()
    at.switch_page("pages/admin.py").run()
    at.text_input(key="adm_email").set_value("boss@office.go.id")
    at.selectbox(key="adm_role").set_value("viewer")
    _button(at, "admin.save").click().run()
    assert not at.exception and not at.success
    said = [w.value for w in at.warning]
    assert len(said) == 1 and said[0].endswith(
        t("access.cli.setting_wins", "en", email=literal.plain("boss@office.go.id"))), said
    assert users.role_of(storage.connection(), "boss@office.go.id") == "viewer"
