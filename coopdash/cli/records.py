"""Commands that move records in and out: init, import, export, template, demo."""

from __future__ import annotations

import sys
from pathlib import Path

from coopdash import settings
from coopdash.cli.common import bar, open_store, positive_int, say, wal_message
from coopdash.i18n import t


def cmd_init(args) -> int:
    from coopdash import store
    from coopdash.workbook import bootstrap

    path = Path(args.db)
    if path.exists():
        print(t("store.cli.exists", args.lang, path=path), file=sys.stderr)
        return 2
    try:
        store.create(path, bootstrap.populate(args.with_, progress=bar))
    except store.StoreWalError as exc:
        say(wal_message(exc, args.lang), err=True)
        return 2
    except _failed() as exc:
        print(exc.report(args.lang), file=sys.stderr)
        return 1
    print(t("store.cli.init_done", args.lang, path=path, with_=args.with_))
    return 0


def _failed():
    from coopdash.workbook.validate import ValidationFailed

    return ValidationFailed


def cmd_import(args) -> int:
    """One write: a new version of the store, published whole (or nothing on a refusal).
    The file is read and checked before the write lock (a long parse keeps no other
    writer waiting); then it waits for another writer at most COOPDASH_WRITE_WAIT s.
    The reading child is started first: it parses while this process imports the
    importer (pandas, numpy, pyarrow: about half a second)."""
    from coopdash.workbook import handover

    options = {"recipient": args.recipient, "repair_text": args.repair_text}
    with handover.start(args.path, options) as child:
        return _import(args, options, child)


def _import(args, options: dict, child) -> int:
    from coopdash import store
    from coopdash.workbook import importer

    path = Path(args.db)
    try:
        result = importer.import_file(
            path, args.path, replace=args.replace, actor=settings.get().actor,
            lang=args.lang, progress=bar, allow_empty=tuple(args.allow_empty or ()),
            before_write=lambda losses: _say_losses(losses, args.lang), options=options,
            child=child)
    except store.WriterBusyError as exc:  # another writer held it longer than we wait
        say(exc.message(args.lang), err=True)
        return 2
    except store.StoreBusyError:
        say(t("store.cli.busy", args.lang, path=path), err=True)
        return 2
    except store.StoreWalError as exc:
        say(wal_message(exc, args.lang), err=True)
        return 2
    except _failed() as exc:
        sys.stderr.write("\n")
        say(exc.report(args.lang), err=True)
        return 1
    say("\n".join(result.lines(args.lang)))
    return 0


def _say_losses(losses: dict[str, int], lang: str) -> None:
    """Before a replace writes: how many stored records each table will lose."""
    for table, n in losses.items():
        say(t("intake.replace.loses", lang, table=table, n=n), err=True)


def cmd_export(args) -> int:
    from coopdash.workbook import writer

    con = open_store(args, read_only=True)
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


def register(sub, common) -> None:
    p = sub.add_parser("init", parents=[common], help="create a store (never overwrites)")
    p.add_argument("--with", dest="with_", choices=("sample", "demo", "none"),
                   default="sample", help="what to fill it with (default: %(default)s)")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("import", parents=[common],
                       help="import a workbook, CSV folder, zip or IATI activity file")
    p.add_argument("path", help=".xlsx, .xls, .ods, a folder of <table>.csv, a .zip of CSVs, "
                                "or a partner's IATI activity file (.xml)")
    p.add_argument("--repair-text", action="store_true",
                   help="repair text that reads as UTF-8 decoded as Windows-1252/Latin-1 "
                        "(mojibake) instead of refusing it; every repair is listed")
    p.add_argument("--recipient", metavar="COUNTRY",
                   help="an IATI file: load only the activities for this recipient country "
                        "(ID for Indonesia); without it, every activity")
    p.add_argument("--replace", action="store_true",
                   help="each table in the file ends up equal to the file")
    p.add_argument("--allow-empty", action="append", metavar="TABLE",
                   help="with --replace: allow emptying TABLE (a sheet with only its header "
                        "otherwise refuses the import); repeat for several tables")
    p.add_argument("--new", action="store_true",
                   help="create the store from this file when --db names none (without "
                        "it, a store that does not exist is refused: a mistyped path)")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("export", parents=[common], help="export the whole store")
    p.add_argument("path", help="PATH.xlsx, or a folder for CSV files")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("template", parents=[common], help="write an empty workbook to fill in")
    p.add_argument("path", help="PATH.xlsx")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("demo", parents=[common], help="write synthetic demo data")
    p.add_argument("--out", required=True, help="a folder (CSV) or PATH.xlsx")
    p.add_argument("--participants", type=positive_int, default=5000)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_demo)
