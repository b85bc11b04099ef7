"""Read a workbook (.xlsx), a folder of `<table>.csv` or a .zip of CSVs as text.

Every cell comes back in the workbook's text form (the form the validator reads and the
CSV export writes): an Excel date at 00:00 -> `2023-05-22`, an integral number -> `2`, a
number in a region column -> `32.10`, other numbers by their shortest repr. The frame's
index is the row number a person sees (the header is row 1). Problems with the file
itself become located `Issue`s (file-level ones name the file); nothing here raises for a
bad file.

The file itself is parsed in a child process with memory, time and size limits
(`coopdash.workbook.sandbox`, reading with `coopdash.workbook.rawread`): a crafted file
can crash or exhaust that child, never this process. What comes back is checked (known
tables, text columns only) and framed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from coopdash.workbook import sandbox
from coopdash.workbook.rawread import cell_text
from coopdash.workbook.validate import Issue

ROW_INDEX = "_row"
__all__ = ["ROW_INDEX", "Workbook", "cell_text", "drop_empty_rows", "read_path"]


@dataclass
class Workbook:
    """What was read: frames of text (index = row as seen) and problems found."""

    file_name: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # the reading child: seconds, peak_mb, status


def read_path(path: Path | str, name: str | None = None) -> Workbook:
    """Read `path` (.xlsx, folder of CSVs, .zip of CSVs or one `<table>.csv`) in the
    reading child. `name` is the file's name as the person knows it (an upload's)."""
    path = Path(path)
    book = Workbook(name or path.name)
    tables, found, book.stats = sandbox.read_raw(path)
    for item in found:
        params = {"value": item["value"], **item["params"]}
        if item["row"] is None:
            params["file"] = book.file_name  # every file- or sheet-level message names it
        book.issues.append(Issue(item["table"], item["row"], item["column"], item["value"],
                                 item["code"], params))
    for table_name, table in tables.items():
        book.frames[table_name] = frame_of(table)
    return book


def frame_of(table: pa.Table) -> pd.DataFrame:
    """An Arrow table of text as a frame indexed by the row a person sees (from 2)."""
    frame = table.to_pandas()
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=ROW_INDEX)
    return drop_empty_rows(frame)


def drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the rows whose every cell is empty or spaces (kept: the row numbers)."""
    if frame.empty:
        return frame
    blank = np.ones(len(frame), dtype=bool)  # rows still possibly blank
    for name in frame.columns:  # usually the first column settles every row
        idx = np.flatnonzero(blank)
        col = frame[name] if len(idx) == len(frame) else frame[name].iloc[idx]
        blank[idx[_has_text(col)]] = False
        if not blank.any():
            return frame
    return frame[~blank]


# First bytes that may start a space (Python's str.isspace: ASCII, 0x1c-0x1f, non-ASCII)
_SPACE_BYTES = np.array([9, 10, 11, 12, 13, 28, 29, 30, 31, 32, *range(128, 256)],
                        dtype=np.uint8)


def _has_text(col: pd.Series) -> np.ndarray:
    """Per cell: holds a character other than a space? Decided from the first byte for
    almost every cell (numpy over the Arrow buffers); the rest by a regular expression."""
    from coopdash.workbook.validate import WS_CLASS, arrow_text, as_text, utf8_edges

    arr = arrow_text(as_text(col))
    parts = []
    for chunk in arr.chunks:
        first, _, filled = utf8_edges(chunk)
        sure = filled & ~np.isin(first, _SPACE_BYTES)
        unsure = np.flatnonzero(filled & ~sure)
        if len(unsure):
            found = pc.match_substring_regex(chunk.take(pa.array(unsure)),
                                             "[^" + WS_CLASS + "]")
            sure[unsure] = found.to_numpy(zero_copy_only=False)
        parts.append(sure)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
