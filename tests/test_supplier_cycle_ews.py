"""A whole supplier cycle against the loopback EWS server: mailing, replies sorted, reminders, escalation.

50 suppliers have local mailboxes in the loopback store, so what the toolkit sends really arrives and can be
counted per recipient. Replies (confirmations quoting the original, a question, an Exchange out-of-office, a
non-delivery report) are dropped into the shared mailbox's Inbox as they would arrive.
"""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from tests.loopback.ews import EwsServer, toml_section
from tests.loopback.store import INBOX, SENT
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import SUPPLIERS

SHARED = "integriteit@woonpartners.example"
PASSWORD = "juist-wachtwoord"
ENV = {"INTEGRITY_EXCHANGE_PASSWORD": PASSWORD, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
COUNT = 50
CONFIRMING = range(1, 31)  # Nr 1..30 confirm
QUESTION, OUT_OF_OFFICE, BOUNCED = 31, 32, 33
OWNERS = ("inkoop.bouw@woonpartners.example", "inkoop.diensten@woonpartners.example")


def address(nr: int) -> str:
    return f"contact{nr}@leverancier{nr}.example"


def owner(nr: int) -> str:
    return OWNERS[nr % 2]


@pytest.fixture
def cycle(tmp_path: Path, run_cli) -> Iterator[tuple[Path, EwsServer]]:
    """A workspace on the loopback Exchange with 50 suppliers whose addresses are local mailboxes."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", "2027-01-04", "init", str(root), "--demo").exit_code == 0
    rows = [
        {
            "Leveranciersnummer": f"L{nr:04d}",
            "Naam": f"Leverancier {nr} B.V.",
            "Contactpersoon": f"Contact {nr}",
            "E-mail": address(nr),
            "Taal": "en" if nr % 5 == 0 else "nl",
            "Actief": True,
            "Contracteigenaar": owner(nr),
        }
        for nr in range(1, COUNT + 1)
    ]
    create_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS, rows)
    with EwsServer(tmp_path / "store", {SHARED: PASSWORD}) as server:
        for mailbox in (SHARED, *OWNERS, *(address(nr) for nr in range(1, COUNT + 1))):
            server.store.create_folder(mailbox, INBOX)
        config = root / "config.toml"
        text = config.read_text(encoding="utf-8").replace('backend = "folder"', 'backend = "exchange"', 1)
        config.write_text(f"{text}\n{toml_section(server.url, SHARED)}\n", encoding="utf-8")
        yield root, server


def cli(run_cli, root: Path, day: str, *args: str):
    result = run_cli("--config", str(root / "config.toml"), "--as-of", day, *args, env=ENV)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def inbox(server: EwsServer, mailbox: str) -> list[Message]:
    return [
        email.message_from_bytes(raw, policy=email.policy.default) for raw in server.store.all_messages(mailbox, INBOX)
    ]


def statuses(root: Path) -> dict[int, str | None]:
    rows = read_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS).rows
    return {row.nr: row.get("Status") for row in rows}


def _quoted_reply(original: Message, sender: str, words: str) -> bytes:
    quoted = "\n".join("> " + line for line in original.get_body(("plain",)).get_content().splitlines())
    return (
        f"From: {sender}\r\nTo: {SHARED}\r\nSubject: RE: {original['Subject']}\r\n"
        f"Date: Tue, 5 Jan 2027 10:00:00 +0100\r\nMessage-ID: <reply-{sender}>\r\n"
        f"In-Reply-To: {original['Message-ID']}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{words}\r\n\r\nOp 4 jan. 2027 schreef Woonpartners <{SHARED}>:\r\n{quoted}\r\n"
    ).encode()


def _out_of_office(original: Message, sender: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: {SHARED}\r\nSubject: Automatisch antwoord: {original['Subject']}\r\n"
        "Date: Mon, 4 Jan 2027 10:05:00 +0100\r\nMessage-ID: <oof-1@leverancier.example>\r\n"
        "X-MS-Exchange-Organization-AutoResponseSuppress: All\r\nThread-Topic: Integriteitscode\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nIk ben afwezig tot 18 januari en lees mijn mail niet.\r\n"
    ).encode()


def _non_delivery(failed: str) -> bytes:
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@mx.woonpartners.example>\r\nTo: {SHARED}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nDate: Mon, 4 Jan 2027 09:01:00 +0100\r\n"
        "Message-ID: <ndr-1@mx.woonpartners.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host mx.woonpartners.example.\r\n"
        f"<{failed}>: host mx said: 550 5.1.1 User unknown\r\n\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.woonpartners.example\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--b1--\r\n"
    ).encode()


def drop_replies(server: EwsServer) -> None:
    for nr in CONFIRMING:
        [original] = inbox(server, address(nr))
        words = "Received, thank you." if nr % 5 == 0 else "Akkoord, wij hebben de code ontvangen."
        server.store.deliver(SHARED, _quoted_reply(original, address(nr), words))
    [original] = inbox(server, address(QUESTION))
    words = "Geldt dit ook voor onze onderaannemers? Graag uitleg."
    server.store.deliver(SHARED, _quoted_reply(original, address(QUESTION), words))
    [original] = inbox(server, address(OUT_OF_OFFICE))
    server.store.deliver(SHARED, _out_of_office(original, address(OUT_OF_OFFICE)))
    server.store.deliver(SHARED, _non_delivery(address(BOUNCED)))


def test_full_cycle_send_sort_remind_escalate_nothing_twice(cycle, run_cli) -> None:
    """50 mailed once; replies sorted and moved; reminders only to the unconfirmed; one escalation; no repeats."""
    root, server = cycle
    cli(run_cli, root, "2027-01-04", "suppliers", "mail", "--send")
    for nr in range(1, COUNT + 1):
        [received] = inbox(server, address(nr))
        assert f"[IC-2027-{nr:04d}]" in received["Subject"]
    drop_replies(server)

    summary = json.loads(cli(run_cli, root, "2027-01-06", "inbox", "process", "--json").output)
    assert (summary["confirmed"], summary["questions"], summary["bounces"], summary["automatic"]) == (30, 1, 1, 1)
    assert summary["received"] == 33 and summary["unmatched"] == 0
    assert server.store.keys(SHARED, INBOX) == [] and len(server.store.keys(SHARED, "Verwerkt")) == 33
    status = statuses(root)
    assert all(status[nr] == "bevestigd" for nr in CONFIRMING)
    assert (status[QUESTION], status[OUT_OF_OFFICE], status[BOUNCED]) == ("vraag", "verzonden", "onbestelbaar")
    owner_mail = [m["Subject"] for o in OWNERS for m in inbox(server, o)]
    assert sorted(s.split()[0] for s in owner_mail) == ["Integriteitscode", "Vraag"]

    unconfirmed = [OUT_OF_OFFICE, *range(34, COUNT + 1)]
    assert "0 herinneringen" in cli(run_cli, root, "2027-01-24", "suppliers", "remind", "--send").output
    cli(run_cli, root, "2027-01-25", "suppliers", "remind", "--send")
    cli(run_cli, root, "2027-01-26", "suppliers", "remind", "--send")  # nothing new the next day
    for nr in range(1, COUNT + 1):
        assert len(inbox(server, address(nr))) == (2 if nr in unconfirmed else 1), nr

    cli(run_cli, root, "2027-02-15", "suppliers", "remind", "--send")
    cli(run_cli, root, "2027-03-08", "suppliers", "remind", "--send")
    cli(run_cli, root, "2027-03-09", "nightly")
    cli(run_cli, root, "2027-04-30", "suppliers", "remind", "--send")
    for nr in range(1, COUNT + 1):
        assert len(inbox(server, address(nr))) == (3 if nr in unconfirmed else 1), nr
    escalations = [m for o in OWNERS for m in inbox(server, o) if m["Subject"].startswith("Geen bevestiging")]
    assert len(escalations) == len(OWNERS), "one escalation digest per contract owner, not one mail per supplier"
    escalated = {
        int(ref[:4]): m["To"]
        for m in escalations
        for ref in m.get_body(("plain",)).get_content().split("[IC-2027-")[1:]
    }
    assert sorted(escalated) == unconfirmed
    assert all(to == owner(nr) for nr, to in escalated.items())
    sent = [
        email.message_from_bytes(raw, policy=email.policy.default) for raw in server.store.all_messages(SHARED, SENT)
    ]
    sent_ids = [m["Message-ID"] for m in sent if "[IC-" in str(m["Subject"])]  # the demo's gifts mail aside
    assert len(sent_ids) == len(set(sent_ids)) == COUNT + 2 + 2 * len(unconfirmed) + len(OWNERS)
