"""Intake of integrity reports from mail: handlers for the inbox pipeline, and the nightly step for the reports mailbox.

What a message becomes:
- a bounce or an automatic reply: no case; the message is moved and counted (nothing about it is kept);
- a message carrying a known case number (in the subject, or In-Reply-To/References pointing at one of our mails
  to a reporter): added to that case's sealed message log; whoever handles the case is told *that* there is new
  information, never what it says;
- anything else: a new case `M-YYYY-NNNN` with the received date, channel 'e-mail', a fresh pseudonym and the
  neutral subject 'Nieuwe melding via e-mail' (the mail's own subject is never copied: it may name people; the
  intake officer writes a neutral one in the register). The original and its attachments go into the sealed
  archive, the sender into the identity store, and the reporter gets an acknowledgement (not a no-reply address).

Idempotent: the case is keyed on the SHA-256 of the message's Message-ID, stored (with the case number only)
before anything else is written; a run killed half-way redoes the same case with the same number.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.reports import notify
from toolkit.reports.cases import (
    MESSAGE_KEY,
    OUR_MESSAGE_KEY,
    Case,
    case_archive,
    case_from_row,
    case_vault,
    digest,
    identity_vault,
    new_pseudonym,
    next_case_number,
)
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.schema import CLOSED, ENTRY_COLUMN, NEW_SUBJECT

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace

NEW_CASE = "melding: nieuwe zaak"
ADDED = "melding: aanvulling"
BOUNCE = "melding: onbestelbaar"
AUTO_REPLY = "melding: automatisch antwoord"
WAITING = "melding: wacht"
MAILBOX = "reports"
_MSGID = re.compile(r"<[^<>\s]+>")


def report_handler(run: InboxRun, inbound: Inbound) -> Handled:
    """For the reports mailbox: every message is handled (bounce or automatic reply: no case)."""
    from toolkit.inbox.pipeline import Handled

    skipped = _not_a_report(inbound)
    if skipped:
        return Handled(skipped, confidential=True)
    return _take_in(run, inbound)


def case_reply_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """For the shared inbox, early: a message for a known case joins that case; anything else is not ours.

    This holds whether or not the reports have their own mailbox: a reporter who answers our acknowledgement
    may reach the shared mailbox, and such a message must never wait there for a person to read.
    """
    from toolkit.errors import ConfigError
    from toolkit.inbox.pipeline import Handled

    if not _mentions_a_case(run.ws, inbound) or _not_a_report(inbound):
        return None
    try:
        cases = _cases(run.ws)
    except ConfigError:  # the reports' passwords are not set here: keep the message, unread, for the reports run
        return Handled(WAITING, "wacht op de wachtwoorden van de meldingen", move=False, confidential=True)
    known = _known_case(run.ws, inbound, cases)
    return _add_to_case(run, inbound, cases[known]) if known else None


def shared_inbox_report_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """For the shared inbox, last ([reports] shared_mailbox = true): what no other handler took is a report."""
    if not run.ws.config.reports.shared_mailbox or _not_a_report(inbound):
        return None
    return _take_in(run, inbound)


def _not_a_report(inbound: Inbound) -> str:
    from toolkit.mailsort import detect_bounce, is_auto_reply

    if detect_bounce(inbound.raw, inbound.mail) is not None:
        return BOUNCE
    if is_auto_reply(inbound.mail):
        return AUTO_REPLY
    return ""


def _take_in(run: InboxRun, inbound: Inbound) -> Handled:
    ws = run.ws
    cases = _cases(ws)
    message = _message_digest(inbound)
    opened = ws.state.get(MESSAGE_KEY.format(digest=message))
    if opened:  # this very message opened a case before (perhaps in a run that was killed): finish that case
        return _open_case(run, inbound, opened, cases)
    known = _known_case(ws, inbound, cases)
    if known:
        return _add_to_case(run, inbound, cases[known])
    number = next_case_number(ws, list(cases), _received(inbound, ws.today).year)
    ws.state.set(MESSAGE_KEY.format(digest=message), number)
    return _open_case(run, inbound, number, cases)


def _cases(ws: Workspace) -> dict[str, Case]:
    return {number: case_from_row(values) for number, values in case_vault(ws).read().items()}


def _message_digest(inbound: Inbound) -> str:
    import hashlib

    ident = inbound.mail.message_id.strip() if inbound.mail.message_id else ""
    return digest(ident) if ident else hashlib.sha256(inbound.raw).hexdigest()


def _received(inbound: Inbound, today: date) -> date:
    """The mail's Date, unless missing or implausible (after today, or more than a month before): then today."""
    from datetime import timedelta

    moment = inbound.mail.date
    day = moment.date() if moment is not None and hasattr(moment, "date") and callable(moment.date) else None
    if day is None or day > today or day < today - timedelta(days=31):
        return today
    return day


