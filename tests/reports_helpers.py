"""Shared pieces for the integrity-report tests: a real workspace with staff and keys, real MIME reports, stores."""

from __future__ import annotations

import email
import mailbox
import re
import tempfile
from datetime import date
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from toolkit.config import load_config
from toolkit.registers.create import create_register
from toolkit.registers.schema import STAFF
from toolkit.workspace import Workspace

PASSPHRASE = "test-wachtzin-lang-genoeg"
OFFICER = "integriteit@woonpartners.example"
ADVISER = "vertrouwenspersoon@woonpartners.example"
HOLDERS = (OFFICER, ADVISER)
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


_KEY_DIR: Path | None = None
_KEYS: dict[str, tuple[Path, str]] = {}


def key_file(email_address: str) -> Path:
    """A private key file for this person (made once per test session: age's scrypt takes a second)."""
    from toolkit.keys import make_key_pair

    global _KEY_DIR
    if email_address not in _KEYS:
        if _KEY_DIR is None:
            _KEY_DIR = Path(tempfile.mkdtemp(prefix="integrity-test-keys-"))
        path = _KEY_DIR / f"{email_address}.key"
        _KEYS[email_address] = (path, make_key_pair(email_address, path, PASSPHRASE))
    return _KEYS[email_address][0]


def give_keys(root: Path, *people: str) -> dict[str, Path]:
    """Put these people's public keys into the workspace's keys/ folder; returns email -> private key file."""
    from toolkit.keys import write_public_key

    files = {}
    for person in people:
        files[person] = key_file(person)
        write_public_key(root / "keys" / f"{person}.pub", person, _KEYS[person][1])
    return files


def make_workspace(root: Path, run_cli: Any, *, keys: tuple[str, ...] = HOLDERS, **reports: Any) -> Path:
    """A fresh workspace (init at 26-11-2026), three staff members, public keys for `keys`; [reports] overridden."""
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
    give_keys(root, *keys)
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


def sent_to_reporter(root: Path, today: date = date(2026, 11, 26)) -> list[EmailMessage]:
    """The mails sent to reporters, from their sealed copies in the case archive (opened with the officer's key)."""
    from toolkit.keys import load_private_key
    from toolkit.reports.cases import case_archive

    ws = workspace(root, today)
    try:
        key = load_private_key(key_file(OFFICER), PASSPHRASE)
        archive = case_archive(ws)
        return [
            email.message_from_bytes(raw, policy=default)
            for case in archive.cases()
            for raw in archive.sent_copies(case, key)
        ]
    finally:
        ws.close()


def cli(run_cli: Any, root: Path, as_of: str, *args: str) -> Any:
    """`integrity --config ROOT/config.toml --as-of AS_OF ARGS…` in-process."""
    return run_cli("--config", str(root / "config.toml"), "--as-of", as_of, *args)


def staff_types(root: Path, case: str, cells: dict[str, Any]) -> None:
    """What the intake officer types into meldingen.xlsx in Excel (a spreadsheet program, not the toolkit)."""
    import openpyxl

    path = root / "registers" / "meldingen.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Meldingen"]
    headers = {str(c.value).strip(): c.column for c in sheet[1] if c.value is not None}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, headers["Zaaknummer"]).value == case)
    for header, value in cells.items():
        sheet.cell(row, headers[header]).value = value
    book.save(path)
