"""coopdash behind Debian's nginx as docs/deployment.md sets it up: the shipped
deploy/nginx-coopdash.conf (only ports and certificate paths changed) terminates TLS in
front of a real `streamlit run app.py` at the sub-path /coopdash/, and Chromium uses it."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import wsload
from browser_util import served
from conftest import _free_port, run_cli, start_server
from deploy_checks import check_proxied, heading, open_landing, open_path, outside
from nginx_util import BASE_PATH, NGINX, nginx_in_front

from coopdash.i18n import t

pytestmark = pytest.mark.browser

def _port(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


@pytest.fixture(scope="module")
def behind_nginx(demo_store, tmp_path_factory):
    """(https base URL, http port, {port: server process}): coopdash at /coopdash/ behind
    nginx, over one copy of the demo store, one role for everyone (no sign-in): two
    processes behind the shipped file's sticky upstream, as deploy/coopdash@.service runs
    them (coopdash@8501, coopdash@8502). One nginx and one pair of servers for the
    module's tests (a browser stays with one process, so the others see one app)."""
    if not Path(NGINX).exists():
        pytest.skip("Debian's nginx is not installed (scripts/setup.sh dev installs it)")
    work = tmp_path_factory.mktemp("nginx")
    db = work / "served.duckdb"
    shutil.copy(demo_store, db)
    procs = {}
    try:
        # both started at once: each waits for its own health check, not for the other
        with ThreadPoolExecutor(2) as pool:
            started = [pool.submit(start_server, db, {"COOPDASH_TODAY": "2026-11-28"},
                                   base_path=BASE_PATH) for _ in range(2)]
        for future in started:  # every process that started is stopped in `finally`
            if future.exception() is None:
                proc, url = future.result()
                procs[_port(url)] = proc
        for future in started:
            future.result()  # a server that did not start says why
        with nginx_in_front(list(procs), work, started=served) as (base, http_port):
            yield base, http_port, procs
    finally:
        for proc in procs.values():
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def signin_behind_nginx(sample_store, tmp_path_factory):
    """(https base URL): coopdash with sign-in against a real OIDC provider, behind nginx;
    the redirect URI is the public one, with the sub-path, as docs/deployment.md says."""
    if not Path(NGINX).exists():
        pytest.skip("Debian's nginx is not installed (scripts/setup.sh dev installs it)")
    from oidc_util import ADMIN, add_person, oidc_provider, signin_args, write_secrets

    work = tmp_path_factory.mktemp("nginx-signin")
    db = work / "served.duckdb"
    shutil.copy(sample_store, db)
    https_port = _free_port()
    public = f"https://127.0.0.1:{https_port}/{BASE_PATH}"
    with oidc_provider() as issuer:
        add_person(issuer, ADMIN)
        secrets_path = write_secrets(work / "secrets", public, issuer)
        app_proc, app_url = start_server(db, {"COOPDASH_ADMINS": ADMIN,
                                              "COOPDASH_TODAY": "2026-11-28"},
                                         args=signin_args(secrets_path), base_path=BASE_PATH)
        try:
            with nginx_in_front(_port(app_url), work, https_port,
                                started=served) as (base, _):
                yield base
        finally:
            app_proc.terminate()
            app_proc.wait(timeout=20)