def _mentions_a_case(ws: Workspace, inbound: Inbound) -> bool:
    """Cheap test before any decryption: a case number in the subject, or a reply to one of our report mails."""
    from toolkit.mailsort import find_case_number

    if find_case_number(inbound.mail.subject or ""):
        return True
    return any(ws.state.get(OUR_MESSAGE_KEY.format(digest=digest(m))) for m in _referenced(inbound.mail))


def _known_case(ws: Workspace, inbound: Inbound, cases: dict[str, Case]) -> str | None:
    """A case number in the subject, or a reply to one of our mails to a reporter; only cases that exist."""
    from toolkit.mailsort import find_case_number

    found = find_case_number(inbound.mail.subject or "")
    if found in cases:
        return found
    for message_id in _referenced(inbound.mail):
        number = ws.state.get(OUR_MESSAGE_KEY.format(digest=digest(message_id)))
        if number in cases:
            return number
    return None


def _referenced(mail: Any) -> list[str]:
    refs = mail.references if isinstance(mail.references, list | tuple) else [mail.references or ""]
    text = " ".join([mail.in_reply_to or "", *refs])
    return _MSGID.findall(text)


def _open_case(run: InboxRun, inbound: Inbound, number: str, cases: dict[str, Case]) -> Handled:
    """Write the case (register, identity, archive) and queue the acknowledgement and the intake notice."""
    from toolkit.inbox.pipeline import Handled

    ws, mail = run.ws, inbound.mail
    received = _received(inbound, ws.today)
    existing = cases.get(number)
    pseudonym = existing.pseudonym if existing else new_pseudonym({c.pseudonym for c in cases.values()})
    lang = _language(mail, ws.config.organisation.language)
    identity = identity_vault(ws)
    identity.write({number: _identity_row(pseudonym, mail, lang, identity.read().get(number))})
    from toolkit.reports.assign import entry_of, first_reader_address

    entry = entry_of(ws, mail)  # a route's own address: the case is for that route's holder only
    if existing is None:
        case_vault(ws).write({number: {**_new_row(pseudonym, received), ENTRY_COLUMN: entry.value}})
    _archive(ws, number, inbound, received)
    case = existing or case_from_row({"Zaaknummer": number, "Ontvangen op": received, "Melder": pseudonym})
    _queue_acknowledgement(run, case, mail.from_address or "", lang)
    reader = first_reader_address(ws, entry)
    run.send(notify.to_staff(ws, notify.INTAKE, f"{notify.INTAKE}:{number}", reader, case))
    return Handled(NEW_CASE, note=number, confidential=True)


def _new_row(pseudonym: str, received: date) -> dict[str, Any]:
    return {
        "Ontvangen op": received,
        "Kanaal": "e-mail",
        "Melder": pseudonym,
        "Onderwerp": NEW_SUBJECT,
        "Status": "ontvangen",
        "Ernstige inbreuk": "onbekend",
    }


def _identity_row(pseudonym: str, mail: Any, lang: str, current: dict[str, Any] | None) -> dict[str, Any]:
    messages = [m for m in ((current or {}).get("Berichten") or "").split() if m]
    if mail.message_id and mail.message_id.strip() not in messages:
        messages.append(mail.message_id.strip())
    return {
        "Melder": pseudonym,
        "Naam": (current or {}).get("Naam") or mail.from_name or "",
        "E-mail": (current or {}).get("E-mail") or mail.from_address or "",
        "Taal": lang,
        "Berichten": " ".join(messages),
    }


def _language(mail: Any, default: str) -> str:
    headers = getattr(mail, "headers", None) or {}
    value = headers.get("Content-Language", "") if hasattr(headers, "get") else ""
    return "en" if str(value).lower().startswith("en") else default


def _archive(ws: Workspace, number: str, inbound: Inbound, received: date) -> int:
    mail = inbound.mail
    text = mail.text or _html_to_text(mail.html or "")
    attachments = [(a.filename, a.payload) for a in mail.attachments]
    max_bytes = ws.config.reports.max_attachment_mb * 1024 * 1024
    entry = case_archive(ws).add_message(
        number, _message_digest(inbound), received.isoformat(), inbound.raw, text, attachments, max_bytes
    )
    return entry.number


