"""Deadlines of open cases: the overview (`integrity reports deadlines`) and the nightly reminders and escalations.

The acknowledgement is the intake officer's task, so its reminders go to them; feedback reminders go to the
handler (the intake officer while there is none, or when the case went to the external Meldpunt). An overdue
deadline is escalated once to the director, or to the RvC chair when the director handles or is concerned.
Each reminder goes once: its mail key is the stable key from `reminders_due`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from toolkit.reports import notify
from toolkit.reports.cases import Case, handler_address, has_register, load_cases
from toolkit.reports.deadlines import ACKNOWLEDGEMENT, OVERDUE_STAGE, deadline_states, reminders_due

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace

WHAT = {ACKNOWLEDGEMENT: "de ontvangstbevestiging", "terugkoppeling": "de terugkoppeling aan de melder"}


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
        for state in deadline_states(case.received, case.acknowledged, case.feedback_given, case.closed, ws.today):
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
    return DeadlineOverview(ws.today, tuple(sorted(found, key=lambda d: (d.due, d.case))))


def _escalation_address(ws: Workspace, case: Case) -> str:
    org = ws.config.organisation
    director_involved = case.concerns == "directeur-bestuurder" or org.director in (case.handler or "").lower()
    director_involved = director_involved or (case.concerned or "").strip().lower() == org.director
    return org.rvc_chair if director_involved else org.director


def reminder_mails(ws: Workspace, case: Case) -> list[OutgoingMail]:
    if case.received is None:
        return []
    mails = []
    intake = ws.config.organisation.integrity_officer
    for reminder in reminders_due(
        case.number, case.received, case.acknowledged, case.feedback_given, case.closed, ws.today
    ):
        what = WHAT.get(reminder.kind, reminder.kind)
        if reminder.stage == OVERDUE_STAGE:
            late = (ws.today - reminder.due).days
            address = _escalation_address(ws, case)
            mails.append(
                notify.to_staff(
                    ws,
                    notify.ESCALATION,
                    f"{notify.ESCALATION}:{reminder.key}",
                    address,
                    case,
                    termijn=what,
                    uiterlijk=reminder.due,
                    dagen_te_laat=late,
                    behandelaar=case.handler or "nog niet toegewezen",
                )
            )
            continue
        address = intake if reminder.kind == ACKNOWLEDGEMENT else (handler_address(case) or intake)
        mails.append(
            notify.to_staff(
                ws,
                notify.REMINDER,
                f"{notify.REMINDER}:{reminder.key}",
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
    mails = unsent(mailer, [m for case in load_cases(ws) for m in reminder_mails(ws, case)])
    if not mails:
        return StepResult(name, True, "geen herinneringen nodig")
    report = mailer.send_all(mails)
    details = tuple(f"{m.audit_ref}: {m.purpose}" for m in mails)
    return StepResult(name, report.ok, f"{len(report.sent)} herinnering(en)/escalatie(s) verstuurd", details)
