"""Sign-in for real: a real OIDC provider (oidc-provider-mock) on loopback, a real
`streamlit run` with `[auth]` in a secrets file written by the test, and Chromium signing
each test account in through the real redirect flow."""

from __future__ import annotations

import shutil

import pytest
from browser_util import click_download, log_of, wait_idle, wait_logged, watch_messages
from oidc_util import ADMIN, CHANGED, LEAVER, sign_in, sign_out, signin_dashboard
from playwright.sync_api import expect

from coopdash.i18n import t
from coopdash.settings import SAMPLE_DIR

pytestmark = pytest.mark.browser

# the files every role is offered: the weekly page's meeting pack (HTML, PDF, PowerPoint);
# the explorer's and the store's downloads need `export`, which a viewer lacks
PACK_FILES = {".html", ".pdf", ".pptx"}
OUTSIDE = ("http://127.0.0.1", "http://localhost", "data:", "blob:")


@pytest.fixture(scope="module")
def signin_app(sample_store, tmp_path_factory):
    """The dashboard with sign-in over a copy of the sample store; yields its URL."""
    folder = tmp_path_factory.mktemp("signin")
    db = folder / "served.duckdb"
    shutil.copy(sample_store, db)
    with signin_dashboard(db, folder / "secrets", {"COOPDASH_LANG": "en",
                                                   "COOPDASH_TODAY": "2026-11-28"}) as (url, _):
        yield url


def _context(browser, state: dict | None = None):
    """A fresh browser (its own cookies, or those of `state`); no outside requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800},
                                  accept_downloads=True, storage_state=state)
    context.route(lambda url: not url.startswith(OUTSIDE), lambda route: route.abort())
    watch_messages(context)
    context.set_default_timeout(120_000)  # two cores: a cold page can take a while
    context.set_default_navigation_timeout(120_000)
    return context


@pytest.fixture(scope="module")
def signed_in(signin_app, browser):
    """e-mail -> the browser state (cookies) of that person signed in through the real
    redirect flow, once per person in this module's server. A test that signs out must
    not use it: signing out ends that person's older sessions (LEAVER signs out)."""
    states: dict[str, dict] = {}

    def state(email: str) -> dict:
        if email not in states:
            context = _context(browser)
            try:
                sign_in(context.new_page(), signin_app, email)
                states[email] = context.storage_state()
            finally:
                context.close()
        return states[email]

    return state


@pytest.fixture
def person(browser, signed_in):
    """`person()`: a fresh browser (its own cookies), not signed in; `person(email)`: a
    fresh browser holding `email`'s signed-in state (`signed_in`). A blank tab: the test
    opens the page it wants."""
    made = []

    def new(email: str | None = None):
        context = _context(browser, signed_in(email) if email else None)
        made.append(context)
        return context.new_page()

    yield new
    for context in made:
        context.close()


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _wait_text(page, text: str, timeout: float = 120.0) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout * 1000)


def _store_words() -> list[str]:
    """Words only the store can show: partner names and participants' names."""
    import pandas as pd

    partners = pd.read_csv(SAMPLE_DIR / "partners.csv", dtype=str)
    people = pd.read_csv(SAMPLE_DIR / "participants.csv", dtype=str)
    return [*partners["name"], *people["full_name"], *people["participant_id"]]


def test_anonymous_browser_sees_no_data(signin_app, person):
    """Not signed in, every URL shows what coopdash is and "Sign in", nothing of the store:
    in the link's language, naming the page the link opens, never Streamlit's "Page not
    found" dialog (the sign-in button works at once); a path naming no page says so."""
    page = person()
    for path, lang, wanted in (("", "en", None), ("/explorer/participants?lang=id", "id",
                                                  "explorer"),
                               ("/data", "en", "data"), ("/admin", "en", "admin"),
                               ("/weekly?lang=en", "en", "weekly"),
                               ("/weekly?lang=id", "id", "weekly")):
        page.goto(signin_app + path)
        page.locator(".st-key-auth_sign_in button").wait_for(timeout=120_000)
        page.get_by_text(t("access.landing.what", lang)).wait_for()
        wait_idle_landing(page)
        body = page.locator("body").inner_text()
        said = (t("access.landing.sign_in_to_open", lang, page=t(f"nav.{wanted}", lang))
                if wanted else t("access.landing.sign_in_needed", lang))
        assert said in body, (path, body)
        assert not [w for w in _store_words() if w in body], path
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert page.locator('[role="dialog"]').count() == 0, path  # no "Page not found"
    page.goto(signin_app + "/nothing?lang=en")
    _wait_text(page, t("access.landing.no_page", "en", path="/nothing"))
    page.locator(".st-key-auth_sign_in button").click()  # works at once: to the provider
    page.wait_for_selector('input[name="sub"]', timeout=120_000)


