"""The scripts a first visit needs, asked for at once: an ASGI middleware (`app.py`
installs it) that adds `<link rel="modulepreload">` for them to the HTML page.

Streamlit's page names only its entry bundle (and what that imports); every element's
script is asked for when the element's message arrives over the WebSocket, after the
script has run up to it, and what that script imports is discovered only then: round
trips one after another once the run is under way. The Plotly chunk (4.7 MB, 1.06 MB in
brotli) is the largest, and every coopdash page draws a chart: the page asks for it (and
the modules it imports that the page does not name already: `FIRST_VISIT` says why no
other chunk) while the script still runs: on a slow link the transfer then overlaps the
server's work instead of following it. The list is read once from the installed wheel
(each chunk's static `import … from "./x.js"` closure); the links are relative like Streamlit's own
(`./static/js/…`), so they hold at any `server.baseUrlPath`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any

from coopdash.web import routes
from coopdash.web.compress import messages_only

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]

_IMPORT = re.compile(r'(?:from|import)\s*"\./([\w.-]+\.js)"')
_NAMED = re.compile(r'(?:href|src)="\./static/js/([\w.-]+\.js)"')


# Streamlit's chunks (the name before the hash) the page asks for at once: the Plotly chunk
# alone. Preloading every chunk a first visit of the Overview runs (its filters', metrics',
# theme's: 39 modules, 110 kB in brotli) was measured against it on a quiet machine, in
# one run (docs/benchmarks-diary.md, "preload: Plotly alone or every chunk"): on loopback
# the page then opened its WebSocket 210 ms later and drew the Overview 240 ms later
# (1.23x the bare page against 1.18x); through nginx at 10 Mbit/s it gained 94 ms (2.5 %,
# within the noise). The small chunks cost more, queued before the WebSocket, than the
# round trips they save.
FIRST_VISIT = ("PlotlyChart",)


def modules_to_preload(static: Path, chunks: tuple[str, ...] = FIRST_VISIT) -> list[str]:
    """The `chunks` and every module they import statically (recursively) that the page
    in `static/index.html` does not name already, in the order of `chunks` (each chunk
    before what it imports). A chunk the wheel does not ship (exactly one file
    `<name>.<hash>.js`) is left out."""
    js = static / "static" / "js"
    named = set(_NAMED.findall((static / "index.html").read_text(encoding="utf-8")))
    seen: list[str] = []
    todo = [found[0].name for found in (sorted(js.glob(f"{chunk}.*.js")) for chunk in chunks)
            if len(found) == 1]
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.append(name)
        todo[:0] = _IMPORT.findall((js / name).read_text(encoding="utf-8"))
    return [name for name in seen if name not in named]


def links(names: list[str]) -> bytes:
    return "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}">'
                   for name in names).encode()


@cache
def _streamlit_links() -> bytes:
    import streamlit

    return links(modules_to_preload(Path(streamlit.__file__).parent / "static"))


def with_links(html: bytes, extra: bytes) -> bytes:
    """`html` with `extra` just before `</head>` (unchanged without one)."""
    at = html.find(b"</head>")
    return html if at < 0 else html[:at] + extra + html[at:]


class PreloadPlotly:
    """ASGI middleware: a 200 HTML answer to a GET gets the preload links (see the module's
    docstring); every other answer passes as it came, unbuffered."""

    def __init__(self, app: ASGIApp, extra: bytes | None = None) -> None:
        self.app = app
        self.extra = extra

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if not _page_request(scope):
            await self.app(scope, receive, send)
            return
        extra = _streamlit_links() if self.extra is None else self.extra
        held: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def maybe_hold(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                if _is_html(message):
                    held.update(message)
                    return
            elif held and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await _send_html(send, held, with_links(b"".join(chunks), extra))
                return
            await send(message)

        await self.app(html_as_it_is(scope), receive, maybe_hold)


def _page_request(scope: Scope) -> bool:
    """A browser's GET for a page (what Streamlit answers with its HTML), not for one of
    its own routes or a file (the URL rules' own reading of a path)."""
    return (scope["type"] == "http" and scope["method"] == "GET"
            and routes._page_request(scope["path"], routes._base_url()) is not None)


def html_as_it_is(scope: Scope) -> Scope:
    """The request as Streamlit should see it to answer the page itself, uncompressed and
    as messages (not a file path for the server to send): its gzip would otherwise hide
    `</head>` (the page is 5 kB; nginx compresses it on the way out)."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
    return {**messages_only(scope), "headers": headers}


def _is_html(start: dict[str, Any]) -> bool:
    headers = {k.lower(): v for k, v in start.get("headers", [])}
    return (start["status"] == 200 and headers.get(b"content-type", b"").startswith(b"text/html")
            and b"content-encoding" not in headers)


async def _send_html(send: Callable, start: dict[str, Any], body: bytes) -> None:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
