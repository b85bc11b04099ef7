"""Read a workbook: the parent's half (the dashboard's or the command line's process).

    book = read_workbook("book.xlsx")     # .xlsx, folder of CSVs, .zip of CSVs, one CSV

The file is never parsed here. `read_workbook` starts the reading child
(`python -m coopdash.workbook.child`, see that package) in a private temp dir (0700, in
/dev/shm when there) with memory, time and size limits, waits at most
COOPDASH_INTAKE_SECONDS, then checks what came back before trusting it: a JSON list of
problems of a known shape (`child.FOUND_KEYS`), Arrow tables of text columns named after
known tables. It frames them: every cell in the workbook's text form
(`coopdash.workbook.cells`), the frame's index the row number a person sees (the header
is row 1). Problems with the file become located `Issue`s (file-level ones name the
file); nothing here raises for a bad file.

    parent (this module)                         child (python -m coopdash.workbook.child)
    --------------------                         -----------------------------------------
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

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from coopdash.contract import TABLES
from coopdash.workbook.cells import cell_text
from coopdash.workbook.child import EXIT_MEMORY, FOUND_KEYS, MAX_FOUND
from coopdash.workbook.validate import Issue

ROW_INDEX = "_row"
__all__ = ["ROW_INDEX", "Workbook", "cell_text", "drop_empty_rows", "read_workbook"]
_LOG = logging.getLogger("coopdash.intake")


@dataclass
class Workbook:
    """What was read: frames of text (index = row as seen) and problems found."""

    file_name: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # the child: seconds, peak_mb, address_mb, status
    notes: dict = field(default_factory=dict)  # besides problems (an IATI file: skipped…)


def read_workbook(path: Path | str, name: str | None = None, options: dict | None = None
                  ) -> Workbook:
    """Read `path` (.xlsx, folder of CSVs, .zip of CSVs, one `<table>.csv` or an IATI
    activity file) in the reading child. `name` is the file's name as the person knows it
    (an upload's); `options` go to the child (`recipient` for an IATI file)."""
    path = Path(path)
    book = Workbook(name or path.name)
    tables, found, book.stats = run_child(path, options)
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


# --- the reading child, from outside ------------------------------------------------

# The memory limit is on address space (RLIMIT_AS), so the child must not reserve address
# space it does not use: Arrow's default allocator (mimalloc) reserves large arenas up
# front, and a 1M-row CSV that needs about 450 MB was refused at 160 MB, one run in two.
# The C library's allocator, with few arenas, reserves about what it uses, provided its
# threshold for giving a block its own mapping stays fixed: by default glibc raises it to
# the size of each large block freed (up to 32 MB), so later blocks of up to that size are
# carved from the arenas, which keep the address space when they are freed, and how much
# depends on the order the CSV reader's threads free their blocks. Measured on the 1M
# folder at load 16-21: peak address space 853-1,133 MB (over the 1,024 MB limit two runs
# in three: the intermittent "over the memory limit") with resident 470-512 MB; with the
# threshold fixed at 1 MB, 637-643 MB and resident 370 MB, four runs of four.
_CHILD_ALLOCATOR = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2",
                    "MALLOC_MMAP_THRESHOLD_": str(1 << 20)}


class ChildOutputError(RuntimeError):
    """The child's output is not what a reading child writes (a bug, never a bad file)."""


def run_child(path: Path | str, options: dict | None = None
              ) -> tuple[dict, list[dict], dict]:
    """Run the reading child on `path`; returns (tables: name -> pyarrow.Table, problems as
    dicts, stats: seconds, peak memory of the child in MB, exit status, and `notes`: what
    the report says besides problems, e.g. an IATI file's skipped transactions).
    `options` go to the parser (`child.parse.parse_file`)."""
    from coopdash import settings

    s = settings.get()
    path = Path(path).resolve()
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # memory, not disk
    with tempfile.TemporaryDirectory(prefix="coopdash-intake-", dir=shm) as tmp:  # 0700
        out = Path(tmp)
        started = time.perf_counter()
        status, peak, address = _start_and_wait(path, out, s, options or {})
        stats = {"seconds": time.perf_counter() - started, "peak_mb": peak,
                 "address_mb": address, "status": status, "notes": {}}
        if status != "ok":
            _log_child(out, path, status)
            return {}, [{"code": f"intake_{status}", "table": None, "row": None,
                         "column": None, "value": None,
                         "params": {"mb": s.intake_memory_mb, "s": s.intake_seconds}}], stats
        stats["notes"] = _load_notes(out)
        return _load_tables(out), _load_found(out), stats


