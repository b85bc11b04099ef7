"""Every URL a person types either opens a page or says why: an ASGI middleware in front
of Streamlit's server (`app.py` installs it).

Streamlit 1.67 answers any unknown path with its `index.html`, whose assets are linked
relatively (`./static/js/…`). At `/explorer/participants` the browser then asks for
`/explorer/static/js/…`, gets the HTML page again instead of the script, and shows a blank
page that never finishes. Streamlit also serves the default page only at the app's root,
so `/overview` (the path the page declares) said "Page not found" in English.

Before Streamlit sees a browser's page request, this middleware redirects:

- the default page's own path (`/overview`) to the root (`/`);
- a sub-path of a page that has named sub-views (`/explorer/participants`) to that page
  with the sub-view as a query parameter (`/explorer?tab=participants`);
- any other path that names no page (`/data/upload`, `/nothing`) to the root with
  `?page_not_found=<path>`, which `dashboard.py` reports in the reader's language.

The query string is kept, so filters in the URL survive. Requests for Streamlit's own
routes (`_stcore`, `static`, `media`, `component`, `app/static`, `auth`, `oauth2callback`)
anywhere in the path (the browser probes `/<page>/_stcore/health` to find the app's root)
and for files (a last segment with a dot: `favicon.png`) pass untouched. Everything is
relative to `server.baseUrlPath`, so the same rules hold behind nginx at `/coopdash/`.

**A link survives sign-in** (with sign-in configured). Streamlit's sign-in always ends on
the app's root, so the link a person opened before signing in (`/weekly?lang=en&week=…`)
would be lost. A browser's page request without Streamlit's identity cookie gets a
short-lived cookie `coopdash_next` holding that path and query (`remembered`); the first
page request at the root *with* the identity cookie (the end of the sign-in) is sent
there instead, once (`resumed`: only a path of this app, never another site).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

NOT_FOUND_PARAM = "page_not_found"
NEXT_COOKIE = "coopdash_next"
NEXT_SECONDS = 900  # a link opened before signing in is remembered this long
USER_COOKIE = "_streamlit_user"  # Streamlit's identity cookie (set at sign-in)

# first path segments that belong to Streamlit's server, never to a page
RESERVED = frozenset({"_stcore", "static", "media", "component", "app", "auth",
                      "oauth2callback"})

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


@dataclass(frozen=True)
class PageMap:
    """The app's page paths: `pages` (url paths, the default's included), the `default`
    page's path (served at the root) and `subviews` (page -> (query key, names))."""

    pages: frozenset[str]
    default: str
    subviews: Mapping[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    @classmethod
    def from_folder(cls, folder: Path, default: str,
                    subviews: Mapping[str, tuple[str, tuple[str, ...]]] | None = None
                    ) -> PageMap:
        """Pages named by the files of `folder` (`pages/explorer.py` -> `explorer`): each
        page's `url_path` in dashboard.py is its file's stem (tests/apptest/test_routes.py)."""
        names = frozenset(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))
        views = {k: (key, frozenset(v)) for k, (key, v) in (subviews or {}).items()}
        return cls(names, default, views)


def target(path: str, query: str, base: str, pages: PageMap) -> str | None:
    """Where a browser asking for `path?query` is sent instead, or None to let it pass.
    `base` is `server.baseUrlPath` (without slashes, "" at the root)."""
    prefix = "/" + base if base else ""
    if prefix and not (path == prefix or path.startswith(prefix + "/")):
        return None
    parts = [p for p in path[len(prefix):].split("/") if p]
    if not parts or RESERVED.intersection(parts) or "." in parts[-1]:
        return None
    if len(parts) == 1 and parts[0] in pages.pages and parts[0] != pages.default:
        return None
    params = parse_qsl(query, keep_blank_values=True)
    page = parts[0]
    if len(parts) == 1 and page == pages.default:
        return _url(prefix + "/", params)
    if len(parts) == 2 and page in pages.subviews:
        key, names = pages.subviews[page]
        if parts[1] in names:
            kept = [(k, v) for k, v in params if k != key]
            return _url(f"{prefix}/{page}", [*kept, (key, parts[1])])
    wrong = "/" + "/".join(parts)
    kept = [(k, v) for k, v in params if k != NOT_FOUND_PARAM]
    return _url(prefix + "/", [*kept, (NOT_FOUND_PARAM, wrong)])


