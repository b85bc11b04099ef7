"""The command line: `python -m coopdash <command> --help`.

    init [--db PATH] [--with sample|demo|none]   create a store (never overwrites)
    import PATH [--db] [--replace] [--new]       import a workbook / CSV folder / zip
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
import os
import re
import sys
from pathlib import Path

from coopdash import settings
from coopdash.cli import figures, pack, records, users, versions
from coopdash.cli.common import quiet_logs
from coopdash.i18n import t

GROUPS = (records, figures, pack, users, versions)

# Commands that write to an existing store: a --db that names none is refused (a mistyped
# path would otherwise become a new, empty store); `init` and `import --new` create one.
WRITERS = (records.cmd_import, versions.cmd_undo, versions.cmd_restore,
           pack.cmd_send_pack, users.cmd_set, users.cmd_remove)


class Parser(argparse.ArgumentParser):
    """argparse, refusing in the person's language (`usage_message`), exit 2."""

    lang = "id"

    def error(self, message: str) -> None:
        sys.stderr.write(usage_message(message, self.lang) + "\n")
        sys.exit(2)


_ARG_ERRORS = (
    (r"argument (?P<arg>\S+): invalid choice: '?(?P<value>[^']*)'? "
     r"\(choose from (?P<accepted>.*)\)", "cli.arg.choice"),
    (r"argument (?P<arg>\S+): invalid (?P<kind>\w+) value: '(?P<value>.*)'", "cli.arg.value"),
    (r"argument (?P<arg>\S+): expected one argument", "cli.arg.one"),
    (r"the following arguments are required: (?P<arg>.*)", "cli.arg.required"),
    (r"unrecognized arguments: (?P<arg>.*)", "cli.arg.unknown"),
    (r"argument (?P<arg>\S+): (?P<value>.*)", "cli.arg.bad"),
)


def usage_message(message: str, lang: str) -> str:
    """argparse's refusal (English, a fixed set of forms) in the product's words."""
    for pattern, key in _ARG_ERRORS:
        if m := re.fullmatch(pattern, message):
            words = m.groupdict()
            if "kind" in words:
                words["kind"] = _kind(words["kind"], lang)
            if "accepted" in words:
                words["accepted"] = words["accepted"].replace("'", "")
            return t(key, lang, **words) + " " + t("cli.arg.help", lang)
    return t("cli.arg.other", lang, detail=message) + " " + t("cli.arg.help", lang)


KINDS = ("int", "float", "positive_int", "address_list", "iso_date")  # cli.kind.* words


def _kind(kind: str, lang: str) -> str:
    if kind == "filter_pair":
        from coopdash.figures.filters import Filters

        return t("cli.kind.filter_pair", lang, keys=", ".join(Filters().url_keys))
    return t(f"cli.kind.{kind}" if kind in KINDS else "cli.kind.other", lang)


def early_lang(argv: list[str]) -> str:
    """The language to refuse in before the arguments are read: `--lang`, else a valid
    COOPDASH_LANG, else Bahasa Indonesia."""
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else (
            arg.removeprefix("--lang=") if arg.startswith("--lang=") else None)
        if value in settings.LANGS:
            return value
    env = os.environ.get("COOPDASH_LANG", "").strip().lower()
    return env if env in settings.LANGS else "id"


def build_parser(lang: str = "id") -> argparse.ArgumentParser:
    Parser.lang = lang
    cfg = settings.get()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=str(cfg.db_path),
                        help="the store file (default: COOPDASH_DB, %(default)s)")
    common.add_argument("--lang", choices=settings.LANGS, default=cfg.lang,
                        help="language of messages (default: %(default)s)")
    parser = Parser(prog="python -m coopdash", description="coopdash: the cooperation store")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lang = early_lang(argv)
    try:
        args = build_parser(lang).parse_args(argv)
    except settings.SettingError as exc:
        print(setting_message(exc, lang), file=sys.stderr)
        return 2
    quiet_logs()
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe fails here, not at the interpreter's exit
        return code
    except BrokenPipeError:  # `... | head`: the reader has gone; end quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def setting_message(exc: settings.SettingError, lang: str) -> str:
    return t(f"cli.setting.{exc.kind}", lang, name=exc.name, value=exc.value,
             accepted=exc.accepted)


def _run(args) -> int:
    if args.func in WRITERS and not Path(args.db).exists() and not getattr(args, "new", False):
        print(t("store.cli.no_store", args.lang, path=args.db), file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except settings.SettingError as exc:
        print(setting_message(exc, args.lang), file=sys.stderr)
        return 2
    except Exception as exc:  # a store's refusal is said, anything else raised again
        return _store_refusal(exc, args.lang)


def _store_refusal(exc: Exception, lang: str) -> int:
    """A store's refusal in the person's words, exit 2; any other exception raised again.
    (The store is imported here, not at load: `import` starts its reading child before
    DuckDB is imported.)"""
    from coopdash import store

    if isinstance(exc, store.StoreFullError):  # the disk filled up: nothing was changed
        print(exc.message(lang), file=sys.stderr)
        return 2
    if isinstance(exc, store.StoreError):  # in the person's words where the error has them
        print(exc.message(lang) if hasattr(exc, "message") else exc, file=sys.stderr)
        return 2
    raise exc
