"""The supplier mails: the code (in the supplier's language where there is one), reminders and escalations.

Mail to a supplier is signed by Inkoop ([mail.signature] purchasing) with the contract owner named in the contact
block (their name from the staff register, else their address); replies still come to the toolkit's mailbox, which
sorts them by reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.mail.message import Attachment, OutgoingMail
from toolkit.registers.schema import SUPPLIERS
from toolkit.suppliers import rules

if TYPE_CHECKING:
    from toolkit.registers.reader import Row
    from toolkit.suppliers.rules import FollowUp
    from toolkit.workspace import Workspace

PURPOSE_CODE = "leverancier_code"
PURPOSE_REMINDER = "leverancier_herinnering"
PURPOSE_ESCALATION = "leverancier_escalatie"
_NAMES: dict[tuple[str, int, int], dict[str, str]] = {}


def code_attachment(ws: Workspace, lang: str = "nl") -> Attachment | None:
    """The code as attachment: [paths] code_attachment, or for "en" code_attachment_en (None when not set)."""
    key = "code_attachment_en" if lang == "en" else "code_attachment"
    relative = getattr(ws.config.paths, key)
    if relative is None:
        return None
    path = ws.config.path(relative)
    if not path.is_file():
        raise InputError(
            f"bijlage {path} (paths.{key}) ontbreekt; er is niets verstuurd.",
            hint=f"zet het bestand terug of pas paths.{key} aan.",
        )
    return Attachment.from_path(path)


def code_attachments(ws: Workspace) -> dict[str, Attachment | None]:
    """Per language the attachment: English suppliers get the English text when configured, else the Dutch one."""
    dutch = code_attachment(ws)
    return {"nl": dutch, "en": code_attachment(ws, "en") or dutch}


def owner_name(ws: Workspace, address: str | None) -> str:
    """The contract owner as a person reads it: 'Name (address)' from the staff register, else the address."""
    if not address:
        return ""
    name = _staff_names(ws).get(address.lower())
    return f"{name} ({address})" if name else address


def _staff_names(ws: Workspace) -> dict[str, str]:
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import STAFF

    path = ws.register_path(STAFF)
    try:
        stat = path.stat()
    except OSError:
        return {}
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _NAMES:
        try:
            table = read_register(path, STAFF, only=("Naam", "E-mail"))
        except InputError:
            return {}
        _NAMES.clear()
        _NAMES[key] = {str(row.get("E-mail")).lower(): str(row.get("Naam")) for row in table.rows if row.get("E-mail")}
    return _NAMES[key]


def _context(ws: Workspace, row: Row, cycle: int) -> dict[str, Any]:
    return {
        "naam": row.get("Naam") or "",
        "contactpersoon": row.get("Contactpersoon") or "",
        "referentie": rules.reference(cycle, row.nr or 0),
        "cyclus": cycle,
        "organisatie": ws.config.organisation.name,
        "afzender": ws.config.mail.signature.purchasing,
        "verzonden_op": row.get("Verzonden op"),
        "contracteigenaar": owner_name(ws, row.get("Contracteigenaar")),
    }


def _language(row: Row) -> str:
    return "en" if row.get("Taal") == "en" else "nl"


def _supplier_mail(ws: Workspace, row: Row, kind: str, context: dict[str, Any], key: str, **extra: Any) -> OutgoingMail:
    return ws.templates.mail(
        kind,
        context,
        _language(row),
        key=key,
        to=(row.get("E-mail"),),
        person=context["contracteigenaar"],
        audit_ref=f"{SUPPLIERS.filename} Nr {row.nr}",
        sender_name=f"{ws.config.organisation.name} {ws.config.mail.signature.purchasing}",
        **extra,
    )


def code_mail(ws: Workspace, row: Row, cycle: int, attachment: Attachment | None) -> OutgoingMail:
    """The code to one supplier; `code_in_dutch` tells an English template that the attachment is the Dutch text."""
    english = attachment is not None and _language(row) == "en" and ws.config.paths.code_attachment_en is not None
    context = {**_context(ws, row, cycle), "code_in_dutch": _language(row) == "en" and not english}
    return _supplier_mail(
        ws,
        row,
        PURPOSE_CODE,
        context,
        f"{PURPOSE_CODE}:{cycle}:{row.nr}",
        attachments=(attachment,) if attachment else (),
    )


def reminder_mail(ws: Workspace, row: Row, cycle: int, action: FollowUp) -> OutgoingMail:
    context = {**_context(ws, row, cycle), "herinnering": action.number}
    return _supplier_mail(ws, row, PURPOSE_REMINDER, context, f"{PURPOSE_REMINDER}:{cycle}:{row.nr}:{action.number}")


def escalation_mail(ws: Workspace, row: Row, cycle: int) -> OutgoingMail:
    owner = row.get("Contracteigenaar") or ws.config.organisation.integrity_officer
    context = {**_context(ws, row, cycle), "herinneringen": int(row.get("Herinneringen") or 0)}
    return ws.templates.mail(
        PURPOSE_ESCALATION,
        context,
        "nl",
        key=f"{PURPOSE_ESCALATION}:{cycle}:{row.nr}",
        to=(owner,),
        audit_ref=f"{SUPPLIERS.filename} Nr {row.nr}",
    )
