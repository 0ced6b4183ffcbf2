"""The folder backend and exactly-once sending: .eml outbox, Maildir inbox, processed mail moved, never deleted."""

from __future__ import annotations

import email
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest

from toolkit.audit import AuditTrail
from toolkit.mail.folder import FolderBackend, ensure_maildir
from toolkit.mail.message import OutgoingMail
from toolkit.mail.sender import Mailer
from toolkit.state import StateStore


@pytest.fixture
def backend(tmp_path: Path) -> FolderBackend:
    for name in ("inbox", "meldingen"):
        ensure_maildir(tmp_path / name)
    return FolderBackend(tmp_path / "outbox", {"inbox": tmp_path / "inbox", "reports": tmp_path / "meldingen"})


@pytest.fixture
def mailer(tmp_path: Path, backend: FolderBackend) -> Mailer:
    state = StateStore(tmp_path / "state.sqlite")
    return Mailer(
        backend,
        state,
        AuditTrail(tmp_path / "audit.jsonl", state),
        "integriteit@woonpartners.example",
        "Integriteit",
        "test",
    )


def mail(n: int) -> OutgoingMail:
    return OutgoingMail(
        f"leverancier_code:2027:L{n}",
        "leverancier_code",
        (f"info@leverancier{n}.example",),
        f"Code [IC-2027-{n:04d}]",
        "Tekst",
        audit_ref=f"Nr {n}",
    )


def inbound(subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["To"] = "integriteit@woonpartners.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{subject}@example.com>"
    message.set_content("akkoord")
    return message.as_bytes()


def test_send_writes_one_rfc5322_file_per_message(mailer: Mailer, backend: FolderBackend) -> None:
    """Each message lands once in the outbox with Message-ID and Date; a second run sends nothing."""
    report = mailer.send_all([mail(1), mail(2)])
    assert len(report.sent) == 2
    files = sorted(backend.outbox.glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes())
    assert parsed["Message-ID"] and parsed["Date"]
    again = mailer.send_all([mail(1), mail(2)])
    assert again.sent == [] and len(again.already_sent) == 2
    assert len(list(backend.outbox.glob("*.eml"))) == 2


def test_crash_after_send_before_ledger_is_recovered_not_resent(mailer: Mailer, backend: FolderBackend) -> None:
    """A message left in 'sending' that is already in the outbox is marked sent, not sent again."""
    message = mail(3)
    message_id = message.message_id("woonpartners.example")
    mailer.state.mark_sending(message.key, message_id, message.purpose)
    backend.send(b"Message-ID: " + message_id.encode() + b"\r\n\r\nx", message_id, list(message.to))
    report = mailer.send_all([message])
    assert report.recovered == [message.key] and report.sent == []
    assert len(list(backend.outbox.glob("*.eml"))) == 1


def test_crash_before_send_sends_once(mailer: Mailer, backend: FolderBackend) -> None:
    """A message left in 'sending' that never reached the outbox is sent on the next run."""
    message = mail(4)
    mailer.state.mark_sending(message.key, message.message_id("woonpartners.example"), message.purpose)
    report = mailer.send_all([message])
    assert report.sent == [message.key]
    assert len(list(backend.outbox.glob("*.eml"))) == 1


def test_inbound_is_listed_fetched_raw_and_moved_never_deleted(backend: FolderBackend, tmp_path: Path) -> None:
    """New mail is listed, fetched byte-for-byte and moved to the processed Maildir sub-folder."""
    raw = inbound("eerste")
    mailbox.Maildir(tmp_path / "inbox").add(raw)
    refs = backend.list_new("inbox")
    assert len(refs) == 1
    assert backend.fetch_raw(refs[0]) == raw
    backend.move_processed(refs[0])
    assert backend.list_new("inbox") == []
    processed = list((tmp_path / "inbox" / ".Verwerkt" / "cur").iterdir())
    assert [p.read_bytes() for p in processed] == [raw]


def test_reports_mailbox_is_separate(backend: FolderBackend, tmp_path: Path) -> None:
    """Mail in the reports mailbox is not listed for the shared inbox."""
    mailbox.Maildir(tmp_path / "meldingen").add(inbound("melding"))
    assert backend.list_new("inbox") == []
    assert len(backend.list_new("reports")) == 1


def test_audit_records_message_id_not_recipient(mailer: Mailer) -> None:
    """The audit trail names the message id and row, not the recipient's address."""
    mailer.send_all([mail(5)])
    text = mailer.audit.path.read_text(encoding="utf-8")
    assert "mail.sent" in text and "Nr 5" in text
    assert "leverancier5.example" not in text