def _html_to_text(html: str) -> str:
    import html as html_lib

    without_tags = re.sub(r"(?is)<(script|style).*?</\1>|<[^>]+>", " ", html)
    return " ".join(html_lib.unescape(without_tags).split())


def _queue_acknowledgement(run: InboxRun, case: Case, address: str, lang: str) -> None:
    ws = run.ws
    if notify.is_automated_address(address) or case.acknowledged is not None:
        return
    context = notify.reporter_context(ws, case.number, case.received, None)
    context["terugkoppeling_uiterlijk"] = feedback_due(ws.today)
    key = f"{notify.ACKNOWLEDGEMENT}:{case.number}"
    run.send(notify.to_reporter(ws, notify.ACKNOWLEDGEMENT, key, address, context, lang))
    if not any(getattr(step, "reports_acknowledgements", False) for step in run.after):
        step = _AckRecorder(ws)
        run.after.append(step)


class _AckRecorder:
    """After the mails went out: record `Ontvangst bevestigd op` for each case whose acknowledgement was sent."""

    reports_acknowledgements = True

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def __call__(self) -> None:
        record_acknowledgements(self.ws)


def record_acknowledgements(ws: Workspace) -> int:
    """Fill `Ontvangst bevestigd op` (today) and `Terugkoppeling uiterlijk` for acknowledgements the ledger has sent."""
    mailer = ws.mailer()
    changes = {}
    for case in _cases(ws).values():
        if case.acknowledged is None and mailer.already_sent(f"{notify.ACKNOWLEDGEMENT}:{case.number}"):
            changes[case.number] = {
                "Ontvangst bevestigd op": ws.today,
                "Terugkoppeling uiterlijk": feedback_due(ws.today),
            }
    if changes:
        case_vault(ws).write(changes)
    return len(changes)


def _add_to_case(run: InboxRun, inbound: Inbound, case: Case) -> Handled:
    """New information for a case: archived, the sender's message id kept with the identity, the handler told."""
    from toolkit.inbox.pipeline import Handled

    ws = run.ws
    identity = identity_vault(ws)
    current = identity.read().get(case.number) or {}
    identity.write({case.number: _identity_row(case.pseudonym, inbound.mail, current.get("Taal") or "nl", current)})
    number = _archive(ws, case.number, inbound, _received(inbound, ws.today))
    from toolkit.reports.assign import staff_contact

    address = staff_contact(ws, case)  # never the intake officer once the case is recorded as about them
    if case.status != CLOSED and address:
        key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
        run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ADDED, note=case.number, confidential=True)


def intake_step(ws: Workspace) -> StepResult:
    """Nightly: the reports mailbox (own mailbox setup). Passwords checked first; a locked register waits."""
    from toolkit.errors import WorkbookLocked
    from toolkit.inbox.pipeline import process_mailbox
    from toolkit.nightly import StepResult
    from toolkit.registers.safety import check_writable

    name = "meldingen binnenhalen"
    if ws.config.reports.shared_mailbox:
        return StepResult(name, True, "gedeelde postbus: meldingen worden bij de gewone post verwerkt")
    backend = ws.config.mail.backend
    server = getattr(ws.config.mail, backend) if backend in ("exchange", "graph") else None
    if server is not None and server.reports_mailbox is None:
        return StepResult(name, True, f"geen meldingenpostbus ingesteld ([mail.{backend}] reports_mailbox)")
    if not ws.backend.list_new(MAILBOX):
        return StepResult(name, True, "geen nieuwe berichten")
    registers = case_vault(ws), identity_vault(ws)
    for vault in registers:
        vault.check()  # a wrong or missing password stops here: nothing written, every message stays
    try:
        for vault in registers:
            if vault.path.exists():
                check_writable(vault.path)
    except WorkbookLocked as exc:
        return StepResult(name, True, f"wacht: {exc.message}")
    report = process_mailbox(ws, MAILBOX, [report_handler], show_subjects=False)
    record_acknowledgements(ws)  # also catches an acknowledgement sent in a run that was killed before recording it
    counts = ", ".join(f"{sort}: {n}" for sort, n in sorted(report.counts.items()))
    return StepResult(name, report.ok, counts or "niets")
