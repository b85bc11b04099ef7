"""Streamlit's scripts travel compressed, each compressed once and kept
(coopdash/web/compress.py, installed by app.py): asked over HTTP of a real
`streamlit run app.py`, the bytes checked against the very files of the installed wheel."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import re
import time
import urllib.request
from pathlib import Path

import brotli
import pytest
import streamlit

from coopdash.web.compress import encoding_for

STATIC = Path(streamlit.__file__).parent / "static"


def plotly_chunk() -> Path:
    found = sorted((STATIC / "static" / "js").glob("PlotlyChart.*.js"))
    assert len(found) == 1, found
    return found[0]


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()


def test_the_plotly_chunk_is_sent_in_brotli_or_gzip_as_the_browser_accepts(server):
    """The 4.7 MB Plotly chunk: brotli for a browser that accepts it (a third of the
    bytes, or less), gzip for one that accepts only gzip, and either decodes to the very
    file Streamlit ships; a client that accepts neither gets the file as it is."""
    chunk = plotly_chunk()
    url = f"{server}/static/js/{chunk.name}"
    raw = chunk.read_bytes()
    status, headers, body = get(url, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert (status, headers["content-encoding"]) == (200, "br")
    assert headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(body) <= len(raw) / 3
    assert "immutable" in headers["cache-control"]
    assert brotli.decompress(body) == raw
    status, headers, body = get(url, **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert int(headers["content-length"]) == len(body) <= len(raw) / 3
    assert gzip.decompress(body) == raw
    status, headers, body = get(url, **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in headers
    assert body == raw


def test_compressed_once_then_answered_from_memory(monkeypatch):
    """Browsers asking at the same time and later for one script: Streamlit's file
    handler is asked and the script compressed once per encoding; every answer carries
    the same bytes."""
    from coopdash.web import compress

    body = plotly_chunk().read_bytes()
    asked, compressed = [], []
    real = compress.compress
    monkeypatch.setattr(compress, "compress",
                        lambda data, encoding: compressed.append(encoding) or real(data, encoding))

    middleware = compress.KeptCompression(_immutable_file(body, asked))

    def ask(encoding: str):
        return _request(middleware, encoding, "/static/js/PlotlyChart.x.js")

    async def visits():
        first = await asyncio.gather(*(ask("gzip, br") for _ in range(4)))
        return [*first, await ask("br"), await ask("gzip"), await ask("gzip")]

    # a loop of its own, in a thread: a browser test before this one in the same worker
    # leaves Playwright's loop running in the main thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        answers = pool.submit(asyncio.run, visits()).result()
    assert sorted(compressed) == ["br", "gzip"]
    assert len(asked) == 5  # four at once (before one was kept), then one for gzip
    assert {a[1] for a in answers[:5]} == {brotli.compress(body, quality=9)}
    assert brotli.decompress(answers[0][1]) == body
    assert gzip.decompress(answers[5][1]) == body == gzip.decompress(answers[6][1])
    assert b"etag" not in answers[0][0]
    assert answers[0][0][b"content-encoding"] == b"br"


def test_what_is_not_a_script_passes_untouched(server):
    """The HTML page (not immutable: it names the current scripts), a ranged request and
    a HEAD pass as Streamlit answers them."""
    status, headers, body = get(server + "/", **{"Accept-Encoding": "br"})
    assert status == 200 and "content-encoding" not in headers
    assert b"<html" in body.lower()
    chunk = plotly_chunk()
    url = f"{server}/static/js/{chunk.name}"
    status, headers, body = get(url, **{"Accept-Encoding": "br", "Range": "bytes=0-99"})
    assert (status, len(body)) == (206, 100)
    assert "content-encoding" not in headers
    assert body == chunk.read_bytes()[:100]
    request = urllib.request.Request(url, method="HEAD", headers={"Accept-Encoding": "br"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.read() == b""


def test_every_script_and_style_of_the_first_page_is_compressed(server):
    """Every script and style sheet the HTML page names comes compressed."""
    _, _, page = get(server + "/")
    named = re.findall(rb'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"', page)
    assert named
    for path in named:
        _, headers, _ = get(f"{server}/{path.decode()}", **{"Accept-Encoding": "br"})
        assert headers.get("content-encoding") == "br", path


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"),
    ("BR", "br"), ("gzip;q=0", None), ("", None), ("identity", None), ("*", "br"),
    ("deflate, gzip;q=0.5", "gzip"),
])
def test_encoding_chosen_from_accept_encoding(header, expected):
    assert encoding_for(header) == expected


def test_a_browser_gone_mid_file_leaves_nothing_kept(tmp_path):
    """A browser that goes away while Streamlit's file handler (Starlette's, as the
    server runs it) still reads a script: that part of the file is not kept, and the next
    browser gets the whole script. Before, the part (often nothing) was kept and answered
    for that script until the server stopped, and every later page on that server failed
    to load ("does not provide an export named …", seen in CI's sign-in tests)."""
    from starlette.staticfiles import StaticFiles

    from coopdash.web.compress import KeptCompression

    (tmp_path / "static" / "js").mkdir(parents=True)
    script = tmp_path / "static" / "js" / "useField.x.js"
    script.write_bytes(plotly_chunk().read_bytes())

    async def immutable(scope, receive, send):
        async def marked(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (
                    b"cache-control", b"public, immutable, max-age=31536000")]}
            await send(message)
        await StaticFiles(directory=tmp_path)(scope, receive, marked)

    middleware = KeptCompression(immutable)
    scope = {"type": "http", "method": "GET", "path": "/static/js/useField.x.js",
             "headers": [(b"accept-encoding", b"gzip")]}

    async def gone():
        return {"type": "http.disconnect"}

    async def stays():
        await asyncio.Event().wait()

    async def visit(receive) -> list[dict]:
        sent = []

        async def send(message):
            sent.append(message)

        await middleware(scope, receive, send)
        return sent

    async def visits():
        return await visit(gone), await visit(stays)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        first, second = pool.submit(asyncio.run, visits()).result()
    assert first == []
    assert second[0]["status"] == 200
    assert gzip.decompress(second[1]["body"]) == script.read_bytes()


