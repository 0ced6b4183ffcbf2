"""Every mail about a report, built in one place so that what each recipient may see is decided in one place.

To anyone but the reporter (handler, intake officer, director, RvC chair) the context holds only: the case number,
the register's non-identifying subject, dates and deadlines, and the role of the handler. Never the reporter's
name, address or pseudonym-to-person link, never the report's text. To the reporter: the case number, dates, and
the organisation's fixed information (confidential adviser, Meldpunt).

Keys (the exactly-once ledger, stored unencrypted) carry the kind, the case number and, for staff, their address.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.mail.message import OutgoingMail, domain_of
from toolkit.reports.cases import OUR_MESSAGE_KEY, Case, digest

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

ACKNOWLEDGEMENT = "melding_ontvangst"
INTAKE = "melding_intake"
HANDLER = "melding_behandelaar"
INFORM = "melding_informeren"
MELDPUNT = "melding_meldpunt"
REMINDER = "melding_herinnering"
ESCALATION = "melding_escalatie"
NEW_INFORMATION = "melding_aanvulling"
PROGRESS = "melding_voortgang"
PROGRESS_REMINDER = "melding_voortgangsherinnering"
FEEDBACK = "melding_terugkoppeling"
CLOSED = "melding_afgesloten"
REPORTER_TEMPLATES = (ACKNOWLEDGEMENT, MELDPUNT, PROGRESS, FEEDBACK, CLOSED)


def staff_context(case: Case, **extra: Any) -> dict[str, Any]:
    """What a handler, director or chair may read: case number, subject, dates. Nothing else."""
    return {
        "zaaknummer": case.number,
        "onderwerp": case.subject,
        "ontvangen_op": case.received,
        "terugkoppeling_uiterlijk": case.feedback_due,
        "status": case.status,
        **extra,
    }


def reporter_context(
    ws: Workspace, case_number: str, received: date | None, feedback_due: date | None
) -> dict[str, Any]:
    """What the reporter reads: their case number, dates and where else they can go."""
    org = ws.config.organisation
    reports = ws.config.reports
    return {
        "zaaknummer": case_number,
        "ontvangen_op": received,
        "terugkoppeling_uiterlijk": feedback_due,
        "organisatie": org.name,
        "vertrouwenspersoon": org.confidential_adviser,
        "meldpunt": reports.meldpunt.name,
        "afzender": ws.config.mail.sender,
        "kanalen": [_contact(reports.meldpunt), _contact(reports.klokkenluiders)],
        "geschillencommissie": _contact(reports.geschillencommissie),
        "adressen": route_addresses(ws),
    }


def _contact(contact: Any) -> dict[str, str]:
    return {"naam": contact.name, "wat": contact.what, "hoe": contact.how}


ROUTE_NAMES = {
    "vertrouwenspersoon": "de vertrouwenspersoon",
    "directeur": "de directeur-bestuurder",
    "rvc": "de voorzitter van de Raad van Commissarissen",
    "klachten": "de klachtencoördinator",
}


def route_addresses(ws: Workspace) -> list[dict[str, str]]:
    """The routes' own reports addresses ([reports.addresses]), for reporters who want to bypass the first reader."""
    addresses = ws.config.reports.addresses
    return [
        {"route": name, "adres": getattr(addresses, key)}
        for key, name in ROUTE_NAMES.items()
        if getattr(addresses, key)
    ]


def to_staff(ws: Workspace, kind: str, key: str, address: str, case: Case, **extra: Any) -> OutgoingMail:
    """A mail to someone in the organisation about a case, from `staff_context` only."""
    rendered = ws.templates.render(kind, staff_context(case, **extra), ws.config.organisation.language)
    return OutgoingMail(key, kind, (address,), rendered.subject, rendered.text, rendered.html, audit_ref=case.number)


def to_reporter(
    ws: Workspace, kind: str, key: str, address: str, context: dict[str, Any], lang: str, *, remember: bool = True
) -> OutgoingMail:
    """A mail to the reporter; its Message-ID is remembered (as a digest) so a reply finds its case. A preview
    passes `remember=False` (it writes nothing) and `remember_ours` is called once the mail is really sent."""
    rendered = ws.templates.render(kind, context, lang)
    mail = OutgoingMail(
        key, kind, (address,), rendered.subject, rendered.text, rendered.html, audit_ref=context["zaaknummer"]
    )
    if remember:
        remember_ours(ws, mail)
    return mail


def remember_ours(ws: Workspace, mail: OutgoingMail) -> None:
    """Remember a mail to a reporter by the digest of its Message-ID, so a reply to it finds its case."""
    ws.state.set(
        OUR_MESSAGE_KEY.format(digest=digest(mail.message_id(domain_of(ws.config.mail.sender)))), mail.audit_ref
    )


AUTOMATED_LOCAL_PARTS = (
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "mailer-daemon",
    "postmaster",
    "bounce",
)


def is_automated_address(address: str) -> bool:
    """No-reply and system addresses: an acknowledgement there would reach nobody."""
    local = address.strip().lower().split("@", 1)[0]
    return not address or any(local.startswith(part) for part in AUTOMATED_LOCAL_PARTS)
