"""The yearly interests question: who gets it (once), replies sorted by the one sorter, reminders and escalation."""

from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from tests.test_interests import CHAIR, HR, STAFF_ROWS, staff_row
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import INTERESTS, STAFF

SENT = date(2027, 1, 4)
QUESTION = "Heb je (nieuwe) belangen te melden?"


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    """A workspace with seven people in service, one who left, one without an address; the question not yet sent."""
    folder = tmp_path / "ws"
    assert run_cli("--as-of", SENT.isoformat(), "init", str(folder)).exit_code == 0
    rows = [
        *STAFF_ROWS,
        {**staff_row(8, "Oud Collega", "oud@woonpartners.example"), "Uit dienst per": date(2026, 12, 31)},
        staff_row(9, "Zonder Adres", None),
        {**staff_row(10, "Nog Niet", "later@woonpartners.example"), "In dienst per": date(2027, 2, 1)},
    ]
    create_register(folder / "registers" / STAFF.filename, STAFF, rows)
    create_register(folder / "registers" / INTERESTS.filename, INTERESTS, [])
    return folder


def cli(run_cli, root: Path, day: date, *args: str) -> Any:
    result = run_cli("--config", str(root / "config.toml"), "--as-of", day.isoformat(), *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def outbox(root: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def sent(root: Path, prefix: str) -> Counter[str]:
    return Counter(str(m["To"]) for m in outbox(root) if str(m["Subject"]).startswith(prefix))


def staff(root: Path) -> dict[int, Any]:
    return {row.nr: row for row in read_register(root / "registers" / STAFF.filename, STAFF).rows}


def reply(root: Path, sender: str, subject: str, text: str, day: date) -> None:
    message = EmailMessage()
    message["From"], message["To"] = sender, "integriteit@woonpartners.example"
    message["Subject"], message["Message-ID"] = subject, f"<{hashlib.sha256(text.encode()).hexdigest()[:12]}@x>"
    message["Date"] = format_datetime(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC))
    message.set_content(text)
    mailbox.Maildir(root / "mail" / "inbox").add(message.as_bytes())


def fingerprints(root: Path) -> list[str | None]:
    files = [root / "registers" / STAFF.filename, root / ".integrity" / "state.sqlite"]
    return [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in files]


def test_attest_preview_writes_nothing_and_send_mails_everyone_in_service_once(root: Path, run_cli) -> None:
    """Preview: no byte changes; --send: staff, director and RvC in service with an address, each once; rerun: none."""
    before = fingerprints(root)
    preview = cli(run_cli, root, SENT, "interests", "attest")
    assert "7 personen krijgen de vraag" in preview.output and "Zonder Adres" in preview.output, preview.output
    assert fingerprints(root) == before and outbox(root) == []
    cli(run_cli, root, SENT, "interests", "attest", "--send")
    expected = {str(row["E-mail"]) for row in STAFF_ROWS}
    assert sent(root, QUESTION) == Counter({address: 1 for address in expected})
    cli(run_cli, root, SENT + timedelta(days=1), "interests", "attest", "--send")
    assert sum(sent(root, QUESTION).values()) == len(expected)
    anna = staff(root)[1]
    assert anna.get("Belangen jaar") == "2027" and anna.get("Belangen status") == "verzonden"
    assert anna.get("Belangen gevraagd op") == SENT
    subject = next(str(m["Subject"]) for m in outbox(root) if m["To"] == "anna@woonpartners.example")
    assert subject == f"{QUESTION} 2027 [BV-2027-0001]"


def test_a_reply_without_interests_is_recorded_and_anything_else_goes_to_hr(root: Path, run_cli) -> None:
    """ "Geen belangen" is recorded; an interest goes to HR with its words; a report's words never go to HR."""
    cli(run_cli, root, SENT, "interests", "attest", "--send")
    day = SENT + timedelta(days=2)
    reply(root, "anna@woonpartners.example", f"RE: {QUESTION} 2027 [BV-2027-0001]", "Geen nieuwe belangen.", day)
    reply(
        root, "bram@woonpartners.example", "RE: vraag", "Mijn zwager is directeur van Bouwbedrijf Jansen; belang?", day
    )
    report = "Ik wil fraude melden: een collega neemt steekpenningen aan van een aannemer."
    reply(root, "manager@woonpartners.example", f"RE: {QUESTION} 2027 [BV-2027-0003]", report, day)
    result = cli(run_cli, root, day, "inbox", "process")
    assert "2 antwoorden op de jaarvraag belangen" in result.output, result.output
    rows = staff(root)
    assert rows[1].get("Belangen status") == "geen belangen" and rows[1].get("Belangen beantwoord op") == day
    assert rows[2].get("Belangen status") == "ter beoordeling HR"
    to_hr = [m for m in outbox(root) if str(m["Subject"]).startswith("Antwoord op de jaarvraag belangen")]
    assert len(to_hr) == 1 and to_hr[0]["To"] == HR
    assert "zwager is directeur van Bouwbedrijf Jansen" in to_hr[0].get_body(("plain",)).get_content()
    assert rows[3].get("Belangen status") == "verzonden", "words naming wrongdoing are left to the reports intake"
    assert not any("steekpenningen" in m.get_body(("plain",)).get_content() for m in outbox(root))


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Geen nieuwe belangen.", "geen belangen"),
        ("geen belangen te melden", "geen belangen"),
        ("No new interests, thanks", "geen belangen"),
        ("Niets te melden", "geen belangen"),
        ("Geen nieuwe belangen, maar wel een vraag over mijn partner", "ter beoordeling HR"),
        ("Ik heb wel een belang: aandelen", "ter beoordeling HR"),
        ("Geen belangen?", "ter beoordeling HR"),
        ("", "ter beoordeling HR"),
    ],
)
def test_only_a_plain_no_is_taken_as_no_interests(text: str, answer: str) -> None:
    """A "no" with 'maar', 'wel', a question mark, or no words at all goes to a person (HR)."""
    from toolkit.interests.rules import attestation_answer

    assert attestation_answer(text) == answer


