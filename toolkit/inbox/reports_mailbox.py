"""The reports mailbox's outcomes: the sort label of each, and the counts of one intake (they add up).

Each message ends in exactly one outcome: a new case, added to a case, our acknowledgement not delivered (joins
its case, flagged), or "geen melding" with its reason (moved to the folder "Geen melding"). A copy of a message
already taken in (delivered twice) counts as "al verwerkt"; a message kept for the next run as "wacht".
The decision itself is `toolkit.inbox.classify.report_decision`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import InboxReport

NEW_CASE = "melding: nieuwe zaak"
ADDED = "melding: aanvulling"
ACK_UNDELIVERED = "melding: ontvangstbevestiging niet bezorgd"
NOT_A_REPORT = "geen melding"  # + ": " + the reason (afleverbericht, automatisch antwoord, DMARC-rapport, …)
NOT_A_REPORT_FOLDER = "Geen melding"  # machine mail from the reports mailbox goes to a folder of its own
WAITING = "melding: wacht"


@dataclass(frozen=True)
class IntakeSummary:
    """One intake of the reports mailbox: every message read ends in exactly one of these counts."""

    read: int
    new_cases: int
    added: int
    ack_undelivered: int  # delivery reports about our mail to a reporter: joined the case, flagged
    not_a_report: dict[str, int]  # reason -> count; these went to the folder "Geen melding"
    already_processed: int  # the same message delivered twice, or marked before a crash: one outcome, moved
    waiting: int  # kept in the mailbox for the next run
    skipped: str = ""  # why the mailbox was not read at all
    failed: tuple[str, ...] = ()
    notes: str = ""  # housekeeping of the same run: queued register changes applied, originals purged

    @property
    def accounted(self) -> int:
        parts = (self.new_cases, self.added, self.ack_undelivered, self.already_processed, self.waiting)
        return sum(parts) + sum(self.not_a_report.values())

    @property
    def ok(self) -> bool:
        return not self.failed and self.accounted == self.read


def intake_summary(report: InboxReport) -> IntakeSummary:
    from toolkit.inbox.pipeline import ALREADY

    counts = report.counts
    prefix = f"{NOT_A_REPORT}: "
    return IntakeSummary(
        read=report.received,
        new_cases=counts[NEW_CASE],
        added=counts[ADDED],
        ack_undelivered=counts[ACK_UNDELIVERED],
        not_a_report={sort[len(prefix) :]: n for sort, n in sorted(counts.items()) if sort.startswith(prefix)},
        already_processed=counts[ALREADY],
        waiting=counts[WAITING],
        failed=report.failed,
    )


def intake_line(summary: IntakeSummary) -> str:
    """'12 berichten: 3 nieuwe zaken, 1 aanvulling op een zaak, …, 8 geen melding (5 afleverbericht, …)' — adds up."""
    if summary.skipped:
        return summary.skipped + summary.notes
    if not summary.read:
        return "geen nieuwe berichten" + summary.notes
    machine = sum(summary.not_a_report.values())
    why = ", ".join(f"{n} {reason}" for reason, n in summary.not_a_report.items())
    parts = [
        counted(summary.new_cases, "nieuwe zaak", "nieuwe zaken"),
        counted(summary.added, "aanvulling op een zaak", "aanvullingen op een zaak"),
        counted(summary.ack_undelivered, "bevestiging niet bezorgd", "bevestigingen niet bezorgd"),
        f"{machine} geen melding" + (f" ({why})" if why else ""),
    ]
    if summary.already_processed:
        parts.append(f"{summary.already_processed} al verwerkt")
    if summary.waiting:
        parts.append(counted(summary.waiting, "wacht", "wachten"))
    return f"{counted(summary.read, 'bericht', 'berichten')}: " + ", ".join(parts) + summary.notes
