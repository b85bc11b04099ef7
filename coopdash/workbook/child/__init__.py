"""The reading child: the half of reading a workbook that runs in a separate process.

A crafted workbook can make the Excel reader allocate hundreds of gigabytes or abort the
process (a Rust panic: no Python handler runs). So no file is ever parsed in the
dashboard's or the command line's own process: `coopdash.workbook.reading` (the parent's
half) starts `python -m coopdash.workbook.child` with memory, time and size limits, and
everything in this package runs only there:

    child/__main__.py      the child's entry: sets its own limits (RLIMIT_AS, RLIMIT_CPU,
                           RLIMIT_FSIZE, no core file), parses, writes the hand-over
    child/container.py     checks what the file is by its bytes (`sniff`) and inflates zip
                           entries under a cap (encrypted, Deflate64, damaged: problems)
    child/xlsx_prescan.py  checks each sheet's XML before the Excel reader sees it
                           (far-away cells, error cells, formulas without a value, day 60)
    child/parse.py         parses .xlsx and CSV (one, a folder, a .zip) into Arrow tables
                           of text (pyarrow + calamine, no pandas: it starts in about half
                           a second), every problem located

The hand-over (this module, shared by both halves): `found.json`, a list of problems each
with exactly the keys of `FOUND_KEYS` (at most `MAX_FOUND`, the rest counted), one Arrow
IPC file per table (text columns only, the table's name in its schema metadata), and a
file `done` holding the child's peak resident memory and peak address space in MB.
Exit `EXIT_MEMORY` = a memory limit.
The child never touches the store. May import nothing of coopdash but
`coopdash.contract` and `coopdash.workbook.cells` (`tests/unit/test_layers.py` checks it, and
that no pandas is imported here).
"""

from __future__ import annotations

EXIT_MEMORY = 3
MAX_FOUND = 5000  # problems the child hands back (the rest are counted)
FOUND_KEYS = {"code": str, "table": (str, type(None)), "row": (int, type(None)),
              "column": (str, type(None)), "value": (str, type(None)), "params": dict}
