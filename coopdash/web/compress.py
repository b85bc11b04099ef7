"""Streamlit's scripts compressed once and kept: an ASGI middleware in front of Streamlit's
server (`app.py` installs it).

Streamlit 1.67 sends its own scripts uncompressed on purpose (its gzip middleware skips
`static/`): compressing them per request would cost CPU on every hit. A first visit then
moves 7 MB of JavaScript (the Plotly chunk alone is 4.7 MB), which takes seconds on an
office's 10 Mbit/s link. Those files are content-hashed and Streamlit serves them as
`Cache-Control: ... immutable`: what such a path answers never changes while the server
runs. So this middleware compresses each of them once, the first time a browser asks
(brotli when the browser accepts it, else gzip, in a worker thread so that no session's
run waits), keeps the result in memory, and answers every later request for that path and
encoding from there. The Plotly chunk is 1.18 MB in brotli 9, 1.4 MB in gzip.

Brotli's best quality (11) makes about a tenth fewer bytes again (the Plotly chunk 1.06 MB:
0.1 s less on a 10 Mbit/s link) but costs 10 s of CPU for that chunk: too slow to compute
while a browser waits. With a `Best` (app.py gives it COOPDASH_STATIC_CACHE), the first
answer is brotli 9 as above, and the same file is compressed again at quality 11 in a
background thread at the lowest CPU priority, one file at a time; once done, that answer
replaces the kept one and is written to the folder under the sha256 of what it
compresses, where every later server start (and the deployment's other processes) finds
it before compressing anything.

Only answers Streamlit itself marks `immutable`, of a text type, to a GET or HEAD without
`Range` are touched; everything else passes unchanged (HTML, the WebSocket, media,
downloads, 304s). Behind nginx (`deploy/nginx-coopdash.conf`) the compressed answer goes
through as it is.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import os
import queue
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]

# what is worth compressing (fonts in woff2 and images are compressed already)
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
# brotli 9: the Plotly chunk in 0.4 s (11 would take 8 s for 10 % less); gzip 6
BROTLI_QUALITY = 9
GZIP_LEVEL = 6
# computed once in the background and kept on disk (`Best`)
BEST_QUALITY = 11
# headers that describe the uncompressed body or the file on disk
_DROPPED = frozenset({b"content-length", b"etag", b"accept-ranges", b"content-encoding"})


@dataclass(frozen=True)
class Kept:
    """One compressed answer: its status line's headers and body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes


def encoding_for(accept_encoding: str) -> str | None:
    """`br` or `gzip`, whichever the browser's Accept-Encoding allows (brotli first), or
    None. A coding listed with q=0 is refused."""
    allowed = set()
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        if name and not (params and _is_zero(quality)):
            allowed.add(name.strip())
    return next((name for name in ("br", "gzip") if name in allowed or "*" in allowed), None)


def _is_zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, GZIP_LEVEL, mtime=0)