def wait_idle_landing(page) -> None:
    """The landing's run is over (Streamlit idle), so a dialog would be drawn by now."""
    page.wait_for_function("""() => {
        const app = document.querySelector('[data-testid="stApp"]');
        return app && app.dataset.testScriptState === "notRunning";
    }""", timeout=120_000)


def test_person_without_role_is_asked_to_see_an_administrator(signin_app, person):
    """Signed in with no role: the polite page, no data, and a way to sign out."""
    page = person()
    sign_in(page, signin_app, "nobody@office.example")
    _wait_text(page, "nobody@office.example")
    body = page.locator("body").inner_text()
    assert t("access.no_role_page", "en", email="nobody@office.example") in body
    assert not [w for w in _store_words() if w in body]


def _ended(page) -> None:
    """The page shows the landing after a sign-out elsewhere: "Sign in", no data."""
    page.locator(".st-key-auth_sign_in button").wait_for(timeout=120_000)
    _wait_text(page, t("access.landing.signed_out", "en"))
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert not [w for w in _store_words() if w in page.locator("body").inner_text()]


def test_admin_sees_the_admin_page(signin_app, person):
    """An administrator named by COOPDASH_ADMINS reaches the Admin page and its lists."""
    page = person(ADMIN)
    page.goto(signin_app + "/admin")
    _wait_text(page, t("admin.role_log", "en"))
    assert t("admin.from_setting", "en", emails=ADMIN) in _main_text(page)
    page.locator(".st-key-adm_remove_who input").click()  # the people with a role
    page.get_by_role("option", name="analyst@office.example").wait_for(timeout=30_000)


# --- what each role sees and does ------------------------------------------------------------

def test_viewer_crawl_menu_urls_and_sign_out(signin_app, person, sample_store, tmp_path):
    """One signed-in viewer's session, one visit per page, proves what a viewer gets:

    - Everything the browser receives on every page, explorer tab, expander and tab, and
      every file it can download, holds no participant's name nor id. The one crawl of
      the viewer role: a wall screen (no sign-in, COOPDASH_ROLE=viewer) is the same role
      through the same code, its sidebar's words and its pages' tables are checked in
      AppTest (tests/apptest/test_access.py: test_sidebar_says_which_mode,
      test_viewer_explorer_has_no_participant_name_nor_id).
    - It is also the one crawl of the pages at the root of a served app: each page shows
      its title and no exception, and not one request goes to another host than the
      app's (no font, icon, script or map tile from the internet; the page icon is the
      app's own). Each page screenshotted into test-output/. A page opened by its URL
      (the URL rules) is checked behind nginx (test_nginx.py) and in AppTest
      (test_routes.py).
    - The menu has no Data, Admin or Record; the viewer keeps saved views to themselves;
      every explorer table is drawn without the editor; the URLs of Data, Admin and
      Record say "not allowed".
    - Signing out ends access: in that tab, at the next click of another tab opened
      before (a pack download: no file, and the page says why), and on another device
      holding a copy of the identity cookie; signing in again works. The viewer is
      LEAVER, a person of their own: signing out ends that person's older sessions."""
    from crawl_util import Recorder, crawl, file_text, found, personal_data
    from deploy_checks import outside

    secret = personal_data(sample_store)
    page = person()
    seen = Recorder(page)
    sign_in(page, signin_app, LEAVER)
    wait_idle(page, timeout=120)
    _viewer_menu(page)
    asked: list[str] = []  # from here on: the provider's own pages were asked before
    page.on("request", lambda request: asked.append(request.url))
    files = crawl(page, signin_app, tmp_path, shots="page", check=_no_editor_on_explorer)
    assert asked and outside(asked, signin_app) == []
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first
    assert icon.get_attribute("href").startswith(("/", signin_app, "./"))
    assert t("explorer.tab.participants", "en") in seen.text()  # the frames were recorded
    assert found(secret, seen.text()) == []
    assert {path.suffix for path in files} >= PACK_FILES, files  # not vacuous
    for path in files:
        assert found(secret, file_text(path)) == [], path.name
    for path in ("/data", "/admin", "/record"):
        page.goto(signin_app + path)
        _wait_text(page, t("access.not_allowed", "en"))
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
    # opened after the crawl: two more live sessions in the browser during it cost time
    other_tab, device = _opened_before_sign_out(page, person, signin_app)
    _signed_out_everywhere(page, other_tab, device, signin_app)


