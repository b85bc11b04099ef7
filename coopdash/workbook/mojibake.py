"""Text that reads like UTF-8 decoded as Windows-1252 or Latin-1 (mojibake), found at
its cell with the repaired text offered (issue 21).

`南梦3水电站` written as UTF-8 and read back as Windows-1252 becomes `å\\x8d—æ¢¦3æ°´ç”µç«™`.
Each such cell is refused at its cell, with the character at fault (code point and
position) and the text repaired by ftfy (`ftfy.fix_encoding`: only the encoding is
fixed, nothing else is "cleaned"). Asked to (`import --repair-text`, the Data page's
"apply the suggested repairs"), the repairs are applied before the cells are checked,
and every one of them is listed in the report.

Only cells holding a pair of characters that such a misreading produces (the Latin-1
face of a UTF-8 lead byte followed by that of a continuation byte) are given to ftfy,
and only cells holding the byte that pair begins with are searched for it: a million
ordinary cells cost one pass over their bytes per column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pyarrow.compute as pc

from coopdash.contract import TABLES
from coopdash.workbook.validate import Issue, Issues, arrow_text, as_text, byte_set, cells_holding

# What UTF-8's lead bytes 0xC2-0xF4 look like in Latin-1, and what its continuation bytes
# 0x80-0xBF look like in Latin-1 or Windows-1252.
_LEAD = "\u00c2-\u00f4"
_CONT = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
         "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
         "\u20ac\u2122")
SUSPECT = f"[{_LEAD}][{_CONT}]"
_SUSPECT = re.compile(SUSPECT)
TEXT_KINDS = ("text", "markdown")


@dataclass
class Repair:
    """One cell whose text reads as mojibake, and its repair."""

    table: str
    row: int
    column: str
    found: str
    repaired: str

    @property
    def at(self) -> int:
        """1-based position of the first character at fault."""
        m = _SUSPECT.search(self.found)
        return m.start() + 1 if m else 1

    def issue(self) -> Issue:
        char = self.found[self.at - 1]
        return Issue(self.table, self.row, self.column, self.found, "mojibake",
                     {"char": f"U+{ord(char):04X} {char!r}", "at": self.at,
                      "repaired": self.repaired})

    def as_dict(self) -> dict:
        return {"table": self.table, "row": self.row, "column": self.column,
                "found": self.found, "repaired": self.repaired}


def suggest(text: str) -> str | None:
    """The text with its encoding repaired, or None when there is nothing to repair."""
    import ftfy

    fixed = ftfy.fix_encoding(text)
    return fixed if fixed != text else None


def find(frames: dict[str, pd.DataFrame]) -> list[Repair]:
    """Every text cell of `frames` (index = row as seen) that ftfy repairs."""
    out = []
    for name, frame in frames.items():
        table = TABLES.get(name)
        if table is None:
            continue
        for col in table.columns:
            if col.kind in TEXT_KINDS and col.name in frame.columns:
                out += _column(name, col.name, frame[col.name])
    return out


# Every character of `_LEAD` is U+00C2-U+00F4, written in UTF-8 as 0xC3 then one byte:
# a cell without the byte 0xC3 cannot match SUSPECT, and is not searched.
_LEAD_BYTE = byte_set(b"\xc3")


def _column(table: str, column: str, values: pd.Series) -> list[Repair]:
    text = arrow_text(as_text(values))
    maybe = pc.indices_nonzero(cells_holding(text, _LEAD_BYTE))
    hits = pc.match_substring_regex(text.take(maybe), SUSPECT)
    out = []
    for i in maybe.filter(hits).to_pylist():
        found = values.iloc[i]
        repaired = suggest(found)
        if repaired is not None:
            out.append(Repair(table, int(values.index[i]), column, found, repaired))
    return out


def apply(frames: dict[str, pd.DataFrame], repairs: list[Repair]
          ) -> dict[str, pd.DataFrame]:
    """`frames` with every repair applied (copies of the frames it touches)."""
    out = dict(frames)
    for r in repairs:
        if out[r.table] is frames[r.table]:
            out[r.table] = frames[r.table].copy()
        out[r.table].loc[r.row, r.column] = r.repaired
    return out


def check(frames: dict[str, pd.DataFrame], issues: Issues, repair: bool
          ) -> tuple[dict[str, pd.DataFrame], list[Repair]]:
    """Find the mis-encoded cells: refused at their cell (issues), or repaired when
    `repair`; returns the frames to check and the repairs found."""
    repairs = find(frames)
    if repair:
        return apply(frames, repairs), repairs
    for r in repairs:
        issues.add(r.issue())
    return frames, repairs


def drop_overlaps(issues: Issues, repairs: list[Repair]) -> None:
    """A cell refused as mojibake is not refused again for the control character
    (U+0080-U+009F) its misreading holds: one problem, with its repair."""
    cells = {(r.table, r.row, r.column) for r in repairs}
    if not cells:
        return
    kept = [i for i in issues.items
            if not (i.code == "text_control" and (i.table, i.row, i.column) in cells)]
    issues.total -= len(issues.items) - len(kept)
    issues.items = kept
