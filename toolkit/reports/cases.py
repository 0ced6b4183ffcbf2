"""Cases as the toolkit sees them, and the stores they live in (register, identity store, archive).

The passwords are asked for only by the code that needs them: listing, routing and reminders open the register
alone; only intake, `--tell-reporter`, `--reveal` and retention open the identity store.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.config import secret
from toolkit.reports.archive import CaseArchive
from toolkit.reports.crypto import archive_key
from toolkit.reports.schema import CASES, CLOSED, IDENTITY, NEW_SUBJECT
from toolkit.reports.vault import Vault

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud without mistakes
SEQUENCE_KEY = "reports.sequence.{year}"
MESSAGE_KEY = "reports.message.{digest}"
OUR_MESSAGE_KEY = "reports.ours.{digest}"


@dataclass(frozen=True)
class Case:
    """One row of the case register: never who reported, only the pseudonym."""

    number: str
    received: date | None
    channel: str
    pseudonym: str
    reporter_kind: str | None
    concerns: str | None
    concerned: str | None
    subject: str
    handler: str | None
    acknowledged: date | None
    feedback_due: date | None
    feedback_given: date | None
    status: str
    serious: str | None
    measures: str | None
    closed: date | None
    regulator: bool | None

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED or self.closed is not None


def case_from_row(values: dict[str, Any]) -> Case:
    return Case(
        number=values["Zaaknummer"],
        received=values.get("Ontvangen op"),
        channel=values.get("Kanaal") or "",
        pseudonym=values.get("Melder") or "",
        reporter_kind=values.get("Melder is"),
        concerns=values.get("Betreft"),
        concerned=values.get("Betrokkene"),
        subject=values.get("Onderwerp") or NEW_SUBJECT,
        handler=values.get("Behandelaar"),
        acknowledged=values.get("Ontvangst bevestigd op"),
        feedback_due=values.get("Terugkoppeling uiterlijk"),
        feedback_given=values.get("Terugkoppeling gegeven op"),
        status=values.get("Status") or "ontvangen",
        serious=values.get("Ernstige inbreuk"),
        measures=values.get("Maatregelen"),
        closed=values.get("Afgesloten op"),
        regulator=values.get("Melding toezichthouder"),
    )


def reports_dir(ws: Workspace) -> Path:
    return ws.config.state_dir / "meldingen"


def has_register(ws: Workspace) -> bool:
    """False until the first report opened the register: steps then have nothing to do and need no password."""
    return (ws.config.registers_dir / CASES.filename).exists()


def case_vault(ws: Workspace) -> Vault:
    """The case register; needs INTEGRITY_REPORTS_PASSWORD."""
    password = secret("reports") or ""
    return Vault(
        ws.config.registers_dir / CASES.filename,
        CASES,
        password,
        "INTEGRITY_REPORTS_PASSWORD",
        ws.backups_dir,
        ws.config.registers.backups_keep,
    )


def identity_vault(ws: Workspace) -> Vault:
    """The identity store; needs INTEGRITY_IDENTITY_PASSWORD (a different password)."""
    password = secret("identity") or ""
    return Vault(
        ws.config.registers_dir / IDENTITY.filename,
        IDENTITY,
        password,
        "INTEGRITY_IDENTITY_PASSWORD",
        ws.backups_dir,
        ws.config.registers.backups_keep,
    )


def case_archive(ws: Workspace) -> CaseArchive:
    root = reports_dir(ws)
    return CaseArchive(root, archive_key(secret("reports") or "", root / "salt"))


def load_cases(ws: Workspace) -> list[Case]:
    """Every case in the register, oldest first."""
    return sorted((case_from_row(v) for v in case_vault(ws).read().values()), key=lambda c: c.number)


def digest(text: str) -> str:
    """SHA-256 hex of a Message-ID (or any identifier): what unencrypted state may hold instead of the id."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def next_case_number(ws: Workspace, existing: list[str], year: int) -> str:
    """M-YYYY-NNNN, one above both the register and the last number handed out (kept in the state store)."""
    prefix = f"M-{year}-"
    in_register = [int(n[len(prefix) :]) for n in existing if n.startswith(prefix) and n[len(prefix) :].isdigit()]
    handed_out = int(ws.state.get(SEQUENCE_KEY.format(year=year)) or 0)
    number = max([handed_out, *in_register]) + 1
    ws.state.set(SEQUENCE_KEY.format(year=year), str(number))
    return f"{prefix}{number:04d}"


def new_pseudonym(taken: set[str]) -> str:
    """R- and four random characters, unique among the pseudonyms in use."""
    while True:
        candidate = "R-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(4))
        if candidate not in taken:
            return candidate


def handler_address(case: Case) -> str | None:
    """The handler's address from the register's `Behandelaar` cell ('Naam (adres)'), if internal."""
    match = re.search(r"([^\s<>()]+@[^\s<>()]+)\)?$", case.handler or "")
    return match.group(1).lower() if match else None
