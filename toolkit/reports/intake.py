"""Intake of integrity reports from mail: handlers for the inbox pipeline, and the nightly step for the reports mailbox.

What a message becomes is decided by `toolkit.inbox.classify.report_decision` (pure; this module only looks up
the cases it needs), one outcome per message (labels and counts: toolkit/inbox/reports_mailbox.py):
- machine mail (a delivery report, ARF feedback/abuse report, DMARC/TLS report, or an automatic reply that reads
  like one): "geen melding" with the reason, moved to the folder "Geen melding" and counted; headers alone never
  make a person's message machine mail — in doubt it is a case;
- a delivery report about our own mail to a reporter: kept with that case and flagged (`ack_undelivered`);
- a message carrying a known case number (in the subject, or In-Reply-To/References pointing at one of our mails
  to a reporter): added to that case's sealed message log; whoever handles the case is told *that* there is new
  information, never what it says;
- anything else: a new case `M-YYYY-NNNN` with the received date, channel 'e-mail', a fresh pseudonym and the
  neutral subject 'Nieuwe melding via e-mail' (the mail's own subject is never copied: it may name people; the
  intake officer writes a neutral one in the register). The original and its attachments go into the sealed
  archive, the sender into the identity store, and the reporter gets an acknowledgement (never a machine address).

Idempotent: the case is keyed on the SHA-256 of the message's Message-ID with its content (two different
messages under one Message-ID are two cases, the same message delivered twice is one), stored (with the case number only)
before anything else is written; a run killed half-way redoes the same case with the same number.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.inbox.reports_mailbox import (
    ACK_UNDELIVERED,
    ADDED,
    NEW_CASE,
    NOT_A_REPORT,
    NOT_A_REPORT_FOLDER,
    WAITING,
    IntakeSummary,
    intake_line,
    intake_summary,
)
from toolkit.reports import notify
from toolkit.reports.cases import (
    MESSAGE_KEY,
    OUR_MESSAGE_KEY,
    Case,
    case_archive,
    case_from_row,
    case_vault,
    digest,
    handler_address,
    identity_vault,
    new_pseudonym,
    next_case_number,
)
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.schema import CLOSED, NEW_SUBJECT

if TYPE_CHECKING:
    from toolkit.inbox.classify import ReportDecision
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace

MAILBOX = "reports"
ACK_UNDELIVERED_KEY = "reports.ack_undelivered.{case}"


def decide(run: InboxRun, inbound: Inbound) -> ReportDecision:
    """The outcome of one message (pure rule in toolkit/inbox/classify.py; the lookups it needs are made here)."""
    from toolkit.inbox.classify import Kind, ReportOutcome, report_decision

    item = inbound.item
    ours = _our_mail_case(run, inbound) if item.kind is Kind.BOUNCE else None
    first = report_decision(item, case=None, our_mail_case=ours)
    if first.outcome is not ReportOutcome.NEW_CASE or not _mentions_a_case(run.ws, inbound):
        return first
    return report_decision(item, case=_known_case(run.ws, inbound, _run_cases(run)), our_mail_case=ours)


def report_handler(run: InboxRun, inbound: Inbound) -> Handled:
    """For the reports mailbox: every message ends in one outcome (a case, added to a case, or geen melding)."""
    from toolkit.inbox.classify import ReportOutcome
    from toolkit.inbox.pipeline import Handled

    decision = decide(run, inbound)
    if decision.outcome is ReportOutcome.NOT_A_REPORT:
        return Handled(f"{NOT_A_REPORT}: {decision.reason}", confidential=True, folder=NOT_A_REPORT_FOLDER)
    if decision.outcome is ReportOutcome.ACK_UNDELIVERED:
        return _ack_undelivered(run, inbound, _run_cases(run)[decision.case or ""])
    if decision.outcome is ReportOutcome.ADDED:
        return _add_to_case(run, inbound, _run_cases(run)[decision.case or ""])
    return _take_in(run, inbound)


def case_reply_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """For the shared inbox, early: a message for a known case joins that case; a bounce of our mail to a reporter
    is flagged on its case; a message naming a case number we do not know is taken in as a report.

    This holds whether or not the reports have their own mailbox: a reporter who answers our acknowledgement
    may reach the shared mailbox, and such a message must never wait there for a person to read.
    """
    from toolkit.inbox.classify import ReportOutcome, SharedRoute, shared_route
    from toolkit.inbox.pipeline import Handled

    route = shared_route(inbound.item)
    if route not in (SharedRoute.CASE_REPLY, SharedRoute.PERSON, SharedRoute.BOUNCE):
        return None
    if route is not SharedRoute.CASE_REPLY and not _answers_our_mail(run.ws, inbound):
        return None
    waiting = _reports_not_ready(run)
    if waiting:  # keep the message, unread and unlisted, for a run that can write the cases
        return Handled(WAITING, waiting, move=False, confidential=True)
    decision = decide(run, inbound)
    if decision.outcome is ReportOutcome.ACK_UNDELIVERED:
        return _ack_undelivered(run, inbound, _run_cases(run)[decision.case or ""])
    if decision.outcome is ReportOutcome.ADDED:
        return _add_to_case(run, inbound, _run_cases(run)[decision.case or ""])
    if decision.outcome is ReportOutcome.NEW_CASE and route is SharedRoute.CASE_REPLY:
        return _take_in(run, inbound)  # names a case we do not know: in doubt it is a report
    if decision.outcome is ReportOutcome.NOT_A_REPORT and route is SharedRoute.CASE_REPLY:
        # machine mail about a case (a bounce of a mail to staff, say): counted with its kind, never listed
        return Handled(inbound.item.kind.value, note=decision.reason, confidential=True)
    return None


def shared_inbox_report_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """For the shared inbox, after supplier and staff replies: a person's message that reads like a report (or any
    unclaimed one with [reports] shared_mailbox = true) goes to intake, never to the list a person reads."""
    from toolkit.inbox.classify import SharedRoute, shared_route
    from toolkit.inbox.pipeline import Handled

    item = inbound.item
    if shared_route(item) is not SharedRoute.PERSON:
        return None
    if not (item.reads_like_report or (run.ws.config.reports.shared_mailbox and not item.machine_sender)):
        return None
    waiting = _reports_not_ready(run)
    if waiting:
        return Handled(WAITING, waiting, move=False, confidential=True)
    return _take_in(run, inbound)


def _reports_not_ready(run: InboxRun) -> str:
    """Why the cases cannot be read and written in this pass ('' when they can): passwords, a register open in
    Excel. Checked once per pass, before anything is written."""
    from toolkit.errors import ConfigError, WorkbookLocked
    from toolkit.registers.safety import check_writable

    if "reports.not_ready" not in run.cache:
        reason = ""
        try:
            for vault in (case_vault(run.ws), identity_vault(run.ws)):
                if not getattr(vault, "password", True):
                    raise ConfigError(f"{vault.secret_name} ontbreekt")
                vault.check()
                if vault.path.exists():
                    check_writable(vault.path)
            _run_cases(run)
        except ConfigError:
            reason = "wacht op de wachtwoorden van de meldingen"
        except WorkbookLocked as exc:
            reason = f"wacht: {exc.message}"
        run.cache["reports.not_ready"] = reason
    return str(run.cache["reports.not_ready"])


def _run_cases(run: InboxRun) -> dict[str, Case]:
    """The cases, read once per pass (kept up to date as this pass opens cases)."""
    if "reports.cases" not in run.cache:
        run.cache["reports.cases"] = _cases(run.ws)
    cases: dict[str, Case] = run.cache["reports.cases"]
    return cases


def _our_mail_case(run: InboxRun, inbound: Inbound) -> str | None:
    """For a bounce: the case whose mail to a reporter it returns (by the returned Message-ID, else case number)."""
    from toolkit.errors import ConfigError

    ws, item = run.ws, inbound.item
    for message_id in item.referenced_ids:
        number = ws.state.get(OUR_MESSAGE_KEY.format(digest=digest(message_id)))
        if number:
            return number
    if item.case_number and not item.referenced_ids:  # a text-only NDR that returned no headers: its subject
        try:
            return item.case_number if item.case_number in _run_cases(run) else None
        except ConfigError:  # without the passwords the bounce is only a delivery report
            return None
    return None


def _answers_our_mail(ws: Workspace, inbound: Inbound) -> bool:
    return any(ws.state.get(OUR_MESSAGE_KEY.format(digest=digest(m))) for m in inbound.item.referenced_ids)


def ack_undelivered(ws: Workspace, case: str) -> str | None:
    """The day a delivery report said our mail to this case's reporter did not arrive (None: no such report)."""
    return ws.state.get(ACK_UNDELIVERED_KEY.format(case=case))


