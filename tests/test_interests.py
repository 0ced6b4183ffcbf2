"""belangen.xlsx: a declaration to the manager and HR the same night (once, one digest each), B1/B2 at their
boundaries, governance for the director and the RvC, and exactly once after a kill between send and record."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from toolkit.config import load_config
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import INTERESTS, STAFF
from toolkit.workspace import Workspace

TODAY = date(2027, 3, 1)
HR = "hr@woonpartners.example"
CHAIR = "voorzitter.rvc@woonpartners.example"
VICE = "vice.rvc@woonpartners.example"
MANAGER = "manager@woonpartners.example"


def staff_row(n: int, name: str, email_address: str, role: str = "medewerker", manager: str | None = MANAGER) -> dict:
    return {
        "Nr": n, "Personeelsnummer": f"P{n:04d}", "Naam": name, "E-mail": email_address, "Rol": role,
        "Leidinggevende": manager, "In dienst per": date(2020, 1, 1),
    }  # fmt: skip


STAFF_ROWS = [
    staff_row(1, "Anna Pieters", "anna@woonpartners.example"),
    staff_row(2, "Bram de Vries", "bram@woonpartners.example"),
    staff_row(3, "Mia Manager", MANAGER, "leidinggevende", "directeur@woonpartners.example"),
    staff_row(4, "Dirk Directeur", "directeur@woonpartners.example", "directeur-bestuurder", None),
    staff_row(5, "Carla Voorzitter", CHAIR, "RvC-lid", None),
    staff_row(6, "Rob Commissaris", "rob.rvc@woonpartners.example", "RvC-lid", None),
    staff_row(7, "Vera Vice", VICE, "RvC-lid", None),
]


def declaration(n: int | None, who: str, declared: date, **changes: Any) -> dict[str, Any]:
    row = {"Medewerker": who, "Soort": "belang", "Omschrijving": f"Broer bij aannemer {n}",
           "Relatie of leverancier": f"Aannemer {n}", "Gemeld op": declared}  # fmt: skip
    if n is not None:
        row["Nr"] = n
    row.update(changes)
    return row


def workspace(tmp_path: Path, run_cli, rows: list[dict[str, Any]]) -> Path:
    root = tmp_path / "ws"
    assert run_cli("--as-of", TODAY.isoformat(), "init", str(root)).exit_code == 0
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8").replace(
        '# rvc_vice_chair = "vicevoorzitter.rvc@woonpartners.example"', f'rvc_vice_chair = "{VICE}"'
    )
    config.write_text(text, encoding="utf-8")
    create_register(root / "registers" / STAFF.filename, STAFF, STAFF_ROWS)
    create_register(root / "registers" / INTERESTS.filename, INTERESTS, rows)
    return root


def outbox(root: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def body(message: email.message.EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def per_recipient(root: Path) -> Counter[str]:
    """Notices of a declaration per recipient (other mail, such as HR's monthly digest, left out)."""
    return Counter(str(m["To"]) for m in outbox(root) if str(m["Subject"]).startswith("Melding belang"))


def register_rows(root: Path) -> dict[int, Any]:
    return {row.nr: row for row in read_register(root / "registers" / INTERESTS.filename, INTERESTS).rows}


def cli(run_cli, root: Path, day: date, *args: str) -> Any:
    return run_cli("--config", str(root / "config.toml"), "--as-of", day.isoformat(), *args)


def test_a_declaration_reaches_manager_and_hr_the_same_night_exactly_once(tmp_path: Path, run_cli) -> None:
    """Nightly on the day of a new row: one mail to the manager, one to HR, both dates recorded; next night nothing."""
    root = workspace(tmp_path, run_cli, [declaration(None, "Anna Pieters", TODAY)])
    result = cli(run_cli, root, TODAY, "nightly")
    assert "belangen beoordelen" in result.output, result.output
    assert per_recipient(root) == Counter({MANAGER: 1, HR: 1})
    notices = [m for m in outbox(root) if str(m["Subject"]).startswith("Melding belang")]
    assert all("Broer bij aannemer" in body(m) and "Anna Pieters" in body(m) for m in notices)
    row = register_rows(root)[1]
    assert row.get("Leidinggevende ingelicht op") == TODAY and row.get("HR ingelicht op") == TODAY
    cli(run_cli, root, TODAY + timedelta(days=1), "nightly")
    assert per_recipient(root) == Counter({MANAGER: 1, HR: 1})


def test_two_declarations_make_one_digest_per_recipient(tmp_path: Path, run_cli) -> None:
    """Two staff of one manager declare on one day: the manager gets one mail naming both, HR one mail too."""
    rows = [declaration(1, "Anna Pieters", TODAY), declaration(2, "Bram de Vries", TODAY)]
    root = workspace(tmp_path, run_cli, rows)
    assert cli(run_cli, root, TODAY, "interests", "check", "--write").exit_code == 0
    assert per_recipient(root) == Counter({MANAGER: 1, HR: 1})
    for message in outbox(root):
        assert str(message["Subject"]).endswith("(en 1 meer)")
        assert "Anna Pieters" in body(message) and "Bram de Vries" in body(message)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("Dirk Directeur", CHAIR),  # the director's manager is the RvC chair
        ("Rob Commissaris", CHAIR),  # an RvC member's is the chair
        ("Carla Voorzitter", VICE),  # the chair's is the vice-chair
    ],
)
def test_the_top_of_the_organisation_is_told_to_its_supervisor(
    tmp_path: Path, run_cli, who: str, expected: str
) -> None:
    """A declaration of the director or an RvC member goes to the RvC chair (the chair's to the vice-chair), and HR."""
    root = workspace(tmp_path, run_cli, [declaration(1, who, TODAY)])
    assert cli(run_cli, root, TODAY, "interests", "check", "--write").exit_code == 0
    assert per_recipient(root) == Counter({expected: 1, HR: 1})


