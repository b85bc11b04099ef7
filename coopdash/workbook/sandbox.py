"""Read an untrusted workbook in a child process with memory, time and size limits.

A crafted workbook can make the Excel reader allocate hundreds of gigabytes or abort the
process (a Rust panic: no Python handler runs). Read in the dashboard's own process, it
took the server down for every user. So every file goes through `read(path)`:

    parent (dashboard / command line)            child (python -m coopdash.workbook.sandbox)
    ---------------------------------            -----------------------------------------
    private temp dir (0700)            ------>   sets its own limits (RLIMIT_AS, RLIMIT_CPU,
    waits at most COOPDASH_INTAKE_SECONDS        RLIMIT_FSIZE, no core file), reads the file
                                                 (`rawread`: pyarrow + calamine, no pandas)
    checks what came back: a JSON list  <------  writes problems.json and one Arrow IPC file
    of problems of known shape, Arrow            per table (text columns only)
    tables of text columns named after
    known tables; builds the `Workbook`

The child never touches the store: the write stays in the parent, after the validator.
A crash, a limit or a timeout in the child becomes one plain, localised problem naming
the file (`intake_crashed`, `intake_memory`, `intake_time`); the parent stays up. The
limits are settings (`COOPDASH_INTAKE_MEMORY_MB`, `COOPDASH_INTAKE_SECONDS`,
`COOPDASH_INTAKE_ENTRY_MB`, see `coopdash.settings`). Zip entries and sheet XML are
checked against the entry limit while they are inflated, never after.
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
from pathlib import Path

EXIT_MEMORY = 3
MAX_FOUND = 5000  # problems the child hands back (the rest are counted)
_LOG = logging.getLogger("coopdash.intake")
_FOUND_KEYS = {"code": str, "table": (str, type(None)), "row": (int, type(None)),
               "column": (str, type(None)), "value": (str, type(None)), "params": dict}


# The memory limit is on address space (RLIMIT_AS), so the child must not reserve address
# space it does not use: Arrow's default allocator (mimalloc) reserves large arenas up
# front, and a 1M-row CSV that needs about 450 MB was refused at 160 MB, one run in two.
# The C library's allocator, with few arenas, reserves about what it uses.
_CHILD_ALLOCATOR = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2"}


class ChildOutputError(RuntimeError):
    """The child's output is not what a reading child writes (a bug, never a bad file)."""


# --- the parent ----------------------------------------------------------------------------

def read_raw(path: Path | str) -> tuple[dict, list[dict], dict]:
    """Run the reading child on `path`; returns (tables: name -> pyarrow.Table, problems as
    dicts, stats: seconds, peak memory of the child in MB, exit status)."""
    from coopdash import settings

    s = settings.get()
    path = Path(path).resolve()
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # memory, not disk
    with tempfile.TemporaryDirectory(prefix="coopdash-intake-", dir=shm) as tmp:  # 0700
        out = Path(tmp)
        started = time.perf_counter()
        status, peak = _run_child(path, out, s)
        stats = {"seconds": time.perf_counter() - started, "peak_mb": peak, "status": status}
        if status != "ok":
            _log_child(out, path, status)
            return {}, [{"code": f"intake_{status}", "table": None, "row": None,
                         "column": None, "value": None,
                         "params": {"mb": s.intake_memory_mb, "s": s.intake_seconds}}], stats
        return _load_tables(out), _load_found(out), stats


def _run_child(path: Path, out: Path, s) -> tuple[str, float]:
    """Start the child, wait at most the time limit; 'ok', 'memory', 'time' or 'crashed'."""
    env = {**os.environ, **_CHILD_ALLOCATOR, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])}
    limits = [str(s.intake_memory_mb), str(s.intake_seconds), str(s.intake_entry_mb)]
    with (out / "stderr.txt").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coopdash.workbook.sandbox", str(path), str(out), *limits],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env,
            start_new_session=True)
        try:
            _, status, usage = _wait(proc, s.intake_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            return "time", usage.ru_maxrss / 1024
    peak = usage.ru_maxrss / 1024
    code = os.waitstatus_to_exitcode(status)
    if code == 0 and (out / "done").exists():
        return "ok", float((out / "done").read_text() or 0)
    if code == EXIT_MEMORY:
        return "memory", peak
    if code == -signal.SIGXCPU:
        return "time", peak
    last_words = (out / "stderr.txt").read_bytes()[-4000:]
    if any(w in last_words for w in (b"memory allocation", b"MemoryError", b"bad_alloc",
                                     b"Cannot allocate memory", b"std::length_error")):
        return "memory", peak  # an allocation refused under the limit, in C, C++ or Rust
    return "crashed", peak


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
    found = json.loads((out / "found.json").read_text(encoding="utf-8"))
    if not isinstance(found, list) or len(found) > MAX_FOUND + 1:
        raise ChildOutputError("found.json is not a list of problems")
    for item in found:
        if not isinstance(item, dict) or set(item) != set(_FOUND_KEYS) or not all(
                isinstance(item[k], t) for k, t in _FOUND_KEYS.items()):
            raise ChildOutputError(f"unexpected problem record: {item!r:.200}")
    return found


def _load_tables(out: Path) -> dict:
    import pyarrow as pa

    from coopdash.contract import TABLES

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


# --- the child -----------------------------------------------------------------------------

def _limit(memory_mb: int, seconds: int, entry_mb: int) -> None:
    import resource

    mem = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    out = max(mem, entry_mb << 21)  # what it writes back is at most about what it holds
    resource.setrlimit(resource.RLIMIT_FSIZE, (out, out))


def child_main(argv: list[str]) -> int:
    path, out, memory_mb, seconds, entry_mb = argv
    _limit(int(memory_mb), int(seconds), int(entry_mb))
    try:
        _child_read(Path(path), Path(out), int(entry_mb) << 20)
    except MemoryError:
        return EXIT_MEMORY
    return 0


def _child_read(path: Path, out: Path, cap: int) -> None:
    import pyarrow as pa

    from coopdash.workbook import rawread

    book = rawread.read_path(path, cap)
    for i, (name, table) in enumerate(book.tables.items()):
        table = table.replace_schema_metadata({"table": name})
        with pa.OSFile(str(out / f"{i:02d}.arrow"), "wb") as sink, \
                pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    found = [f.as_dict() for f in book.found[:MAX_FOUND]]
    if len(book.found) > MAX_FOUND:
        found.append({"code": "more_problems", "table": None, "row": None, "column": None,
                      "value": None, "params": {"n": len(book.found) - MAX_FOUND}})
    (out / "found.json").write_text(json.dumps(found, default=str), encoding="utf-8")
    (out / "done").write_text(_high_water_mb(), encoding="ascii")


def _high_water_mb() -> str:
    """This process's peak resident memory in MB (VmHWM: its own, not its parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return str(int(line.split()[1]) / 1024)
    return "0"


if __name__ == "__main__":
    # os._exit: no interpreter teardown once the output is written (Arrow's thread pool
    # was seen to abort the process while shutting down under load)
    _code = child_main(sys.argv[1:])
    sys.stderr.flush()
    os._exit(_code)