def _immutable_file(body: bytes, asked: list[str]):
    """Streamlit's answer for one of its scripts (as its static handler gives it)."""
    async def app(scope, receive, send):
        asked.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/javascript"), (b"etag", b'"x"'),
            (b"cache-control", b"public, immutable, max-age=31536000"),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    return app


async def _request(middleware, encoding: str, path: str) -> tuple[dict, bytes]:
    """One GET of the script at `path` through `middleware`: its headers and body."""
    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path,
             "headers": [(b"accept-encoding", encoding.encode())]}
    await middleware(scope, None, send)
    return dict(sent[0]["headers"]), sent[1]["body"]


def _ask(middleware, encoding: str) -> tuple[dict, bytes]:
    """One GET of the Slider chunk, in a loop of its own (see above)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _request(middleware, encoding,
                                                 "/static/js/Slider.x.js")).result()


def _slider_chunk() -> bytes:
    found = sorted((STATIC / "static" / "js").glob("Slider.*.js"))
    assert len(found) == 1, found
    return found[0].read_bytes()


def test_brotli_11_replaces_the_first_answer_and_is_found_again_on_disk(tmp_path,
                                                                         monkeypatch):
    """With a `Best` folder: the first browser gets brotli 9 at once; brotli 11 (fewer
    bytes, the same script) is made in the background and answers the next browsers; a
    server started later over the same folder answers brotli 11 from the start without
    compressing the script again (gzip is made as before)."""
    from coopdash.web import compress

    body, asked = _slider_chunk(), []
    folder = tmp_path / "compressed"
    middleware = compress.KeptCompression(_immutable_file(body, asked),
                                          best=compress.Best(folder))
    headers, first = _ask(middleware, "br")
    assert first == brotli.compress(body, quality=9)
    deadline = time.monotonic() + 120
    while middleware.kept[("/static/js/Slider.x.js", "br")].body == first:
        assert time.monotonic() < deadline, "brotli 11 was not made in 120 s"
        time.sleep(0.05)
    headers, best = _ask(middleware, "br")
    assert best == brotli.compress(body, quality=11)
    assert brotli.decompress(best) == body
    assert len(best) < len(first) * 0.95
    assert headers[b"content-length"] == str(len(best)).encode()
    assert headers[b"content-encoding"] == b"br"
    assert len(asked) == 1  # Streamlit asked once, the second answer came from memory
    [kept] = list(folder.iterdir())
    assert kept.read_bytes() == best and folder.stat().st_mode & 0o777 == 0o700

    compressed = []
    real = compress.compress
    monkeypatch.setattr(compress, "compress",
                        lambda data, encoding: compressed.append(encoding) or real(data, encoding))
    later = compress.KeptCompression(_immutable_file(body, []), best=compress.Best(folder))
    assert _ask(later, "br")[1] == best
    assert gzip.decompress(_ask(later, "gzip")[1]) == body
    assert compressed == ["gzip"]


def test_a_kept_file_that_is_not_the_script_is_not_sent(tmp_path, caplog):
    """A file in the folder under the script's name that does not decode to the script
    (written by something else): the browser gets the script compressed anew (brotli 9),
    and the log says which file was refused."""
    from coopdash.web import compress

    body = _slider_chunk()
    best = compress.Best(tmp_path)
    best.path(body).write_bytes(brotli.compress(b"alert('not the script')"))
    middleware = compress.KeptCompression(_immutable_file(body, []), best=best)
    with caplog.at_level("WARNING", logger="coopdash.web.compress"):
        assert _ask(middleware, "br")[1] == brotli.compress(body, quality=9)
    assert str(best.path(body)) in caplog.text
