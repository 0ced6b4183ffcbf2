"""Mail to reporters leaves no copy in the shared mailbox: a whole case on loopback Exchange, and Graph's sendMail."""

from __future__ import annotations

import email
import email.policy
import email.utils
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.killable_sender import WORLDS, batch, make_backend, recipient
from tests.loopback.ews import EwsServer, toml_section
from tests.loopback.graph import GraphServer
from tests.loopback.store import INBOX, SENT
from tests.reports_helpers import (
    ADVISER,
    PASSPHRASE,
    REPORTER_ADDRESS,
    REPORTER_NAME,
    key_file,
    make_workspace,
    report_mail,
    sent_to_reporter,
    workspace,
)
from toolkit.mail.graph import GraphBackend, GraphSettings

SHARED = "integriteit@woonpartners.example"
REPORTS = "meldpunt@woonpartners.example"
PASSWORD = "juist-wachtwoord"
WORDS = ("Bouwbedrijf Zwart", "cadeaubonnen van aannemer")


@pytest.fixture
def case_on_exchange(tmp_path: Path, run_cli) -> Iterator[tuple[Path, EwsServer]]:
    """A workspace on the loopback Exchange with a reports mailbox; the reporter has a mailbox there too."""
    root = make_workspace(tmp_path / "ws", run_cli)
    with EwsServer(tmp_path / "store", {SHARED: PASSWORD}) as server:
        for mailbox in (SHARED, REPORTS, REPORTER_ADDRESS, "petra@woonpartners.example"):
            server.store.create_folder(mailbox, INBOX)
        config = root / "config.toml"
        text = config.read_text(encoding="utf-8").replace('backend = "folder"', 'backend = "exchange"', 1)
        section = f'{toml_section(server.url, SHARED)}\nreports_mailbox = "{REPORTS}"\n'
        config.write_text(f"{text}\n{section}", encoding="utf-8")
        yield root, server


