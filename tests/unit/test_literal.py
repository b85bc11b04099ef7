"""Text people typed stays text in Streamlit's Markdown (`coopdash.web.literal.plain`,
issue 20). What the browser draws from it (no link, no icon) is checked in Chromium in
tests/browser/test_signin.py with a hostile saved view's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coopdash.web.literal import plain

ROOT = Path(__file__).resolve().parents[2]
RAW_HTML = re.compile(r"unsafe_allow_html|\.html\(|streamlit\.components|components\.v1")

HOSTILE = [
    "[Verifikasi akun](http://evil.example/login)",
    "http://evil.example/login www.evil.example",
    ":material/warning: :smile: :red[besar] $x^2$ **tebal** <b>x</b>",
    "`kode` dan ``dua`` dan ```tiga```",
    "`",
    "baris satu\nbaris dua\r\n# judul",
]


def _content(span: str) -> str:
    fence = re.match(r"`+", span).group(0)
    assert span.endswith(fence) and len(span) > 2 * len(fence)
    body = span[len(fence):-len(fence)]
    assert fence not in body  # the span is not closed early
    assert not re.search(r"(?<!`)" + fence + r"(?!`)", body)
    if body.startswith(" ") and body.endswith(" ") and body.strip():
        body = body[1:-1]  # CommonMark strips one space each side of such a span
    return body


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_is_one_code_span_that_reads_as_typed(text):
    span = plain(text)
    assert "\n" not in span and ":material/" not in span
    assert _content(span).replace("\u2060", "") == " ".join(text.splitlines())


def test_no_page_draws_raw_html():
    """Nothing the dashboard serves is drawn as raw HTML (no `unsafe_allow_html`, no
    `st.html`, no custom component): a value from a link or a person reaches the browser
    only through Streamlit's own Markdown, which runs no script. So the hostile links'
    words, checked on every page in AppTest (tests/apptest/test_hostile_links.py), run no
    script in Chromium on any page; the browser checks the pages that echo keys of their
    own (tests/browser/test_browser_intake.py)."""
    files = [ROOT / "dashboard.py", ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
             *sorted((ROOT / "coopdash").rglob("*.py"))]
    found = [f"{f.relative_to(ROOT)}:{n}: {line.strip()}" for f in files
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
             if RAW_HTML.search(line)]
    assert len(files) > 50 and found == [], found