def _ack_undelivered(run: InboxRun, inbound: Inbound, case: Case) -> Handled:
    """A delivery report about our mail to a reporter: kept with the case, flagged, the handler told."""
    from toolkit.inbox.pipeline import Handled

    ws = run.ws
    number = _archive(ws, case.number, inbound, _received(inbound, ws.today))
    ws.state.set(ACK_UNDELIVERED_KEY.format(case=case.number), ws.today.isoformat())
    address = handler_address(case) or ws.config.organisation.integrity_officer
    key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
    run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ACK_UNDELIVERED, note=f"{case.number}: melder kreeg de bevestiging niet", confidential=True)


def _take_in(run: InboxRun, inbound: Inbound) -> Handled:
    ws = run.ws
    cases = _run_cases(run)
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
    """Message-ID with content: two different messages with one Message-ID are two cases, a re-delivery is one."""
    from toolkit.inbox.pipeline import content_digest

    return content_digest(inbound.raw, inbound.mail)


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
    if inbound.item.case_number:
        return True
    return _answers_our_mail(ws, inbound)


def _known_case(ws: Workspace, inbound: Inbound, cases: dict[str, Case]) -> str | None:
    """A case number in the subject, or a reply to one of our mails to a reporter; only cases that exist."""
    found = inbound.item.case_number
    if found in cases:
        return found
    for message_id in inbound.item.referenced_ids:
        number = ws.state.get(OUR_MESSAGE_KEY.format(digest=digest(message_id)))
        if number in cases:
            return number
    return None


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
    if existing is None:
        row = _new_row(pseudonym, received)
        case_vault(ws).write({number: row})
        cases[number] = case_from_row({"Zaaknummer": number, **row})
    _archive(ws, number, inbound, received)
    case = existing or cases[number]
    _queue_acknowledgement(run, case, _acknowledge_to(inbound), lang)
    run.send(
        notify.to_staff(ws, notify.INTAKE, f"{notify.INTAKE}:{number}", ws.config.organisation.integrity_officer, case)
    )
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
    attachments: list[tuple[str | None, bytes]] = [(a.filename, a.payload) for a in mail.attachments]
    max_bytes = ws.config.reports.max_attachment_mb * 1024 * 1024
    entry = case_archive(ws).add_message(
        number, _message_digest(inbound), received.isoformat(), inbound.raw, text, attachments, max_bytes
    )
    return entry.number


