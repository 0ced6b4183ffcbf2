"""Supplier replies in the shared mailbox: bounces, automatic replies, confirmations and questions.

Handlers for the inbox pipeline (toolkit/inbox/pipeline.py), in the issue's order:
1. a bounce of a mail to a supplier: permanent -> `onbestelbaar` and one alert to the contract owner; delayed ->
   logged only;
2. an automatic reply (out-of-office and the like) -> logged only;
3. a reply from a supplier (by the reference in subject or body, else the sender address, else the sender's
   domain when exactly one supplier has it): a confirmation -> `bevestigd`, `Bevestigd op/door`; anything else ->
   `vraag` and a notification to the contract owner. `Laatste bericht` gets a short excerpt of the own words.
Mail carrying a report case number (M-2026-0001) is never claimed here: it is for the reports intake.
Staff confirming the code for new employees come after these (toolkit/onboarding/replies.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.registers.schema import SUPPLIERS
from toolkit.suppliers import rules

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Handled, Handler, Inbound, InboxReport, InboxRun
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.registers.reader import Row, Table
    from toolkit.workspace import Workspace

SORT_CONFIRMED = "bevestigd"
SORT_QUESTION = "vraag"
SORT_BOUNCE = "onbestelbaar"
SORT_AUTOMATIC = "automatisch"
PURPOSE_BOUNCE = "leverancier_onbestelbaar"
PURPOSE_QUESTION = "leverancier_vraag"
EXCERPT_LENGTH = 200


# --- finding the supplier ---------------------------------------------------------------------------------------


def _address(value: Any) -> str:
    return str(value or "").strip().casefold()


def _domain(address: str) -> str:
    return address.rpartition("@")[2] if "@" in address else ""


def rows_by_address(table: Table, address: str) -> list[Row]:
    wanted = _address(address)
    return [row for row in table.rows if wanted and _address(row.get("E-mail")) == wanted]


def row_by_reference(table: Table, reference: str) -> Row | None:
    """The supplier whose Nr is in the reference '[IC-2027-0042]' (the Nr is the last part)."""
    nr = int(reference.strip("[]").rsplit("-", 1)[1])
    return next((row for row in table.rows if row.nr == nr), None)


def row_by_domain(table: Table, address: str) -> Row | None:
    """The one supplier whose address has the sender's domain; None when there are none or several."""
    domain = _domain(_address(address))
    if not domain:
        return None
    found = [row for row in table.rows if _domain(_address(row.get("E-mail"))) == domain]
    return found[0] if len(found) == 1 else None


def find_supplier(table: Table, subject: str, body: str, sender: str) -> Row | None:
    """By the reference in subject or body, else by sender address, else by the sender's domain."""
    from toolkit.mailsort.references import find_supplier_reference

    reference = find_supplier_reference(subject) or find_supplier_reference(body)
    if reference is not None:
        row = row_by_reference(table, reference)
        if row is not None:
            return row
    by_address = rows_by_address(table, sender)
    if by_address:
        return by_address[0]
    return row_by_domain(table, sender)


def _carries_case_number(inbound: Inbound) -> bool:
    from toolkit.mailsort.references import find_case_number

    return find_case_number(inbound.mail.subject) is not None or find_case_number(inbound.mail.text) is not None


# --- what is already decided in this pass ------------------------------------------------------------------------


def _current(run: InboxRun, row: Row, column: str) -> Any:
    """The cell's value as this pass leaves it: the last queued update, else what the register says."""
    value = row.get(column)
    for update in run.updates.get(SUPPLIERS.key, []):
        if update.column == column and (update.nr, update.excel_row) == (row.nr, row.excel_row):
            value = update.value
    return value


def _set(run: InboxRun, row: Row, column: str, value: Any) -> None:
    from toolkit.registers.writer import CellUpdate

    if _current(run, row, column) != value:
        run.update(SUPPLIERS, [CellUpdate(column, value, nr=row.nr, excel_row=row.excel_row)])


def _where(row: Row) -> str:
    return f"{SUPPLIERS.filename} Nr {row.nr}"


def _cycle(run: InboxRun, row: Row) -> int:
    settings = run.ws.config.suppliers
    written = str(row.get("Cyclus") or "").strip()
    if written.isdigit():
        return int(written)
    return rules.current_cycle(settings.first_year, settings.interval_years, run.ws.today) or run.ws.today.year


# --- 1. bounces ---------------------------------------------------------------------------------------------------


