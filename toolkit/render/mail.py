"""Text form of supplier mailing and shared-mailbox results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.render import BAD, OK, WAIT, mail_preview_lines, renders, text
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.inbox.reports_mailbox import IntakeSummary
    from toolkit.inbox.shared import InboxSummary, WaitingList
    from toolkit.suppliers.service import FollowUpResult, MailingResult, StatusOverview


# -- suppliers -----------------------------------------------------------------------------------


def _send_lines(report: Any) -> list[str]:
    return [] if report is None else ["  " + line for line in text(report)]


@renders("toolkit.suppliers.service.MailingResult")
def _(result: MailingResult) -> list[str]:
    plan = result.plan
    suppliers = counted(len(plan.messages), "leverancier krijgt", "leveranciers krijgen")
    lines = [f"Verzendronde {plan.cycle}: {suppliers} de integriteitscode."]
    lines += [f"  - zonder (geldig) e-mailadres, voor de contracteigenaar: {item}" for item in plan.no_email]
    lines += [f"  - {finding}" for finding in plan.findings]
    if not result.sent:
        if plan.messages:
            outgoing = plan.plan.outgoing()
            heading = f"Voorbeeld: {counted(len(outgoing), 'bericht', 'berichten')} klaar om te versturen."
            lines += ["", *mail_preview_lines(outgoing, heading)]
            if result.preview_dir:
                lines.append(f"Alle berichten staan als .eml in {result.preview_dir}")
            else:
                lines.append("Alle berichten als .eml-bestand: integrity suppliers mail --eml MAP")
            lines.append("Er is niets verstuurd. Versturen: integrity suppliers mail --send")
        return lines
    lines += _send_lines(result.report)
    lines += [f"  {WAIT} {reason}" for reason in result.waiting]
    return lines


@renders("toolkit.suppliers.service.FollowUpResult")
def _(result: FollowUpResult) -> list[str]:
    reminders = counted(len(result.reminders), "herinnering", "herinneringen")
    escalations = counted(len(result.escalations), "escalatie", "escalaties")
    lines = [f"{reminders} en {escalations} staan klaar."]
    if not result.sent:
        outgoing = result.outgoing
        if outgoing:
            heading = (
                f"Voorbeeld: {counted(len(outgoing), 'bericht', 'berichten')} "
                "(escalaties per contracteigenaar in één bericht)."
            )
            lines += ["", *mail_preview_lines(outgoing, heading, "integrity suppliers remind --send")]
        return lines
    for mail in result.outgoing:
        lines.append(f"  - {mail.subject} -> {', '.join(mail.to)}")
    return lines + _send_lines(result.report) + [f"  {WAIT} {reason}" for reason in result.waiting]


@renders("toolkit.suppliers.service.StatusOverview")
def _(result: StatusOverview) -> list[str]:
    lines = [f"Verzendronde {result.cycle}:"]
    lines += [f"  {status:<16} {count:>5}" for status, count in result.counts.items()]
    if result.attention:
        lines += ["", "Vraagt aandacht:"] + [f"  - {item}" for item in result.attention]
    return lines


@renders("toolkit.inbox.shared.InboxSummary")
def _(result: InboxSummary) -> list[str]:
    from toolkit.inbox.shared import summary_line

    lines = [f"Gedeelde mailbox: {summary_line(result)}."]
    if result.left_for_person:
        lines += ["", "Blijft in de mailbox voor een mens (zie: integrity inbox unmatched):"]
        lines += [f"  - {subject or '(geen onderwerp)'}" for subject in result.left_for_person]
    lines += [f"  {WAIT} {reason}" for reason in result.waiting]
    lines += [f"  {BAD} niet verstuurd: {item}" for item in result.failed]
    return lines


@renders("toolkit.inbox.shared.WaitingList")
def _(result: WaitingList) -> list[str]:
    if not result.messages:
        return [f"{OK} Er wacht geen post op een mens in de gedeelde mailbox."]
    waiting = counted(len(result.messages), "bericht wacht", "berichten wachten")
    lines = [f"{waiting} in de gedeelde mailbox op een mens:"]
    return lines + [f"  {m.date:<16}  {m.sender:<36}  {m.subject or '(geen onderwerp)'}" for m in result.messages]


@renders("toolkit.inbox.reports_mailbox.IntakeSummary")
def _(result: IntakeSummary) -> list[str]:
    from toolkit.inbox.reports_mailbox import intake_line

    lines = [f"Meldingenpostbus: {intake_line(result)}."]
    if result.ack_undelivered:
        undelivered = counted(result.ack_undelivered, "ontvangstbevestiging kwam", "ontvangstbevestigingen kwamen")
        lines.append(f"  {BAD} {undelivered} niet aan: zie de zaak.")
    lines += [f"  {BAD} niet verstuurd: {item}" for item in result.failed]
    if result.accounted != result.read:
        lines.append(
            f"  {BAD} {counted(result.read - result.accounted, 'bericht', 'berichten')} zonder uitkomst: "
            "meld dit aan de beheerder"
        )
    return lines