def test_reminders_after_the_term_then_one_escalation_to_hr(root: Path, run_cli) -> None:
    """Reminders on day 14 and 28 (not to who answered), then one escalation digest each to HR and the RvC chair."""
    cli(run_cli, root, SENT, "interests", "attest", "--send")
    reply(root, "anna@woonpartners.example", "RE: [BV-2027-0001]", "Geen nieuwe belangen.", SENT)
    cli(run_cli, root, SENT, "inbox", "process")
    cli(run_cli, root, SENT + timedelta(days=13), "interests", "remind", "--send")
    assert sent(root, "Herinnering") == Counter()
    before = fingerprints(root)
    preview = cli(run_cli, root, SENT + timedelta(days=14), "interests", "remind")
    assert "6 herinneringen" in preview.output and fingerprints(root) == before, preview.output
    cli(run_cli, root, SENT + timedelta(days=14), "interests", "remind", "--send")
    first = sent(root, "Herinnering")
    assert len(first) == 6 and "anna@woonpartners.example" not in first
    cli(run_cli, root, SENT + timedelta(days=15), "interests", "remind", "--send")
    assert sent(root, "Herinnering") == first
    cli(run_cli, root, SENT + timedelta(days=28), "interests", "remind", "--send")
    assert set(sent(root, "Herinnering").values()) == {2}
    assert staff(root)[2].get("Belangen herinneringen") == 2
    cli(run_cli, root, SENT + timedelta(days=41), "interests", "remind", "--send")
    assert sent(root, "Geen antwoord op de jaarvraag") == Counter()
    cli(run_cli, root, SENT + timedelta(days=42), "interests", "remind", "--send")
    cli(run_cli, root, SENT + timedelta(days=43), "interests", "remind", "--send")
    escalations = {
        str(m["To"]): str(m["Subject"]) for m in outbox(root) if str(m["Subject"]).startswith("Geen antwoord op de")
    }
    # staff and the chair (no vice-chair configured) to HR; the director and the other RvC members to the chair
    assert escalations.keys() == {HR, CHAIR} and len(sent(root, "Geen antwoord op de")) == 2
    assert all(subject.endswith("(en 2 meer)") for subject in escalations.values())


