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

One register write per run, in this order (each step durable before the next starts):
1. per message, while the pass sorts: the case number is handed out and stored with the message digest; the new
   case's first row (pseudonym, date, channel, route: nothing that names or quotes anyone) is *held* in the state
   store (`CaseRegister.hold`); then the message is sealed into the archive (its identity carries that pseudonym);
   the acknowledgement (its copy sealed) and the intake notice are queued;
2. the pipeline sends the run's mail, through the exactly-once ledger;
3. `run.after`: ONE write of meldingen.xlsx (`_CaseWrite`): every held row not in the register yet, and the
   acknowledgement dates of every case whose acknowledgement the ledger has as sent; then the held rows are dropped;
4. the pipeline marks every message with its outcome (one transaction), then moves each one.
A kill before 3 leaves every message unmarked in the mailbox and its row held: the next run takes the same message
again, finds its number (step 1's digest), its held row (same pseudonym) and its sealed files (not sealed twice); the
ledger keeps the mail from going twice; its step 3 writes the rows. A kill between 3 and 4 leaves the messages to be
taken again: each finds its case in the register and opens nothing new. A held row whose message is gone is still
written by the next run (`record_acknowledgements`, also when the mailbox is empty). Public keys and the archive are
looked up once per run (`_run_archive`), not per message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.inbox.reports_mailbox import (
    ACK_UNDELIVERED,
    ADDED,
    NEW_CASE,
    NOT_A_REPORT,
    NOT_A_REPORT_FOLDER,
    WAITING,
)
from toolkit.reports import notify
from toolkit.reports.acknowledge import acknowledge_to, acknowledgement_cells, queue_acknowledgement
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
from toolkit.reports.schema import CASE, CLOSED, ENTRY_COLUMN

if TYPE_CHECKING:
    from toolkit.inbox.classify import ReportDecision
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.reports.archive import CaseArchive
    from toolkit.reports.routing import Organisation
    from toolkit.workspace import Workspace

MAILBOX = "reports"
ACK_UNDELIVERED_KEY = "reports.ack_undelivered.{case}"
CASES_CACHE = "reports.cases"  # run.cache: the cases of this pass (register as read, held rows, cases opened now)
IN_REGISTER = "reports.in_register"  # run.cache: the case numbers the register held when the pass read it
ARCHIVE_CACHE = "reports.archive"  # run.cache: the case archive with the public keys, read once per pass
ROWS_CACHE = "reports.rows"  # run.cache: the cases' register rows (held rows included), read once per pass
ORG_CACHE = "reports.organisation"  # run.cache: config and the staff register as the routing sees them, read once


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
            _run_archive(run)
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
    """The cases, read once per pass: the register and the rows held for its next write (a run killed before its
    write); kept up to date as this pass opens cases. Held rows found here are written by this pass."""
    if CASES_CACHE not in run.cache:
        register = case_register(run.ws)
        rows = register.read()
        held = {n: r for n, r in register.held().items() if n not in rows}
        run.cache[IN_REGISTER] = frozenset(rows)
        run.cache[ROWS_CACHE] = {**rows, **{n: {CASE: n, **r} for n, r in held.items()}}
        run.cache[CASES_CACHE] = {
            **{number: case_from_row(values) for number, values in rows.items()},
            **{number: case_from_row({CASE: number, **values}) for number, values in held.items()},
        }
        if held:
            _write_after_mail(run)
    cases: dict[str, Case] = run.cache[CASES_CACHE]
    return cases


def _run_row(run: InboxRun, number: str) -> dict[str, Any]:
    """The case's register row as this pass sees it (read once per pass, not per message)."""
    _run_cases(run)
    return dict(run.cache[ROWS_CACHE].get(number, {}))


def _run_archive(run: InboxRun) -> CaseArchive:
    """The case archive with the workspace's public keys, read once per pass (not per message or file)."""
    if ARCHIVE_CACHE not in run.cache:
        run.cache[ARCHIVE_CACHE] = case_archive(run.ws)
    archive: CaseArchive = run.cache[ARCHIVE_CACHE]
    return archive


def _run_organisation(run: InboxRun) -> Organisation:
    """Who is who (config and medewerkers.xlsx), read once per pass (not per message)."""
    from toolkit.reports.assign import organisation

    if ORG_CACHE not in run.cache:
        run.cache[ORG_CACHE] = organisation(run.ws)
    org: Organisation = run.cache[ORG_CACHE]
    return org


def _write_after_mail(run: InboxRun) -> None:
    """Put the pass's one register write after the mail (once per pass)."""
    if not any(isinstance(step, _CaseWrite) for step in run.after):
        run.after.append(_CaseWrite(run))


class _CaseWrite:
    """Step 3 of the module docstring: the pass's one write of meldingen.xlsx, after its mail went out and before
    any message is marked or moved: the held rows of new cases and the acknowledgement dates, in one plan."""

    def __init__(self, run: InboxRun) -> None:
        self.run = run

    def __call__(self) -> None:
        run = self.run
        cases = _run_cases(run)
        changes = acknowledgement_cells(run.ws, cases.values())
        case_register(run.ws).write_held(changes, in_register=run.cache[IN_REGISTER])


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

    ws, archive = run.ws, _run_archive(run)
    lang = language_of(inbound.mail, ws.config.organisation.language)
    identity = identity_of(case.pseudonym, inbound.mail, lang)
    holders = holders_of_case(ws, case.number, keys=archive.public_keys)
    number = seal_message(ws, case.number, inbound, received_on(inbound, ws.today), holders, identity, archive=archive)
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
    """Hold the case's first row, seal the message, queue the acknowledgement and the intake notice; the row is
    written by the pass's one register write (steps 1 and 3 of the module docstring)."""

    from toolkit.inbox.pipeline import Handled

    ws, mail, archive = run.ws, inbound.mail, _run_archive(run)
    received = received_on(inbound, ws.today)
    existing = cases.get(number)  # in the register, or held by a run killed before its write (same pseudonym)
    pseudonym = existing.pseudonym if existing else new_pseudonym({c.pseudonym for c in cases.values()})
    lang = language_of(mail, ws.config.organisation.language)
    from toolkit.reports.assign import entry_of, first_reader_address

    entry = entry_of(ws, mail)  # a route's own address: the case is for that route's holder only
    if existing is None:  # held before anything is sealed: a redo finds the pseudonym the sealed identity carries
        row = {**new_row(pseudonym, received), ENTRY_COLUMN: entry.value}
        case_register(ws).hold(number, row)
        cases[number] = case_from_row({CASE: number, **row})
        run.cache[ROWS_CACHE][number] = {CASE: number, **row}
    _write_after_mail(run)
    org = _run_organisation(run)
    holders = holders_of_case(ws, number, entry, keys=archive.public_keys, org=org)
    seal_message(ws, number, inbound, received, holders, identity_of(pseudonym, mail, lang), archive=archive)
    case = cases[number]
    queue_acknowledgement(run, case, acknowledge_to(inbound), lang, holders, archive=archive)
    reader = first_reader_address(ws, entry, org=org)
    run.send(notify.to_staff(ws, notify.INTAKE, f"{notify.INTAKE}:{number}", reader, case))
    return Handled(NEW_CASE, note=number, confidential=True)


def _add_to_case(run: InboxRun, inbound: Inbound, case: Case) -> Handled:
    """New information for a case: sealed into its archive (with the sender, identity holders only), handler told."""
    from toolkit.inbox.pipeline import Handled

    ws, archive = run.ws, _run_archive(run)
    lang = language_of(inbound.mail, ws.config.organisation.language)
    identity = identity_of(case.pseudonym, inbound.mail, lang)
    holders = holders_of_case(ws, case.number, keys=archive.public_keys)
    number = seal_message(ws, case.number, inbound, received_on(inbound, ws.today), holders, identity, archive=archive)
    from toolkit.reports.assign import staff_contact

    # never the intake officer once the case is recorded as about them
    address = staff_contact(ws, case, org=_run_organisation(run), row=_run_row(run, case.number))
    if case.status != CLOSED and address:
        key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
        run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ADDED, note=case.number, confidential=True)