def _opened_before_sign_out(page, person, signin_app):
    """Another tab of the viewer's browser on the Weekly page (its pack's button drawn),
    and another browser holding a copy of the identity cookie (as a thief would) on the
    Timeline: both opened while signed in."""
    other_tab = page.context.new_page()
    other_tab.goto(signin_app + "/weekly")
    other_tab.locator(".st-key-wk_pack_html button").wait_for(timeout=120_000)
    wait_idle(other_tab, timeout=120)
    device = person()
    device.context.add_cookies(page.context.cookies())
    device.goto(signin_app + "/timeline")
    wait_idle(device, timeout=120)
    return other_tab, device


def _viewer_menu(page) -> None:
    """A viewer's menu has no Data, Admin or Record; names them; their views stay theirs."""
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert t("nav.explorer", "en") in nav
    assert t("nav.data", "en") not in nav and t("nav.admin", "en") not in nav
    assert t("nav.record", "en") not in nav
    assert LEAVER in page.locator('[data-testid="stSidebar"]').inner_text()
    open_views(page)  # a viewer keeps views to themselves: sharing is the role table's
    assert page.locator(".st-key-views_new_shared input").is_disabled()


def _no_editor_on_explorer(page, path: str, tab: str | None) -> None:
    if path == "explorer":
        assert_no_editor(page)


def _signed_out_everywhere(page, other_tab, device, signin_app) -> None:
    """Sign out in `page`: the app's pages show the landing and nothing of the store;
    `other_tab`'s next click (a download) is refused and says why; `device` (the copied
    cookie) is signed out at its next load; a new sign-in is not ended."""
    sign_out(page, signin_app)
    page.goto(signin_app + "/explorer")
    page.locator(".st-key-auth_sign_in button").wait_for(timeout=120_000)
    assert not [w for w in _store_words() if w in page.locator("body").inner_text()]
    _refused_said(other_tab, "wk_pack_html", None)  # its next click: a download
    _ended(other_tab)
    device.reload()
    _ended(device)
    sign_in(device, signin_app, LEAVER)  # a new sign-in is not ended
    wait_idle(device, timeout=120)
    assert t("access.landing.signed_out", "en") not in device.locator("body").inner_text()


def _download(page, key: str, folder):
    got = click_download(page, page.locator(f".st-key-{key} button"))
    path = folder / got.suggested_filename
    got.save_as(path)
    return path


def assert_no_editor(page) -> None:
    """The Explorer drawn (its table) without the editor: no edit switch, no editable grid,
    no Save (a keeper's page has them: tests/browser/test_editor_browser.py)."""
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    for key in ("ex_edit", "ex_editor_programs", "ex_editor_participants", "ex_edit_save"):
        assert page.locator(f".st-key-{key}").count() == 0, key
    assert page.locator('[data-testid="stDataFrame"]').count() == 1


def grid_toolbar(page) -> list[str]:
    """The buttons of the first grid's own toolbar (shown while the pointer is over it)."""
    page.locator('[data-testid="stDataFrame"]').first.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.get_by_role("button").first.wait_for(timeout=30_000)
    return [b.get_attribute("aria-label") or b.inner_text()
            for b in toolbar.get_by_role("button").all()]


HOSTILE_VIEW = "[Verifikasi akun](http://evil.example/login) :material/warning: :smile:"


def open_views(page) -> None:
    """Open the sidebar's saved views (built only while open)."""
    page.locator(".st-key-views_open summary").click()
    page.locator(".st-key-views_name input").wait_for(timeout=60_000)


def save_view(page, name: str, shared: bool) -> None:
    open_views(page)
    page.locator(".st-key-views_name input").fill(name)
    if shared:
        page.locator(".st-key-views_new_shared label").click()
    page.get_by_role("button", name=t("views.save", "en")).click()


def said_as_text(page, name: str):
    """The success message that names `name`: shown as typed, no link, no icon, no emoji."""
    alert = page.locator('[data-testid="stAlertContentSuccess"]').filter(
        has_text=name.split(" :")[0])
    alert.wait_for(timeout=60_000)
    markdown = alert.locator('[data-testid="stMarkdownContainer"]')
    assert markdown.locator("a").count() == 0
    assert markdown.locator('[role="img"]').count() == 0
    # as typed (an invisible word joiner keeps Streamlit from rewriting `:material/`)
    assert name in markdown.inner_text().replace("\u2060", "")