def _page_request(path: str, base: str) -> list[str] | None:
    """The path's segments below `base` when `path` asks for a page (or the root), None
    for Streamlit's own routes, files and paths outside the app."""
    prefix = "/" + base if base else ""
    if prefix and not (path == prefix or path.startswith(prefix + "/")):
        return None
    parts = [p for p in path[len(prefix):].split("/") if p]
    if RESERVED.intersection(parts) or (parts and "." in parts[-1]):
        return None
    return parts


def remembered(path: str, query: str, base: str, cookies: Mapping[str, str]) -> str | None:
    """The link to remember (path and query) for a page request made before sign-in, or
    None (signed in already, the bare root, a "page not found" note, not a page)."""
    parts = _page_request(path, base)
    if parts is None or USER_COOKIE in cookies or NOT_FOUND_PARAM in query:
        return None
    if not parts and not query:
        return None
    return path + ("?" + query if query else "")


def resumed(path: str, query: str, base: str, cookies: Mapping[str, str]) -> str | None:
    """Where the end of a sign-in (the root, with the identity cookie) is sent: the
    remembered link, if it is a page path of this app; else None."""
    prefix = "/" + base if base else ""
    wanted = cookies.get(NEXT_COOKIE)
    if wanted is None or USER_COOKIE not in cookies or query:
        return None
    if path.rstrip("/") != prefix:
        return None
    wanted = unquote(wanted)
    target_path = wanted.split("?", 1)[0]
    if (not wanted.startswith(prefix + "/") or wanted.startswith("//") or "\\" in wanted
            or _page_request(target_path, base) is None):
        return None  # never another site, never Streamlit's own routes
    return wanted


def _cookie_header(value: str, max_age: int, base: str) -> tuple[bytes, bytes]:
    path = "/" + base if base else "/"
    cookie = (f"{NEXT_COOKIE}={quote(value, safe='')}; Path={path}; Max-Age={max_age};"
              " HttpOnly; SameSite=Lax")
    return b"set-cookie", cookie.encode("latin-1")


def _url(path: str, params: list[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(params, quote_via=quote) if params else "")


class PageRoutes:
    """ASGI middleware: browser page requests (GET/HEAD) that `target` moves are answered
    with a 302 to the new place; every other request goes on to Streamlit."""

    def __init__(self, app: ASGIApp, pages: PageMap) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path, base = scope["path"], _base_url()
            query = scope.get("query_string", b"").decode("latin-1")
            where = target(path, query, base, self.pages)
            if where is not None:
                await _redirect(send, where)
                return
            if _signs_in():  # a link opened before sign-in: remember it, resume it after
                cookies = _cookies(scope)
                back = resumed(path, query, base, cookies)
                if back is not None:
                    await _redirect(send, back, _cookie_header("", 0, base))
                    return
                keep = remembered(path, query, base, cookies)
                if keep is not None:
                    send = _with_header(send, _cookie_header(keep, NEXT_SECONDS, base))
        await self.app(scope, receive, send)


def _with_header(send: Callable, header: tuple[bytes, bytes]) -> Callable:
    async def with_header(message: dict) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), header]}
        await send(message)
    return with_header


def _cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies by name (Streamlit's chunked identity cookie included)."""
    out = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for pair in value.decode("latin-1").split(";"):
                key, _, val = pair.strip().partition("=")
                out.setdefault(key, val)
    return out


def _signs_in() -> bool:
    from streamlit import auth_util

    return bool(auth_util.get_secrets_auth_section())


def _base_url() -> str:
    from streamlit import config

    return (config.get_option("server.baseUrlPath") or "").strip("/")


async def _redirect(send: Callable, location: str, *extra: tuple[bytes, bytes]) -> None:
    headers = [(b"location", location.encode("latin-1")), (b"cache-control", b"no-cache"),
               (b"content-length", b"0"), *extra]
    await send({"type": "http.response.start", "status": 302, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def show_not_found(lang: str) -> None:
    """In the app: say which path named no page (the middleware sent the browser to the
    root with `?page_not_found=`), once, then drop the parameter from the URL."""
    import streamlit as st

    from coopdash.i18n import t

    wrong = st.query_params.get(NOT_FOUND_PARAM)
    if wrong is None:
        return
    from coopdash.web.literal import plain

    st.warning(t("deploy.page_not_found", lang, path=plain(wrong)), icon=":material/link_off:")
    del st.query_params[NOT_FOUND_PARAM]