def cli(run_cli, root: Path, day: str, *args: str):
    env = {
        "INTEGRITY_EXCHANGE_PASSWORD": PASSWORD,
        "INTEGRITY_KEY_PASSPHRASE": PASSPHRASE,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    result = run_cli("--config", str(root / "config.toml"), "--as-of", day, *args, env=env)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def test_whole_case_on_exchange_leaves_the_reporter_only_in_the_original(case_on_exchange, run_cli) -> None:
    """Intake, progress and closing on Exchange: Sent Items and every folder but the original hold no reporter."""
    root, server = case_on_exchange
    body = f"Karel neemt cadeaubonnen van aannemer Bouwbedrijf Zwart aan.\n\nGroet,\n{REPORTER_NAME}\n"
    server.store.deliver(REPORTS, report_mail("Melding", body))
    cli(run_cli, root, "2026-11-26", "nightly")
    progress = ("reports", "update", "M-2026-0001", "--tell-reporter", "--send")
    cli(run_cli, root, "2026-12-10", *progress, "--key", str(key_file(ADVISER)))
    cli(run_cli, root, "2026-12-11", "reports", "update", "M-2026-0001", "--status", "afgesloten")
    cli(run_cli, root, "2026-12-11", "nightly")

    received = [
        email.message_from_bytes(r, policy=email.policy.default)
        for r in server.store.all_messages(REPORTER_ADDRESS, INBOX)
    ]
    assert len(received) == 2 and all("M-2026-0001" in str(m["Subject"]) for m in received)
    assert len(sent_to_reporter(root, today=date(2026, 12, 11))) == 2
    assert server.store.all_messages(SHARED, SENT) != []  # staff mail keeps its copy (exactly-once needs it)
    originals = server.store.all_messages(REPORTS, "Verwerkt")
    assert len(originals) == 1 and REPORTER_ADDRESS.encode() in originals[0]
    for mailbox in server.store.mailboxes():
        if mailbox == REPORTER_ADDRESS:
            continue  # the reporter's own mailbox
        for folder in server.store.folders(mailbox):
            for raw in server.store.all_messages(mailbox, folder):
                if mailbox == REPORTS and folder == "Verwerkt":
                    continue
                text = raw.decode("utf-8", errors="replace").lower()
                for secret in (REPORTER_NAME, REPORTER_ADDRESS, *WORDS):
                    assert secret.lower() not in text, (secret, mailbox, folder)
    cli(run_cli, root, "2027-01-11", "nightly")  # 31 days after intake: the original goes (hard delete)
    assert server.store.all_messages(REPORTS, "Verwerkt") == []
    ws = workspace(root, date(2026, 12, 11))
    for key in ("melding_ontvangst:M-2026-0001", "melding_voortgang:M-2026-0001:1"):
        entry = ws.state.ledger_entry(key)
        assert entry is not None and entry["status"] == "sent", key  # the ledger, not Sent Items
    ws.close()


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[tuple[GraphBackend, GraphServer]]:
    with GraphServer(tmp_path / "store", "tenant", "client", "geheim", mailboxes=(SHARED, REPORTER_ADDRESS)) as srv:
        settings = GraphSettings(
            tenant_id="tenant",
            client_id="client",
            mailbox=SHARED,
            processed_folder="Verwerkt",
            authority=srv.authority,
            graph_url=srv.graph_url,
            ca_bundle=str(srv.ca_file),
        )
        with GraphBackend(settings, "geheim", None) as backend:
            yield backend, srv


def _message(subject: str) -> tuple[bytes, str]:
    msg = EmailMessage()
    msg["From"] = SHARED
    msg["To"] = REPORTER_ADDRESS
    msg["Subject"] = subject
    message_id = email.utils.make_msgid(domain="woonpartners.example")
    msg["Message-ID"] = message_id
    msg["Date"] = email.utils.formatdate()
    msg.set_content(f"Beste {REPORTER_NAME}, uw melding is ontvangen.")
    return msg.as_bytes(), message_id


def test_graph_sends_without_a_copy_in_sent_items(graph) -> None:
    """No sent copy on Graph (saveToSentItems false), and a processed original is deleted with permanentDelete."""
    backend, server = graph
    raw, message_id = _message("Ontvangstbevestiging [M-2026-0001]")
    backend.send(raw, message_id, [REPORTER_ADDRESS], save_copy=False)
    delivered = server.store.all_messages(REPORTER_ADDRESS, INBOX)
    assert len(delivered) == 1 and message_id.encode() in delivered[0]
    assert REPORTER_NAME.encode() in delivered[0]
    assert server.store.all_messages(SHARED, SENT) == [] and not backend.was_sent(message_id)
    server.store.create_folder(SHARED, "Verwerkt")
    server.store.deliver(SHARED, raw, "Verwerkt")
    [ref] = backend.list_processed("inbox")
    assert message_id.encode() in backend.fetch_processed(ref)
    backend.delete_processed(ref)
    assert server.store.all_messages(SHARED, "Verwerkt") == []
    raw2, message_id2 = _message("Gewoon bericht")
    backend.send(raw2, message_id2, [REPORTER_ADDRESS])
    assert backend.was_sent(message_id2) and len(server.store.all_messages(SHARED, SENT)) == 1


@pytest.mark.parametrize("kind", sorted(k for k in WORLDS if k != "folder"))  # folder: see test_reports_intake
def test_mail_without_a_copy_is_sent_once_and_resent_only_after_a_crash(kind: str, tmp_path: Path) -> None:
    """save_copy=False: never a Sent Items copy; sent once; a crash after the send resends it with the same Message-ID.

    The ledger can't look such a mail up in Sent Items, so a 'sending' entry after a crash means: send again (the
    folder backend instead finds its redacted stub, see test_reports_intake). Losing an acknowledgement is worse than
    the reporter seeing it twice.
    """
    from dataclasses import replace

    from toolkit.audit import AuditTrail
    from toolkit.mail.message import domain_of
    from toolkit.mail.sender import Mailer
    from toolkit.state import StateStore

    with WORLDS[kind](tmp_path / "world", 2) as world:
        state = StateStore(tmp_path / "state" / "state.sqlite")
        audit = AuditTrail(tmp_path / "state" / "audit.jsonl", head_store=state)
        mailer = Mailer(make_backend(world.spec(), world.env()), state, audit, SHARED, "Integriteit", actor="test")
        first, second = (replace(m, save_copy=False) for m in batch(2))
        assert mailer.send_all([first, first]).sent == [first.key]
        assert sum(world.sent_copies().values()) == 0
        assert world.deliveries()[recipient(0)] == 1
        # a crash after the backend accepted `second` but before the ledger said so
        message_id = second.message_id(domain_of(SHARED))
        state.mark_sending(second.key, message_id, second.purpose)
        mailer.backend.send(
            b"Message-ID: " + message_id.encode() + b"\r\nTo: " + second.to[0].encode() + b"\r\n\r\nx\r\n",
            message_id,
            list(second.to),
            save_copy=False,
        )
        report = mailer.send_all([second])
        assert world.deliveries()[recipient(1)] == 2  # same Message-ID twice: the gap of a mail without a copy
        assert mailer.already_sent(second.key) and (report.recovered or report.sent) == [second.key]
        state.close()
