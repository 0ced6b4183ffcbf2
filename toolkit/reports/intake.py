"""Intake of integrity reports from mail: handlers for the inbox pipeline, and the nightly step for the reports mailbox.

What a message becomes:
- a bounce or an automatic reply: no case; the message is moved and counted (nothing about it is kept);
- a message carrying a known case number (in the subject, or In-Reply-To/References pointing at one of our mails
  to a reporter): added to that case's sealed message log; whoever handles the case is told *that* there is new
  information, never what it says;
- anything else: a new case `M-YYYY-NNNN` with the received date, channel 'e-mail', a fresh pseudonym and the
  neutral subject 'Nieuwe melding via e-mail' (the mail's own subject is never copied: it may name people; the
  intake officer writes a neutral one in the register). The original, the sender and the attachments are sealed
  into the case archive to the PUBLIC keys of the holders of the address the report came in through (see
  `holders.py`), so intake needs no secret; the reporter gets an acknowledgement (not a no-reply address), sent
  without a copy in Sent Items, its copy sealed like the identity.

Idempotent: the case is keyed on the SHA-256 of the message's Message-ID, stored (with the case number only)
before anything else is written; a run killed half-way redoes the same case with the same number.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.reports import notify
from toolkit.reports.cases import (
    ARCHIVED_KEY,
    ARCHIVED_ON_KEY,
    COUNT_KEY,
    MESSAGE_KEY,
    OUR_MESSAGE_KEY,
    ROUTE_KEY,
    Case,
    case_archive,
    case_from_row,
    case_vault,
    digest,
    handler_address,
    new_pseudonym,
    next_case_number,
    record_holders,
    sealed_holders,
)
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.holders import Holders, addresses, holders_for
from toolkit.reports.schema import CLOSED, NEW_SUBJECT

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.mail.message import OutgoingMail
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
    except ConfigError:  # the case register is missing or unreadable: keep the message, unread, for the reports run
        return Handled(WAITING, "wacht op het meldingenregister", move=False, confidential=True)
    known = _known_case(run.ws, inbound, cases)
    if known:
        return _add_to_case(run, inbound, cases[known])
    if run.ws.config.reports.shared_mailbox:
        return None  # the last handler takes it in as a report
    # it names a case this workspace does not know: never list it for a person; it stays unread for the officer
    return Handled(WAITING, "zaak onbekend in het meldingenregister", move=False, confidential=True)


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
    """Write the case (register, sealed archive) and queue the acknowledgement and the intake notice."""
    import json

    from toolkit.inbox.pipeline import Handled

    ws, mail = run.ws, inbound.mail
    received = _received(inbound, ws.today)
    existing = cases.get(number)
    pseudonym = existing.pseudonym if existing else new_pseudonym({c.pseudonym for c in cases.values()})
    lang = _language(mail, ws.config.organisation.language)
    route_key = ROUTE_KEY.format(case=number)
    if not ws.state.get(route_key):
        ws.state.set(route_key, json.dumps(came_in_through(inbound)))
    holders = _holders(ws, number)
    _archive(ws, number, inbound, received, holders, _identity(pseudonym, mail, lang))
    if existing is None:
        case_vault(ws).write({number: _new_row(pseudonym, received)})
    case = existing or case_from_row({"Zaaknummer": number, "Ontvangen op": received, "Melder": pseudonym})
    _queue_acknowledgement(run, case, mail.from_address or "", lang, holders)
    run.send(
        notify.to_staff(ws, notify.INTAKE, f"{notify.INTAKE}:{number}", ws.config.organisation.integrity_officer, case)
    )
    return Handled(NEW_CASE, note=number, confidential=True)


def came_in_through(inbound: Inbound) -> list[str]:
    """The reports addresses a message was sent to (Delivered-To, X-Original-To, To, Cc), lower case."""
    headers = getattr(inbound.mail, "headers", None) or {}
    found: list[str] = []
    for name in ("delivered-to", "x-original-to", "to", "cc"):
        value = headers.get(name, "") if hasattr(headers, "get") else ""
        found += [a for a in addresses(str(value or "")) if a not in found]
    for address in getattr(inbound.mail, "to", ()) or ():
        found += [a for a in addresses(str(address)) if a not in found]
    return found


def _holders(ws: Workspace, number: str) -> Holders:
    """What this case is sealed to: as recorded, or at first the holders of the address it came in through."""
    import json

    from toolkit.keys import public_keys

    current = sealed_holders(ws, number)
    if current is not None:
        return current
    route = json.loads(ws.state.get(ROUTE_KEY.format(case=number)) or "[]")
    holders = holders_for(ws.config, came_in_through=route)
    record_holders(ws, number, holders, public_keys(ws))
    return holders


def _new_row(pseudonym: str, received: date) -> dict[str, Any]:
    return {
        "Ontvangen op": received,
        "Kanaal": "e-mail",
        "Melder": pseudonym,
        "Onderwerp": NEW_SUBJECT,
        "Status": "ontvangen",
        "Ernstige inbreuk": "onbekend",
    }


def _identity(pseudonym: str, mail: Any, lang: str) -> dict[str, Any]:
    """Who sent this message: sealed to the identity holders only, never in the register."""
    return {
        "Melder": pseudonym,
        "Naam": mail.from_name or "",
        "E-mail": mail.from_address or "",
        "Taal": lang,
        "Berichten": (mail.message_id or "").strip(),
    }


def _language(mail: Any, default: str) -> str:
    headers = getattr(mail, "headers", None) or {}
    value = headers.get("Content-Language", "") if hasattr(headers, "get") else ""
    return "en" if str(value).lower().startswith("en") else default


def _archive(
    ws: Workspace, number: str, inbound: Inbound, received: date, holders: Holders, identity: dict[str, Any]
) -> int:
    """Seal the message into the case archive once (the message digest in the state says where it went)."""
    mail = inbound.mail
    message = _message_digest(inbound)
    done = ws.state.get(ARCHIVED_KEY.format(digest=message))
    if done and done.startswith(f"{number}:"):
        return int(done.rsplit(":", 1)[1])
    count = int(ws.state.get(COUNT_KEY.format(case=number)) or 0) + 1
    text = mail.text or _html_to_text(mail.html or "")
    attachments = [(a.filename, a.payload) for a in mail.attachments]
    max_bytes = ws.config.reports.max_attachment_mb * 1024 * 1024
    case_archive(ws).add_message(
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


def _queue_acknowledgement(run: InboxRun, case: Case, address: str, lang: str, holders: Holders) -> None:
    ws = run.ws
    if notify.is_automated_address(address) or case.acknowledged is not None:
        return
    context = notify.reporter_context(ws, case.number, case.received, None)
    context["terugkoppeling_uiterlijk"] = feedback_due(ws.today)
    key = f"{notify.ACKNOWLEDGEMENT}:{case.number}"
    run.send(
        sealed_copy(
            ws, case.number, notify.to_reporter(ws, notify.ACKNOWLEDGEMENT, key, address, context, lang), holders
        )
    )
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


def sealed_copy(ws: Workspace, number: str, mail: OutgoingMail, holders: Holders | None = None) -> OutgoingMail:
    """A mail to a reporter: its copy sealed to the identity holders in the case archive, none in Sent Items."""
    from dataclasses import replace

    from toolkit.mail.message import build_message

    private = replace(mail, save_copy=False)
    raw = build_message(private, ws.config.mail.sender, ws.config.mail.sender_name).as_bytes()
    case_archive(ws).add_sent_copy(number, mail.key, raw, holders or _holders(ws, number))
    return private


def _add_to_case(run: InboxRun, inbound: Inbound, case: Case) -> Handled:
    """New information for a case: sealed into its archive (with the sender, identity holders only), handler told."""
    from toolkit.inbox.pipeline import Handled

    ws = run.ws
    lang = _language(inbound.mail, ws.config.organisation.language)
    identity = _identity(case.pseudonym, inbound.mail, lang)
    number = _archive(ws, case.number, inbound, _received(inbound, ws.today), _holders(ws, case.number), identity)
    address = handler_address(case) or ws.config.organisation.integrity_officer
    if case.status != CLOSED:
        key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
        run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ADDED, note=case.number, confidential=True)


def intake_step(ws: Workspace) -> StepResult:
    """Nightly: the reports mailbox (own mailbox setup). Needs no secret: everything is sealed to public keys."""
    from toolkit.errors import WorkbookLocked
    from toolkit.inbox.pipeline import process_mailbox
    from toolkit.nightly import StepResult
    from toolkit.registers.safety import check_writable

    name = "meldingen binnenhalen"
    register = case_vault(ws)
    applied = _apply_queued(register)
    if ws.config.reports.shared_mailbox:
        applied += _purged(ws, "inbox")
        return StepResult(name, True, "gedeelde postbus: meldingen worden bij de gewone post verwerkt" + applied)
    backend = ws.config.mail.backend
    server = getattr(ws.config.mail, backend) if backend in ("exchange", "graph") else None
    if server is not None and server.reports_mailbox is None:
        return StepResult(name, True, f"geen meldingenpostbus ingesteld ([mail.{backend}] reports_mailbox){applied}")
    applied += _purged(ws, MAILBOX)
    if not ws.backend.list_new(MAILBOX):
        return StepResult(name, True, "geen nieuwe berichten" + applied)
    register.check()  # a register gone while cases exist stops here: nothing written, every message stays
    case_archive(ws)  # the same for the archive
    _check_keys(ws)
    try:
        if register.path.exists():
            check_writable(register.path)
    except WorkbookLocked as exc:
        return StepResult(name, True, f"wacht: {exc.message}")
    report = process_mailbox(ws, MAILBOX, [report_handler], show_subjects=False)
    record_acknowledgements(ws)  # also catches an acknowledgement sent in a run that was killed before recording it
    counts = ", ".join(f"{sort}: {n}" for sort, n in sorted(report.counts.items()))
    return StepResult(name, report.ok, (counts or "niets") + applied)


def _purged(ws: Workspace, mailbox: str) -> str:
    from toolkit.reports.purge import purge_originals

    count = purge_originals(ws, mailbox)
    return f"; {count} origineel/originelen na {ws.config.reports.keep_originals_days} dagen gewist" if count else ""


def _apply_queued(register: Any) -> str:
    """Changes to the register that waited for Excel to close: written now, or still waiting."""
    from toolkit.errors import WorkbookLocked

    try:
        done = register.apply_pending()
    except WorkbookLocked:
        return f"; {len(register.pending())} wijziging(en) in meldingen.xlsx wachten nog (werkmap is open)"
    return f"; {done} wachtende wijziging(en) in meldingen.xlsx verwerkt" if done else ""


def _check_keys(ws: Workspace) -> None:
    """Every reports address must have someone with a public key: else nothing is taken in (messages stay)."""
    from toolkit.errors import ConfigError
    from toolkit.keys import public_keys

    keys = public_keys(ws)
    holders = holders_for(ws.config)
    if not any(h in keys for h in holders.identity):
        raise ConfigError(
            f"geen publieke sleutel voor {', '.join(holders.identity)}: meldingen kunnen niet versleuteld worden "
            "bewaard; er is niets binnengehaald.",
            hint="maak sleutels met 'integrity keys new ADRES --out BESTAND' (zie [reports] identity_holders).",
        )
