"""Confirmations of receipt from new staff: who is waiting for one, which day counts, and the inbox handler."""

from __future__ import annotations

import mailbox
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from toolkit.config import load_config
from toolkit.onboarding.replies import awaiting_confirmation, confirmation_day
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import STAFF
from toolkit.workspace import Workspace

TODAY = date(2026, 11, 26)
SENT = TODAY - timedelta(days=5)


def person(n: int, email: str | None, **changes: Any) -> dict[str, Any]:
    row = {"Nr": n, "Personeelsnummer": f"P{n:04d}", "Naam": f"Persoon {n}", "E-mail": email, "Rol": "medewerker"}
    row["In dienst per"] = TODAY - timedelta(days=3)
    row.update(changes)
    return row


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    folder = tmp_path / "ws"
    assert run_cli("--as-of", TODAY.isoformat(), "init", str(folder)).exit_code == 0
    path = folder / "registers" / STAFF.filename
    path.unlink()
    create_register(
        path,
        STAFF,
        [
            person(1, "nieuw@woonpartners.example", **{"Code verzonden op": SENT}),
            person(
                2, "al.bevestigd@woonpartners.example", **{"Code verzonden op": SENT, "Ontvangst bevestigd op": SENT}
            ),
            person(3, "nog.niet.verstuurd@woonpartners.example"),
            person(4, "vraag@woonpartners.example", **{"Code verzonden op": SENT}),
        ],
    )
    return folder


def test_awaiting_confirmation_matches_the_address_of_someone_sent_the_code(root: Path) -> None:
    """Only a row that was sent the code and has no confirmation matches, whatever the address's case."""
    table = read_register(root / "registers" / STAFF.filename, STAFF)
    assert [row.nr for row in awaiting_confirmation(table, " Nieuw@WoonPartners.example ")] == [1]
    assert awaiting_confirmation(table, "al.bevestigd@woonpartners.example") == []
    assert awaiting_confirmation(table, "nog.niet.verstuurd@woonpartners.example") == []
    assert awaiting_confirmation(table, "onbekend@elders.example") == []
    assert awaiting_confirmation(table, "") == []


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), date(2026, 11, 24)),  # after midnight in Amsterdam
        (datetime(2026, 11, 23, 10, 0, tzinfo=UTC), date(2026, 11, 23)),
        (date(2026, 11, 22), date(2026, 11, 22)),
        (datetime(2026, 11, 1, 10, 0, tzinfo=UTC), TODAY),  # before the code was sent: not plausible
        (datetime(2026, 12, 5, 10, 0, tzinfo=UTC), TODAY),  # in the future
        (None, TODAY),
    ],
)
def test_confirmation_day(written: datetime | date | None, expected: date) -> None:
    """The reply's own date in the organisation's zone counts, unless missing or outside sent..today."""
    assert confirmation_day(written, SENT, TODAY, "Europe/Amsterdam") == expected


def reply(sender: str, body: str, when: datetime, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Nieuwe Collega <{sender}>"
    message["To"] = "integriteit@woonpartners.example"
    message["Subject"] = "RE: Welkom bij Woonpartners: onze integriteitscode"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<{sender.split('@')[0]}-{when.timestamp():.0f}@woonpartners.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(
        body + "\n\n-----Oorspronkelijk bericht-----\nVan: Woonpartners Integriteit\n\n"
        'Wilt u de ontvangst bevestigen door op dit bericht te antwoorden met "akkoord"?\n'
    )
    return message.as_bytes()


def run_inbox(root: Path, day: date = TODAY):
    from toolkit.inbox.pipeline import process_mailbox
    from toolkit.onboarding.replies import confirmation_handler

    ws = Workspace(load_config(root / "config.toml"), day)
    try:
        return process_mailbox(ws, "inbox", [confirmation_handler])
    finally:
        ws.close()


def confirmed_on(root: Path) -> dict[int | None, date | None]:
    rows = read_register(root / "registers" / STAFF.filename, STAFF).rows
    return {row.nr: row.get("Ontvangst bevestigd op") for row in rows}


def test_handler_fills_in_confirmation_and_leaves_a_question(root: Path) -> None:
    """Through the inbox pipeline: 'akkoord' fills 'Ontvangst bevestigd op'; a question stays for a person."""
    from toolkit.onboarding.replies import SORT

    inbox = mailbox.Maildir(root / "mail" / "inbox")
    written = datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
    inbox.add(reply("nieuw@woonpartners.example", "Akkoord, ontvangen en gelezen.\n\nGroet,\nPersoon 1", written))
    inbox.add(
        reply("vraag@woonpartners.example", "Geldt dit ook voor mijn bijbaan als trainer? Graag uitleg.", written)
    )
    report = run_inbox(root)
    assert report.counts[SORT] == 1
    confirmed = confirmed_on(root)
    assert confirmed[1] == date(2026, 11, 24)
    assert confirmed[4] is None
    assert len(report.unmatched) == 1
    assert len(list((root / "mail" / "inbox" / ".Verwerkt").rglob("*"))) > 0
    again = run_inbox(root, TODAY + timedelta(days=1))
    assert again.counts[SORT] == 0 and confirmed_on(root) == confirmed


def test_out_of_office_and_strangers_are_not_confirmations(root: Path) -> None:
    """An automatic reply from a new employee, or 'akkoord' from an unknown or already-confirmed address, fills nothing."""
    inbox = mailbox.Maildir(root / "mail" / "inbox")
    written = datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
    inbox.add(
        reply(
            "nieuw@woonpartners.example",
            "Ik ben afwezig. Uw bericht is ontvangen.",
            written,
            Auto_Submitted="auto-replied",
        )
    )
    inbox.add(reply("onbekend@elders.example", "Akkoord.", written))
    inbox.add(reply("al.bevestigd@woonpartners.example", "Akkoord, nogmaals.", written))
    before = confirmed_on(root)
    report = run_inbox(root)
    assert len(report.unmatched) == 3
    assert confirmed_on(root) == before
