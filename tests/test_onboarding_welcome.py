"""The welcome at the boundaries through the CLI (--as-of): business address from the first day, private ahead; texts per role."""

from __future__ import annotations

import email
import mailbox
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import STAFF

INIT_DAY = date(2026, 11, 26)
START = date(2027, 1, 4)
BUSINESS = "sanne.vos@woonpartners.example"
PRIVATE = "sanne@thuis.example"


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    """A workspace made by `integrity init` (no demo data)."""
    folder = tmp_path / "ws"
    assert run_cli("--as-of", INIT_DAY.isoformat(), "init", str(folder)).exit_code == 0
    return folder


def staff(root: Path, **changes: Any) -> Path:
    """A staff register with one person starting on START."""
    row = {
        "Nr": 1,
        "Personeelsnummer": "P0100",
        "Naam": "Sanne Vos",
        "E-mail": BUSINESS,
        "Rol": "medewerker",
        "In dienst per": START,
    }
    row.update(changes)
    path = root / "registers" / STAFF.filename
    path.unlink()
    create_register(path, STAFF, [row])
    return path


def welcomes(root: Path) -> list[EmailMessage]:
    found = [
        email.message_from_bytes(p.read_bytes(), policy=default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]
    return [m for m in found if str(m["Subject"]).startswith("Welkom")]  # type: ignore[misc]


def send_on(run_cli, root: Path, day: date) -> None:
    result = run_cli("--config", str(root / "config.toml"), "--as-of", day.isoformat(), "onboarding", "send", "--send")
    assert result.exit_code == 0, result.stderr


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_business_address_only_on_the_first_working_day(root: Path, run_cli) -> None:
    """Without a private address: nothing 14 days ahead or the day before the start; on the start day to work."""
    staff(root)
    for day in (START - timedelta(days=14), START - timedelta(days=1)):
        send_on(run_cli, root, day)
        assert welcomes(root) == []
    send_on(run_cli, root, START)
    [welcome] = welcomes(root)
    assert str(welcome["To"]) == BUSINESS
    assert "eerste werkdag" not in body(welcome)  # it is the first working day: nothing to announce


def test_private_address_from_14_days_ahead_not_15(root: Path, run_cli) -> None:
    """With 'Privé e-mail': 15 days ahead nothing, 14 days ahead to the private address, once (not again on the start day)."""
    staff(root, **{"Privé e-mail": PRIVATE})
    send_on(run_cli, root, START - timedelta(days=15))
    assert welcomes(root) == []
    send_on(run_cli, root, START - timedelta(days=14))
    send_on(run_cli, root, START)
    [welcome] = welcomes(root)
    assert str(welcome["To"]) == PRIVATE
    text = body(welcome)
    assert "Je eerste werkdag is 4 januari 2027" in text and "privéadres" in text


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("medewerker", ["manager Mens & Organisatie", "Wil je de code lezen"], ["Uw ", " u "]),
        ("directeur-bestuurder", ["directeur-bestuurder van Woonpartners", "Raad van Commissarissen"], ["Uw ", " u "]),
        (
            "RvC-lid",
            ["lid van de Raad van Commissarissen", "voorzitter"],
            ["eerste werkdag", "Mens & Organisatie", "Uw "],
        ),
    ],
)
def test_each_role_gets_its_own_text_in_the_je_form_signed_by_the_sender(
    root: Path, run_cli, role: str, present: list[str], absent: list[str]
) -> None:
    """Each role its text in the *je* form; staff welcomed by HR (name, signature, contact block), others by the mailbox."""
    staff(root, Rol=role, **{"Privé e-mail": PRIVATE})
    send_on(run_cli, root, START - timedelta(days=3))
    [welcome] = welcomes(root)
    text = body(welcome).replace("\r\n", "\n")
    assert all(words in text for words in present), text
    assert not any(words in text for words in absent), text
    signature = text.split("\n-- \n")[0].rstrip().splitlines()[-1]
    if role == "medewerker":
        assert signature == "Mens & Organisatie" and str(welcome["From"]).startswith("Mens & Organisatie Woonpartners")
        assert "<integriteit@woonpartners.example>" in str(welcome["From"]), "the mailbox that reads confirmations"
        assert "Woonpartners | Mens & Organisatie\nE-mail: hr@woonpartners.example" in text
    else:
        assert signature == "Woonpartners Integriteit" and str(welcome["From"]).startswith("Woonpartners Integriteit")
        assert "Mens & Organisatie" not in text


