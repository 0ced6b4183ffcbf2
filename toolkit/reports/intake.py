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
  intake officer writes a neutral one in the register). The original, the sender and the attachments are sealed
  into the case archive to the PUBLIC keys of the holders of the address the report came in through (see
  `holders.py`), so intake needs no secret; the reporter gets an acknowledgement (never a machine address), sent
  without a copy in Sent Items, its copy sealed like the identity.

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
    ARCHIVED_KEY,
    ARCHIVED_ON_KEY,
    COUNT_KEY,
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
    record_holders,
    sealed_holders,
)
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.holders import Holders
from toolkit.reports.schema import CLOSED, ENTRY_COLUMN, NEW_SUBJECT

if TYPE_CHECKING:
    from toolkit.inbox.classify import ReportDecision
    from toolkit.inbox.pipeline import Handled, Inbound, InboxRun
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.reports.routing import Entry
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
    lang = _language(inbound.mail, ws.config.organisation.language)
    identity = _identity(case.pseudonym, inbound.mail, lang)
    number = _archive(ws, case.number, inbound, _received(inbound, ws.today), _holders(ws, case.number), identity)
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
    return {number: case_from_row(values) for number, values in case_register(ws).read().items()}


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
    """Write the case (register, sealed archive) and queue the acknowledgement and the intake notice."""

    from toolkit.inbox.pipeline import Handled

    ws, mail = run.ws, inbound.mail
    received = _received(inbound, ws.today)
    existing = cases.get(number)
    pseudonym = existing.pseudonym if existing else new_pseudonym({c.pseudonym for c in cases.values()})
    lang = _language(mail, ws.config.organisation.language)
    from toolkit.reports.assign import entry_of, first_reader_address

    entry = entry_of(ws, mail)  # a route's own address: the case is for that route's holder only
    holders = _holders(ws, number, entry)
    _archive(ws, number, inbound, received, holders, _identity(pseudonym, mail, lang))
    if existing is None:
        row = {**_new_row(pseudonym, received), ENTRY_COLUMN: entry.value}
        case_register(ws).write({number: row})
        cases[number] = case_from_row({"Zaaknummer": number, **row})
    case = existing or cases[number]
    _queue_acknowledgement(run, case, _acknowledge_to(inbound), lang, holders)
    reader = first_reader_address(ws, entry)
    run.send(notify.to_staff(ws, notify.INTAKE, f"{notify.INTAKE}:{number}", reader, case))
    return Handled(NEW_CASE, note=number, confidential=True)


def _holders(ws: Workspace, number: str, entry: Entry | None = None) -> Holders:
    """What this case is sealed to: as recorded, or at first the holders of the address it came in through."""
    from toolkit.keys import public_keys
    from toolkit.reports.assign import case_entry, organisation
    from toolkit.reports.holders import holders_at_entry

    current = sealed_holders(ws, number)
    if current is not None:
        return current
    if entry is None:
        entry = case_entry(case_register(ws).read().get(number, {}))
    holders = holders_at_entry(organisation(ws), entry)
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
    attachments: list[tuple[str | None, bytes]] = [(a.filename, a.payload) for a in mail.attachments]
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


def _acknowledge_to(inbound: Inbound) -> str:
    """Reply-To or From, never a machine address (mailer-daemon, postmaster, no-reply, feedback loops, …)."""
    from toolkit.inbox.classify import acknowledge_to

    return acknowledge_to(inbound.item) or ""


def _queue_acknowledgement(run: InboxRun, case: Case, address: str, lang: str, holders: Holders) -> None:
    ws = run.ws
    if not address or notify.is_automated_address(address) or case.acknowledged is not None:
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
        case_register(ws).write(changes)
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
    from toolkit.reports.assign import staff_contact

    address = staff_contact(ws, case)  # never the intake officer once the case is recorded as about them
    if case.status != CLOSED and address:
        key = f"{notify.NEW_INFORMATION}:{case.number}:{number}"
        run.send(notify.to_staff(ws, notify.NEW_INFORMATION, key, address, case))
    return Handled(ADDED, note=case.number, confidential=True)


def run_intake(ws: Workspace) -> IntakeSummary:
    """Take in the reports mailbox (`integrity reports intake` and the nightly step). Needs no secret: everything
    is sealed to public keys. Queued register changes are applied and old originals purged first."""
    from toolkit.errors import WorkbookLocked
    from toolkit.inbox.pipeline import process_mailbox
    from toolkit.registers.safety import check_writable

    register = case_register(ws)
    housekeeping = _apply_queued(ws)
    empty = IntakeSummary(0, 0, 0, 0, {}, 0, 0)
    if ws.config.reports.shared_mailbox:
        housekeeping += _purged(ws, "inbox")
        return replace(
            empty, skipped="gedeelde postbus: meldingen worden bij de gewone post verwerkt", notes=housekeeping
        )
    backend = ws.config.mail.backend
    server = getattr(ws.config.mail, backend) if backend in ("exchange", "graph") else None
    if server is not None and server.reports_mailbox is None:
        skipped = f"geen meldingenpostbus ingesteld ([mail.{backend}] reports_mailbox)"
        return replace(empty, skipped=skipped, notes=housekeeping)
    housekeeping += _purged(ws, MAILBOX)
    if not ws.backend.list_new(MAILBOX):
        return replace(empty, notes=housekeeping)
    register.check()  # a register gone while cases exist stops here: nothing written, every message stays
    case_archive(ws)  # the same for the archive
    check_keys(ws)
    try:
        if register.path.exists():
            check_writable(register.path)
    except WorkbookLocked as exc:
        return replace(empty, skipped=f"wacht: {exc.message}")
    report = process_mailbox(ws, MAILBOX, [report_handler], show_subjects=False)
    record_acknowledgements(ws)  # also catches an acknowledgement sent in a run that was killed before recording it
    return replace(intake_summary(report), notes=housekeeping)


def intake_step(ws: Workspace) -> StepResult:
    """Nightly: the reports mailbox (own mailbox setup), the same step as `integrity reports intake`."""
    from toolkit.nightly import StepResult

    summary = run_intake(ws)
    details = tuple(f"mislukt: {item}" for item in summary.failed)
    return StepResult("meldingen binnenhalen", summary.ok, intake_line(summary), details)


def _purged(ws: Workspace, mailbox: str) -> str:
    from toolkit.reports.purge import purge_originals

    count = purge_originals(ws, mailbox)
    return f"; {count} origineel/originelen na {ws.config.reports.keep_originals_days} dagen gewist" if count else ""


def _apply_queued(ws: Workspace) -> str:
    """Changes to the register that waited for Excel to close (the gateway's queue): written now, or still waiting."""
    from toolkit.registers.pending import apply_pending
    from toolkit.reports.schema import CASES

    if not ws.state.pending(CASES.key):
        return ""
    if not case_register(ws).path.exists():
        case_register(ws).check()  # gone while cases exist: refused, the queue stays
    waiting = len(ws.state.pending(CASES.key))
    (outcome,) = apply_pending(ws, only=CASES.key)
    if outcome.waiting:
        return f"; {waiting} wijziging(en) in meldingen.xlsx wachten nog (werkmap is open)"
    return f"; {waiting} wachtende wijziging(en) in meldingen.xlsx verwerkt"


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
