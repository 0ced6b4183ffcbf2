"""Intake of integrity reports from mail: the handlers the inbox pipeline calls for each message (the run over the
reports mailbox: `intake_run.py`; what a message leaves in its case: `casefile.py`; acknowledgements:
`acknowledge.py`).

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
  intake officer writes a neutral one in the register). The original, the sender and the attachments are sealed
  into the case archive to the PUBLIC keys of the holders of the address the report came in through (see
  `holders.py`), so intake needs no secret; the reporter gets an acknowledgement (never a machine address), sent
  without a copy in Sent Items, its copy sealed like the identity.

Idempotent: the case is keyed on the SHA-256 of the message's Message-ID with its content (two different
messages under one Message-ID are two cases, the same message delivered twice is one), stored (with the case number only)
before anything else is written; a run killed half-way redoes the same case with the same number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.inbox.reports_mailbox import (
    ACK_UNDELIVERED,
    ADDED,
    NEW_CASE,
    NOT_A_REPORT,
    NOT_A_REPORT_FOLDER,
    WAITING,
)
from toolkit.reports import notify
from toolkit.reports.acknowledge import acknowledge_to, queue_acknowledgement
from toolkit.reports.casefile import (
    check_keys,
    holders_of_case,
    identity_of,
    language_of,
    message_digest,
    new_row,
    received_on,
    seal_message,
)
from toolkit.reports.cases import (
    MESSAGE_KEY,
    OUR_MESSAGE_KEY,
    Case,
    case_archive,
    case_from_row,
    case_register,
    digest,
    handler_address,
    new_pseudonym,
    next_case_number,
)
from toolkit.reports.schema import CLOSED, ENTRY_COLUMN

if TYPE_CHECKING:
    from toolkit.inbox.classify import ReportDecision
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
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
    """Why the cases cannot be read and written in this pass ('' when they can): a register or archive missing,
    no public key, a register open in Excel. Checked once per pass, before anything is written."""
    from toolkit.errors import ConfigError, WorkbookLocked
    from toolkit.registers.safety import check_writable

    if "reports.not_ready" not in run.cache:
        reason = ""
        try:
            register = case_register(run.ws)
            register.check()
            case_archive(run.ws)
            check_keys(run.ws)
            if register.path.exists():
                check_writable(register.path)
            _run_cases(run)
        except ConfigError:
            reason = "wacht op het meldingenregister of de sleutels"
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
        except ConfigError:  # without the case register the bounce is only a delivery report
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
    lang = language_of(inbound.mail, ws.config.organisation.language)
    identity = identity_of(case.pseudonym, inbound.mail, lang)
    number = seal_message(
        ws, case.number, inbound, received_on(inbound, ws.today), holders_of_case(ws, case.number), identity
    )
    ws.state.set(ACK_UNDELIVERED_KEY.format(case=case.number), ws.today.isoformat())
    address = handler_address(case) or ws.config.organisation.integrity_officer
    key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
    run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ACK_UNDELIVERED, note=f"{case.number}: melder kreeg de bevestiging niet", confidential=True)


def _take_in(run: InboxRun, inbound: Inbound) -> Handled:
    ws = run.ws
    cases = _run_cases(run)
    message = message_digest(inbound)
    opened = ws.state.get(MESSAGE_KEY.format(digest=message))
    if opened:  # this very message opened a case before (perhaps in a run that was killed): finish that case
        return _open_case(run, inbound, opened, cases)
    known = _known_case(ws, inbound, cases)
    if known:
        return _add_to_case(run, inbound, cases[known])
    number = next_case_number(ws, list(cases), received_on(inbound, ws.today).year)
    ws.state.set(MESSAGE_KEY.format(digest=message), number)
    return _open_case(run, inbound, number, cases)


def _cases(ws: Workspace) -> dict[str, Case]:
    return {number: case_from_row(values) for number, values in case_register(ws).read().items()}


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
    """Write the case (register, sealed archive) and queue the acknowledgement and the intake notice."""

    from toolkit.inbox.pipeline import Handled

    ws, mail = run.ws, inbound.mail
    received = received_on(inbound, ws.today)
    existing = cases.get(number)
    pseudonym = existing.pseudonym if existing else new_pseudonym({c.pseudonym for c in cases.values()})
    lang = language_of(mail, ws.config.organisation.language)
    from toolkit.reports.assign import entry_of, first_reader_address

    entry = entry_of(ws, mail)  # a route's own address: the case is for that route's holder only
    holders = holders_of_case(ws, number, entry)
    seal_message(ws, number, inbound, received, holders, identity_of(pseudonym, mail, lang))
    if existing is None:
        row = {**new_row(pseudonym, received), ENTRY_COLUMN: entry.value}
        case_register(ws).write({number: row})
        cases[number] = case_from_row({"Zaaknummer": number, **row})
    case = existing or cases[number]
    queue_acknowledgement(run, case, acknowledge_to(inbound), lang, holders)
    reader = first_reader_address(ws, entry)
    run.send(notify.to_staff(ws, notify.INTAKE, f"{notify.INTAKE}:{number}", reader, case))
    return Handled(NEW_CASE, note=number, confidential=True)


def _add_to_case(run: InboxRun, inbound: Inbound, case: Case) -> Handled:
    """New information for a case: sealed into its archive (with the sender, identity holders only), handler told."""
    from toolkit.inbox.pipeline import Handled

    ws = run.ws
    lang = language_of(inbound.mail, ws.config.organisation.language)
    identity = identity_of(case.pseudonym, inbound.mail, lang)
    number = seal_message(
        ws, case.number, inbound, received_on(inbound, ws.today), holders_of_case(ws, case.number), identity
    )
    from toolkit.reports.assign import staff_contact

    address = staff_contact(ws, case)  # never the intake officer once the case is recorded as about them
    if case.status != CLOSED and address:
        key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
        run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ADDED, note=case.number, confidential=True)
