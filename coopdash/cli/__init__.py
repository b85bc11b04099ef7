"""The command line: `python -m coopdash <command> --help`.

    init [--db PATH] [--with sample|demo|none]   create a store (never overwrites)
    import PATH [--db] [--replace] [--lang]      import a workbook / CSV folder / zip
    export PATH [--db]                           the whole store as .xlsx or a CSV folder
    template PATH.xlsx                           an empty workbook to fill in
    demo --out PATH --participants N [--seed S]  write synthetic demo data
    summary [--db] [--json] [--currency] [--as-of D] [--filter K=V]  headline figures
    pack --week 2026-W48 [--out pack.html|pack.pdf|pack.pptx] [--filter partner=...]
    send-pack --to a@x,b@y [--week last] [--format pdf|pptx|html]   the pack by e-mail
    users list | users set EMAIL ROLE | users remove EMAIL   roles with sign-in
    history [--limit N]                          the writes: imports, edits, undos
    undo ID [--yes]                              the store as it was just before write ID
    backup FILE                                  a consistent copy, while everything runs
    restore FILE                                 a backup's records back as a new write (admin)

Exit codes: 0 done, 1 the input was refused (every problem printed, nothing changed),
2 usage or store problems.

One module per group of commands; each has `register(sub, common)` that adds its
subcommands. A new group is a new module listed in `GROUPS`.

May import every package but `web` (and never Streamlit).
"""

from __future__ import annotations

import argparse
import sys

from coopdash import settings, store
from coopdash.cli import figures, meeting, records, users, versions
from coopdash.cli.common import quiet_logs

GROUPS = (records, figures, meeting, users, versions)


def build_parser() -> argparse.ArgumentParser:
    cfg = settings.get()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=str(cfg.db_path),
                        help="the store file (default: COOPDASH_DB, %(default)s)")
    common.add_argument("--lang", choices=settings.LANGS, default=cfg.lang,
                        help="language of messages (default: %(default)s)")
    parser = argparse.ArgumentParser(prog="python -m coopdash",
                                     description="coopdash: the cooperation store")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    quiet_logs()
    try:
        return args.func(args)
    except store.StoreFullError as exc:  # the disk filled up: nothing was changed
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    except store.StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
