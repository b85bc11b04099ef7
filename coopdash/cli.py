"""The command line: `python -m coopdash <command> --help`.

    init [--db PATH] [--with sample|demo|none]   create a store (never overwrites)
    import PATH [--db] [--replace] [--lang]      import a workbook / CSV folder / zip
    export PATH [--db]                           the whole store as .xlsx or a CSV folder
    template PATH.xlsx                           an empty workbook to fill in
    demo --out PATH --participants N [--seed S]  write synthetic demo data
    summary [--db] [--json] [--currency] [--as-of]  headline figures
    pack --week 2026-W48 [--out pack.html|pack.pdf] [--filter partner=...]

Exit codes: 0 done, 1 the input was refused (every problem printed, nothing changed),
2 usage or store problems.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from coopdash import settings, store
from coopdash.i18n import t


def _bar(fraction: float, message: str) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    done = int(fraction * width)
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction:4.0%} {message[:50]:<50}")
    if fraction >= 1.0:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_init(args) -> int:
    from coopdash.workbook import bootstrap

    path = Path(args.db)
    if path.exists():
        print(t("store.cli.exists", args.lang, path=path), file=sys.stderr)
        return 2
    try:
        store.create(path, bootstrap.populate(args.with_, progress=_bar))
    except _failed() as exc:
        print(exc.report(args.lang), file=sys.stderr)
        return 1
    print(t("store.cli.init_done", args.lang, path=path, with_=args.with_))
    return 0


def _failed():
    from coopdash.workbook.validate import ValidationFailed

    return ValidationFailed


def cmd_import(args) -> int:
    from coopdash.workbook import importer

    path = Path(args.db)
    results = []

    def fill(con) -> None:
        con.execute("set enable_progress_bar = false")
        results.append(importer.import_path(con, args.path, replace=args.replace,
                                            actor=settings.get().actor, lang=args.lang,
                                            progress=_bar))
    try:
        if path.exists():
            con = store.connect(path)
            try:
                fill(con)
            finally:
                con.close()
        else:
            store.create(path, fill)
    except _failed() as exc:
        sys.stderr.write("\n")
        print(exc.report(args.lang), file=sys.stderr)
        return 1
    print("\n".join(results[0].lines(args.lang)))
    return 0


def cmd_export(args) -> int:
    from coopdash.workbook import writer

    con = _open(args, read_only=True)
    if con is None:
        return 2
    try:
        out = writer.export(con, args.path, args.lang)
    except writer.ExportError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        con.close()
    print(t("store.export.done", args.lang, path=out))
    return 0


def _open(args, read_only: bool = False):
    try:
        return store.connect(args.db, read_only=read_only)
    except store.StoreMissingError:
        print(t("store.cli.no_store", args.lang, path=args.db), file=sys.stderr)
        return None
    except store.StoreBusyError:
        print(t("store.cli.busy", args.lang, path=args.db), file=sys.stderr)
        return None


def cmd_template(args) -> int:
    from coopdash.workbook import template

    out = template.write_template(args.path)
    print(t("store.cli.template_done", args.lang, path=out))
    return 0


def cmd_demo(args) -> int:
    from coopdash.workbook import demo

    frames = demo.generate(participants=args.participants, seed=args.seed)
    out = demo.write(frames, args.out)
    print(t("store.cli.demo_done", args.lang, path=out))
    return 0


def cmd_summary(args) -> int:
    from coopdash.figures import summary

    con = _open(args, read_only=True)
    if con is None:
        return 2
    try:
        cfg = settings.get()
        figures = summary.headline(con, None, args.currency, args.as_of or cfg.today(),
                                   cfg.home_country)
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


def cmd_pack(args) -> int:  # the meeting pack: the body is coopdash/pack.py::main
    from coopdash.meeting import pack

    return pack.main(args)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.date.fromisoformat("x")
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from exc


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
    p = sub.add_parser("init", parents=[common], help="create a store (never overwrites)")
    p.add_argument("--with", dest="with_", choices=("sample", "demo", "none"),
                   default="sample", help="what to fill it with (default: %(default)s)")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("import", parents=[common], help="import a workbook, CSV folder or zip")
    p.add_argument("path", help=".xlsx, a folder of <table>.csv, or a .zip of CSVs")
    p.add_argument("--replace", action="store_true",
                   help="each table in the file ends up equal to the file")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("export", parents=[common], help="export the whole store")
    p.add_argument("path", help="PATH.xlsx, or a folder for CSV files")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("template", parents=[common], help="write an empty workbook to fill in")
    p.add_argument("path", help="PATH.xlsx")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("demo", parents=[common], help="write synthetic demo data")
    p.add_argument("--out", required=True, help="a folder (CSV) or PATH.xlsx")
    p.add_argument("--participants", type=int, default=5000)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("summary", parents=[common], help="headline figures")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--currency", default=cfg.currency, type=str.upper)
    p.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default: today)")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("pack", parents=[common], help="the weekly meeting pack (HTML or PDF)")
    p.add_argument("--week", help="ISO week, like 2026-W48 (default: this week)")
    p.add_argument("--out", help="pack.html or pack.pdf (default: "
                   "coopdash-weekly-<week>-<lang>.html here)")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUES",
                   help="a filter as in the page's URL: partner=jclair-sg, kind=seminar,webinar")
    p.set_defaults(func=cmd_pack)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except store.StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