def test_analyst_export_lands_in_the_access_log(signin_app, person, tmp_path):
    """An analyst downloads the participants (with names); the administrator's access
    log (downloaded from the Admin page) names the analyst, the table, the rows, the
    format and the search. The grid of names offers no download of its own (Streamlit's
    "Download as CSV" would leave no line in the log)."""
    import pandas as pd

    analyst = person()  # signs in from a colleague's link: lands on its page, tab, search
    sign_in(analyst, signin_app, "analyst@office.example",
            link="/explorer/participants?q=Deputy&lang=en")
    analyst.wait_for_url(lambda url: "/explorer?" in url, timeout=120_000)
    wait_idle(analyst, 120)
    assert "tab=participants" in analyst.url and "q=Deputy" in analyst.url, analyst.url
    expect(analyst.locator(".st-key-ex_q input")).to_have_value("Deputy", timeout=60_000)
    assert_no_editor(analyst)
    assert t("nav.record", "en") not in analyst.locator(
        '[data-testid="stSidebarNav"]').inner_text()
    tools = grid_toolbar(analyst)
    assert "Search" in tools, tools  # the toolbar was drawn: the check is not vacuous
    assert not [b for b in tools if "Download" in b or "CSV" in b], tools
    rows = pd.read_csv(_download(analyst, "ex_dl_csv", tmp_path), dtype=str,
                       encoding="utf-8-sig")
    assert len(rows) > 0
    analyst.goto(signin_app + "/data")  # may export, not load: asked to see an admin
    _wait_text(analyst, t("data.no_write_signin", "en"))
    analyst.goto(signin_app + "/record")  # nor record: its URL says so
    _wait_text(analyst, t("access.not_allowed", "en"))
    assert analyst.locator('[data-testid="stForm"]').count() == 0
    admin = person(ADMIN)
    admin.goto(signin_app + "/admin")
    _wait_text(admin, t("admin.access_log", "en"))
    log = pd.read_csv(_download(admin, "adm_access_dl", tmp_path), dtype=str,
                      encoding="utf-8-sig")
    mine = log[log["actor"] == "analyst@office.example"]
    assert mine[["role", "table_name", "n_rows", "format"]].values.tolist()[0] == [
        "analyst", "participants", str(len(rows)), "csv"]
    assert '"q": "Deputy"' in mine["filters"].iloc[0]

    # a name typed by one person is text for another: the analyst shares a view named
    # like a link and an icon; the admin who deletes it sees its name, not a link
    save_view(analyst, HOSTILE_VIEW, shared=True)
    said_as_text(analyst, HOSTILE_VIEW)
    open_views(admin)
    admin.locator(".st-key-views_pick input").click()
    admin.get_by_role("option", name=t("views.by", "en", name=HOSTILE_VIEW,
                                       owner="analyst@office.example")).click()
    admin.get_by_role("button", name=t("views.delete", "en")).click()
    said_as_text(admin, HOSTILE_VIEW)


def test_keeper_upload_is_logged_under_the_keepers_email(signin_app, person, tmp_path):
    """A keeper loads a workbook on the Data page; the import log records the keeper's
    e-mail (what reaches the keeper's browser from the import log names them)."""
    from crawl_util import Recorder

    book = tmp_path / "delegations.csv"
    book.write_text("delegation_id,program_id,side,seats_planned\n"
                    "jclair-exploratory-meeting-home,jclair-exploratory-meeting,home,9\n",
                    encoding="utf-8")
    page = person("keeper@office.example")
    seen = Recorder(page)
    page.goto(signin_app + "/data")
    wait_idle(page, 120)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(book))
    page.locator(".st-key-data_check_button button").click()
    before = len(seen.frames)
    page.locator(".st-key-data_apply_button button").click()
    _wait_text(page, t("data.applied", "en", file="delegations.csv").split("\n")[0])
    wait_idle(page, 120)
    # the import log's table reaches the browser as one message: its row names both
    logged = [f for f in seen.frames[before:]
              if "delegations.csv" in f and "keeper@office.example" in f]
    assert logged, "the import log shows the keeper's e-mail beside the file"
    assert not [f for f in seen.frames[before:] if "delegations.csv" in f and "pytest" in f]


