"""Deadlines of open cases: the overview (`integrity reports deadlines`) and the nightly reminders and escalations.

The acknowledgement is the first reader's task (the intake officer), so its reminders go to them; feedback and
progress reminders go to the receiver (the first reader while there is none, or when the case went to the external
Meldpunt). An overdue deadline is escalated once to whoever the code informs: the director, or the RvC chair when it
concerns the director; a case about the RvC is escalated to nobody in the management chain (only the first reader).
Nobody the decision says is never told receives a reminder. Each reminder goes once: its key comes from
`reminders_due`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.reports import notify
from toolkit.reports.assign import decide_case, organisation
from toolkit.reports.cases import Case, case_register, handler_address, has_register, load_cases
from toolkit.reports.deadlines import (
    ACKNOWLEDGEMENT,
    OVERDUE_STAGE,
    PROGRESS,
    acknowledgement_due,
    deadline_states,
    reminders_due,
)
from toolkit.reports.routing import Entry, Organisation
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace

RECORD_TO_SIGN = "verslag tekenen"
WHAT = {
    ACKNOWLEDGEMENT: "de ontvangstbevestiging",
    "terugkoppeling": "de terugkoppeling over beoordeling en opvolging aan de melder",
    PROGRESS: "een voortgangsbericht aan de melder",
}


@dataclass(frozen=True)
class OpenDeadline:
    """One open deadline, for the overview: no names, no subjects beyond the register's neutral one."""

    case: str
    kind: str
    due: date
    days_left: int
    overdue: bool
    handler: str


@dataclass(frozen=True)
class DeadlineOverview:
    today: date
    deadlines: tuple[OpenDeadline, ...]

    @property
    def ok(self) -> bool:
        return not any(d.overdue for d in self.deadlines)


def overview(ws: Workspace) -> DeadlineOverview:
    """Every open deadline of every open case, soonest first."""
    found = []
    for case in load_cases(ws):
        if case.received is None:
            continue
        weeks = ws.config.reports.progress_weeks
        states = deadline_states(case.received, case.acknowledged, case.feedback_given, case.closed, ws.today, weeks)
        for state in states:
            found.append(
                OpenDeadline(
                    case.number,
                    state.kind,
                    state.due,
                    state.days_left,
                    state.overdue,
                    case.handler or "nog niet toegewezen",
                )
            )
        found += _record_to_sign(ws, case)
    return DeadlineOverview(ws.today, tuple(sorted(found, key=lambda d: (d.due, d.case))))


def _record_to_sign(ws: Workspace, case: Case) -> list[OpenDeadline]:
    """An oral report's record the reporter has not confirmed yet: shown (never overdue: a duty, not a term)."""
    from toolkit.reports.oral import ORAL, record_confirmed

    if case.channel not in ORAL or case.is_closed or case.received is None or record_confirmed(ws, case.number):
        return []
    due = acknowledgement_due(case.received)
    handler = case.handler or "nog niet toegewezen"
    return [OpenDeadline(case.number, RECORD_TO_SIGN, due, (due - ws.today).days, False, handler)]


def _addresses(ws: Workspace, case: Case, org: Organisation, row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(first reader, escalation) for this case per the code's decision; None where nobody may be told."""
    decision = decide_case(case, row, org)
    first = decision.first_reader.email if decision.first_reader else None
    never = {p.email for p in decision.never_told}
    if not case.handler and decision.entry is Entry.GENERAL:  # not routed yet: the director, as the code informs him
        escalate = next((p.email for p in (org.director, org.board_chair) if p.email not in never), first)
        return first, escalate
    escalate = decision.informed[0].email if decision.informed else None
    if escalate is None and decision.receivers and decision.entry is Entry.GENERAL:
        # the receiver is already the one the code informs (director, or chair about the director): above them
        escalate = org.board_chair.email if decision.receivers[0] is org.director else None
    return first, escalate or first


def reminder_mails(
    ws: Workspace, case: Case, org: Organisation | None = None, row: dict[str, Any] | None = None
) -> list[OutgoingMail]:
    if case.received is None:
        return []
    org = org or organisation(ws)
    first, escalation = _addresses(ws, case, org, row or {})
    handler = handler_address(case) or first
    mails = []
    weeks = ws.config.reports.progress_weeks
    for reminder in reminders_due(
        case.number, case.received, case.acknowledged, case.feedback_given, case.closed, ws.today, weeks
    ):
        what = WHAT.get(reminder.kind, reminder.kind)
        if reminder.stage == OVERDUE_STAGE:
            if escalation is None:
                continue
            late = (ws.today - reminder.due).days
            mails.append(
                notify.to_staff(
                    ws,
                    notify.ESCALATION,
                    f"{notify.ESCALATION}:{reminder.key}",
                    escalation,
                    case,
                    termijn=what,
                    uiterlijk=reminder.due,
                    dagen_te_laat=late,
                    behandelaar=case.handler or "nog niet toegewezen",
                )
            )
            continue
        address = (first or handler) if reminder.kind == ACKNOWLEDGEMENT else handler
        if address is None:
            continue
        kind = notify.PROGRESS_REMINDER if reminder.kind == PROGRESS else notify.REMINDER
        mails.append(
            notify.to_staff(
                ws,
                kind,
                f"{kind}:{reminder.key}",
                address,
                case,
                termijn=what,
                uiterlijk=reminder.due,
                dagen=(reminder.due - ws.today).days,
            )
        )
    return mails


def reminders_step(ws: Workspace) -> StepResult:
    """Nightly: send what is due today; quiet when nothing is."""
    from toolkit.mail.sender import unsent
    from toolkit.nightly import StepResult

    name = "termijnen meldingen"
    if not has_register(ws):
        return StepResult(name, True, "nog geen meldingen")
    mailer = ws.mailer()
    org, rows = organisation(ws), case_register(ws).read()
    cases = [c for c in load_cases(ws) if not c.is_closed]
    mails = unsent(mailer, [m for case in cases for m in reminder_mails(ws, case, org, rows.get(case.number))])
    if not mails:
        return StepResult(name, True, "geen herinneringen nodig")
    report = mailer.send_all(mails)
    details = tuple(f"{m.audit_ref}: {m.purpose}" for m in mails)
    sent = counted(len(report.sent), "herinnering of escalatie", "herinneringen en escalaties")
    return StepResult(name, report.ok, f"{sent} verstuurd", details)
