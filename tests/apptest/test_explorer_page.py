"""The explorer page in a real AppTest: every tab opens, a link (URL) reopens the same
rows, paging shows the next rows, viewers see no names, exports are built on request."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdash.figures import explorer as ex
from coopdash.figures.filters import Filters
from coopdash.i18n import t
from coopdash.web import storage

PAGE = "pages/explorer.py"


def _open(at, **query_params):
    for key, value in query_params.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _expected(db, tab_name: str, flt: Filters, q: str = "", chosen=None, sort=None,
              desc=False, page=None, size=ex.DEFAULT_PAGE_SIZE, show_names=True, lang="id"):
    tab = ex.TABS[tab_name]
    params = {**flt.params("ID"), "currency": "IDR", "today": dt.date.today(), "home": "ID",
              "show_names": show_names, **ex.tab_params(tab, q, chosen, lang)}
    del db  # the app's own connection to it (one process holds a store file once)
    return ex.fetch(storage.connection(), tab, params, sort or tab.default_sort,
                    tab.default_desc if sort is None else desc, page, size)


def _shown(at):
    assert at.dataframe, "a table is drawn"
    return at.dataframe[0].value


@pytest.mark.parametrize("tab", ex.TAB_NAMES)
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("which", ["sample_store", "demo_store", "empty_store"])
def test_every_tab_opens(app, request, tab, lang, which):
    """Each tab opens on the sample, demo and empty store in both languages."""
    at = _open(app(request.getfixturevalue(which), lang=lang), tab=tab)
    assert at.segmented_control(key="explorer_tab").value == tab
    assert at.query_params["tab"] == [tab] or at.query_params["tab"] == tab


def test_url_round_trip_restores_tab_search_and_filters(app, demo_store):
    """A link with tab, search, shared and tab filters reopens exactly those rows."""
    at = app(demo_store)
    con = storage.connection()
    org = con.execute("select organisation from participants where status = 'attended' "
                      "and organisation is not null group by 1 order by count(*) desc "
                      "limit 1").fetchall()[0][0]
    q = org[:6]
    at = _open(at, tab="participants", q=q, pstat="attended", side="home",
               sort="-organisation")
    assert at.segmented_control(key="explorer_tab").value == "participants"
    assert at.text_input(key="ex_q").value == q
    assert at.multiselect(key="ex_f_status").value == ["attended"]
    assert at.multiselect(key="flt_sides").value == ["home"]
    assert at.selectbox(key="ex_sort").value == "organisation"
    assert at.toggle(key="ex_desc").value is True
    expected = _expected(demo_store, "participants", Filters(sides=("home",)), q=q,
                         chosen={"status": ["attended"]}, sort="organisation", desc=True,
                         page=1)
    assert len(expected) > 0
    shown = _shown(at)
    assert shown["ID peserta"].tolist() == expected["participant_id"].tolist()
    # the URL still says the same after the run (so copying it shares this view)
    qp = at.query_params
    for key, value in {"tab": "participants", "q": q, "pstat": "attended",
                       "sort": "-organisation", "side": "home"}.items():
        assert value in (qp[key] if isinstance(qp[key], list) else [qp[key]])


def test_page_two_holds_the_next_rows(app, demo_store):
    """`pg=2` shows rows 26–50 of the sorted query, and says which page it is."""
    at = _open(app(demo_store, lang="en"), tab="participants", pg="2", size="25",
               sort="participant_id")
    expected = _expected(demo_store, "participants", Filters(), sort="participant_id",
                         desc=False, lang="en")
    shown = _shown(at)
    assert shown["Participant id"].tolist() == expected["participant_id"].iloc[25:50].tolist()
    assert at.number_input(key="ex_page").value == 2
    assert any(f"page 2 of {ex.fmt_int(ex.n_pages(len(expected), 25), 'en')}" in m.value
               for m in at.markdown)


def test_next_page_then_new_search_goes_back_to_page_one(app, demo_store):
    """Changing the search sends the reader back to page 1."""
    at = _open(app(demo_store), tab="participants")
    at.number_input(key="ex_page").set_value(3).run()
    assert at.number_input(key="ex_page").value == 3
    at.text_input(key="ex_q").set_value("a").run()
    assert at.number_input(key="ex_page").value == 1


def test_viewer_sees_no_names(app, demo_store):
    """A viewer's participants tab has no name, id or position column, says so, and finds
    no one by name."""
    at = app(demo_store, lang="en", role="viewer")
    name = storage.connection().execute("select full_name from participants order by "
                                        "participant_id limit 1").fetchall()[0][0]
    at = _open(at, tab="participants",
               sort="participant_id")
    shown = _shown(at)
    hidden = [ex.headers(ex.TABS["participants"], True, "en", "IDR")[c]
              for c in ("participant_id", "full_name", "position")]
    assert not set(hidden) & set(shown.columns)
    assert name not in shown.to_string()
    assert t("explorer.names_hidden", "en") in [i.value for i in at.info]
    # the search box does not invite a search by name
    assert at.text_input(key="ex_q").placeholder == t("explorer.search_placeholder_no_names",
                                                      "en")
    at.text_input(key="ex_q").set_value(name).run()
    assert not at.dataframe or name not in _shown(at).to_string()


def test_analyst_sees_names(app, demo_store):
    """A role allowed to see names gets the name column."""
    at = _open(app(demo_store, lang="en", role="analyst"), tab="participants")
    assert "Full name" in _shown(at).columns
    assert at.text_input(key="ex_q").placeholder == t("explorer.search_placeholder", "en")


def test_switching_tabs_keeps_each_tabs_search(app, demo_store):
    """Search typed on one tab is still there after visiting another."""
    at = _open(app(demo_store), tab="programs")
    at.text_input(key="ex_q").set_value("semi").run()
    at.segmented_control(key="explorer_tab").set_value("funding").run()
    assert at.text_input(key="ex_q").value == ""
    assert at.query_params["tab"] in ("funding", ["funding"])
    at.segmented_control(key="explorer_tab").set_value("programs").run()
    assert at.text_input(key="ex_q").value == "semi"


def test_exports_are_built_only_when_clicked(app, sample_store, monkeypatch):
    """Each format is one download button whose file is made at the click (deferred):
    no run of the page builds an export."""
    from coopdash.figures import exports

    built = []
    monkeypatch.setattr(exports, "to_bytes", lambda *a: built.append(a) or b"")
    at = _open(app(sample_store, lang="en"), tab="programs")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    offered = {b.proto.id.rsplit("-", 1)[-1]: b.proto for b in at.get("download_button")}
    assert set(offered) == {"ex_dl_csv", "ex_dl_xlsx", "ex_dl_parquet"}
    assert all(p.deferred_file_id and not p.disabled for p in offered.values())
    assert built == []


def test_no_rows_no_download(app, sample_store):
    """A search that matches nothing offers no file: the buttons are disabled and say why."""
    at = _open(app(sample_store, lang="en"), tab="programs", q="no-such-program-anywhere")
    protos = [b.proto for b in at.get("download_button")]
    assert len(protos) == 3 and all(p.disabled for p in protos)
    assert [c.value for c in at.caption].count(t("explorer.no_rows", "en")) == 3


def test_drill_down_opens_the_tab_with_narrowed_filters(app, demo_store):
    """A chart's drill_to (another page) lands on the explorer tab with its filters."""
    at = app(demo_store)
    at.run()
    at.session_state["_pending_filters"] = {"kinds": ["seminar"]}
    at.session_state["explorer_tab"] = "delegations"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.segmented_control(key="explorer_tab").value == "delegations"
    assert at.multiselect(key="flt_kinds").value == ["seminar"]
