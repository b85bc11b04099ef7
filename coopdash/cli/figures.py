"""Commands that report figures: summary (the meeting pack: `coopdash.cli.pack`)."""

from __future__ import annotations

import json

from coopdash import settings
from coopdash.cli.common import filter_pair, iso_date, open_store
from coopdash.figures.filters import Filters


def cmd_summary(args) -> int:
    from coopdash.figures import summary

    con = open_store(args, read_only=True)
    if con is None:
        return 2
    try:
        cfg = settings.get()
        figures = summary.headline(con, Filters.from_pairs(args.filter), args.currency,
                                   args.as_of, cfg.home_country, today=cfg.today())
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
    p.add_argument("--currency", default=cfg.currency, type=str.upper,
                   choices=settings.DISPLAY_CURRENCIES)
    p.add_argument("--as-of", type=iso_date, default=None,
                   help="YYYY-MM-DD: the figures as they stood that day (default: today)")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUES",
                   type=filter_pair,
                   help="a sidebar filter as in the page's URL: partner=jclair-sg, "
                        "kind=seminar,webinar, from=2024-01-01 (repeatable)")
    p.set_defaults(func=cmd_summary)
