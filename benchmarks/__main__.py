"""The one way to run a benchmark, from the repository's root:

    .venv/bin/python -m benchmarks                 # the list
    .venv/bin/python -m benchmarks NAME --help     # one benchmark's options
    .venv/bin/python -m benchmarks NAME [options]

Each benchmark is a module of this package with a `main()` that reads its options from
the command line; when asked (`--write`, `--doc`, or the scale benchmark's `--out`) it
writes its result to its own file, docs/benchmarks/<name>.json, and regenerates
docs/benchmarks.md from all of them (benchmarks/results.py; `python -m benchmarks page`
regenerates it alone). Modules import each other as `benchmarks.x`
and the tests' helpers as `tests.x`: nothing changes `sys.path`.
"""

from __future__ import annotations

import importlib
import sys

# name -> (module, what it measures)
BENCHMARKS = {
    "scale": ("run", "every page, query and import at 10k / 100k / 1M against the pandas "
                     "peer (--quick: 10k smoke run)"),
    "first-visit": ("first_visit", "a first visit against a bare Streamlit page, on loopback "
                                   "and through nginx at 10 Mbit/s"),
    "first-page": ("first_page", "a new session's Overview after an import, at 1M"),
    "import-profile": ("import_profile", "one import at 1M, phase by phase"),
    "funding-page": ("funding_page", "the Funding page cold at 1M against the pandas peer"),
    "store": ("store_bench", "the store's versions: writes, readers, undo, backup, kill -9"),
    "chaos": ("chaos", "200 random writes, undos, restores, outside sessions and kill -9 "
                       "against a model of the store"),
    "crash-dashboard": ("crash_dashboard", "kill -9 of the server during a write"),
    "soak": ("soak", "browser sessions for minutes while imports, undos and edits land"),
    "capacity": ("capacity", "sessions per server at 1M through Streamlit's protocol "
                             "(tests/wsload.py) while imports and undos land"),
    "write-cost": ("write_cost", "what a write costs a server process at 1M: its warm-up "
                                 "and the next round of pages"),
    "big-xlsx": ("big_xlsx", "a 1M-participant workbook as one .xlsx"),
    "corpus": ("corpus", "the hostile corpus, case by case"),
    "iati": ("iati_bench", "a 50 MB IATI file imported, against lxml's own reading"),
    "export": ("export_bench", "exporting 1M participants"),
    "signin": ("signin_bench", "warm reruns with sign-in on against off"),
    "page": ("results", "no measure: docs/benchmarks.md again from docs/benchmarks/*.json "
                        "(after a rebase)"),
    "editor": ("editor_bench", "one changed cell from the editor and the Record form's save, "
                               "at 1M, against an empty write"),
}


def usage() -> str:
    width = max(map(len, BENCHMARKS))
    rows = [f"  {name:<{width}}  {what}" for name, (_, what) in BENCHMARKS.items()]
    return "usage: python -m benchmarks NAME [options]\n\n" + "\n".join(rows)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    if argv[0] not in BENCHMARKS:
        print(f"no benchmark named {argv[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"benchmarks.{BENCHMARKS[argv[0]][0]}")
    sys.argv = [f"python -m benchmarks {argv[0]}", *argv[1:]]
    result = module.main()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
