"""Shared pieces for the integrity-report tests: a real workspace with staff, real MIME reports, the stores."""

from __future__ import annotations

import email
import mailbox
import re
from datetime import date
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from toolkit.config import load_config
from toolkit.registers.create import create_register
from toolkit.registers.schema import STAFF
from toolkit.workspace import Workspace

REPORTS_PW = "rapport-wachtwoord-1"
IDENTITY_PW = "identiteit-wachtwoord-2"
REPORTER_NAME = "Janneke Zonnebloem"
REPORTER_ADDRESS = "j.zonnebloem@thuis.example"
REPORTER = f"{REPORTER_NAME} <{REPORTER_ADDRESS}>"
DATE = "Thu, 26 Nov 2026 09:00:00 +0100"

STAFF_ROWS = [
    {"Nr": 1, "Personeelsnummer": "100", "Naam": "Petra Leiding", "E-mail": "petra@woonpartners.example",
     "Rol": "leidinggevende", "Leidinggevende": "directeur@woonpartners.example"},
    {"Nr": 2, "Personeelsnummer": "101", "Naam": "Karel Medewerker", "E-mail": "karel@woonpartners.example",
     "Rol": "medewerker", "Leidinggevende": "petra@woonpartners.example"},
    {"Nr": 3, "Personeelsnummer": "102", "Naam": "Rita Commissaris", "E-mail": "rita@woonpartners.example",
     "Rol": "RvC-lid"},
]  # fmt: skip


@pytest.fixture
def reports_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both report passwords in the environment (use with pytest.mark.usefixtures)."""
    monkeypatch.setenv("INTEGRITY_REPORTS_PASSWORD", REPORTS_PW)
    monkeypatch.setenv("INTEGRITY_IDENTITY_PASSWORD", IDENTITY_PW)


def make_workspace(root: Path, run_cli: Any, **reports: Any) -> Path:
    """A fresh workspace (init at 26-11-2026) with three staff members; [reports] keys overridden as given."""
    result = run_cli("--as-of", "2026-11-26", "init", str(root))
    assert result.exit_code == 0, result.output + result.stderr
    create_register(root / "registers" / STAFF.filename, STAFF, [dict(r) for r in STAFF_ROWS])
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8")
    for key, value in reports.items():
        rendered = str(value).lower() if isinstance(value, bool) else str(value)
        text = re.sub(rf"(?m)^{key} = .*$", "", text)
        text = text.replace("[reports]\n", f"[reports]\n{key} = {rendered}\n", 1)
    config.write_text(text, encoding="utf-8")
    return root


def workspace(root: Path, today: date) -> Workspace:
    return Workspace(load_config(root / "config.toml"), today, actor="test")


def report_mail(
    subject: str,
    body: str | None = "Ik wil iets melden.",
    *,
    sender: str = REPORTER,
    message_id: str = "<melding-1@thuis.example>",
    html: str | None = None,
    attachments: tuple[tuple[str, bytes], ...] = (),
    charset: str = "utf-8",
    date_header: str = DATE,
    **headers: str,
) -> bytes:
    """A real MIME message as a reporter's mail client would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "meldpunt@woonpartners.example"
    message["Subject"] = subject
    message["Date"] = date_header
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if body is not None:
        message.set_content(body, charset=charset)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, payload in attachments:
        message.add_attachment(payload, maintype="application", subtype="octet-stream", filename=filename)
    return message.as_bytes()


def deliver(root: Path, raw: bytes, folder: str = "meldingen") -> None:
    mailbox.Maildir(root / "mail" / folder).add(raw)


def waiting(root: Path, folder: str = "meldingen") -> list[Path]:
    return [p for part in ("new", "cur") for p in (root / "mail" / folder / part).glob("*") if p.is_file()]


def outbox(root: Path) -> list[EmailMessage]:
    """Every message the folder backend sent, parsed."""
    return [
        email.message_from_bytes(p.read_bytes(), policy=default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def body_text(message: EmailMessage) -> str:
    parts = [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
    return "\n".join(str(p) for p in parts)


def to_reporter(message: EmailMessage) -> bool:
    return REPORTER_ADDRESS in str(message["To"])