def _html_to_text(html: str) -> str:
    import html as html_lib

    without_tags = re.sub(r"(?is)<(script|style).*?</\1>|<[^>]+>", " ", html)
    return " ".join(html_lib.unescape(without_tags).split())


def _acknowledge_to(inbound: Inbound) -> str:
    """Reply-To or From, never a machine address (mailer-daemon, postmaster, no-reply, feedback loops, …)."""
    from toolkit.inbox.classify import acknowledge_to

    return acknowledge_to(inbound.item) or ""


def _queue_acknowledgement(run: InboxRun, case: Case, address: str, lang: str) -> None:
    ws = run.ws
    if not address or notify.is_automated_address(address) or case.acknowledged is not None:
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
    address = handler_address(case) or ws.config.organisation.integrity_officer
    if case.status != CLOSED:
        key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
        run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ADDED, note=case.number, confidential=True)


def run_intake(ws: Workspace) -> IntakeSummary:
    """Take in the reports mailbox (`integrity reports intake` and the nightly step). Passwords checked first."""
    from toolkit.errors import WorkbookLocked
    from toolkit.inbox.pipeline import process_mailbox
    from toolkit.registers.safety import check_writable

    empty = IntakeSummary(0, 0, 0, 0, {}, 0, 0)
    if ws.config.reports.shared_mailbox:
        return replace(empty, skipped="gedeelde postbus: meldingen worden bij de gewone post verwerkt")
    backend = ws.config.mail.backend
    server = getattr(ws.config.mail, backend) if backend in ("exchange", "graph") else None
    if server is not None and server.reports_mailbox is None:
        return replace(empty, skipped=f"geen meldingenpostbus ingesteld ([mail.{backend}] reports_mailbox)")
    if not ws.backend.list_new(MAILBOX):
        return empty
    registers = case_vault(ws), identity_vault(ws)
    for vault in registers:
        vault.check()  # a wrong or missing password stops here: nothing written, every message stays
    try:
        for vault in registers:
            if vault.path.exists():
                check_writable(vault.path)
    except WorkbookLocked as exc:
        return replace(empty, skipped=f"wacht: {exc.message}")
    report = process_mailbox(ws, MAILBOX, [report_handler], show_subjects=False)
    record_acknowledgements(ws)  # also catches an acknowledgement sent in a run that was killed before recording it
    return intake_summary(report)


def intake_step(ws: Workspace) -> StepResult:
    """Nightly: the reports mailbox (own mailbox setup), the same step as `integrity reports intake`."""
    from toolkit.nightly import StepResult

    summary = run_intake(ws)
    details = tuple(f"mislukt: {item}" for item in summary.failed)
    return StepResult("meldingen binnenhalen", summary.ok, intake_line(summary), details)
