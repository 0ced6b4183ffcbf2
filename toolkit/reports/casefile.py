"""What one inbound message leaves in its case: sealed into the case archive (text, attachments, the original and
who sent it, for the identity holders only), and the first register row of a new case. Needs no secret: sealing is
to the public keys of the holders the case has (or, at first, the holders of the address it came in through).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.reports.cases import (
    ARCHIVED_KEY,
    ARCHIVED_ON_KEY,
    COUNT_KEY,
    case_archive,
    case_register,
    record_holders,
    sealed_holders,
)
from toolkit.reports.holders import Holders
from toolkit.reports.schema import NEW_SUBJECT

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Inbound
    from toolkit.reports.archive import CaseArchive
    from toolkit.reports.routing import Entry, Organisation
    from toolkit.workspace import Workspace


def holders_of_case(
    ws: Workspace,
    number: str,
    entry: Entry | None = None,
    *,
    keys: Mapping[str, str] | None = None,
    org: Organisation | None = None,
) -> Holders:
    """What this case is sealed to: as recorded, or at first the holders of the address it came in through
    (`keys`, `org`: the public keys and the organisation as the run read them once; None reads them now)."""
    from toolkit.keys import public_keys
    from toolkit.reports.assign import case_entry, organisation
    from toolkit.reports.holders import holders_at_entry

    current = sealed_holders(ws, number)
    if current is not None:
        return current
    if entry is None:
        entry = case_entry(case_register(ws).read().get(number, {}))
    holders = holders_at_entry(org or organisation(ws), entry)
    record_holders(ws, number, holders, dict(keys) if keys is not None else public_keys(ws))
    return holders


def new_row(pseudonym: str, received: date) -> dict[str, Any]:
    return {
        "Ontvangen op": received,
        "Kanaal": "e-mail",
        "Melder": pseudonym,
        "Onderwerp": NEW_SUBJECT,
        "Status": "ontvangen",
        "Ernstige inbreuk": "onbekend",
    }


def identity_of(pseudonym: str, mail: Any, lang: str) -> dict[str, Any]:
    """Who sent this message: sealed to the identity holders only, never in the register."""
    return {
        "Melder": pseudonym,
        "Naam": mail.from_name or "",
        "E-mail": mail.from_address or "",
        "Taal": lang,
        "Berichten": (mail.message_id or "").strip(),
    }


def language_of(mail: Any, default: str) -> str:
    headers = getattr(mail, "headers", None) or {}
    value = headers.get("Content-Language", "") if hasattr(headers, "get") else ""
    return "en" if str(value).lower().startswith("en") else default


def seal_message(
    ws: Workspace,
    number: str,
    inbound: Inbound,
    received: date,
    holders: Holders,
    identity: dict[str, Any],
    *,
    archive: CaseArchive | None = None,
) -> int:
    """Seal the message into the case archive once (the message digest in the state says where it went);
    `archive`: the run's (its public keys read once per run), None opens it now."""
    mail = inbound.mail
    message = message_digest(inbound)
    done = ws.state.get(ARCHIVED_KEY.format(digest=message))
    if done and done.startswith(f"{number}:"):
        return int(done.rsplit(":", 1)[1])
    count = int(ws.state.get(COUNT_KEY.format(case=number)) or 0) + 1
    text = mail.text or _html_to_text(mail.html or "")
    attachments: list[tuple[str | None, bytes]] = [(a.filename, a.payload) for a in mail.attachments]
    max_bytes = ws.config.reports.max_attachment_mb * 1024 * 1024
    (archive or case_archive(ws)).add_message(
        number, count, holders, received.isoformat(), inbound.raw, text, attachments, max_bytes, identity
    )
    ws.state.set(COUNT_KEY.format(case=number), str(count))
    ws.state.set(ARCHIVED_KEY.format(digest=message), f"{number}:{count}")
    ws.state.set(ARCHIVED_ON_KEY.format(digest=message), ws.today.isoformat())
    return count


def _html_to_text(html: str) -> str:
    import html as html_lib

    without_tags = re.sub(r"(?is)<(script|style).*?</\1>|<[^>]+>", " ", html)
    return " ".join(html_lib.unescape(without_tags).split())


def message_digest(inbound: Inbound) -> str:
    """Message-ID with content: two different messages with one Message-ID are two cases, a re-delivery is one."""
    from toolkit.inbox.pipeline import content_digest

    return content_digest(inbound.raw, inbound.mail)


def received_on(inbound: Inbound, today: date) -> date:
    """The mail's Date, unless missing or implausible (after today, or more than a month before): then today."""
    from datetime import timedelta

    moment = inbound.mail.date
    day = moment.date() if moment is not None and hasattr(moment, "date") and callable(moment.date) else None
    if day is None or day > today or day < today - timedelta(days=31):
        return today
    return day


def check_keys(ws: Workspace) -> None:
    """Every reports address must have someone with a public key: else nothing is taken in (messages stay)."""
    from toolkit.errors import ConfigError
    from toolkit.keys import public_keys
    from toolkit.reports.assign import organisation
    from toolkit.reports.holders import holders_at_entry
    from toolkit.reports.routing import Entry

    keys = public_keys(ws)
    holders = holders_at_entry(organisation(ws), Entry.GENERAL)
    if not any(h in keys for h in holders.identity):
        raise ConfigError(
            f"geen publieke sleutel voor {', '.join(holders.identity)}: meldingen kunnen niet versleuteld worden "
            "bewaard; er is niets binnengehaald.",
            hint="maak sleutels met 'integrity keys new ADRES --out BESTAND' (zie [reports] intake_officer en "
            "confidential_adviser).",
        )
