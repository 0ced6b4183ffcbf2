"""Cases as the toolkit sees them, and the stores they live in (the case register through the register gateway,
the sealed archive).

Nothing here needs a secret: the register holds no identity and no report text, and the archive is written by
sealing to public keys. Reading the archive needs a private key (`toolkit.keys`), given by the person who asks.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError
from toolkit.reports.archive import CaseArchive
from toolkit.reports.holders import Holders, addresses, holders_for
from toolkit.reports.register import WRITTEN_KEY as REGISTER_WRITTEN
from toolkit.reports.register import case_register as case_register  # the one way to the case register
from toolkit.reports.schema import CASES, CLOSED, NEW_SUBJECT

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud without mistakes
SEQUENCE_KEY = "reports.sequence.{year}"
MESSAGE_KEY = "reports.message.{digest}"
OUR_MESSAGE_KEY = "reports.ours.{digest}"
ARCHIVED_KEY = "reports.archived.{digest}"  # message digest -> 'case:NN' once sealed into the archive
ARCHIVED_ON_KEY = "reports.archived_on.{digest}"  # the day the message was sealed (for the purge of originals)
COUNT_KEY = "reports.messages.{case}"  # how many messages the case's archive holds
HOLDERS_KEY = "reports.holders.{case}"  # what the case's files are sealed to: circles and the public keys used


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
    """False until the first report opened the register (or while it is missing and no case is known)."""
    return (ws.config.registers_dir / CASES.filename).exists() or knows_cases(ws)


def knows_cases(ws: Workspace) -> bool:
    """True once the register was written: it must then exist (a missing one is refused, never made anew)."""
    return bool(ws.state.get(REGISTER_WRITTEN))


def archived_cases(ws: Workspace) -> list[str]:
    """Cases with at least one sealed message: the archive must then exist."""
    return [k.rsplit(".", 1)[1] for k, v in ws.state.items("reports.messages.") if int(v or 0) > 0]


def case_archive(ws: Workspace) -> CaseArchive:
    """The sealed archive; sealing needs only the public keys of the workspace."""
    from toolkit.keys import public_keys

    root = reports_dir(ws)
    if archived_cases(ws) and not root.is_dir():
        raise ConfigError(
            f"het archief van de meldingen ({root}) ontbreekt, maar de toolkit kent al meldingen.",
            hint="zet de map terug uit een back-up; hij wordt niet leeg opnieuw aangemaakt (er is niets gewijzigd).",
        )
    return CaseArchive(root, public_keys(ws))


def wanted_holders(ws: Workspace, case: Case, row: dict[str, Any] | None = None) -> Holders:
    """Who should hold the case now (`holders.holders_for`): the holders of the address it came in through, plus,
    once `Betreft` or `Betrokkene` is recorded, the routing decision's key holders; never whom the decision keeps out."""
    from toolkit.reports.assign import case_entry, decide_case, organisation

    org = organisation(ws)
    if row is None:  # the register's row (the migration passes the one it decrypted)
        row = case_register(ws).read().get(case.number, {})
    decision = decide_case(case, row, org) if (case.concerns or case.concerned) else None
    return holders_for(org, case_entry(row), decision, handlers=addresses(case.handler))


def sealed_holders(ws: Workspace, number: str) -> Holders | None:
    """What the case's files are sealed to now (None for a case sealed before this was recorded)."""
    import json

    raw = ws.state.get(HOLDERS_KEY.format(case=number))
    if not raw:
        return None
    data = json.loads(raw)
    return Holders(tuple(data["identity"]), tuple(data["content"]))


def sealed_keys(ws: Workspace, number: str) -> dict[str, str]:
    import json

    raw = ws.state.get(HOLDERS_KEY.format(case=number))
    return dict(json.loads(raw).get("keys", {})) if raw else {}


def record_holders(ws: Workspace, number: str, holders: Holders, keys: dict[str, str]) -> None:
    import json

    people = set(holders.identity) | set(holders.content)
    used = {p: keys[p] for p in sorted(people) if p in keys}
    data = {"identity": list(holders.identity), "content": list(holders.content), "keys": used}
    ws.state.set(HOLDERS_KEY.format(case=number), json.dumps(data))


def load_cases(ws: Workspace) -> list[Case]:
    """Every case in the register, oldest first."""
    return sorted((case_from_row(v) for v in case_register(ws).read().values()), key=lambda c: c.number)


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