def keepable(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether an answer may be compressed once and kept: a 200 that Streamlit marks
    immutable, of a text type, not compressed already."""
    found = {name.lower(): value.decode("latin-1").lower() for name, value in headers}
    return (status == 200 and "immutable" in found.get(b"cache-control", "")
            and found.get(b"content-type", "").startswith(TEXT_TYPES)
            and b"content-encoding" not in found)


def compressed_headers(headers: list[tuple[bytes, bytes]], encoding: str,
                       size: int) -> list[tuple[bytes, bytes]]:
    kept = [(name, value) for name, value in headers if name.lower() not in _DROPPED
            and name.lower() != b"vary"]
    return [*kept, (b"content-encoding", encoding.encode()),
            (b"content-length", str(size).encode()), (b"vary", b"Accept-Encoding")]


_log = logging.getLogger(__name__)


class Best:
    """Brotli 11 versions of the scripts, kept in `folder` under the sha256 of what each
    compresses, and computed when missing by one background thread at the lowest CPU
    priority (see the module's docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._todo: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def path(self, body: bytes) -> Path:
        return self.folder / f"{hashlib.sha256(body).hexdigest()}.br"

    def read(self, body: bytes) -> bytes | None:
        """The kept brotli 11 of `body`, or None. A file that does not decode to `body`
        (written by something else) is said in the log and not used."""
        try:
            data = self.path(body).read_bytes()
        except FileNotFoundError:
            return None
        if brotli.decompress(data) != body:
            _log.warning("%s does not decode to the script it is named after: not used",
                         self.path(body))
            return None
        return data

    def make(self, body: bytes, done: Callable[[bytes], None]) -> None:
        """Compress `body` at quality 11 in the background, keep it in the folder, then
        call `done` with it (in the background thread)."""
        self._todo.put((body, done))
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, daemon=True,
                                                name="coopdash-brotli-best")
                self._worker.start()

    def _work(self) -> None:
        _lowest_priority()
        while True:
            body, done = self._todo.get()
            data = brotli.compress(body, quality=BEST_QUALITY)
            self._write(body, data)
            done(data)

    def _write(self, body: bytes, data: bytes) -> None:
        """Into the folder whole or not at all (another process may read it meanwhile)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, self.path(body))


def _lowest_priority() -> None:
    """This thread at nice 19, so that no session's run waits for it (Linux gives each
    thread its own nice value; elsewhere this would renice the whole process)."""
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class KeptCompression:
    """ASGI middleware: static answers compressed once per path and encoding, then kept
    (see the module's docstring); with `best`, brotli answers are replaced by brotli 11
    once it is computed (or found on disk)."""

    def __init__(self, app: ASGIApp, best: Best | None = None) -> None:
        self.app = app
        self.best = best
        self.kept: dict[tuple[str, str], Kept] = {}
        self._pending: dict[tuple[str, str], asyncio.Future] = {}

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        encoding = _wanted(scope)
        if encoding is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], encoding)
        if key in self.kept and not _conditional(scope):
            await _answer(send, self.kept[key], scope["method"] == "HEAD")
            return
        await self._through(scope, receive, send, key)

    async def _through(self, scope: Scope, receive: Callable, send: Callable,
                       key: tuple[str, str]) -> None:
        """Ask Streamlit; a keepable answer is compressed (once, whoever asks at the same
        time waits for the same work), kept and sent; any other is sent as it came."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        ended = []

        async def collect(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    ended.append(True)

        await self.app(messages_only(scope), receive, collect)
        if not ended:
            # The browser went away while Streamlit read the file (Starlette's file answer
            # then stops without a word): what came is a part of the file, never to be kept
            # (kept, it would stand for the script until the server stops, and every later
            # page on it would fail to load), and there is no one left to send it to.
            return
        status, headers, body = start["status"], list(start.get("headers", [])), b"".join(chunks)
        if scope["method"] == "HEAD" or not keepable(status, headers) or not _whole(headers, body):
            await _answer(send, Kept(headers, body), False, status)
            return
        await _answer(send, await self._compressed(key, headers, body), False)

    async def _compressed(self, key: tuple[str, str], headers: list[tuple[bytes, bytes]],
                          body: bytes) -> Kept:
        if key in self.kept:
            return self.kept[key]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(self._first, body, key[1]))
            self._pending[key] = pending
        try:
            data, best = await pending
        finally:
            self._pending.pop(key, None)
        if key in self.kept:  # another request for it got here first
            return self.kept[key]
        self.kept[key] = self._keep(key, headers, data)
        if best is False:
            self.best.make(body, lambda data: self.kept.__setitem__(
                key, self._keep(key, headers, data)))
        return self.kept[key]

    def _first(self, body: bytes, encoding: str) -> tuple[bytes, bool | None]:
        """The first answer's bytes, and whether they are brotli 11 already (None: no
        better one is made)."""
        if encoding != "br" or self.best is None:
            return compress(body, encoding), None
        found = self.best.read(body)
        return (found, True) if found is not None else (compress(body, encoding), False)

    @staticmethod
    def _keep(key: tuple[str, str], headers: list[tuple[bytes, bytes]], data: bytes) -> Kept:
        return Kept(compressed_headers(headers, key[1], len(data)), data)


def _whole(headers: list[tuple[bytes, bytes]], body: bytes) -> bool:
    """Whether `body` is as long as the answer's Content-Length says (true without one)."""
    length = next((value for name, value in headers if name.lower() == b"content-length"), None)
    return length is None or int(length) == len(body)


def messages_only(scope: Scope) -> Scope:
    """`scope` without the server's offer to send a file by its path: the body then comes
    as messages, which a middleware can read."""
    extensions = {k: v for k, v in scope.get("extensions", {}).items()
                  if k != "http.response.pathsend"}
    return {**scope, "extensions": extensions}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _wanted(scope: Scope) -> str | None:
    """The encoding to answer a static GET/HEAD with, or None to let it pass untouched."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return None
    if "/static/" not in scope["path"] or _header(scope, b"range") is not None:
        return None
    return encoding_for(_header(scope, b"accept-encoding") or "")


def _conditional(scope: Scope) -> bool:
    """A revalidation (If-None-Match / If-Modified-Since): Streamlit answers it (304)."""
    return any(_header(scope, name) is not None
               for name in (b"if-none-match", b"if-modified-since"))


async def _answer(send: Callable, kept: Kept, head: bool, status: int = 200) -> None:
    await send({"type": "http.response.start", "status": status, "headers": kept.headers})
    await send({"type": "http.response.body", "body": b"" if head else kept.body})
