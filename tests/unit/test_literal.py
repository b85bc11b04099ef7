"""Text people typed stays text in Streamlit's Markdown (`coopdash.web.literal.plain`,
issue 20). What the browser draws from it (no link, no icon) is checked in Chromium in
tests/browser/test_signin.py with a hostile saved view's name."""

from __future__ import annotations

import re

import pytest

from coopdash.web.literal import plain

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
