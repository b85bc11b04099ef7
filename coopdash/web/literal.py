"""Text people typed, shown as text inside Streamlit's Markdown (issue 20).

Every Streamlit message, caption and label is Markdown with Streamlit's extensions, so a
saved view's name, a follow-up's title, a file name or an e-mail address dropped into one
would act: `[Verify](http://evil.example)` becomes a live link, a bare `http://…` is
linked by GFM even when backslash-escaped, `:material/warning:` draws an icon (Streamlit
rewrites it in the source before parsing, escapes or not), `:smile:` an emoji, `$x$`
math. Measured in Chromium (Streamlit 1.67): backslash escapes stop none of the first
three. A code span stops all of them: its content is never parsed (no link, no
autolink, no emoji, no directive, no math). The one rewrite Streamlit makes inside it
(`:material/` -> `:material_`) is defeated by an invisible word joiner after the colon.
"""

from __future__ import annotations

import re

_JOINER = "\u2060"  # WORD JOINER: invisible, keeps `:material/` from being rewritten


def plain(text: object) -> str:
    """`text` as one Markdown code span that shows it literally (on one line)."""
    body = " ".join(str(text).splitlines()).replace(":material/", f":{_JOINER}material/")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
    return f"{fence}{pad}{body}{pad}{fence}"