def bounce_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """A non-delivery report for a supplier's address: permanent -> onbestelbaar + alert; delayed -> logged."""
    from toolkit.inbox.pipeline import Handled
    from toolkit.mailsort.bounce import detect_bounce

    bounce = detect_bounce(inbound.raw, inbound.mail)
    if bounce is None or _carries_case_number(inbound):
        return None
    table = run.table(SUPPLIERS)
    rows = [row for address in bounce.recipients for row in rows_by_address(table, address)]
    if not rows:
        return None  # not one of ours: a person looks at it
    if not bounce.permanent:
        return Handled(SORT_BOUNCE, note="vertraagd: " + "; ".join(_where(row) for row in rows))
    for row in rows:
        if _current(run, row, "Status") == rules.CONFIRMED:
            continue
        _set(run, row, "Status", rules.BOUNCED)
        run.send(bounce_alert(run.ws, row, _cycle(run, row), bounce.reason))
    return Handled(SORT_BOUNCE, note="; ".join(_where(row) for row in rows))


def bounce_alert(ws: Workspace, row: Row, cycle: int, reason: str) -> OutgoingMail:
    """One alert per supplier and cycle to its contract owner: the code could not be delivered."""
    context = {**_context(ws, row, cycle), "reden": reason}
    return _owner_mail(ws, row, PURPOSE_BOUNCE, f"{PURPOSE_BOUNCE}:{cycle}:{row.nr}", context)


# --- 2. automatic replies -----------------------------------------------------------------------------------------


def automatic_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """Out-of-office and other automatic replies: logged and moved, no status changes."""
    from toolkit.inbox.pipeline import Handled
    from toolkit.mailsort.autoreply import is_auto_reply

    reason = is_auto_reply(inbound.mail)
    if reason is None or _carries_case_number(inbound):
        return None
    return Handled(SORT_AUTOMATIC, note=reason)


# --- 3. replies from suppliers ------------------------------------------------------------------------------------


def supplier_reply_handler(run: InboxRun, inbound: Inbound) -> Handled | None:
    """A supplier's reply: a confirmation fills in Bevestigd op/door, anything else is a question for the owner."""
    from toolkit.inbox.pipeline import Handled
    from toolkit.mailsort.reply import ReplyKind, classify_reply, excerpt, own_words

    mail = inbound.mail
    if _carries_case_number(inbound):
        return None
    row = find_supplier(run.table(SUPPLIERS), mail.subject, mail.text, mail.from_address or "")
    if row is None:
        return None
    words = own_words(mail)
    _set(run, row, "Laatste bericht", excerpt(words or mail.subject, EXCERPT_LENGTH))
    if classify_reply(words) is ReplyKind.CONFIRMATION:
        _confirm(run, row, inbound)
        return Handled(SORT_CONFIRMED, note=_where(row))
    if _current(run, row, "Status") != rules.CONFIRMED:  # a question after confirming leaves the confirmation
        _set(run, row, "Status", rules.QUESTION)
    run.send(question_notification(run.ws, row, _cycle(run, row), inbound, excerpt(words, 1000)))
    return Handled(SORT_QUESTION, note=_where(row))


def _confirm(run: InboxRun, row: Row, inbound: Inbound) -> None:
    if _current(run, row, "Status") == rules.CONFIRMED and _current(run, row, "Bevestigd op") is not None:
        return  # the first confirmation counts
    ws = run.ws
    _set(run, row, "Status", rules.CONFIRMED)
    _set(run, row, "Bevestigd op", confirmed_day(inbound, row.get("Verzonden op"), ws.today, ws))
    _set(run, row, "Bevestigd door", (inbound.mail.from_address or "").strip().lower() or None)


def confirmed_day(inbound: Inbound, sent_on: date | None, today: date, ws: Workspace) -> date:
    """The reply's Date in the organisation's time zone; today when missing or outside sent..today."""
    from toolkit.onboarding.replies import confirmation_day

    return confirmation_day(inbound.mail.date, sent_on or date.min, today, ws.config.organisation.timezone)


def question_notification(ws: Workspace, row: Row, cycle: int, inbound: Inbound, words: str) -> OutgoingMail:
    """A notification to the contract owner carrying the supplier's own words (once per message)."""
    digest = hashlib.sha256(inbound.key.encode()).hexdigest()[:16]
    context = {
        **_context(ws, row, cycle),
        "bericht": words or "(geen eigen tekst; zie de bijlage of het oorspronkelijke bericht)",
        "onderwerp": inbound.mail.subject,
        "afzender_bericht": inbound.mail.from_address or "",
        "ontvangen_op": confirmed_day(inbound, None, ws.today, ws),
    }
    return _owner_mail(ws, row, PURPOSE_QUESTION, f"{PURPOSE_QUESTION}:{row.nr}:{digest}", context)


# --- shared -------------------------------------------------------------------------------------------------------


def _context(ws: Workspace, row: Row, cycle: int) -> dict[str, Any]:
    return {
        "naam": row.get("Naam") or "",
        "contactpersoon": row.get("Contactpersoon") or "",
        "email": row.get("E-mail") or "",
        "referentie": rules.reference(cycle, row.nr or 0),
        "cyclus": cycle,
        "organisatie": ws.config.organisation.name,
    }


