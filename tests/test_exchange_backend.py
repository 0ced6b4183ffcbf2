"""The Exchange backend through the real exchangelib, over HTTP to the loopback EWS server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import email.utils
import socket
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.loopback.ews import EwsServer
from tests.loopback.store import INBOX, SENT, header_message_id
from toolkit.errors import MailError
from toolkit.mail.exchange import ExchangeBackend, ExchangeSettings

SHARED = "integriteit@woonpartners.example"
COLLEAGUE = "jan.devries@woonpartners.example"
OUTSIDER = "inkoop@leverancier.example"
PASSWORD = "geheim-wachtwoord"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EwsServer]:
    with EwsServer(tmp_path / "store", {SHARED: PASSWORD}) as running:
        running.store.create_folder(SHARED, INBOX)
        running.store.create_folder(COLLEAGUE, INBOX)
        yield running


def settings_for(url: str, **changes: object) -> ExchangeSettings:
    values: dict[str, object] = dict(
        endpoint=url,
        autodiscover=False,
        username=SHARED,
        mailbox=SHARED,
        auth="basic",
        processed_folder="Verwerkt",
        max_wait=5.0,
    )
    values.update(changes)
    return ExchangeSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def backend(server: EwsServer) -> ExchangeBackend:
    return ExchangeBackend(settings_for(server.url), PASSWORD, None)


def outgoing(to: list[str]) -> tuple[bytes, str]:
    msg = EmailMessage()
    msg["From"] = SHARED
    msg["To"] = ", ".join(to)
    msg["Subject"] = "Gedragscode Woonpartners"
    message_id = email.utils.make_msgid(domain="woonpartners.example")
    msg["Message-ID"] = message_id
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg.set_content("Geachte leverancier,\n\nBijgaand onze integriteitscode.\n")
    msg.add_attachment(b"%PDF-1.4\n%fake pdf body\n", maintype="application", subtype="pdf", filename="code.pdf")
    return msg.as_bytes(), message_id


def inbound(subject: str) -> bytes:
    """A supplier's reply as it arrives over SMTP: CRLF line ends and an 8-bit body."""
    lines = [
        f"From: Inkoop <{OUTSIDER}>",
        f"To: {SHARED}",
        f"Subject: {subject}",
        f"Message-ID: {email.utils.make_msgid(domain='leverancier.example')}",
        "Date: Mon, 01 Dec 2025 09:15:00 +0100",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
        "",
        "Wij bevestigen de ontvangst van de gedragscode. Met vriendelijke groet, Müller",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


def message_count(server: EwsServer) -> int:
    return sum(
        len(server.store.keys(box, folder)) for box in server.store.mailboxes() for folder in server.store.folders(box)
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_importing_the_module_does_not_import_exchangelib() -> None:
    """Importing toolkit.mail.exchange leaves exchangelib unloaded (start-up stays light)."""
    import subprocess

    code = "import sys, toolkit.mail.exchange; print('exchangelib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_send_keeps_message_id_in_sent_items_and_delivers_locally(server: EwsServer, backend: ExchangeBackend) -> None:
    """A sent message with an attachment lands in Sent Items and the local recipient's Inbox with its Message-ID."""
    raw, message_id = outgoing([COLLEAGUE, OUTSIDER])
    backend.send(raw, message_id, [COLLEAGUE, OUTSIDER])
    sent = server.store.all_messages(SHARED, SENT)
    assert [header_message_id(m) for m in sent] == [message_id]
    copy = email.message_from_bytes(sent[0], policy=email.policy.default)
    assert [part.get_filename() for part in copy.iter_attachments()] == ["code.pdf"]
    delivered = server.store.all_messages(COLLEAGUE, INBOX)
    assert [header_message_id(m) for m in delivered] == [message_id]
    assert "CreateItem" in server.operations


def test_was_sent_finds_only_sent_message_ids(backend: ExchangeBackend) -> None:
    """was_sent is false before sending, true after, and false for an id never sent."""
    raw, message_id = outgoing([OUTSIDER])
    assert backend.was_sent(message_id) is False
    backend.send(raw, message_id, [OUTSIDER])
    assert backend.was_sent(message_id) is True
    assert backend.was_sent("<nooit-verstuurd@woonpartners.example>") is False


def test_inbound_mail_is_listed_fetched_byte_exact_and_moved(server: EwsServer, backend: ExchangeBackend) -> None:
    """Inbox mail is listed oldest first, fetched byte-identical, then moved to Verwerkt (created); nothing lost."""
    first, second = inbound("Bevestiging 1"), inbound("Bevestiging 2")
    server.store.deliver(SHARED, first)
    time.sleep(0.01)
    server.store.deliver(SHARED, second)
    before = message_count(server)
    refs = backend.list_new()
    assert [backend.fetch_raw(ref) for ref in refs] == [first, second]
    assert not server.store.has_folder(SHARED, "Verwerkt")
    for ref in refs:
        backend.move_processed(ref)
    assert backend.list_new() == []
    assert server.store.all_messages(SHARED, "Verwerkt") == [first, second]
    assert message_count(server) == before


def test_reports_mailbox_is_read_separately(server: EwsServer) -> None:
    """list_new('reports') reads the reports mailbox's Inbox, not the shared one."""
    reports = "meldingen@woonpartners.example"
    server.store.create_folder(reports, INBOX)
    server.store.deliver(reports, inbound("Melding"))
    backend = ExchangeBackend(settings_for(server.url, reports_mailbox=reports), PASSWORD, None)
    assert backend.list_new("inbox") == []
    [ref] = backend.list_new("reports")
    assert ref.mailbox == "reports"
    backend.move_processed(ref)
    assert len(server.store.all_messages(reports, "Verwerkt")) == 1


def test_check_describes_the_mailbox(backend: ExchangeBackend) -> None:
    """check() succeeds against a working endpoint and names the mailbox."""
    assert SHARED in backend.check()


def test_wrong_password_names_the_settings(server: EwsServer) -> None:
    """A refused login is a MailError naming username and INTEGRITY_EXCHANGE_PASSWORD, quickly."""
    backend = ExchangeBackend(settings_for(server.url), "fout", None)
    started = time.monotonic()
    with pytest.raises(MailError, match=r"\[mail\.exchange\] username.*INTEGRITY_EXCHANGE_PASSWORD"):
        backend.check()
    assert time.monotonic() - started < 3


def test_closed_port_names_the_endpoint_setting() -> None:
    """An endpoint nobody listens on is a MailError naming [mail.exchange] endpoint."""
    url = f"http://127.0.0.1:{closed_port()}/EWS/Exchange.asmx"
    with pytest.raises(MailError) as caught:
        ExchangeBackend(settings_for(url), PASSWORD, None).check()
    assert "[mail.exchange] endpoint" in str(caught.value)
    assert url in str(caught.value)


def test_unknown_mailbox_names_the_mailbox_setting(server: EwsServer) -> None:
    """A mailbox the server doesn't have is a MailError naming [mail.exchange] mailbox."""
    backend = ExchangeBackend(settings_for(server.url, mailbox="bestaat.niet@woonpartners.example"), PASSWORD, None)
    with pytest.raises(MailError, match=r"\[mail\.exchange\] mailbox"):
        backend.check()


def test_server_busy_back_off_is_waited_out(server: EwsServer, backend: ExchangeBackend) -> None:
    """ErrorServerBusy with BackOffMilliseconds on CreateItem is retried and the message is sent once."""
    raw, message_id = outgoing([COLLEAGUE])
    backend.check()
    server.faults.push("server_busy", count=2, operation="CreateItem", back_off_ms=150)
    started = time.monotonic()
    backend.send(raw, message_id, [COLLEAGUE])
    elapsed = time.monotonic() - started
    assert server.operations.count("CreateItem") == 3
    assert 0.3 <= elapsed < 3
    assert len(server.store.all_messages(SHARED, SENT)) == 1


@pytest.mark.parametrize("kind", ["http_503", "http_429"])
def test_retry_after_is_honoured(server: EwsServer, backend: ExchangeBackend, kind: str) -> None:
    """HTTP 503 and 429 with Retry-After: 1 are retried after about a second and then succeed."""
    server.store.deliver(SHARED, inbound("Vraag"))
    backend.check()
    server.faults.push(kind, operation="FindItem", retry_after=1)
    started = time.monotonic()
    assert len(backend.list_new()) == 1
    assert 0.9 <= time.monotonic() - started < 4
    assert server.faults.pending() == 0


def test_throttling_longer_than_max_wait_is_a_mail_error(server: EwsServer) -> None:
    """A Retry-After beyond max_wait gives up at once with a MailError instead of hanging."""
    backend = ExchangeBackend(settings_for(server.url, max_wait=1.0), PASSWORD, None)
    backend.check()
    server.faults.push("http_503", operation="FindItem", retry_after=30)
    started = time.monotonic()
    with pytest.raises(MailError, match="te druk"):
        backend.list_new()
    assert time.monotonic() - started < 3


def test_reset_connection_is_a_mail_error(server: EwsServer, backend: ExchangeBackend) -> None:
    """A connection closed without an answer is reported as a MailError, not a traceback."""
    backend.check()
    server.faults.push("reset", operation="FindItem")
    with pytest.raises(MailError, match="endpoint"):
        backend.list_new()
    assert backend.list_new() == []


def test_unknown_auth_method_names_the_setting() -> None:
    """An auth value other than ntlm, basic or oauth2 is refused naming [mail.exchange] auth."""
    with pytest.raises(MailError, match=r"\[mail\.exchange\] auth"):
        ExchangeBackend(settings_for("http://127.0.0.1:9/EWS/Exchange.asmx", auth="kerberos"), PASSWORD, None)


class DictState:
    """The state store's key-value protocol, held in memory (the toolkit's own store persists it)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


def test_sync_state_lists_until_moved_across_runs(server: EwsServer) -> None:
    """With a state store, SyncFolderItems keeps unmoved mail listed, across backends, and drops moved mail."""
    state = DictState()
    first, second, third = inbound("Een"), inbound("Twee"), inbound("Drie")
    server.store.deliver(SHARED, first)
    time.sleep(0.01)
    server.store.deliver(SHARED, second)
    backend = ExchangeBackend(settings_for(server.url), PASSWORD, state)
    refs = backend.list_new()
    assert [backend.fetch_raw(ref) for ref in refs] == [first, second]
    assert backend.list_new() == refs
    backend.move_processed(refs[0])
    server.store.deliver(SHARED, third)
    next_run = ExchangeBackend(settings_for(server.url), PASSWORD, state)
    assert [next_run.fetch_raw(ref) for ref in next_run.list_new()] == [second, third]
    assert "SyncFolderItems" in server.operations and "FindItem" not in server.operations


def test_move_to_a_folder_of_its_own(server: EwsServer, backend: ExchangeBackend) -> None:
    """move_processed(folder=…) moves to that folder (created when missing), not to Verwerkt; nothing lost."""
    raw = inbound("DMARC-rapport")
    server.store.deliver(SHARED, raw)
    [ref] = backend.list_new()
    backend.move_processed(ref, folder="Geen melding")
    assert backend.list_new() == []
    assert server.store.all_messages(SHARED, "Geen melding") == [raw]
    assert not server.store.has_folder(SHARED, "Verwerkt")
