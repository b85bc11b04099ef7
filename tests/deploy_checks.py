"""Checks a person would make of a served dashboard behind nginx at a sub-path
(tests/browser/test_nginx.py: the paths that go through the URL rules with the sub-path,
the map's files through the proxy, every request to the app's host), and the pages'
titles the crawl of every page checks at the root (tests/crawl_util.py, in
tests/browser/test_signin.py). The URL rules themselves, with and without a sub-path,
are tested without a browser (tests/apptest/test_routes.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from browser_util import PAGES, exceptions, wait_idle
from playwright.sync_api import Page

from coopdash.i18n import t

TITLES = {"overview": "lead.overview.title", "delegations": "lead.deleg.title",
          "funding": "lead.funding.title", "timeline": "lead.timeline.title",
          "explorer": "nav.explorer", "weekly": "weekly.title", "data": "data.title"}


def heading(page: Page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


# generous: these tests share two cores with everything else running on the machine
PATIENCE = 120.0


def open_path(page: Page, base: str, path: str) -> None:
    page.set_default_timeout(PATIENCE * 1000)
    page.goto(base + path)
    wait_idle(page, timeout=PATIENCE)
    assert exceptions(page) == [], path


def check_default_path(page: Page, base: str) -> None:
    """The default page also answers at the path it declares, filters kept, and the
    address becomes the app's own (the root, or the sub-path)."""
    open_path(page, base, "/overview?kind=seminar")
    assert heading(page) == t("lead.overview.title", "id")
    assert urlsplit(page.url).path.rstrip("/") == urlsplit(base).path.rstrip("/")
    assert parse_qs(urlsplit(page.url).query)["kind"] == ["seminar"]


def check_proxied(page: Page, base: str) -> list[str]:
    """Behind a proxy at a sub-path: the Delegations map (its base map is a static file
    of the app), the default page at its own path, an explorer table by path, paths that
    name no page, the page icon, and not one request to another host. Returns every URL
    asked for."""
    asked = _recorded(page)
    open_path(page, base, "/" + PAGES["delegations"])
    assert heading(page) == t(TITLES["delegations"], "id")
    open_map(page)
    check_default_path(page, base)
    check_nested_paths(page, base)
    _check_own_assets(page, base, asked)
    return asked


def _recorded(page: Page) -> list[str]:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    return asked


def _check_own_assets(page: Page, base: str, asked: list[str]) -> None:
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first
    assert icon.get_attribute("href").startswith(("/", base, "./"))
    assert any("/app/static/topojson/" in u for u in asked)  # the map's own base map
    assert outside(asked, base) == []


def check_nested_paths(page: Page, base: str) -> None:
    """A table of the explorer by path opens that table; a path that names no page
    finishes loading and says, in the reader's language, that there is no such page.
    One such path in the browser (nginx passes every path under the sub-path alike):
    where each kind of path goes, with and without the sub-path, and the words in both
    languages are tested without a browser (tests/apptest/test_routes.py)."""
    open_path(page, base, "/explorer/participants")
    assert heading(page) == t("nav.explorer", "id")
    assert parse_qs(urlsplit(page.url).query)["tab"] == ["participants"]
    active = page.locator('.st-key-explorer_tab button[aria-checked="true"]')
    assert active.inner_text().strip() == t("explorer.tab.participants", "id")
    for wrong in ("/explorer/nothing/deeper",):
        open_path(page, base, wrong)
        assert heading(page) == t("lead.overview.title", "id"), wrong
        alerts = page.locator('[data-testid="stAlert"] [data-testid="stMarkdownContainer"]')
        said = [a.inner_text().strip() for a in alerts.all()]
        expected = t("deploy.page_not_found", "id", path=wrong).replace("**", "")
        assert expected in said, (wrong, said)
        assert page.get_by_role("dialog").count() == 0, wrong


def outside(urls: list[str], base: str) -> list[str]:
    """The URLs of `urls` not on the app's own host (scheme, host and port of `base`)."""
    own = "{0.scheme}://{0.netloc}/".format(urlsplit(base))
    return sorted({u for u in urls if not u.startswith((own, "data:", "blob:"))})


def open_map(page: Page) -> None:
    """Open the Delegations page's map tab and wait until the base map is drawn."""
    page.get_by_role("tab", name=t("lead.deleg.map", "id")).click()
    page.wait_for_selector(".js-plotly-plot .geolayer .land path", timeout=PATIENCE * 1000)


def open_landing(page: Page, base: str) -> None:
    """The page an anonymous person gets where sign-in is configured: its "Sign in"."""
    page.set_default_timeout(PATIENCE * 1000)
    page.goto(base + "/")
    page.locator(".st-key-auth_sign_in button").wait_for(timeout=PATIENCE * 1000)