def _owner_mail(ws: Workspace, row: Row, purpose: str, key: str, context: dict[str, Any]) -> OutgoingMail:
    from toolkit.mail.message import OutgoingMail

    owner = row.get("Contracteigenaar") or ws.config.organisation.integrity_officer
    rendered = ws.templates.render(purpose, context, "nl")
    return OutgoingMail(
        key=key,
        purpose=purpose,
        to=(owner,),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=_where(row),
    )


def shared_mailbox_handlers() -> list[Handler]:
    """The handlers of the shared mailbox, in order; what none of them claims stays for a person."""
    from toolkit.onboarding.replies import confirmation_handler
    from toolkit.reports.intake import case_reply_handler, shared_inbox_report_handler

    return [
        case_reply_handler,  # a reporter's reply (case number): never sorted as anything else, never left for a person
        bounce_handler,
        automatic_handler,
        supplier_reply_handler,
        confirmation_handler,
        shared_inbox_report_handler,  # only with [reports] shared_mailbox = true: what nobody claimed is a report
    ]


def process_inbox(ws: Workspace) -> InboxReport:
    """Sort every new message in the shared mailbox (`integrity inbox process` and the nightly step)."""
    from toolkit.inbox.pipeline import process_mailbox

    return process_mailbox(ws, "inbox", shared_mailbox_handlers())


@dataclass(frozen=True)
class InboxSummary:
    """One `inbox process` run: counts per sort (they add up to `received`) and what waits for a person."""

    received: int
    confirmed: int
    questions: int
    bounces: int
    automatic: int
    staff: int
    reports: int  # mail about an integrity report: handled apart, never shown here
    unmatched: int
    already_processed: int
    left_for_person: tuple[str, ...]
    waiting: tuple[str, ...]
    failed: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


def inbox_summary(report: InboxReport) -> InboxSummary:
    from toolkit.inbox.pipeline import ALREADY, UNMATCHED
    from toolkit.onboarding.replies import SORT as STAFF_SORT

    counts = report.counts
    failed = () if report.send_report is None else tuple(f"{key}: {why}" for key, why in report.send_report.failed)
    return InboxSummary(
        received=report.received,
        confirmed=counts[SORT_CONFIRMED],
        questions=counts[SORT_QUESTION],
        bounces=counts[SORT_BOUNCE],
        automatic=counts[SORT_AUTOMATIC],
        staff=counts[STAFF_SORT],
        reports=sum(n for sort, n in counts.items() if sort.startswith("melding")),
        unmatched=counts[UNMATCHED],
        already_processed=counts[ALREADY],
        left_for_person=tuple(report.unmatched),
        waiting=tuple(outcome.waiting for outcome in report.saved if outcome.waiting),
        failed=failed,
    )


@dataclass(frozen=True)
class WaitingMessage:
    sender: str
    date: str
    subject: str


@dataclass(frozen=True)
class WaitingList:
    messages: tuple[WaitingMessage, ...]


def waiting_for_a_person(ws: Workspace) -> WaitingList:
    """Messages left in the shared mailbox because no handler recognised them (`integrity inbox unmatched`)."""
    from toolkit.inbox.pipeline import unmatched_messages

    return WaitingList(
        tuple(
            WaitingMessage(mail.from_address or mail.from_name or "(onbekend)", _when(mail.date), mail.subject)
            for _ref, mail in unmatched_messages(ws, "inbox")
        )
    )


def _when(value: Any) -> str:
    return value.strftime("%d-%m-%Y %H:%M") if value is not None else "(geen datum)"


def inbox_step(ws: Workspace) -> StepResult:
    """Nightly: sort the shared mailbox. Quiet when nothing arrived."""
    from toolkit.nightly import StepResult

    name = "post verwerken"
    report = process_inbox(ws)
    if not report.received:
        return StepResult(name, True, "geen nieuwe post")
    summary = inbox_summary(report)
    details = summary.waiting + tuple(f"mislukt: {item}" for item in summary.failed)
    return StepResult(name, summary.ok, summary_line(summary), details)


def summary_line(summary: InboxSummary) -> str:
    """'7 bericht(en): 3 bevestigd, 1 vraag, …' — every count, so they visibly add up."""
    parts = [
        f"{summary.confirmed} bevestigd",
        f"{summary.questions} vraag",
        f"{summary.bounces} onbestelbaar",
        f"{summary.automatic} automatisch antwoord",
        f"{summary.staff} bevestiging nieuwe medewerker",
        f"{summary.reports} over een melding",
        f"{summary.unmatched} voor een mens",
    ]
    if summary.already_processed:
        parts.append(f"{summary.already_processed} al verwerkt")
    return f"{summary.received} bericht(en): " + ", ".join(parts)
