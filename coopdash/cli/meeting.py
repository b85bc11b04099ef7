"""Commands of the weekly meeting: send-pack (the pack by e-mail, e.g. every Monday).

    send-pack --to a@x,b@y [--week last|this|2026-W48] [--format pdf|pptx|html]
              [--lang id|en] [--currency IDR] [--filter partner=...]

Exit 0 sent; 1 not sent (server unreachable, login or a recipient refused, no PDF
printer) with a plain message, recorded in the store's send_log; 2 usage or store
problems (nothing to record in).
"""

from __future__ import annotations

import argparse
import sys

from coopdash import settings
from coopdash.cli.common import open_store
from coopdash.i18n import t


def cmd_send_pack(args) -> int:
    from coopdash.meeting import mail, pack

    cfg = settings.get()
    try:
        week = pack.parse_week(args.week, cfg.today())
    except ValueError as exc:
        print(f"coopdash send-pack: {exc}", file=sys.stderr)
        return 2
    con = open_store(args)  # read-only; the attempt is recorded in send_log by one write
    if con is None:
        return 2
    try:
        sent = mail.send_pack(con, week, args.format, args.to, args.lang, cfg.smtp, cfg.actor,
                              pack.filters_from(args.filter), args.currency, db=args.db)
    except mail.MailError as exc:
        print(t("meeting.mail.failed", args.lang, reason=str(exc)), file=sys.stderr)
        return 1
    finally:
        con.close()
    print(t("meeting.mail.sent", args.lang, file=sent.file_name, to=", ".join(sent.recipients),
            subject=sent.subject))
    return 0


def _recipients(text: str) -> list[str]:
    from coopdash.meeting import mail

    try:
        return mail.recipients(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an e-mail address: {exc}") from exc


def register(sub, common) -> None:
    cfg = settings.get()
    p = sub.add_parser("send-pack", parents=[common],
                       help="send the weekly meeting pack by e-mail (COOPDASH_SMTP_*)")
    p.add_argument("--to", required=True, type=_recipients,
                   help="recipients, comma separated: a@example.org,b@example.org")
    p.add_argument("--week", default="last",
                   help="this, last (default) or an ISO week like 2026-W48")
    p.add_argument("--format", choices=("pdf", "pptx", "html"), default="pdf",
                   help="the attached pack (default: %(default)s)")
    p.add_argument("--currency", default=cfg.currency, type=str.upper,
                   help="display currency of amounts (default: %(default)s)")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUES",
                   help="a filter as in the page's URL: partner=jclair-sg, kind=seminar")
    p.set_defaults(func=cmd_send_pack)
