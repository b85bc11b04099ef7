"""Sign-in for real: a real OIDC provider (oidc-provider-mock) on loopback, a real
`streamlit run` with `[auth]` in a secrets file written by the test, and Chromium signing
each test account in through the real redirect flow."""

from __future__ import annotations

import shutil
import time

import pytest
from browser_util import wait_idle
from oidc_util import ADMIN, sign_in, signin_dashboard

from coopdash.i18n import t
from coopdash.settings import SAMPLE_DIR

pytestmark = pytest.mark.browser

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


@pytest.fixture
def person(browser):
    """A fresh browser (its own cookies) per person signed in; no outside requests."""
    made = []

    def new():
        context = browser.new_context(viewport={"width": 1400, "height": 1800},
                                      accept_downloads=True)
        context.route(lambda url: not url.startswith(OUTSIDE), lambda route: route.abort())
        context.set_default_timeout(120_000)  # two cores: a cold page can take a while
        context.set_default_navigation_timeout(120_000)
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
    """Not signed in, every URL shows what coopdash is and "Sign in", nothing of the store."""
    page = person()
    for path in ("", "/explorer?tab=participants", "/data", "/admin", "/weekly"):
        page.goto(signin_app + path)
        page.locator(".st-key-auth_sign_in button").wait_for(timeout=120_000)
        time.sleep(0.5)
        body = page.locator("body").inner_text()
        assert t("access.landing.what", "en") in body
        assert not [w for w in _store_words() if w in body], path
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def test_person_without_role_is_asked_to_see_an_administrator(signin_app, person):
    """Signed in with no role: the polite page, no data, and a way to sign out."""
    page = person()
    sign_in(page, signin_app, "nobody@office.example")
    _wait_text(page, "nobody@office.example")
    body = page.locator("body").inner_text()
    assert t("access.no_role_page", "en", email="nobody@office.example") in body
    assert not [w for w in _store_words() if w in body]


def test_viewer_menu_urls_and_sign_out(signin_app, person):
    """A viewer's menu has no Data or Admin; their URLs say "not allowed"; signing out
    ends access (the same tab then shows the landing page only)."""
    page = person()
    sign_in(page, signin_app, "viewer@office.example")
    wait_idle(page, timeout=120)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert t("nav.explorer", "en") in nav
    assert t("nav.data", "en") not in nav and t("nav.admin", "en") not in nav
    assert "viewer@office.example" in page.locator('[data-testid="stSidebar"]').inner_text()
    for path in ("/data", "/admin"):
        page.goto(signin_app + path)
        _wait_text(page, t("access.not_allowed", "en"))
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
    page.locator(".st-key-auth_sign_out button").click()
    page.locator(".st-key-auth_sign_in button").wait_for(timeout=120_000)
    page.goto(signin_app + "/explorer")
    page.locator(".st-key-auth_sign_in button").wait_for(timeout=120_000)
    assert not [w for w in _store_words() if w in page.locator("body").inner_text()]


def test_admin_sees_the_admin_page(signin_app, person):
    """An administrator named by COOPDASH_ADMINS reaches the Admin page and its lists."""
    page = person()
    sign_in(page, signin_app, ADMIN)
    wait_idle(page, timeout=120)
    page.goto(signin_app + "/admin")
    _wait_text(page, t("admin.role_log", "en"))
    assert t("admin.from_setting", "en", emails=ADMIN) in _main_text(page)
    page.locator(".st-key-adm_remove_who input").click()  # the people with a role
    page.get_by_role("option", name="analyst@office.example").wait_for(timeout=30_000)