def verdict(run_cli, root: Path, day: date) -> str:
    result = cli(run_cli, root, day, "interests", "check", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    found = data["findings"] + data["unjudgeable"]
    return found[0]["verdict"]["text"] if found else "OK"


def test_a_missing_decision_is_a_finding_from_the_day_after_the_term(tmp_path: Path, run_cli) -> None:
    """decision_days 14: declared 1 Mar, no decision: 15 Mar is still OK, 16 Mar is B1."""
    root = workspace(tmp_path, run_cli, [declaration(1, "Anna Pieters", TODAY)])
    assert verdict(run_cli, root, TODAY + timedelta(days=14)) == "OK"
    assert verdict(run_cli, root, TODAY + timedelta(days=15)).startswith("B1: gemeld op 01-03-2027")


def test_a_decision_clears_b1_and_a_passed_review_date_is_b2(tmp_path: Path, run_cli) -> None:
    """Decided with review on 1 Jun: 1 Jun OK, 2 Jun B2; an unreadable review date is niet te beoordelen."""
    review = date(2027, 6, 1)
    decided = {"Besluit": "toegestaan met maatregelen", "Besluitdatum": TODAY, "Herbeoordelen op": review}
    root = workspace(tmp_path, run_cli, [declaration(1, "Anna Pieters", TODAY, **decided)])
    assert verdict(run_cli, root, review) == "OK"
    assert verdict(run_cli, root, review + timedelta(days=1)).startswith("B2: herbeoordelen op 01-06-2027")
    create_register(
        root / "registers" / INTERESTS.filename,
        INTERESTS,
        [declaration(1, "Anna Pieters", TODAY, **{**decided, "Herbeoordelen op": "na de zomer"})],
    )
    assert verdict(run_cli, root, TODAY).startswith("Niet te beoordelen: 'Herbeoordelen op' is onleesbaar")


def test_check_without_write_changes_no_byte(tmp_path: Path, run_cli) -> None:
    """`interests check` (preview) on an unnumbered new row: shows two mails, writes and sends nothing."""
    root = workspace(tmp_path, run_cli, [declaration(None, "Anna Pieters", TODAY)])
    files = [root / "registers" / INTERESTS.filename, root / ".integrity" / "state.sqlite"]
    before = [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in files]
    result = cli(run_cli, root, TODAY, "interests", "check")
    assert result.exit_code == 0 and "Voorbeeld" in result.output, result.output
    after = [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in files]
    assert after == before and outbox(root) == []


def test_a_kill_between_sending_and_recording_does_not_send_twice(tmp_path: Path, run_cli) -> None:
    """The manager's mail went out but the process died before the ledger said 'sent': the rerun sends only HR's."""
    from toolkit.interests.service import judge_interests
    from toolkit.mail.message import build_message

    root = workspace(tmp_path, run_cli, [declaration(1, "Anna Pieters", TODAY)])
    ws = Workspace(load_config(root / "config.toml"), TODAY)
    try:
        _, _, plan, _ = judge_interests(ws)
        mail = next(m for m in plan.outgoing() if m.to == (MANAGER,))
        message_id = mail.message_id("woonpartners.example")
        ws.mailer().state.mark_sending(mail.key, message_id, mail.purpose, mail.items)
        ws.backend.send(build_message(mail, ws.config.mail.sender, "Integriteit").as_bytes(), message_id, [MANAGER])
    finally:
        ws.close()  # the process died here: nothing recorded in the register
    assert register_rows(root)[1].get("Leidinggevende ingelicht op") is None
    assert cli(run_cli, root, TODAY, "interests", "check", "--write").exit_code == 0
    assert per_recipient(root) == Counter({MANAGER: 1, HR: 1})
    row = register_rows(root)[1]
    assert row.get("Leidinggevende ingelicht op") == TODAY and row.get("HR ingelicht op") == TODAY


def test_a_finding_is_mailed_once_to_manager_and_hr_and_a_new_review_date_is_a_new_finding(
    tmp_path: Path, run_cli
) -> None:
    """B1 on day 15 -> one 'Actie nodig' to the manager and HR; day 16 nothing; after a decision, B2 mails again."""
    root = workspace(tmp_path, run_cli, [declaration(1, "Anna Pieters", TODAY)])

    def actions() -> Counter[str]:
        return Counter(str(m["To"]) for m in outbox(root) if str(m["Subject"]).startswith("Actie nodig"))

    cli(run_cli, root, TODAY + timedelta(days=14), "interests", "check", "--write")
    assert actions() == Counter()
    cli(run_cli, root, TODAY + timedelta(days=15), "interests", "check", "--write")
    assert actions() == Counter({MANAGER: 1, HR: 1})
    cli(run_cli, root, TODAY + timedelta(days=16), "interests", "check", "--write")
    assert actions() == Counter({MANAGER: 1, HR: 1})
    review = TODAY + timedelta(days=30)
    decided = {
        "Nr": 1,
        "Besluit": "geen bezwaar",
        "Besluitdatum": TODAY + timedelta(days=16),
        "Herbeoordelen op": review,
    }
    create_register(
        root / "registers" / INTERESTS.filename, INTERESTS, [declaration(1, "Anna Pieters", TODAY, **decided)]
    )
    cli(run_cli, root, review, "interests", "check", "--write")
    assert actions() == Counter({MANAGER: 1, HR: 1})
    cli(run_cli, root, review + timedelta(days=1), "interests", "check", "--write")
    assert actions() == Counter({MANAGER: 2, HR: 2})


def test_an_open_register_still_tells_the_manager_once_and_records_the_dates_later(tmp_path: Path, run_cli) -> None:
    """belangen.xlsx open in Excel: the notices go, no byte of the file changes; once closed, the dates land, no resend."""
    root = workspace(tmp_path, run_cli, [declaration(1, "Anna Pieters", TODAY)])
    path = root / "registers" / INTERESTS.filename
    owner = path.with_name("~$" + path.name)
    owner.write_bytes(b"excel")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    locked = cli(run_cli, root, TODAY, "interests", "check", "--write")
    assert locked.exit_code == 0 and "wacht" in locked.output.lower(), locked.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert per_recipient(root) == Counter({MANAGER: 1, HR: 1})
    owner.unlink()
    cli(run_cli, root, TODAY + timedelta(days=1), "nightly")
    assert per_recipient(root) == Counter({MANAGER: 1, HR: 1})
    row = register_rows(root)[1]
    assert row.get("Leidinggevende ingelicht op") == TODAY and row.get("HR ingelicht op") == TODAY


def test_an_unreadable_required_cell_is_named_once() -> None:
    """'Gemeld op' typed as 'morgen' is unreadable, and so also empty to the rules: the verdict names it once."""
    from toolkit.interests.rules import Declaration, judge

    item = Declaration(
        nr=None, employee="Piet", kind="belang", what="Zwager bij aannemer", relation="", relative="",
        declared_on=None, decision="", decided_on=None, measures="", review_on=None,
    )  # fmt: skip
    verdict = judge(item, date(2026, 11, 29), 14, ("'Gemeld op' is onleesbaar",))
    assert verdict.unjudgeable and verdict.text.count("Gemeld op") == 1, verdict.text
