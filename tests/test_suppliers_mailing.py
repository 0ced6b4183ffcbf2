"""The biennial supplier mailing: preview first, send exactly once, reminders, escalation, mid-cycle newcomers."""

from __future__ import annotations

import email
import email.policy
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from toolkit.registers.reader import read_register
from toolkit.registers.schema import SUPPLIERS
from toolkit.suppliers import rules


@pytest.fixture
def ws(tmp_path: Path, run_cli) -> Path:
    root = tmp_path / "ws"
    assert run_cli("--as-of", "2027-01-10", "init", str(root), "--demo").exit_code == 0
    return root


def cli(run_cli, root: Path, day: str, *args: str):
    return run_cli("--config", str(root / "config.toml"), "--as-of", day, *args)


def outbox(root: Path) -> list:
    """Mail about suppliers only (the nightly job also judges gifts and may mail about those)."""
    return [m for m in all_mail(root) if "[IC-" in str(m["Subject"])]


def all_mail(root: Path) -> list:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def suppliers(root: Path):
    return read_register(root / "registers" / SUPPLIERS.filename, SUPPLIERS).rows


def test_cycles_follow_the_first_year_and_interval() -> None:
    """Cycle 2027 runs 2027–2028, the next starts in 2029; before the first year there is none."""
    assert rules.current_cycle(2027, 2, date(2026, 12, 31)) is None
    assert rules.current_cycle(2027, 2, date(2027, 1, 1)) == 2027
    assert rules.current_cycle(2027, 2, date(2028, 12, 31)) == 2027
    assert rules.current_cycle(2027, 2, date(2029, 1, 1)) == 2029
    assert rules.reference(2027, 42) == "[IC-2027-0042]"


def test_preview_sends_nothing_and_says_how_to_send(ws: Path, run_cli) -> None:
    """Without --send: the count, the first message, where the rest are, and no mail in the outbox."""
    result = cli(run_cli, ws, "2027-01-10", "suppliers", "mail")
    assert result.exit_code == 0, result.output
    assert "leveranciers krijgen de integriteitscode" in result.output
    assert "[IC-2027-" in result.output and "integrity suppliers mail --send" in result.output
    assert outbox(ws) == []
    assert not (ws / ".integrity" / "voorbeeld").exists(), "a preview writes .eml files only when asked"
    asked = cli(run_cli, ws, "2027-01-10", "suppliers", "mail", "--eml", str(ws / "voorbeeld"))
    assert asked.exit_code == 0, asked.output
    previews = list((ws / "voorbeeld").glob("*.eml"))
    active_with_email = [r for r in suppliers(ws) if r.get("Actief") and r.get("E-mail")]
    assert len(previews) == len(active_with_email)


def test_send_once_with_reference_attachment_and_register_filled(ws: Path, run_cli) -> None:
    """--send mails every active supplier with an address once, with its reference and the code attached."""
    result = cli(run_cli, ws, "2027-01-10", "suppliers", "mail", "--send")
    assert result.exit_code == 0, result.output
    sent = outbox(ws)
    rows = {r.nr: r for r in suppliers(ws)}
    expected = [r for r in rows.values() if r.get("Actief") and r.get("E-mail")]
    assert len(sent) == len(expected)
    first = next(m for m in sent if "[IC-2027-0001]" in m["Subject"])
    assert first["To"] == rows[1].get("E-mail")
    assert any(part.get_filename() == "integriteitscode.pdf" for part in first.walk())
    assert rows[1].get("Status") == "verzonden" and rows[1].get("Verzonden op") == date(2027, 1, 10)
    assert rows[1].get("Referentie") == "[IC-2027-0001]" and rows[1].get("Cyclus") == "2027"
    no_email = [r for r in rows.values() if r.get("Actief") and not r.get("E-mail")]
    assert no_email and all(r.get("Status") == "geen e-mail" for r in no_email)
    again = cli(run_cli, ws, "2027-01-11", "suppliers", "mail", "--send")
    assert "0 leveranciers" in again.output
    assert len(outbox(ws)) == len(sent)