def test_a_confirmation_from_the_private_address_counts(root: Path, run_cli) -> None:
    """'akkoord' from the private address the welcome went to fills in 'Ontvangst bevestigd op'."""
    path = staff(root, **{"Privé e-mail": PRIVATE})
    send_on(run_cli, root, START - timedelta(days=10))
    reply = EmailMessage()
    reply["From"] = f"Sanne Vos <{PRIVATE}>"
    reply["To"] = "integriteit@woonpartners.example"
    reply["Subject"] = "Re: Welkom bij Woonpartners: onze integriteitscode"
    reply["Date"] = email.utils.format_datetime(datetime(2026, 12, 26, 10, 0, tzinfo=UTC))
    reply["Message-ID"] = "<akkoord-sanne@thuis.example>"
    reply.set_content("Akkoord, ontvangen en gelezen.\n\nGroet,\nSanne")
    mailbox.Maildir(root / "mail" / "inbox").add(reply.as_bytes())
    run_cli("--config", str(root / "config.toml"), "--as-of", (START - timedelta(days=8)).isoformat(), "nightly")
    [row] = read_register(path, STAFF).rows
    assert row.get("Ontvangst bevestigd op") == date(2026, 12, 26)


def test_the_samples_of_every_welcome_render_in_check(root: Path, run_cli) -> None:
    """`integrity check` renders welkom, welkom_directeur and welkom_rvc in nl and en from templates/voorbeelden."""
    for kind in ("welkom", "welkom_directeur", "welkom_rvc"):
        for lang in ("nl", "en"):
            assert (root / "templates" / lang / f"{kind}.txt").is_file()
        result = run_cli("--config", str(root / "config.toml"), "mail", "preview", kind, "--lang", "en")
        assert result.exit_code == 0 and "Subject" not in result.stderr, result.output + result.stderr
    check = run_cli("--config", str(root / "config.toml"), "check")
    assert "Sjablonen" in check.output and "welkom" not in check.output.split("Sjablonen")[1].split("\n")[0]


def test_a_staff_register_without_the_private_column_still_reads_and_sends(root: Path, run_cli) -> None:
    """'Privé e-mail' is optional: a workbook made before it existed is read and the welcome goes on the start day."""
    from dataclasses import replace

    older = replace(STAFF, columns=tuple(c for c in STAFF.columns if c.header != "Privé e-mail"))
    path = root / "registers" / STAFF.filename
    path.unlink()
    create_register(
        path,
        older,
        [
            {
                "Nr": 1,
                "Personeelsnummer": "P0100",
                "Naam": "Sanne Vos",
                "E-mail": BUSINESS,
                "Rol": "medewerker",
                "In dienst per": START,
            }
        ],
    )
    assert read_register(path, STAFF).rows[0].get("Privé e-mail") is None
    send_on(run_cli, root, START)
    assert [str(m["To"]) for m in welcomes(root)] == [BUSINESS]


def test_the_nightly_job_sends_the_welcome_on_the_first_working_day(root: Path, run_cli) -> None:
    """cron running only `nightly`: nothing the day before the start, the welcome on the start day, not again after."""
    staff(root)
    config = str(root / "config.toml")
    for day in (START - timedelta(days=1), START, START + timedelta(days=1)):
        result = run_cli("--config", config, "--as-of", day.isoformat(), "nightly")
        assert "nieuwe medewerkers: welkomstmail" in result.output
        assert len(welcomes(root)) == (0 if day < START else 1)
    assert str(welcomes(root)[0]["To"]) == BUSINESS
