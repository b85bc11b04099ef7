"""The minutes' Markdown as styled lines, for the pack (HTML, PDF) and the deck.

Minutes are written in Markdown on the Weekly page, which shows them rendered; a pack or
a deck that printed the text as written showed `## Weekly review` and `**Decision:**`.
This reads the little Markdown minutes use, and runs nothing: headings (`#` to
`######`), bullet (`-`, `*`, `+`) and numbered (`1.`) list items, bold (`**x**`,
`__x__`), italic (`*x*`, `_x_`), code (`` `x` ``, shown as written) and text lines;
anything else stays as written. The result is text with styles: the pack escapes every
piece (`coopdash.pack.document`), the deck writes runs (`coopdash.pack.deck`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Line:
    """One line of the minutes: `heading` (with its level 1-6), `item` (a bullet),
    `number` (a numbered item: `mark` is its number), `text`, or `blank`."""

    kind: str
    runs: tuple[Run, ...] = ()
    level: int = 0
    mark: str = ""

    @property
    def text(self) -> str:
        """The line's words without any markup."""
        return "".join(r.text for r in self.runs)


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_ITEM = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s*(\d{1,9})[.)]\s+(.*)$")
_INLINE = re.compile(
    r"(?P<strong>\*\*|__)(?P<s>\S(?:.*?\S)?)(?P=strong)"  # **bold**, __bold__
    r"|\*(?P<e>[^\s*](?:[^*]*?[^\s*])?)\*"  # *italic*
    r"|(?<![\w])_(?P<u>[^\s_](?:[^_]*?[^\s_])?)_(?![\w])"  # _italic_ (not in_a_word)
    r"|`(?P<c>[^`]+)`")  # `code`: as written


def runs(text: str, bold: bool = False) -> tuple[Run, ...]:
    """`text`'s inline markup as runs (bold inside a heading stays bold)."""
    out: list[Run] = []
    at = 0
    for m in _INLINE.finditer(text):
        if m.start() > at:
            out.append(Run(text[at:m.start()], bold))
        if m["s"] is not None:
            out += [Run(r.text, True, r.italic) for r in runs(m["s"], True)]
        elif m["e"] is not None or m["u"] is not None:
            out += [Run(r.text, r.bold, True) for r in runs(m["e"] or m["u"], bold)]
        else:
            out.append(Run(m["c"], bold))
        at = m.end()
    if at < len(text):
        out.append(Run(text[at:], bold))
    return tuple(out)


def line(text: str) -> Line:
    """One line of Markdown as a styled line."""
    if not text.strip():
        return Line("blank")
    if m := _HEADING.match(text):
        return Line("heading", runs(m[2], bold=True), level=len(m[1]))
    if m := _NUMBER.match(text):
        return Line("number", runs(m[2]), mark=m[1])
    if m := _ITEM.match(text):
        return Line("item", runs(m[1]))
    return Line("text", runs(text.strip()))


def lines(text: str | None) -> list[Line]:
    """The minutes as styled lines (no blank line first or last, none twice in a row)."""
    out: list[Line] = []
    for raw in (text or "").splitlines():
        parsed = line(raw)
        if parsed.kind == "blank" and (not out or out[-1].kind == "blank"):
            continue
        out.append(parsed)
    while out and out[-1].kind == "blank":
        out.pop()
    return out
