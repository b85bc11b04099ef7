"""Saved views: named addresses of the dashboard, kept in the store (migration 006),
opened as their URL would open, never carrying a role."""

from __future__ import annotations

import json

import pytest

from coopdash import saved_views as sv
from coopdash import store
from coopdash.i18n import t
from coopdash.web.literal import plain

ANA = sv.Who("ana@office.go.id", may_save=True, may_share=True)
BUDI = sv.Who("budi@office.go.id", may_save=True, may_share=True)
ADMIN = sv.Who("admin@office.go.id", may_save=True, is_admin=True, may_share=True)
WALL = sv.Who("wall", may_save=False)


@pytest.fixture
def con(sample_store, store_copy):
    c = store.connect(store_copy(sample_store), read_only=False)
    yield c
    c.close()


def _names(con, who):
    return [v.name for v in sv.listed(con, who)]


def test_save_list_share_and_reopen_address(con):
    """A person's views are theirs until shared; shared ones are listed for everyone,
    after their own; the address kept is the URL's, less one-off messages."""
    before = store.data_version(con)
    mine = sv.save(con, ANA, "  Peserta   Jepang ", "explorer",
                   {"tab": "participants", "country": "JP", "lang": "en",
                    "page_not_found": "/x"})
    sv.save(con, BUDI, "Budi's", "funding", {"cur": "USD"}, shared=True)
    assert mine.name == "Peserta Jepang"
    assert _names(con, ANA) == ["Peserta Jepang", "Budi's"]
    assert _names(con, BUDI) == ["Budi's"]
    got = sv.get(con, mine.view_id)
    assert (got.page, got.params) == ("explorer", {"country": "JP", "lang": "en",
                                                   "tab": "participants"})
    assert store.data_version(con) == before  # a view changes no record


def test_names_are_unique_per_person_and_checked(con):
    """The same name twice (any case) is refused for one person, allowed for another;
    empty and overlong names are refused with the reason."""
    sv.save(con, ANA, "Weekly", "weekly", {})
    with pytest.raises(sv.ViewError) as err:
        sv.save(con, ANA, "weekly ", "overview", {})
    assert (err.value.key, err.value.values) == ("views.error.taken", {"name": "weekly"})
    sv.save(con, BUDI, "Weekly", "weekly", {})
    for bad, key in (("   ", "views.error.empty_name"), ("x" * 81, "views.error.long_name")):
        with pytest.raises(sv.ViewError) as err:
            sv.save(con, ANA, bad, "overview", {})
        assert err.value.key == key
    assert sorted(_names(con, ANA)) == ["Weekly"]


def test_only_owner_or_admin_changes_a_shared_view(con):
    """Another person sees a shared view but cannot rename, unshare or delete it; the
    owner and an admin can; a read-only role saves nothing."""
    view = sv.save(con, ANA, "Leadership", "overview", {"kind": "seminar"}, shared=True)
    for act in (lambda: sv.change(con, BUDI, view.view_id, name="Mine now"),
                lambda: sv.change(con, BUDI, view.view_id, shared=False),
                lambda: sv.delete(con, BUDI, view.view_id)):
        with pytest.raises(sv.ViewError) as err:
            act()
        assert err.value.key == "views.error.not_owner"
    assert _names(con, BUDI) == ["Leadership"]
    sv.change(con, ANA, view.view_id, name="Leadership 2026")
    sv.change(con, ADMIN, view.view_id, shared=False)
    assert _names(con, BUDI) == []
    assert _names(con, ANA) == ["Leadership 2026"]
    with pytest.raises(sv.ViewError):
        sv.save(con, WALL, "Wall", "overview", {})
    sv.delete(con, ADMIN, view.view_id)
    assert _names(con, ANA) == []
    with pytest.raises(sv.ViewError) as err:
        sv.delete(con, ANA, view.view_id)
    assert err.value.key == "views.error.gone"


def test_rename_to_a_taken_name_is_refused(con):
    """Renaming onto another of one's own names is refused; keeping the name is fine."""
    a = sv.save(con, ANA, "A", "overview", {})
    sv.save(con, ANA, "B", "overview", {})
    with pytest.raises(sv.ViewError):
        sv.change(con, ANA, a.view_id, name="b")
    assert sv.change(con, ANA, a.view_id, name="A", shared=True).is_shared


# --- in the app ----------------------------------------------------------------------------

def _button(at, label):
    found = [b for b in at.button if b.label == label]
    assert found, [b.label for b in at.button]
    return found[0]


def _open_views(at):
    at.session_state["views_open"] = True
    at.run()
    assert not at.exception, at.exception


