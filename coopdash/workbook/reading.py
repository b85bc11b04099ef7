"""Read a workbook: the parent's half (the dashboard's or the command line's process).

    book = read_workbook("book.xlsx")     # .xlsx, folder of CSVs, .zip of CSVs, one CSV

The file is never parsed here. `read_workbook` runs the reading child
(`python -m coopdash.workbook.child`, see that package) through `handover` (started there,
or earlier by the caller: `handover.start`), in a private temp dir (0700, in /dev/shm
when there) with memory, time and size limits, waits at most COOPDASH_INTAKE_SECONDS from
its start, then checks what came back before trusting it: a JSON list of problems of a
known shape (`child.FOUND_KEYS`), Arrow tables of text columns named after known tables.
It frames them: every cell in the workbook's text form (`coopdash.workbook.cells`), the
frame's index the row number a person sees (the header is row 1). Problems with the file
become located `Issue`s (file-level ones name the file); nothing here raises for a bad
file.

    parent (this module, `handover`)             child (python -m coopdash.workbook.child)
    --------------------------------             -----------------------------------------
    private temp dir (0700)            ------>   sets its own limits, checks and parses
    waits at most COOPDASH_INTAKE_SECONDS        the file (`child.container`,
                                                 `child.xlsx_prescan`, `child.parse`)
    checks the hand-over: problems of  <------   writes found.json and one Arrow IPC file
    known shape, text tables of known            per table (text columns only)
    names; builds the `Workbook`

A crash, a limit or a timeout in the child becomes one plain, localised problem naming
the file (`intake_crashed`, `intake_memory`, `intake_time`), its stderr goes to the
server's log; the parent stays up. Validation and the write stay in the parent. The
limits are settings (`COOPDASH_INTAKE_MEMORY_MB`, `COOPDASH_INTAKE_SECONDS`,
`COOPDASH_INTAKE_ENTRY_MB`, see `coopdash.settings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from coopdash.workbook import handover
from coopdash.workbook.cells import cell_text
from coopdash.workbook.validate import Issue

ROW_INDEX = "_row"
__all__ = ["ROW_INDEX", "Workbook", "cell_text", "drop_empty_rows", "read_workbook"]


@dataclass
class Workbook:
    """What was read: frames of text (index = row as seen) and problems found."""

    file_name: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # the child: seconds, peak_mb, address_mb, status
    notes: dict = field(default_factory=dict)  # besides problems (an IATI file: skipped…)


def read_workbook(path: Path | str, name: str | None = None, options: dict | None = None,
                  child: handover.Started | None = None) -> Workbook:
    """Read `path` (.xlsx, folder of CSVs, .zip of CSVs, one `<table>.csv` or an IATI
    activity file) in the reading child. `name` is the file's name as the person knows it
    (an upload's); `options` go to the child (`recipient` for an IATI file). `child`: the
    child already started on `path` with these `options` (`handover.start`)."""
    path = Path(path)
    book = Workbook(name or path.name)
    child = child or handover.start(path, options)
    tables, found, book.stats = child.result()
    book.notes = book.stats.pop("notes", {})
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