def test_the_nightly_asks_newcomers_during_a_running_round(root: Path, run_cli) -> None:
    """Someone who starts on 1 Feb gets the question from the nightly job once the round started, not before."""
    cli(run_cli, root, SENT, "interests", "attest", "--send")
    cli(run_cli, root, date(2027, 1, 31), "nightly")
    assert sent(root, QUESTION)["later@woonpartners.example"] == 0
    cli(run_cli, root, date(2027, 2, 1), "nightly")
    cli(run_cli, root, date(2027, 2, 2), "nightly")
    assert sent(root, QUESTION)["later@woonpartners.example"] == 1


def test_a_question_sent_before_a_kill_is_recorded_not_sent_again(root: Path, run_cli) -> None:
    """Anna's question reached the outbox but the run died before the ledger and register: --send records it only."""
    from toolkit.config import load_config
    from toolkit.interests.attest import plan_attestation
    from toolkit.mail.message import build_message
    from toolkit.workspace import Workspace

    ws = Workspace(load_config(root / "config.toml"), SENT)
    try:
        mail = next(m for m in plan_attestation(ws, 2027).messages if m.to == ("anna@woonpartners.example",))
        message_id = mail.message_id("woonpartners.example")
        ws.mailer().state.mark_sending(mail.key, message_id, mail.purpose, mail.items)
        ws.backend.send(build_message(mail, ws.config.mail.sender, "Integriteit").as_bytes(), message_id, list(mail.to))
    finally:
        ws.close()
    assert staff(root)[1].get("Belangen gevraagd op") is None
    cli(run_cli, root, SENT, "interests", "attest", "--send")
    assert sent(root, QUESTION)["anna@woonpartners.example"] == 1 and len(sent(root, QUESTION)) == len(STAFF_ROWS)
    assert staff(root)[1].get("Belangen gevraagd op") == SENT


def test_an_older_workspace_gets_its_columns_and_register_on_first_write(root: Path, run_cli) -> None:
    """medewerkers.xlsx without the Belangen columns and no belangen.xlsx: --send adds the columns, nightly the file."""
    import dataclasses

    from toolkit.registers.schema import ATTESTATION_COLUMNS

    old_staff = dataclasses.replace(STAFF, columns=tuple(c for c in STAFF.columns if c not in ATTESTATION_COLUMNS))
    create_register(root / "registers" / STAFF.filename, old_staff, STAFF_ROWS)
    (root / "registers" / INTERESTS.filename).unlink()
    preview = cli(run_cli, root, SENT, "interests", "check")
    assert "bestaat nog niet" in preview.output and not (root / "registers" / INTERESTS.filename).exists()
    cli(run_cli, root, SENT, "interests", "attest", "--send")
    assert staff(root)[1].get("Belangen status") == "verzonden"
    cli(run_cli, root, SENT, "nightly")
    assert read_register(root / "registers" / INTERESTS.filename, INTERESTS).rows == ()


def test_a_reply_carrying_someone_elses_reference_is_left_for_a_person(root: Path, run_cli) -> None:
    """HR answering the HR mail, or the chair an escalation, with Anna's [BV-…]: nothing recorded, nothing forwarded."""
    cli(run_cli, root, SENT, "interests", "attest", "--send")
    day = SENT + timedelta(days=2)
    reply(root, HR, "RE: Antwoord op de jaarvraag belangen van Anna Pieters [BV-2027-0001]", "Ik bel haar.", day)
    reply(root, CHAIR, "RE: Geen antwoord op de jaarvraag [BV-2027-0001]", "Geen nieuwe belangen bij haar?", day)
    result = cli(run_cli, root, day, "inbox", "process")
    assert "2 voor een mens" in result.output, result.output
    assert staff(root)[1].get("Belangen status") == "verzonden" and staff(root)[5].get("Belangen status") == "verzonden"
    assert sent(root, "Antwoord op de jaarvraag") == Counter()
