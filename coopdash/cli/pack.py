"""Commands of the weekly meeting: the pack as a file, and by e-mail (e.g. every Monday).

    pack [--week this|last|2026-W48] [--out pack.html|pack.pdf|pack.pptx] [--lang id|en]
         [--currency IDR] [--filter partner=jclair-sg --filter kind=seminar]
    send-pack --to a@x,b@y [--week last|this|2026-W48] [--format pdf|pptx|html]
              [--lang id|en] [--currency IDR] [--filter partner=...]

`pack`: exit 0 written; 1 no PDF printer (Chromium) on this machine; 2 usage or store
problems. `send-pack`: exit 0 sent; 1 not sent (server unreachable, login or a recipient
refused, no PDF printer) with a plain message, recorded in the store's send_log; 2 usage
or store problems (nothing to record in). Both make the file with
`coopdash.pack.document.make_pack` in one `Scope` (`coopdash.cli.common.scope_of`).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from coopdash import settings
from coopdash.cli.common import open_store, safe, scope_arguments, scope_of
from coopdash.contract import WeekError
from coopdash.i18n import t


def week_of(text: str | None, today: dt.date):
    """`this`, `last` or an ISO week (`2026-W48`) as a `weekly.Week`; nothing means this
    week. Raises `contract.WeekError` (not written YYYY-Www, or no such week)."""
    from coopdash.figures import weekly

    word = (text or "this").strip().lower()
    if word in ("this", "last"):
        this = weekly.Week.of(today)
        return this if word == "this" else this.previous
    return weekly.Week.parse(text)


def _week(args, command: str):
    """The week `--week` names, or None after saying (in the person's language) why it
    names none."""
    try:
        return week_of(args.week, settings.get().today())
    except WeekError as exc:
        message = t(f"store.err.{exc.code}", args.lang, **exc.params)
        print(f"coopdash {command}: {safe(exc.text)}: {message}", file=sys.stderr)
        return None


def cmd_pack(args) -> int:
    from coopdash.pack import document as pack

    week = _week(args, "pack")
    if week is None:
        return 2
    out = Path(args.out or pack.file_name(week, args.lang, "html"))
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in pack.FORMATS:
        print(t("cli.pack_format", args.lang, path=out, accepted=", ".join(
            f".{f}" for f in pack.FORMATS)), file=sys.stderr)
        return 2
    con = open_store(args)
    if con is None:
        return 2
    try:
        data, _ = pack.make_pack(con, week, fmt, scope_of(args), args.lang)
    except pack.PdfUnavailableError as exc:
        print(t("weekly.pack.no_pdf", args.lang) + f" ({exc})", file=sys.stderr)
        return 1
    finally:
        con.close()
    out.write_bytes(data)
    print(t("weekly.pack.written", args.lang, path=out))
    return 0


def cmd_send_pack(args) -> int:
    from coopdash import store
    from coopdash.pack import mail

    cfg = settings.get()
    week = _week(args, "send-pack")
    if week is None:
        return 2
    con = open_store(args)  # read-only; the attempt is recorded in send_log by one write
    if con is None:
        return 2
    try:
        sent = mail.send_pack(con, week, args.format, scope_of(args), args.to, args.lang,
                              cfg.smtp, cfg.actor, db=args.db)
    except mail.MailError as exc:
        print(str(exc) if exc.partial else t("meeting.mail.failed", args.lang,
                                              reason=str(exc)), file=sys.stderr)
        return 1
    except store.WriterBusyError as exc:  # waited for the store before sending
        print(exc.message(args.lang) + " " + t("meeting.mail.busy", args.lang),
              file=sys.stderr)
        return 2
    finally:
        con.close()
    print(t("meeting.mail.sent", args.lang, file=sent.file_name, to=", ".join(sent.recipients),
            subject=sent.subject))
    return 0


def address_list(text: str) -> list[str]:
    """`--to`: e-mail addresses (`Pak Budi <budi@…>` too); a malformed one is refused by
    argparse as an invalid `address_list` value, said in the person's words."""
    from coopdash.pack import mail

    return mail.recipients(text)  # ValueError: refused before anything is sent


def register(sub, common) -> None:
    cfg = settings.get()
    p = sub.add_parser("pack", parents=[common],
                       help="the weekly meeting pack (HTML, PDF or PowerPoint)")
    p.add_argument("--week", help="this, last or an ISO week like 2026-W48 (default: this)")
    p.add_argument("--out", help="pack.html, pack.pdf or pack.pptx (default: "
                   "coopdash-weekly-<week>-<lang>.html here)")
    scope_arguments(p, cfg)
    p.set_defaults(func=cmd_pack)
    p = sub.add_parser("send-pack", parents=[common],
                       help="send the weekly meeting pack by e-mail (COOPDASH_SMTP_*)")
    p.add_argument("--to", required=True, type=address_list,
                   help="recipients, comma separated: a@example.org,b@example.org")
    p.add_argument("--week", default="last",
                   help="this, last (default) or an ISO week like 2026-W48")
    p.add_argument("--format", choices=("pdf", "pptx", "html"), default="pdf",
                   help="the attached pack (default: %(default)s)")
    scope_arguments(p, cfg)
    p.set_defaults(func=cmd_send_pack)