def _start_and_wait(path: Path, out: Path, s, options: dict
                    ) -> tuple[str, float, float | None]:
    """Start the child, wait at most the time limit; 'ok', 'memory', 'time' or 'crashed',
    its peak resident memory and (when it finished) its peak address space, in MB."""
    env = {**os.environ, **_CHILD_ALLOCATOR, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])}
    limits = [str(s.intake_memory_mb), str(s.intake_seconds), str(s.intake_entry_mb),
              json.dumps(options)]
    with (out / "stderr.txt").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coopdash.workbook.child", str(path), str(out), *limits],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env,
            start_new_session=True)
        try:
            _, status, usage = _wait(proc, s.intake_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            return "time", usage.ru_maxrss / 1024, None
    peak = usage.ru_maxrss / 1024
    code = os.waitstatus_to_exitcode(status)
    if code == 0 and (out / "done").exists():
        resident, address = (float(x) for x in (out / "done").read_text().split())
        return "ok", resident, address
    if code == EXIT_MEMORY:
        return "memory", peak, None
    if code == -signal.SIGXCPU:
        return "time", peak, None
    last_words = (out / "stderr.txt").read_bytes()[-4000:]
    if any(w in last_words for w in (b"memory allocation", b"MemoryError", b"bad_alloc",
                                     b"Cannot allocate memory", b"std::length_error")):
        return "memory", peak, None  # an allocation refused under the limit (C, C++, Rust)
    return "crashed", peak, None


def _wait(proc: subprocess.Popen, seconds: int):
    """os.wait4 with a deadline (the child's own resource usage: its peak memory)."""
    deadline = time.monotonic() + seconds
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(proc.args, seconds)
        time.sleep(0.02)


def _log_child(out: Path, path: Path, status: str) -> None:
    """The child's last words go to the server's log, never to the user."""
    err = (out / "stderr.txt").read_bytes()[-4000:].decode("utf-8", "replace")
    _LOG.warning("reading %s stopped (%s): %s", path.name, status, err.strip())


def _load_found(out: Path) -> list[dict]:
    """The child's problems, each of the shape `child.FOUND_KEYS` (else a bug: raised)."""
    found = json.loads((out / "found.json").read_text(encoding="utf-8"))
    if not isinstance(found, list) or len(found) > MAX_FOUND + 1:
        raise ChildOutputError("found.json is not a list of problems")
    for item in found:
        if not isinstance(item, dict) or set(item) != set(FOUND_KEYS) or not all(
                isinstance(item[k], t) for k, t in FOUND_KEYS.items()):
            raise ChildOutputError(f"unexpected problem record: {item!r:.200}")
    return found


def _load_notes(out: Path) -> dict:
    notes = json.loads((out / "notes.json").read_text(encoding="utf-8"))
    if not isinstance(notes, dict):
        raise ChildOutputError("notes.json is not an object")
    return notes


def _load_tables(out: Path) -> dict:
    """The child's tables, memory-mapped: known names, once each, text columns only."""
    tables = {}
    for file in sorted(out.glob("*.arrow")):
        with pa.memory_map(str(file)) as source:
            table = pa.ipc.open_file(source).read_all()
        name = (table.schema.metadata or {}).get(b"table", b"").decode()
        if name not in TABLES or name in tables or not all(
                pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                for f in table.schema):
            raise ChildOutputError(f"unexpected table in the child's output: {name!r:.80}")
        tables[name] = table
    return tables
