"""The meeting pack by e-mail: `python -m coopdash send-pack --week last --to a@x,b@y`.

One review is computed (`pack.make_pack`) and gives both the attached pack (PDF,
PowerPoint or HTML) and the body's headline figures, so the body, the attachment and the
page agree. Sent over SMTP with the standard library (`smtplib`, STARTTLS and login when
set: `coopdash.settings.Smtp`).

Every attempt is recorded in the store's `send_log` (migration 003), one row per
recipient: when, who, the week, the format, the recipient, sent or not and why (the
server's own words). The store's write lock is taken *before* sending and the rows are
written in that same write, so a delivered pack is never left unlogged and a busy store
stops the attempt before anything is sent (`WriterBusyError`). Sending changes no record,
so it is not in `import_log` and is never undone. A failure — server unreachable, login
refused, a certificate not trusted, some or all recipients refused — is a `MailError`
with a plain localised message; the command exits 1.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import duckdb

from coopdash import store
from coopdash.figures import meeting as meeting_figs
from coopdash.figures import weekly
from coopdash.figures.scope import Scope
from coopdash.i18n import fmt_int, t
from coopdash.pack import document as pack
from coopdash.settings import Smtp

TIMEOUT = 60  # seconds to wait for the mail server


class MailError(RuntimeError):
    """The pack was not sent to everyone; `str()` is the plain, localised reason;
    `refused`: the recipients (addr-spec) the server refused, with its words; `partial`:
    the others got it."""

    def __init__(self, text: str, refused: dict[str, str] | None = None,
                 partial: bool = False) -> None:
        super().__init__(text)
        self.refused, self.partial = refused or {}, partial


@dataclass
class Sent:
    recipients: list[str]
    subject: str
    file_name: str
    size: int


def recipients(text: str) -> list[str]:
    """`Pak Budi <budi@x.go.id>, b@y.go.id` -> each address as written for a To header,
    parsed by the standard library's rules (`email.headerregistry`); anything malformed
    (`a@@b`, `bob@`, a bare word) is refused before anything is sent: ValueError naming
    the text."""
    try:
        header = HeaderRegistry()("To", text.replace(";", ","))
        found = list(header.addresses)
    except (IndexError, ValueError) as exc:  # the parser's own failure on `bob@`
        raise ValueError(text) from exc
    if header.defects or not found or not all(a.username and a.domain for a in found):
        raise ValueError(text)
    return [str(a) for a in found]


def addr_spec(recipient: str) -> str:
    """`Pak Budi <budi@x>` -> `budi@x` (what the server answers about)."""
    return HeaderRegistry()("To", recipient).addresses[0].addr_spec


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


def deliver(msg: EmailMessage, smtp: Smtp, lang: str) -> dict[str, str]:
    """Hand the message to the SMTP server: the recipients it refused (addr-spec -> its
    words), empty when everyone got it. MailError when nobody did."""
    if not smtp.host:
        raise MailError(t("meeting.mail.no_host", lang))
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
            if smtp.starttls:
                server.starttls(context=_tls(smtp, lang))
            if smtp.user:
                server.login(smtp.user, smtp.password)
            refused = server.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        words = {addr: _code(v) for addr, v in exc.recipients.items()}
        raise MailError(_refused(words, lang), words) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(t("meeting.mail.login", lang, user=smtp.user)) from exc
    except ssl.SSLCertVerificationError as exc:
        raise MailError(t("meeting.mail.certificate", lang, host=smtp.host,
                          reason=exc.verify_message or exc.reason)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(t("meeting.mail.unreachable", lang, host=smtp.host, port=smtp.port,
                          detail=_detail(exc))) from exc
    return {addr: _code(v) for addr, v in refused.items()}


def _tls(smtp: Smtp, lang: str) -> ssl.SSLContext:
    """The system's trusted certificates, or the office's CA (COOPDASH_SMTP_CAFILE)."""
    if smtp.cafile and not Path(smtp.cafile).is_file():
        raise MailError(t("meeting.mail.cafile", lang, path=smtp.cafile))
    return ssl.create_default_context(cafile=smtp.cafile or None)


def _refused(words: dict[str, str], lang: str) -> str:
    who = ", ".join(f"{addr} ({why})" for addr, why in words.items())
    return t("meeting.mail.refused", lang, who=who)


def _code(value) -> str:
    """The server's answer as text: `550 5.1.1 no such mailbox`, never a Python tuple."""
    code, text = value if isinstance(value, tuple) else (value, b"")
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def _detail(exc: BaseException) -> str:
    """What went wrong in words: the server's answer, or the system's reason (never
    `[Errno 111]` or `(_ssl.c:1006)`)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return _code((exc.smtp_code, exc.smtp_error))
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or type(exc).__name__)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def record(db: Path | str, week: weekly.Week, fmt: str, to: list[str],
           actor: str, error: str | None) -> None:
    """An attempt that never reached the server (no PDF printer): one row per recipient,
    one published write of the store at `db`."""
    with store.writing(db, actor=actor, what="send", file_name=week.label, mode=fmt) as con:
        _insert(con, week, fmt, to, actor, dict.fromkeys(to, error))


def _insert(con: duckdb.DuckDBPyConnection, week: weekly.Week, fmt: str, to: list[str],
            actor: str, errors: dict[str, str | None]) -> None:
    """One `send_log` row per recipient: sent (no error) or not, with why."""
    at = dt.datetime.now().replace(microsecond=0)
    for recipient in to:
        error = errors.get(recipient)
        con.execute(
            "insert into send_log select nextval('send_seq'), $at, $actor, $week, $fmt, "
            "[$to], $ok, $error",
            {"at": at, "actor": actor, "week": week.label, "fmt": fmt, "to": recipient,
             "ok": error is None, "error": error})


def send_pack(con: duckdb.DuckDBPyConnection, week: weekly.Week, fmt: str, scope: Scope,
              to: list[str], lang: str, smtp: Smtp, actor: str, *, db: Path | str) -> Sent:
    """Build the pack of `week` in `scope` from `con` (read-only), then take the store's
    write lock, send, and log one row per recipient in that write (see the module's
    docstring). Raises MailError (recorded too) when any recipient did not get it,
    `WriterBusyError` (before sending) when the store stays busy."""
    try:
        data, review = pack.make_pack(con, week, fmt, scope, lang)
    except pack.PdfUnavailableError as exc:
        error = MailError(t("weekly.pack.no_pdf", lang) + f" ({exc})")
        record(db, week, fmt, to, actor, str(error))
        raise error from exc
    msg = message(review, data, fmt, lang, to, smtp)
    with store.writing(db, actor=actor, what="send", file_name=week.label, mode=fmt) as wcon:
        failure, errors = _attempt(msg, smtp, lang, to)
        _insert(wcon, week, fmt, to, actor, errors)
    if failure is not None:
        raise failure
    return Sent(to, msg["Subject"], pack.file_name(week, lang, fmt), len(data))


def _attempt(msg: EmailMessage, smtp: Smtp, lang: str, to: list[str]
             ) -> tuple[MailError | None, dict[str, str]]:
    """(the failure to report or None, recipient -> why it was not sent)."""
    try:
        refused = deliver(msg, smtp, lang)
    except MailError as exc:
        return exc, {r: exc.refused.get(addr_spec(r), str(exc)) for r in to}
    errors = {r: refused[addr_spec(r)] for r in to if addr_spec(r) in refused}
    if not errors:
        return None, {}
    sent = [r for r in to if r not in errors]
    return MailError(t("meeting.mail.partial", lang, sent=", ".join(sent),
                       refused=", ".join(f"{r} ({why})" for r, why in errors.items())),
                     refused, partial=True), errors