def test_reminders_after_21_days_then_one_escalation(ws: Path, run_cli) -> None:
    """Day 20 nothing, day 21 a reminder; after two reminders one escalation to the contract owner, never twice."""
    cli(run_cli, ws, "2027-01-10", "suppliers", "mail", "--send")
    mailed = len(outbox(ws))
    assert "0 herinneringen" in cli(run_cli, ws, "2027-01-30", "suppliers", "remind", "--send").output
    cli(run_cli, ws, "2027-01-31", "suppliers", "remind", "--send")
    assert len(outbox(ws)) == 2 * mailed
    assert all(r.get("Herinneringen") == 1 for r in suppliers(ws) if r.get("Status") == "herinnerd")
    cli(run_cli, ws, "2027-02-21", "nightly")
    # The nightly job first sorts the demo inbox: one supplier confirmed, one asked a question (its contract
    # owner gets one notification); neither gets further reminders or an escalation.
    answered = [r for r in suppliers(ws) if r.get("Status") in ("bevestigd", "vraag")]
    assert len(answered) == 2
    assert len(outbox(ws)) == 3 * mailed - len(answered) + 1
    cli(run_cli, ws, "2027-03-14", "nightly")
    escalations = [m for m in outbox(ws) if m["Subject"].strip().startswith("Geen bevestiging")]
    assert len(escalations) == 1, "one digest per contract owner per run, not one mail per supplier"
    assert escalations[0]["To"] == "inkoop@woonpartners.example"
    escalated = escalations[0].get_body(("plain",)).get_content().count("heeft de ontvangst van onze integriteitscode")
    assert escalated == mailed - len(answered)
    cli(run_cli, ws, "2027-04-30", "nightly")
    assert len(outbox(ws)) == 3 * mailed - len(answered) + 1 + 1


def test_supplier_added_mid_cycle_gets_the_code_from_the_nightly_job(ws: Path, run_cli) -> None:
    """After the cycle started, a new active supplier is mailed by the nightly job (and only once)."""
    cli(run_cli, ws, "2027-01-10", "suppliers", "mail", "--send")
    before = len(outbox(ws))
    path = ws / "registers" / SUPPLIERS.filename
    book = openpyxl.load_workbook(path)
    sheet = book["Leveranciers"]
    headers = [c.value for c in sheet[1]]
    row = sheet.max_row + 1
    values = {
        "Leveranciersnummer": "L9999",
        "Naam": "Nieuwkomer B.V.",
        "E-mail": "info@nieuwkomer.example",
        "Taal": "nl",
        "Actief": "ja",
    }
    for header, value in values.items():
        sheet.cell(row, headers.index(header) + 1).value = value
    book.save(path)
    cli(run_cli, ws, "2027-03-01", "nightly")
    cli(run_cli, ws, "2027-03-02", "nightly")
    new = [m for m in outbox(ws)[before:] if m["To"] == "info@nieuwkomer.example"]
    assert len(new) == 1


def test_status_counts_and_attention(ws: Path, run_cli) -> None:
    """status lists counts per status and the suppliers without an address."""
    cli(run_cli, ws, "2027-01-10", "suppliers", "mail", "--send")
    result = cli(run_cli, ws, "2027-01-10", "suppliers", "status")
    assert "verzonden" in result.output and "geen e-mail" in result.output and "Vraagt aandacht" in result.output


def test_missing_code_attachment_stops_before_sending(ws: Path, run_cli) -> None:
    """Without the code's PDF nothing is sent and the message names the setting."""
    (ws / "templates" / "bijlagen" / "integriteitscode.pdf").unlink()
    result = cli(run_cli, ws, "2027-01-10", "suppliers", "mail", "--send")
    assert result.exit_code != 0
    assert outbox(ws) == []
