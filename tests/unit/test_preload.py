"""The page asks for the Plotly chunk at once (coopdash/web/preload.py, installed by
app.py): the HTML of a real `streamlit run app.py` names the chunk of the installed wheel
and the modules it imports that the page does not name already."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import streamlit

from coopdash.web.preload import links, modules_to_preload, with_links

STATIC = Path(streamlit.__file__).parent / "static"


def get(url: str, **headers: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return {k.lower(): v for k, v in answer.headers.items()}, answer.read()


def preloaded(html: bytes) -> list[str]:
    return re.findall(r'<link rel="modulepreload" crossorigin href="\./static/js/([^"]+)"',
                      html.decode())


def test_every_page_names_the_plotly_chunk_for_preloading(server):
    """At the root and at a page's own path, asked with or without compression: the
    chunk the wheel ships is preloaded, and every preloaded module is served."""
    (chunk,) = (STATIC / "static" / "js").glob("PlotlyChart.*.js")
    for path, encoding in (("/", "gzip, br"), ("/delegations", "gzip, br"),
                           ("/funding?lang=en", "identity")):
        headers, html = get(server + path, **{"Accept-Encoding": encoding})
        assert int(headers["content-length"]) == len(html), path
        names = preloaded(html)
        assert chunk.name in names, path
        assert html.index(chunk.name.encode()) < html.index(b"</head>")
    for name in names:
        headers, body = get(f"{server}/static/js/{name}")
        assert headers["content-type"].startswith("application/javascript"), name
        assert body == (STATIC / "static" / "js" / name).read_bytes()


def test_the_chunk_and_what_it_imports_beyond_the_page(tmp_path):
    """Read from the files: the chunk first, then its static imports (recursively), less
    what index.html names already; a dynamic import() is not followed."""
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (tmp_path / "index.html").write_text(
        '<head><script type="module" src="./static/js/index.a1.js"></script>'
        '<link rel="modulepreload" href="./static/js/named.b2.js"></head>')
    files = {"PlotlyChart.x9.js": 'import{a}from"./named.b2.js";import"./own.c3.js";'
                                  'const l=()=>import("./lazy.d4.js")',
             "own.c3.js": 'import{b}from"./deeper.e5.js";import{a}from"./named.b2.js"',
             "deeper.e5.js": "export const b=1", "named.b2.js": "export const a=1",
             "lazy.d4.js": "", "index.a1.js": ""}
    for name, text in files.items():
        (js / name).write_text(text)
    names = modules_to_preload(tmp_path)
    assert names == ["PlotlyChart.x9.js", "own.c3.js", "deeper.e5.js"]
    page = with_links(b"<html><head><title>t</title></head><body></body></html>",
                      links(names))
    assert preloaded(page) == names
    assert page.endswith(b"</head><body></body></html>")
    assert with_links(b"no head", links(names)) == b"no head"
    (js / "PlotlyChart.x9.js").unlink()
    assert modules_to_preload(tmp_path) == []


def test_every_first_visit_chunk_in_the_order_asked_each_before_its_imports(tmp_path):
    """Several chunks: in the order given, each followed by what it imports that came not
    before; a module two chunks import, once; a chunk the wheel does not ship, left out."""
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (tmp_path / "index.html").write_text('<head><script src="./static/js/index.a1.js">'
                                         "</script></head>")
    files = {"PlotlyChart.p1.js": 'import"./shared.s1.js"', "shared.s1.js": "",
             "Selectbox.q2.js": 'import"./shared.s1.js";import"./menu.m3.js"',
             "menu.m3.js": 'import"./index.a1.js"', "Metric.r4.js": "", "index.a1.js": ""}
    for name, text in files.items():
        (js / name).write_text(text)
    names = modules_to_preload(tmp_path, ("PlotlyChart", "Selectbox", "Slider", "Metric"))
    assert names == ["PlotlyChart.p1.js", "shared.s1.js", "Selectbox.q2.js", "menu.m3.js",
                     "Metric.r4.js"]
