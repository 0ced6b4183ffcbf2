"""The shared mailbox: its handlers in order, the run (`integrity inbox process`, nightly), and what it counts.

Every message was classified once by the one sorter (toolkit/inbox/classify.py); the handlers act on that
classification, in this order: a case reply, a bounce, a machine report, an automatic reply, a supplier reply
(reference or registered address), a staff confirmation, a report (reads like one), a supplier reply by domain.
What none of them claims stays for a person (`integrity inbox unmatched`) — never a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Handler, InboxReport
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace


def shared_mailbox_handlers() -> list[Handler]:
    """The handlers of the shared mailbox, in order; what none of them claims stays for a person."""
    from toolkit.interests.attest import reply_handler as attestation_reply_handler
    from toolkit.onboarding.replies import confirmation_handler
    from toolkit.reports.intake import case_reply_handler, shared_inbox_report_handler
    from toolkit.suppliers.replies import (
        automatic_handler,
        bounce_handler,
        machine_handler,
        supplier_domain_handler,
        supplier_reply_handler,
    )

    return [
        case_reply_handler,  # a reporter's reply (case number): never sorted as anything else, never left for a person
        bounce_handler,
        machine_handler,
        automatic_handler,
        supplier_reply_handler,  # by our reference or the registered address
        attestation_reply_handler,  # the yearly interests question: by [BV-…] or a staff address with it open
        confirmation_handler,
        shared_inbox_report_handler,  # reads like a report (or [reports] shared_mailbox = true): intake
        supplier_domain_handler,
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
    machine: int  # feedback/abuse, DMARC and TLS reports
    staff: int
    reports: int  # mail about an integrity report: handled apart, never shown here
    unmatched: int
    already_processed: int
    left_for_person: tuple[str, ...]
    waiting: tuple[str, ...]
    failed: tuple[str, ...]
    interests: int = 0  # answers to the yearly interests question

    @property
    def ok(self) -> bool:
        return not self.failed


def inbox_summary(report: InboxReport) -> InboxSummary:
    from toolkit.inbox.pipeline import ALREADY, UNMATCHED
    from toolkit.onboarding.replies import SORT as STAFF_SORT
    from toolkit.suppliers.replies import SORT_AUTOMATIC, SORT_BOUNCE, SORT_CONFIRMED, SORT_MACHINE, SORT_QUESTION

    counts = report.counts
    return InboxSummary(
        received=report.received,
        confirmed=counts[SORT_CONFIRMED],
        questions=counts[SORT_QUESTION],
        bounces=counts[SORT_BOUNCE],
        automatic=counts[SORT_AUTOMATIC],
        machine=counts[SORT_MACHINE],
        staff=counts[STAFF_SORT],
        reports=sum(n for sort, n in counts.items() if sort.startswith("melding")),
        unmatched=counts[UNMATCHED],
        already_processed=counts[ALREADY],
        left_for_person=tuple(report.unmatched),
        waiting=tuple(outcome.waiting for outcome in report.saved if outcome.waiting),
        failed=report.failed,
        interests=sum(n for sort, n in counts.items() if sort.startswith("belangen:")),
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
    """'7 berichten: 3 bevestigd, 1 vraag, …' — every count, so they visibly add up."""
    parts = [
        f"{summary.confirmed} bevestigd",
        counted(summary.questions, "vraag", "vragen"),
        f"{summary.bounces} onbestelbaar",
        counted(summary.automatic, "automatisch antwoord", "automatische antwoorden"),
        counted(summary.machine, "machinerapport", "machinerapporten"),
        counted(summary.staff, "bevestiging nieuwe medewerker", "bevestigingen nieuwe medewerkers"),
        f"{summary.reports} over een melding",
        f"{summary.unmatched} voor een mens",
    ]
    if summary.interests:
        parts.insert(
            -1, counted(summary.interests, "antwoord op de jaarvraag belangen", "antwoorden op de jaarvraag belangen")
        )
    if summary.already_processed:
        parts.append(f"{summary.already_processed} al verwerkt")
    return f"{counted(summary.received, 'bericht', 'berichten')}: " + ", ".join(parts)
