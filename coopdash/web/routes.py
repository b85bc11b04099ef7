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
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

NOT_FOUND_PARAM = "page_not_found"

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
            where = target(scope["path"], scope.get("query_string", b"").decode("latin-1"),
                           _base_url(), self.pages)
            if where is not None:
                await _redirect(send, where)
                return
        await self.app(scope, receive, send)


def _base_url() -> str:
    from streamlit import config

    return (config.get_option("server.baseUrlPath") or "").strip("/")


async def _redirect(send: Callable, location: str) -> None:
    headers = [(b"location", location.encode("latin-1")), (b"cache-control", b"no-cache"),
               (b"content-length", b"0")]
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
    st.warning(t("deploy.page_not_found", lang, path=wrong), icon=":material/link_off:")
    del st.query_params[NOT_FOUND_PARAM]
