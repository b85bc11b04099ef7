"""send-pack against a real SMTP server (aiosmtpd) on 127.0.0.1: recipients, subject,
body figures, the attached pack's figures equal the page's; failures exit 1 with a plain
message and are recorded in the send log."""

from __future__ import annotations

import email
import email.policy
import io
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import run_cli
from pptx import Presentation

from coopdash import store
from coopdash.figures import weekly
from coopdash.i18n import t

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-25"  # "last" week is 2026-W47


class Inbox:
    """aiosmtpd handler: keeps every message; refuses recipients at refused.example."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _send(db, port: int, *args: str, lang: str = "en", env: dict | None = None,
          child: bool = False) -> subprocess.CompletedProcess:
    """`send-pack --db DB --lang LANG ARGS` with the SMTP server at `port`: in this
    process (`conftest.run_cli`: a second chart drawing of the same week is the one
    already drawn, as in a long-running process), or, `child`, as cron runs it (`python
    -m coopdash` with a bare environment)."""
    env = {"COOPDASH_SMTP_HOST": "127.0.0.1", "COOPDASH_SMTP_PORT": str(port),
           "COOPDASH_MAIL_FROM": "coopdash@bpsdm.example", "COOPDASH_TODAY": TODAY,
           "COOPDASH_ACTOR": "cron", **(env or {})}
    command = ["send-pack", "--db", str(db), "--lang", lang, *args]
    if not child:
        return run_cli(*command, env=env)
    env.update(PATH="/usr/bin:/bin", HOME=str(Path(db).parent))
    return subprocess.run([sys.executable, "-m", "coopdash", *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _log(db) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        return con.execute("select actor, meeting_week, format, recipients, is_sent, error "
                           "from send_log order by send_id").fetchall()
    finally:
        con.close()


def test_send_pack_round_trip_with_the_pages_figures(app, smtp_server, store_copy,
                                                     demo_store, monkeypatch):
    """send-pack --week last --format pptx, as cron runs it (a child process, a bare
    environment): both recipients get one message whose subject names the week, whose
    body and attached deck hold the figures the page shows for that week; the attempt is
    in the send log."""
    controller, inbox = smtp_server
    db = store_copy(demo_store)
    done = _send(db, controller.port, "--week", "last", "--format", "pptx",
                 "--to", "kepala@bpsdm.example, sekretariat@bpsdm.example", child=True)
    assert done.returncode == 0, done.stderr
    assert len(inbox.envelopes) == 1
    env = inbox.envelopes[0]
    assert env.rcpt_tos == ["kepala@bpsdm.example", "sekretariat@bpsdm.example"]
    assert env.mail_from == "coopdash@bpsdm.example"
    msg = email.message_from_bytes(env.content, policy=email.policy.default)
    week = weekly.Week.parse("2026-W47")
    assert msg["Subject"] == t("meeting.mail.subject", "en", week=week.describe("en"))
    [part] = list(msg.iter_attachments())
    assert part.get_filename() == "coopdash-weekly-2026-W47-en.pptx"
    deck = Presentation(io.BytesIO(part.get_content()))
    rows = [[c.text for c in row.cells] for row in list(deck.slides)[1].shapes[1].table.rows]
    in_deck = {r[0]: int(re.sub(r"\D", "", r[1])) for r in rows[1:]}

    assert _log(db) == [("cron", "2026-W47", "pptx", ["kepala@bpsdm.example"], True, None),
                        ("cron", "2026-W47", "pptx", ["sekretariat@bpsdm.example"], True, None)]

    monkeypatch.setenv("COOPDASH_TODAY", TODAY)  # the page, same store, same week
    at = app(db, lang="en")
    at.run()
    at.switch_page("pages/weekly.py").run()
    at.selectbox(key="weekly_week").set_value("2026-W47").run()
    assert not at.exception, at.exception
    shown = {m.label: int(re.sub(r"\D", "", m.value)) for m in at.metric}
    assert in_deck == shown and any(shown.values())
    text = msg.get_body(("plain",)).get_content()
    for label, value in shown.items():
        assert re.search(rf"- {re.escape(label)}: {value:,} ", text), label


def test_refused_recipient_exits_1_and_is_recorded(smtp_server, store_copy, sample_store):
    """One of two recipients refused: exit 1, a plain message saying who got it and who
    did not with the server's own words; the send log says so per recipient (a retry to
    the refused one only sends nothing twice)."""
    controller, inbox = smtp_server
    db = store_copy(sample_store)
    done = _send(db, controller.port, "--week", "2023-W21", "--format", "html",
                 "--to", "a@bpsdm.example,nobody@refused.example", lang="id")
    assert done.returncode == 1
    assert ("Terkirim hanya kepada a@bpsdm.example; tidak terkirim kepada "
            "nobody@refused.example (550 5.1.1 no such mailbox)") in done.stderr
    assert "Traceback" not in done.stderr and "b'" not in done.stderr
    assert _log(db) == [
        ("cron", "2023-W21", "html", ["a@bpsdm.example"], True, None),
        ("cron", "2023-W21", "html", ["nobody@refused.example"], False,
         "550 5.1.1 no such mailbox")]
    assert len(inbox.envelopes) == 1  # the accepted recipient got it
    msg = email.message_from_bytes(inbox.envelopes[0].content, policy=email.policy.default)
    html_text = next(msg.iter_attachments()).get_content()
    assert "Rapat penjajakan kerja sama BPSDM Kemendagri" in html_text  # the 22 May meeting


def test_unreachable_server_exits_1_and_is_recorded(store_copy, sample_store):
    """No server on the port: exit 1 with a plain message naming host and port; recorded."""
    db = store_copy(sample_store)
    port = _free_port()  # nothing listens there
    done = _send(db, port, "--week", "this", "--format", "html", "--to", "a@bpsdm.example")
    assert done.returncode == 1
    assert f"127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
    assert "Connection refused" in done.stderr and "Errno" not in done.stderr
    [(_, week, _, _, ok, error)] = _log(db)
    assert week == weekly.Week.parse("2026-W48").label and ok is False and error


def test_bad_addresses_and_weeks_are_usage_errors(store_copy, sample_store):
    """A recipient without @ or an impossible week: exit 2, nothing sent or recorded."""
    db = store_copy(sample_store)
    assert _send(db, 1, "--to", "not-an-address").returncode == 2
    assert _send(db, 1, "--to", "a@x.example", "--week", "2025-W53").returncode == 2
    for bad in ("a@@b.example", "bob@", "a@x.example, bob@"):
        done = _send(db, 1, "--to", bad, lang="id")
        assert done.returncode == 2 and "harus alamat e-mail" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and "invalid" not in done.stderr
    assert _log(db) == []


def test_a_display_name_is_accepted(smtp_server, store_copy, sample_store):
    """`Pak Budi <budi@…>`: delivered to budi@…, the To header keeps the name."""
    controller, inbox = smtp_server
    db = store_copy(sample_store)
    done = _send(db, controller.port, "--week", "2023-W21", "--format", "html",
                 "--to", "Pak Budi <budi@bpsdm.example>")
    assert done.returncode == 0, done.stderr
    assert inbox.envelopes[0].rcpt_tos == ["budi@bpsdm.example"]
    msg = email.message_from_bytes(inbox.envelopes[0].content, policy=email.policy.default)
    assert msg["To"] == "Pak Budi <budi@bpsdm.example>"
    assert [r[4] for r in _log(db)] == [True]


def test_a_busy_store_stops_the_send_before_anything_is_sent(smtp_server, store_copy,
                                                             sample_store):
    """Another writer holds the store longer than COOPDASH_WRITE_WAIT: exit 2, the words
    say nothing was sent, and the server received nothing (never delivered unlogged)."""
    controller, inbox = smtp_server
    db = store_copy(sample_store)
    store.upgrade(db)
    hold = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from coopdash import store\n"
        "with store.writing(sys.argv[1], actor='other', what='import'):\n"
        "    print('held', flush=True); time.sleep(60)"), str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert hold.stdout.readline().strip() == "held"
        done = _send(db, controller.port, "--week", "2023-W21", "--format", "html",
                     "--to", "a@bpsdm.example", env={"COOPDASH_WRITE_WAIT": "1"})
    finally:
        hold.kill()
        hold.wait()
    assert done.returncode == 2
    assert "Nothing was sent" in done.stderr and "Traceback" not in done.stderr
    assert inbox.envelopes == []


@pytest.fixture
def tls_server(tmp_path):
    """An SMTP server that requires STARTTLS, with a self-signed certificate for
    127.0.0.1 (made by openssl here): (controller, inbox, the certificate's PEM)."""
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(),
                            tls_context=context, require_starttls=True)
    controller.start()
    yield controller, inbox, cert
    controller.stop()


def test_starttls_with_an_untrusted_certificate_says_so_and_a_cafile_fixes_it(
        tls_server, store_copy, sample_store):
    """A self-signed certificate: exit 1, the words say the certificate is not trusted and
    name COOPDASH_SMTP_CAFILE (no `_ssl.c`), the attempt is logged; with the CA file set,
    the pack is delivered."""
    controller, inbox, cert = tls_server
    db = store_copy(sample_store)
    tls = {"COOPDASH_SMTP_STARTTLS": "true"}
    done = _send(db, controller.port, "--week", "2023-W21", "--format", "html",
                 "--to", "a@bpsdm.example", env=tls)
    assert done.returncode == 1
    assert "certificate is not trusted" in done.stderr and "COOPDASH_SMTP_CAFILE" in done.stderr
    assert "_ssl.c" not in done.stderr and inbox.envelopes == []
    done = _send(db, controller.port, "--week", "2023-W21", "--format", "html",
                 "--to", "a@bpsdm.example", env={**tls, "COOPDASH_SMTP_CAFILE": str(cert)})
    assert done.returncode == 0, done.stderr
    assert len(inbox.envelopes) == 1
    assert [r[4] for r in _log(db)] == [False, True]
