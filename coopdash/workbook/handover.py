"""The reading child, from outside: start it on a file, wait for it, check its hand-over.

    child = handover.start("book.xlsx", options)   # returns at once: the child parses
    ...                                             # this process does other work meanwhile
    tables, found, stats = child.result()           # waits, checks what came back
    tables, found, stats = handover.run_child("book.xlsx")   # the two at once

The child (`python -m coopdash.workbook.child`, see that package) runs in a private temp
dir (0700, in /dev/shm when there) with memory, time and size limits; `result` waits at
most COOPDASH_INTAKE_SECONDS from the start, then checks what came back before trusting
it: a JSON list of problems of a known shape (`child.FOUND_KEYS`), Arrow tables of text
columns named after known tables. `coopdash.workbook.reading` frames them.

Only the standard library at import time (pyarrow when a result is loaded): the command
line starts the child before it imports pandas, numpy and pyarrow for the checks, so the
parse and those imports run at once (issue 22 §4).

May import: `coopdash.settings`, `coopdash.contract`, `coopdash.workbook.child`'s constants.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coopdash.contract import TABLES
from coopdash.workbook.child import EXIT_MEMORY, FOUND_KEYS, MAX_FOUND

__all__ = ["ChildOutputError", "Started", "run_child", "start"]
_LOG = logging.getLogger("coopdash.intake")

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
CHILD_ALLOCATOR = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2",
                   "MALLOC_MMAP_THRESHOLD_": str(1 << 20)}


class ChildOutputError(RuntimeError):
    """The child's output is not what a reading child writes (a bug, never a bad file)."""


def run_child(path: Path | str, options: dict | None = None
              ) -> tuple[dict, list[dict], dict]:
    """Run the reading child on `path` and wait for it: `start(path, options).result()`."""
    return start(path, options).result()


def start(path: Path | str, options: dict | None = None) -> Started:
    """Start the reading child on `path` and return at once (`Started.result` waits).
    `options` go to the parser (`child.parse.parse_file`)."""
    return Started(Path(path).resolve(), options or {})


class Started:
    """A reading child at work on one file. `result()` waits for it and removes its
    directory; `close()` (or leaving a `with` block) kills it if it is still running,
    for a caller that no longer needs what it reads."""

    def __init__(self, path: Path, options: dict) -> None:
        from coopdash import settings

        self.settings = s = settings.get()
        shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # memory, not disk
        self._tmp = tempfile.TemporaryDirectory(prefix="coopdash-intake-", dir=shm)  # 0700
        self.path, self.out = path, Path(self._tmp.name)
        self.started = time.perf_counter()
        env = {**os.environ, **CHILD_ALLOCATOR, "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])}
        limits = [str(s.intake_memory_mb), str(s.intake_seconds), str(s.intake_entry_mb),
                  json.dumps(options)]
        try:
            with (self.out / "stderr.txt").open("wb") as err:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "coopdash.workbook.child", str(path),
                     str(self.out), *limits],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                    env=env, start_new_session=True)
        except BaseException:
            self._tmp.cleanup()
            raise
        self._reaped = False

    def __enter__(self) -> Started:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Kill the child if it still runs, reap it, remove its directory."""
        if not self._reaped:
            with contextlib.suppress(ProcessLookupError):  # it had ended, its group too
                os.killpg(self.proc.pid, signal.SIGKILL)
            _, status, _ = os.wait4(self.proc.pid, 0)
            self.proc.returncode = os.waitstatus_to_exitcode(status)
            self._reaped = True
        self._tmp.cleanup()

    def result(self) -> tuple[dict, list[dict], dict]:
        """Wait for the child; returns (tables: name -> pyarrow.Table, problems as dicts,
        stats: seconds, peak memory of the child in MB, exit status, and `notes`: what
        the report says besides problems, e.g. an IATI file's skipped transactions)."""
        try:
            status, peak, address = self._finish()
            stats = {"seconds": time.perf_counter() - self.started, "peak_mb": peak,
                     "address_mb": address, "status": status, "notes": {}}
            if status != "ok":
                _log_child(self.out, self.path, status)
                s = self.settings
                return {}, [{"code": f"intake_{status}", "table": None, "row": None,
                             "column": None, "value": None,
                             "params": {"mb": s.intake_memory_mb, "s": s.intake_seconds}}
                            ], stats
            stats["notes"] = _load_notes(self.out)
            return _load_tables(self.out), _load_found(self.out), stats
        finally:
            self.close()

    def _finish(self) -> tuple[str, float, float | None]:
        """Wait at most the time limit (from the start); 'ok', 'memory', 'time' or
        'crashed', the child's peak resident memory and (when it finished) its peak
        address space, in MB."""
        try:
            _, status, usage = _wait(self.proc, self.started + self.settings.intake_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(self.proc.pid, 0)
            self.proc.returncode = os.waitstatus_to_exitcode(status)
            self._reaped = True
            return "time", usage.ru_maxrss / 1024, None
        self._reaped = True
        peak = usage.ru_maxrss / 1024
        code = os.waitstatus_to_exitcode(status)
        if code == 0 and (self.out / "done").exists():
            resident, address = (float(x) for x in (self.out / "done").read_text().split())
            return "ok", resident, address
        if code == EXIT_MEMORY:
            return "memory", peak, None
        if code == -signal.SIGXCPU:
            return "time", peak, None
        last_words = (self.out / "stderr.txt").read_bytes()[-4000:]
        if any(w in last_words for w in (b"memory allocation", b"MemoryError", b"bad_alloc",
                                         b"Cannot allocate memory", b"std::length_error")):
            return "memory", peak, None  # an allocation refused under the limit (C, C++, Rust)
        return "crashed", peak, None


def _wait(proc: subprocess.Popen, deadline: float):
    """os.wait4 until `deadline` (time.perf_counter) (the child's own resource usage: its
    peak memory)."""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        if time.perf_counter() > deadline:
            raise subprocess.TimeoutExpired(proc.args, deadline)
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
    import pyarrow as pa

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
