"""The meeting pack by e-mail: `python -m coopdash send-pack --week last --to a@x,b@y`.

One review is computed (`pack.make_pack`) and gives both the attached pack (PDF,
PowerPoint or HTML) and the body's headline figures, so the body, the attachment and the
page agree. Sent over SMTP with the standard library (`smtplib`, STARTTLS and login when
set: `coopdash.settings.Smtp`).

Every attempt is recorded in the store's `send_log` (migration 003): when, who, the week,
the format, the recipients, sent or not and why. Sending changes no record, so it is not
in `import_log` (which the weekly review reads as "what changed") and does not bump the
data version. A failure — server unreachable, login refused, a recipient refused — is a
`MailError` with a plain localised message; the command exits 1.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import duckdb

from coopdash import store
from coopdash.figures import meeting as meeting_figs
from coopdash.figures import weekly
from coopdash.i18n import fmt_int, t
from coopdash.meeting import pack
from coopdash.settings import Smtp

TIMEOUT = 60  # seconds to wait for the mail server


class MailError(RuntimeError):
    """The pack was not sent; `str()` is the plain, localised reason."""


@dataclass
class Sent:
    recipients: list[str]
    subject: str
    file_name: str
    size: int


def recipients(text: str) -> list[str]:
    """`a@x, b@y` -> ['a@x', 'b@y']; a word without `@` is refused (ValueError)."""
    found = [x.strip() for x in text.replace(";", ",").split(",") if x.strip()]
    bad = [x for x in found if "@" not in x or " " in x]
    if bad or not found:
        raise ValueError(", ".join(bad) or text)
    return found


def sender(smtp: Smtp) -> str:
    return smtp.mail_from or f"coopdash@{socket.gethostname()}"


def subject(week: weekly.Week, lang: str) -> str:
    return t("meeting.mail.subject", lang, week=week.describe(lang))


def body(review: weekly.Review, lang: str, file_name: str) -> str:
    """The headline figures against last week in plain text, what happened in a line, the
    state of the last meeting's follow-ups, and what is attached."""
    lines = [t("meeting.mail.hello", lang, week=review.week.describe(lang)), ""]
    lines.append(t("weekly.figures", lang) + ":")
    for f in review.figures.itertuples(index=False):
        sign = "+" if f.delta > 0 else ""
        lines.append(f"- {weekly.heading(f'fig.{f.key}', lang)}: {fmt_int(f.value, lang)} "
                     f"({t('meeting.mail.last_week', lang)} {fmt_int(f.previous, lang)}, "
                     f"{sign}{fmt_int(f.delta, lang)})")
    lines += ["", t("meeting.mail.happened", lang, n=fmt_int(review.happened.n_events, lang))]
    m = review.meeting
    if m.last_week is not None:
        lines.append(t("meeting.mail.since", lang, week=m.last_week,
                       states=meeting_figs.states_text(m.last_states(), lang)))
    lines += ["", t("meeting.mail.attached", lang, file=file_name)]
    return "\n".join(lines) + "\n"


def message(review: weekly.Review, data: bytes, fmt: str, lang: str, to: list[str],
            smtp: Smtp) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject(review.week, lang)
    msg["From"] = sender(smtp)
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender(smtp).rsplit("@", 1)[-1])
    name = pack.file_name(review.week, lang, fmt)
    msg.set_content(body(review, lang, name))
    maintype, subtype = pack.MIME[fmt].split("/", 1)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def deliver(msg: EmailMessage, smtp: Smtp, lang: str) -> None:
    """Hand the message to the SMTP server; every recipient must be accepted."""
    if not smtp.host:
        raise MailError(t("meeting.mail.no_host", lang))
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.user:
                server.login(smtp.user, smtp.password)
            refused = server.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(_refused(exc.recipients, lang)) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(t("meeting.mail.login", lang, user=smtp.user)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(t("meeting.mail.unreachable", lang, host=smtp.host, port=smtp.port,
                          detail=_detail(exc))) from exc
    if refused:  # some recipients accepted, some not: the others got it, say who did not
        raise MailError(_refused(refused, lang))


def _refused(found: dict, lang: str) -> str:
    who = ", ".join(f"{addr} ({_code(v)})" for addr, v in found.items())
    return t("meeting.mail.refused", lang, who=who)


def _code(value) -> str:
    code, text = value if isinstance(value, tuple) else (value, b"")
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def _detail(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def record(db: Path | str, week: weekly.Week, fmt: str, to: list[str],
           actor: str, error: str | None) -> None:
    """One row in `send_log` per attempt (sent, or failed with its reason): one published
    write of the store at `db` (coopdash.store.writing)."""
    with store.writing(db, actor=actor, what="send", file_name=week.label, mode=fmt) as con:
        _insert(con, week, fmt, to, actor, error)


def _insert(con: duckdb.DuckDBPyConnection, week: weekly.Week, fmt: str, to: list[str],
            actor: str, error: str | None) -> None:
    con.execute(
        "insert into send_log select nextval('send_seq'), $at, $actor, $week, $fmt, $to, "
        "$ok, $error",
        {"at": dt.datetime.now().replace(microsecond=0), "actor": actor, "week": week.label,
         "fmt": fmt, "to": to, "ok": error is None, "error": error})


def send_pack(con: duckdb.DuckDBPyConnection, week: weekly.Week, fmt: str, to: list[str],
              lang: str, smtp: Smtp, actor: str, filters=None, currency: str | None = None,
              *, db: Path | str) -> Sent:
    """Build the pack from `con` (read-only), send it, record the attempt in the store at
    `db`; raises MailError (recorded too)."""
    try:
        data, review = pack.make_pack(con, week, fmt, filters, lang, currency=currency)
        msg = message(review, data, fmt, lang, to, smtp)
        deliver(msg, smtp, lang)
    except pack.PdfUnavailableError as exc:
        error = MailError(t("weekly.pack.no_pdf", lang) + f" ({exc})")
        record(db, week, fmt, to, actor, str(error))
        raise error from exc
    except MailError as exc:
        record(db, week, fmt, to, actor, str(exc))
        raise
    record(db, week, fmt, to, actor, None)
    return Sent(to, msg["Subject"], pack.file_name(week, lang, fmt), len(data))
