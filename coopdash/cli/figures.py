"""Commands that report figures: summary (the meeting pack: `coopdash.cli.pack`)."""

from __future__ import annotations

import json

from coopdash import settings
from coopdash.cli.common import iso_date, open_store, scope_arguments, scope_of


def cmd_summary(args) -> int:
    from coopdash.figures import summary

    con = open_store(args, read_only=True)
    if con is None:
        return 2
    try:
        figures = summary.headline(con, scope_of(args), args.as_of)
    finally:
        con.close()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        _print_tree(figures)
    return 0


def _print_tree(data, indent: int = 0) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            print(" " * indent + f"{key}:")
            _print_tree(value, indent + 2)
        else:
            print(" " * indent + f"{key}: {value}")


def register(sub, common) -> None:
    cfg = settings.get()
    p = sub.add_parser("summary", parents=[common], help="headline figures")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--as-of", type=iso_date, default=None,
                   help="YYYY-MM-DD: the figures as they stood that day (default: today)")
    scope_arguments(p, cfg)
    p.set_defaults(func=cmd_summary)