def test_analysts_shared_view_shows_a_viewer_counts(app, sample_store, store_copy,
                                                    monkeypatch):
    """An analyst saves the explorer's participants with a filter and shares it; a viewer
    opens it: the same table and filter, and the names hidden (a view carries no role)."""
    db = store_copy(sample_store)
    monkeypatch.setenv("COOPDASH_ACTOR", "ana@office.go.id")
    at = app(db, lang="en", role="analyst")
    at.run()
    at.session_state["explorer_tab"] = "participants"
    at.switch_page("pages/explorer.py").run()
    at.multiselect(key="flt_kinds").set_value(["meeting"]).run()
    _open_views(at)
    at.text_input(key="views_name").input("Meeting participants")
    at.checkbox(key="views_new_shared").check()
    _button(at, t("views.save", "en")).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [t("views.saved", "en",
                                               name=plain("Meeting participants"))]
    con = store.connect(db)  # the app's own database instance (same process)
    page, query, shared = con.execute(
        "select page, query, is_shared from saved_views").fetchall()[0]
    con.close()
    saved = json.loads(query)
    assert (page, shared) == ("explorer", True)
    assert saved["tab"] == "participants" and saved["kind"] == "meeting"
    assert dict(at.query_params) == saved  # exactly the address the analyst had

    monkeypatch.setenv("COOPDASH_ACTOR", "wall-screen")
    viewer = app(db, lang="en", role="viewer")
    viewer.run()
    _open_views(viewer)
    assert viewer.selectbox(key="views_pick").value is not None
    assert t("views.read_only", "en") in [c.value for c in viewer.caption]
    _button(viewer, t("views.open", "en")).click().run()
    assert not viewer.exception
    assert viewer.multiselect(key="flt_kinds").value == ["meeting"]
    assert viewer.session_state["explorer_tab"] == "participants"
    assert t("explorer.names_hidden", "en") in [i.value for i in viewer.info]


def test_owner_renames_and_deletes_in_the_sidebar(app, sample_store, store_copy, monkeypatch):
    """In the sidebar the owner renames a view (and shares it), then deletes it; another
    person's view is listed for opening only."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)  # a private copy, before the app shares it
    mine = sv.save(con, sv.Who("pytest", may_save=True), "Old name", "funding", {"cur": "USD"})
    sv.save(con, BUDI, "Budi's view", "overview", {}, shared=True)
    con.close()
    at = app(db, lang="en", role="keeper")  # COOPDASH_ACTOR is "pytest" (conftest)
    at.run()
    _open_views(at)
    at.selectbox(key="views_pick").set_value(mine.view_id).run()
    at.text_input(key=f"views_rename_{mine.view_id}").input("New name")
    at.checkbox(key=f"views_share_{mine.view_id}").check()
    _button(at, t("views.apply", "en")).click().run()
    assert [s.value for s in at.success] == [t("views.changed", "en", name=plain("New name"))]
    con = store.connect(db)
    assert [(v.name, v.is_shared) for v in sv.listed(con, sv.Who("pytest", True))] == [
        ("New name", True), ("Budi's view", True)]
    con.close()
    _button(at, t("views.delete", "en")).click().run()
    assert [s.value for s in at.success] == [t("views.deleted", "en", name=plain("New name"))]
    at.run()
    assert [o for o in at.selectbox(key="views_pick").options] == [
        t("views.by", "en", name="Budi's view", owner=BUDI.owner)]
    assert not [b for b in at.button if b.label == t("views.delete", "en")]


def test_a_view_of_a_removed_page_says_so(app, sample_store, store_copy):
    """A view whose page no longer exists says so when opened, instead of failing."""
    db = store_copy(sample_store)
    con = store.connect(db, read_only=False)
    sv.save(con, sv.Who("pytest", may_save=True), "Old page", "reports", {})
    con.close()
    at = app(db, lang="en", role="keeper")
    at.run()
    _open_views(at)
    _button(at, t("views.open", "en")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("views.error.page_gone", "en", page="reports")]


def test_who_may_share_is_the_role_tables_rule(con):
    """Sharing a view is the `share` permission of the role table: a signed-in viewer
    saves views for themselves but shares none (saving shared or sharing later is
    refused, nothing written); an analyst shares."""
    from coopdash import access

    assert [r for r in access.ROLES if access.can(r, "share")] == ["analyst", "keeper",
                                                                    "admin"]
    viewer = sv.Who("vera@office.go.id", may_save=True, may_share=False)
    with pytest.raises(sv.ViewError) as err:
        sv.save(con, viewer, "[Verifikasi](http://evil.example)", "overview", {}, shared=True)
    assert err.value.key == "views.error.not_sharing"
    own = sv.save(con, viewer, "Mine", "overview", {})
    with pytest.raises(sv.ViewError):
        sv.change(con, viewer, own.view_id, shared=True)
    assert _names(con, ANA) == [] and _names(con, viewer) == ["Mine"]
    sv.save(con, ANA, "Ana's", "overview", {}, shared=True)
    assert _names(con, viewer) == ["Mine", "Ana's"]
