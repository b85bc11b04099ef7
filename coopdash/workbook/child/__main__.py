"""The reading child's entry:
`python -m coopdash.workbook.child PATH OUT MB SECONDS ENTRY_MB OPTIONS_JSON`.

Sets its own limits, parses the file (`child.parse`) and writes the hand-over described
in `coopdash.workbook.child` into the private folder OUT. Started only by
`coopdash.workbook.reading`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from coopdash.workbook.child import EXIT_MEMORY, MAX_FOUND


def _limit(memory_mb: int, seconds: int, entry_mb: int) -> None:
    import resource

    mem = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    out = max(mem, entry_mb << 21)  # what it writes back is at most about what it holds
    resource.setrlimit(resource.RLIMIT_FSIZE, (out, out))


def main(argv: list[str]) -> int:
    path, out, memory_mb, seconds, entry_mb, options = argv
    _limit(int(memory_mb), int(seconds), int(entry_mb))
    try:
        _hand_over(Path(path), Path(out), int(entry_mb) << 20, json.loads(options))
    except MemoryError:
        return EXIT_MEMORY
    return 0


def _hand_over(path: Path, out: Path, cap: int, options: dict) -> None:
    import pyarrow as pa

    from coopdash.workbook.child import parse

    book = parse.parse_file(path, cap, options)
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
    (out / "notes.json").write_text(json.dumps(book.notes), encoding="utf-8")
    (out / "done").write_text(_high_water_mb(), encoding="ascii")


def _high_water_mb() -> str:
    """This process's peak resident memory and peak address space (what RLIMIT_AS
    limits) in MB, VmHWM and VmPeak: its own, not its parent's."""
    found = {"VmHWM:": "0", "VmPeak:": "0"}
    for line in Path("/proc/self/status").read_text().splitlines():
        words = line.split()
        if words and words[0] in found:
            found[words[0]] = str(int(words[1]) / 1024)
    return f"{found['VmHWM:']} {found['VmPeak:']}"


if __name__ == "__main__":
    # os._exit: no interpreter teardown once the output is written (Arrow's thread pool
    # was seen to abort the process while shutting down under load)
    _code = main(sys.argv[1:])
    sys.stderr.flush()
    os._exit(_code)