def _admin_sets(admin, email: str, role: str | None) -> None:
    """On the Admin page: give `email` the role `role` (None: remove it), and wait for
    the page to say it was done."""
    if role is None:
        admin.locator(".st-key-adm_remove_who input").click()
        admin.get_by_role("option", name=email).click()
        admin.get_by_role("button", name=t("admin.remove", "en")).click()
    else:
        admin.locator(".st-key-adm_email input").fill(email)
        admin.locator(".st-key-adm_role input").click()
        admin.get_by_role("option", name=t(f"role.{role}", "en")).click()
        admin.get_by_role("button", name=t("admin.save", "en")).click()
    new = t(f"role.{role}", "en") if role else t("access.no_role", "en")
    # "email: old → new": the alert of the previous change ("Viewer → Analyst") holds the
    # next one's role name too, so the wait looks for "→ new" (not for the name alone)
    done = t("admin.changed", "en", email=email, old="\0", new=new).split("\0")[1]
    admin.locator('[data-testid="stAlertContentSuccess"]').filter(
        has_text=f"{email}: ").filter(has_text=done).wait_for()


REFUSED_FILE = "Error executing deferred callable"  # Streamlit's log of a build that raised


def _refused_said(page, key: str, role: str | None) -> None:
    """The run the click started says why the file was refused (signed out: `role` is
    None); the server answered the click's request for the file with a refusal (its log:
    the build raised NotAllowedError), and Chromium got no file from it."""
    files = []
    page.on("download", lambda d: files.append(d))
    log = log_of(page.url)
    answered = log.read_text(errors="replace").count(REFUSED_FILE)
    page.locator(f".st-key-{key} button").click()
    said = (t("access.refused.role", "en", file="\0", role=t(f"role.{role}", "en"))
            if role else t("access.refused.signed_out", "en", file="\0"))
    page.locator('[data-testid="stAlertContentError"]').filter(
        has_text=said.split("\0")[1]).wait_for(timeout=120_000)
    logged = wait_logged(log, REFUSED_FILE, answered)
    assert "NotAllowedError" in logged.split(REFUSED_FILE)[answered + 1]
    assert files == [], [f.suggested_filename for f in files]


def test_admin_role_change_takes_effect_for_the_person_changed(signin_app, person,
                                                               sample_store):
    """The admin raises a signed-in viewer to analyst: at that person's next click the
    page says so, the Data page is in their menu and opens; the admin lowers them to
    viewer while their explorer shows participants' names: their next click (the
    participants' CSV) downloads nothing and says why, and nothing after it holds a
    name; the meeting pack of a tab drawn for the analyst (with names) is refused too;
    the admin removes the role: the next click shows the "ask an administrator"
    page and nothing of the store."""
    from crawl_util import Recorder, found, personal_data

    changed = person(CHANGED)
    seen = Recorder(changed)
    changed.goto(signin_app)
    nav = changed.locator('[data-testid="stSidebarNav"]')
    assert t("nav.data", "en") not in nav.inner_text()
    admin = person(ADMIN)
    admin.goto(signin_app + "/admin")
    _wait_text(admin, t("admin.set_title", "en"))
    _admin_sets(admin, CHANGED, "analyst")

    nav.get_by_text(t("nav.funding", "en")).click()  # the next interaction
    _wait_text(changed, t("access.changed.role", "en", old=t("role.viewer", "en"),
                          new=t("role.analyst", "en")))
    nav.get_by_text(t("nav.data", "en")).click()
    changed.locator(".st-key-data_template button").wait_for()  # the page, not "not allowed"
    assert t("access.not_allowed", "en") not in _main_text(changed)

    secret = personal_data(sample_store)
    nav.get_by_text(t("nav.explorer", "en")).click()
    changed.locator(".st-key-explorer_tab button").filter(
        has_text=t("explorer.tab.participants", "en")).click()
    changed.locator(".st-key-ex_dl_csv button").wait_for()
    wait_idle(changed, 120)
    assert found(secret, seen.text()), "the analyst's grid holds names: not vacuous"
    pack_tab = changed.context.new_page()  # the analyst's meeting pack: drawn with names
    pack_tab.goto(signin_app + "/weekly")
    pack_tab.locator(".st-key-wk_pack_html button").wait_for(timeout=120_000)
    wait_idle(pack_tab, 120)
    _admin_sets(admin, CHANGED, "viewer")
    before = len(seen.frames)
    _refused_said(changed, "ex_dl_csv", "viewer")
    wait_idle(changed, 120)
    assert found(secret, "\n".join(seen.frames[before:])) == []
    assert changed.locator(".st-key-ex_dl_csv").count() == 0  # a viewer is offered none
    _refused_said(pack_tab, "wk_pack_html", "viewer")  # not built with names for a viewer

    _admin_sets(admin, CHANGED, None)
    nav.get_by_text(t("nav.timeline", "en")).click()
    _wait_text(changed, t("access.no_role_page", "en", email=CHANGED))
    assert changed.locator('[data-testid="stSidebarNav"]').count() == 0
    assert not [w for w in _store_words() if w in changed.locator("body").inner_text()]
