"""Every URL either opens a page or says why: the URL rules (coopdash.web.routes) on
their own and in the app (AppTest); in a real Chromium: tests/browser/test_browser.py
(at the root) and tests/browser/test_nginx.py (behind nginx)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

from coopdash.figures.explorer import TAB_NAMES
from coopdash.i18n import t
from coopdash.web.literal import plain
from coopdash.web.routes import NOT_FOUND_PARAM, PageMap, target

PAGES = PageMap.from_folder(ROOT / "pages", "overview", {"explorer": ("tab", TAB_NAMES)})


@pytest.mark.parametrize("base", ["", "coopdash"])
def test_where_each_url_goes(base):
    """The default page's own path goes to the root, an explorer table by path to its tab,
    any other unknown path to the root with the path named; the rest passes untouched."""
    pre = f"/{base}" if base else ""
    assert target(f"{pre}/overview", "kind=seminar", base, PAGES) == f"{pre}/?kind=seminar"
    assert target(f"{pre}/explorer/participants", "tab=programs&q=x", base, PAGES) == \
        f"{pre}/explorer?q=x&tab=participants"
    assert target(f"{pre}/data/upload", "", base, PAGES) == \
        f"{pre}/?{NOT_FOUND_PARAM}=%2Fdata%2Fupload"
    assert target(f"{pre}/nope", "lang=en", base, PAGES) == \
        f"{pre}/?lang=en&{NOT_FOUND_PARAM}=%2Fnope"
    # the paths test_nginx.py opened through nginx too (one of them is still opened there)
    assert target(f"{pre}/nothing-here", "", base, PAGES) == \
        f"{pre}/?{NOT_FOUND_PARAM}=%2Fnothing-here"
    assert target(f"{pre}/explorer/nothing/deeper", "", base, PAGES) == \
        f"{pre}/?{NOT_FOUND_PARAM}=%2Fexplorer%2Fnothing%2Fdeeper"
    for fine in ("/", "/explorer", "/data", "/delegations", "/_stcore/health",
                 "/explorer/_stcore/health", "/static/js/index.js", "/favicon.png",
                 "/media/abc.png", "/app/static/topojson/asia_50m.json", "/oauth2callback",
                 "/auth/login", "/component/x/index.html"):
        assert target(pre + fine if fine != "/" else pre + "/", "", base, PAGES) is None, fine


def test_outside_the_base_path_is_left_alone():
    """Behind a proxy, a path outside `server.baseUrlPath` is not the app's to answer."""
    assert target("/other/overview", "", "coopdash", PAGES) is None
    assert target("/coopdashboard", "", "coopdash", PAGES) is None


def test_each_page_url_path_is_its_file_name():
    """The URL rules learn the pages from pages/*.py: dashboard.py must give each page the
    url_path of its file's name, or a page's own URL would be reported as not found."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    declared = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            file = Path(node.args[0].value).stem
            kw = {k.arg: k.value.value for k in node.keywords
                  if isinstance(k.value, ast.Constant)}
            declared[file] = kw.get("url_path", file)
    assert declared, "no st.Page found in dashboard.py"
    assert all(file == path for file, path in declared.items()), declared
    assert set(declared) == PAGES.pages


@pytest.mark.parametrize("lang", ["id", "en"])
def test_not_found_is_said_in_the_readers_language(app, empty_store, lang):
    """A URL that named no page: the main page says which path, in the chosen language."""
    at = app(empty_store, lang=lang)
    at.query_params[NOT_FOUND_PARAM] = "/data/upload"
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("deploy.page_not_found", lang,
                                               path=plain("/data/upload"))]