@pytest.fixture
def tls_page(browser):
    """A tab that trusts the test's self-signed certificate; no request is blocked, each
    is recorded by the test that wants to know."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800},
                                  ignore_https_errors=True)
    page = context.new_page()
    yield page
    context.close()


def test_urls_work_through_nginx(behind_nginx, tls_page):
    """Through nginx at /coopdash/ over TLS: a page by its URL with its map (a static
    file through the proxy), /overview back to /coopdash/, an explorer table by path,
    unknown paths saying so, all over the proxied WebSocket, and no request to any host
    but the office's. (Every page by its URL is opened at the root, in test_browser.py;
    nginx passes every path under /coopdash/ alike, and the URL rules with the sub-path
    are tested without a browser in tests/apptest/test_routes.py.)"""
    base, *_ = behind_nginx
    sockets = []
    tls_page.on("websocket", lambda ws: sockets.append(ws.url))
    asked = check_proxied(tls_page, base)
    assert any(u.startswith(base + "/app/static/topojson/") for u in asked)
    assert sockets and all(u.startswith(base.replace("https:", "wss:") + "/_stcore/stream")
                           for u in sockets), sockets


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_plain_http_is_sent_to_https(behind_nginx):
    """A reader who types http:// is sent to the same path over https; /coopdash gets
    its slash."""
    base, http_port, _ = behind_nginx
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as err:
        opener.open(f"http://127.0.0.1:{http_port}/{BASE_PATH}/delegations?lang=en")
    assert err.value.code == 301
    assert err.value.headers["Location"] == f"https://127.0.0.1/{BASE_PATH}/delegations?lang=en"
    import ssl

    insecure = ssl.create_default_context()
    insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(
        context=insecure))
    with pytest.raises(urllib.error.HTTPError) as err:
        opener.open(base)
    assert err.value.code == 301
    assert err.value.headers["Location"].endswith(f"/{BASE_PATH}/")


def test_sign_in_through_nginx(signin_behind_nginx, tls_page):
    """Through nginx at /coopdash/: the landing page asks only the office's host, the
    real redirect flow signs an admin in and back to the sub-path, where the Data and Admin
    pages open."""
    from oidc_util import ADMIN, sign_in

    base = signin_behind_nginx
    asked = []
    tls_page.on("request", lambda request: asked.append(request.url))
    open_landing(tls_page, base)
    assert outside(asked, base) == []  # the sign-in page itself
    sign_in(tls_page, base, ADMIN)  # the provider's own pages are another host
    assert tls_page.url.startswith(base)
    asked.clear()
    # the pages only a signed-in keeper or admin sees, at the sub-path (every page of
    # the sub-path is checked without sign-in above, on the same nginx configuration)
    for path, title in (("/data", "data.title"), ("/admin", "admin.title")):
        open_path(tls_page, base, path)
        assert heading(tls_page) == t(title, "id"), path
    assert outside(asked, base) == []


def first_visit(browser, url: str) -> tuple[dict[str, dict], int, list[str]]:
    """A new browser session opens `url` and waits until every chart is drawn; returns
    each response by URL (protocol, headers, bytes moved) and the bytes the visit moved
    over the network, headers included (WebSocket frames not counted), as Chromium's own
    network layer counts them (CDP `Network.loadingFinished.encodedDataLength`)."""
    from browser_util import wait_charts, wait_idle

    context = browser.new_context(viewport={"width": 1400, "height": 1800},
                                  ignore_https_errors=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        by_id: dict[str, dict] = {}
        cdp.on("Network.responseReceived", lambda e: by_id.setdefault(e["requestId"], {})
               .update(url=e["response"]["url"], protocol=e["response"].get("protocol"),
                       headers={k.lower(): v for k, v in e["response"]["headers"].items()}))
        cdp.on("Network.requestWillBeSent", lambda e: by_id.setdefault(e["requestId"], {})
               .update(initiator=e["initiator"]["type"]))
        cdp.on("Network.loadingFinished", lambda e: by_id.setdefault(e["requestId"], {})
               .update(moved=e["encodedDataLength"]))
        page.goto(url)
        wait_idle(page, timeout=120)
        wait_charts(page, timeout=120)
        moved = sum(r.get("moved", 0) for r in by_id.values())
        preloads = page.eval_on_selector_all('link[rel="modulepreload"]',
                                             "links => links.map(link => link.href)")
        return {r["url"]: r for r in by_id.values() if "url" in r}, moved, preloads
    finally:
        context.close()


def test_a_first_visit_moves_its_scripts_compressed_over_http2(behind_nginx, browser):
    """A new browser session's Overview through the shipped nginx: HTTP/2, the Plotly
    chunk asked for by the page itself (named in its HTML, not discovered once the run
    reached a chart), it and every other script and style sheet in brotli, and the
    whole visit moves less than a third of what the scripts it ran weigh (the files of
    the installed Streamlit wheel)."""
    import streamlit

    base, *_ = behind_nginx
    responses, moved, preloads = first_visit(browser, base + "/")
    scripts = {u: r for u, r in responses.items()
               if "/static/" in u and u.endswith((".js", ".css"))}
    plotly = [r for u, r in scripts.items() if "/static/js/PlotlyChart." in u]
    assert len(plotly) == 1
    assert plotly[0]["protocol"] == "h2"
    # the page names the chunk in a preload link, so Chromium asks for it from the HTML
    # (initiator 'parser'); on a loaded machine the first chart's own import can still get
    # there first ('script'), which is a matter of timing, not of what was served
    assert [u for u in preloads if "/static/js/PlotlyChart." in u] == [
        u for u in responses if "/static/js/PlotlyChart." in u]
    assert plotly[0]["initiator"] in ("parser", "script")
    assert plotly[0]["headers"]["content-encoding"] == "br"
    assert all(r["headers"].get("content-encoding") == "br" for r in scripts.values()), [
        u for u, r in scripts.items() if r["headers"].get("content-encoding") != "br"]
    static = Path(streamlit.__file__).parent / "static"
    weight = sum((static / u.split(f"/{BASE_PATH}/", 1)[1]).stat().st_size for u in scripts)
    assert weight > 6_000_000  # the entry bundle and the Plotly chunk at least
    assert moved < weight / 3, (moved, weight)


def _insecure():
    import ssl

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


def _held(procs: dict) -> dict[int, int]:
    """Open connections each process holds on its port (nginx keeps none to it between
    requests, so these are WebSockets)."""
    import psutil

    return {port: sum(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port
                      for c in psutil.Process(proc.pid).net_connections(kind="tcp"))
            for port, proc in procs.items()}


async def _tabs_land(base: str, procs: dict, route: str) -> dict[int, int]:
    """Two tabs of the browser holding the cookie `route` open their WebSockets; how many
    each process got."""
    import asyncio

    for _ in range(100):  # the previous browser's sockets closed
        if not any(_held(procs).values()):
            break
        await asyncio.sleep(0.05)
    tabs = [await wsload.Session.open(base, cookies={"coopdash_route": route},
                                      ssl=_insecure()) for _ in range(2)]
    try:
        return _held(procs)
    finally:
        for tab in tabs:
            await tab.close()


async def _overview(base: str, route: str):
    tab = await wsload.Session.open(base, cookies={"coopdash_route": route}, ssl=_insecure())
    try:
        return await tab.run("", "lang=en")
    finally:
        await tab.close()


def test_a_browser_stays_with_one_process(behind_nginx, demo_store):
    """Behind the sticky upstream, with two processes: the first answer gives the browser
    its route cookie (and a browser that has one gets none); every WebSocket of one
    browser lands on one process, browsers spread over both, and a run through nginx
    shows the store's figures (`summary --json`)."""
    from headline import HEADLINE, shown_figures

    base, _, procs = behind_nginx
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_insecure()))
    with opener.open(base + "/") as first:
        cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("coopdash_route=") and "HttpOnly" in cookie, cookie
    route = cookie.split(";")[0].split("=", 1)[1]
    again = urllib.request.Request(base + "/", headers={"Cookie": f"coopdash_route={route}"})
    with opener.open(again) as second:
        assert second.headers["Set-Cookie"] is None
    landed = [wsload.run_apart(_tabs_land(base, procs, r))
              for r in [route, *(f"browser-{i}" for i in range(11))]]
    assert all(sorted(got.values()) == [0, 2] for got in landed), landed
    assert {max(got, key=got.get) for got in landed} == set(procs), landed
    shown = wsload.run_apart(_overview(base, route)).metrics()
    assert [shown[t(k, "en")] for k, _ in HEADLINE] == shown_figures(json.loads(run_cli(
        "summary", "--json", "--as-of", "2026-11-28", "--db", str(demo_store),
        env={"COOPDASH_TODAY": "2026-11-28"}).stdout))
