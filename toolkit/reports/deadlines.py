"""Legal deadlines for an integrity report (Wet bescherming klokkenluiders), as pure functions of dates.

- Receipt is acknowledged within 7 days: received on day 0, day 7 is on time, day 8 is late.
- Feedback on the assessment and the follow-up is given within 3 calendar months of the acknowledgement; when no
  acknowledgement was sent, within 3 months after the 7-day period ended (the law's fallback).
  Months are calendar months and end-of-month safe: 31 January + 3 months = 30 April.
  Only substantive feedback (`reports update --feedback`) clears it; a status change never does.
- After the feedback the reporter is kept informed of progress (Stap 3): the handler is reminded every
  `progress_weeks` weeks after the feedback until the case is closed.

Reminders go to the handler 14 days and 3 days before a deadline and once more, as an escalation, the
day after it passed. Each reminder has a stable key, so the caller can record it and send it once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from toolkit.values import counted

ACKNOWLEDGEMENT_DAYS = 7
FEEDBACK_MONTHS = 3
REMIND_DAYS_BEFORE = (14, 3)

ACKNOWLEDGEMENT = "ontvangstbevestiging"
FEEDBACK = "terugkoppeling"
PROGRESS = "voortgang"
PROGRESS_WEEKS = 6
OVERDUE_STAGE = "verlopen"


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def acknowledgement_due(received: date) -> date:
    """Last day on which receipt may be acknowledged: received + 7 days."""
    return received + timedelta(days=ACKNOWLEDGEMENT_DAYS)


def feedback_due(acknowledged: date) -> date:
    """Last day on which feedback may be given: acknowledged + 3 calendar months."""
    return add_months(acknowledged, FEEDBACK_MONTHS)


def feedback_due_for(received: date, acknowledged: date | None) -> date:
    """Feedback deadline, counted from the acknowledgement or, if none was sent, from the end of the 7 days."""
    return feedback_due(acknowledged if acknowledged is not None else acknowledgement_due(received))


@dataclass(frozen=True)
class DeadlineState:
    """One open deadline of a report as seen on a given day."""

    kind: str  # ACKNOWLEDGEMENT or FEEDBACK
    due: date
    days_left: int  # negative once overdue
    overdue: bool
    remind: bool  # today is exactly 14 or 3 days before the deadline


def _state(kind: str, due: date, today: date) -> DeadlineState:
    days_left = (due - today).days
    return DeadlineState(kind, due, days_left, days_left < 0, days_left in REMIND_DAYS_BEFORE)


def _open_deadlines(
    received: date, acknowledged: date | None, feedback_given: date | None, closed: date | None
) -> list[tuple[str, date, date]]:
    """(kind, start of its period, due) for each deadline that is still open."""
    if closed is not None or feedback_given is not None:
        return []
    deadlines = []
    if acknowledged is None:
        deadlines.append((ACKNOWLEDGEMENT, received, acknowledgement_due(received)))
    feedback_start = acknowledged if acknowledged is not None else acknowledgement_due(received)
    deadlines.append((FEEDBACK, feedback_start, feedback_due(feedback_start)))
    return deadlines


def progress_due(feedback_given: date | None, closed: date | None, today: date, weeks: int) -> tuple[int, date] | None:
    """(number, day) of the next progress update after the feedback, or None before feedback and once closed.

    Update n is due `n * weeks` weeks after the feedback: with 6 weeks, day 42, 84, ...
    """
    if feedback_given is None or closed is not None:
        return None
    period_days = 7 * weeks
    number = max(1, -(-(today - feedback_given).days // period_days))  # the first update due on or after today
    return number, feedback_given + timedelta(days=number * period_days)


def deadline_states(
    received: date,
    acknowledged: date | None,
    feedback_given: date | None,
    closed: date | None,
    today: date,
    progress_weeks: int = PROGRESS_WEEKS,
) -> list[DeadlineState]:
    """The open deadlines on `today`: acknowledgement while none is recorded, feedback until given or closed, and
    after the feedback the next progress update until closed (never overdue: a reminder, not a legal term)."""
    deadlines = _open_deadlines(received, acknowledged, feedback_given, closed)
    states = [_state(kind, due, today) for kind, _, due in deadlines]
    progress = progress_due(feedback_given, closed, today, progress_weeks)
    if progress is not None:
        states.append(DeadlineState(PROGRESS, progress[1], (progress[1] - today).days, False, False))
    return states


@dataclass(frozen=True)
class Reminder:
    """A reminder that is due; `key` is the same every day for the same reminder, so it is sent once."""

    case: str
    kind: str
    stage: str  # '14-dagen', '3-dagen' or 'verlopen'
    due: date
    key: str
    text: str  # Dutch, for the handler


def _stages(start: date, due: date) -> list[tuple[str, date]]:
    """(stage, first day it applies) in order; a stage whose day falls before the period began is left out."""
    stages = [(f"{days}-dagen", due - timedelta(days=days)) for days in REMIND_DAYS_BEFORE]
    stages = [(stage, day) for stage, day in stages if day >= start]
    stages.append((OVERDUE_STAGE, due + timedelta(days=1)))
    return stages


def _reminder_text(case: str, kind: str, stage: str, due: date, today: date) -> str:
    what = "de ontvangstbevestiging" if kind == ACKNOWLEDGEMENT else "de terugkoppeling aan de melder"
    if stage == OVERDUE_STAGE:
        late = (today - due).days
        return f"Melding {case}: {what} had uiterlijk {due:%d-%m-%Y} gegeven moeten zijn ({counted(late, 'dag', 'dagen')} te laat)."
    left = (due - today).days
    return f"Melding {case}: {what} moet uiterlijk {due:%d-%m-%Y} gegeven zijn (nog {counted(left, 'dag', 'dagen')})."


def reminders_due(
    case: str,
    received: date,
    acknowledged: date | None,
    feedback_given: date | None,
    closed: date | None,
    today: date,
    progress_weeks: int = PROGRESS_WEEKS,
) -> list[Reminder]:
    """The reminders to send on `today`: per open deadline, the latest stage reached (14 days, 3 days, overdue);
    after the feedback, a progress reminder each `progress_weeks` weeks until the case is closed.

    A run that missed the exact day still sends the stage it missed, but only the latest one; the caller keeps
    the keys it sent and skips a key it has seen, so each reminder goes out once.
    """
    reminders = []
    for kind, start, due in _open_deadlines(received, acknowledged, feedback_given, closed):
        reached = [stage for stage, day in _stages(start, due) if day <= today]
        if not reached:
            continue
        stage = reached[-1]
        key = f"{case}:{kind}:{stage}:{due.isoformat()}"
        reminders.append(Reminder(case, kind, stage, due, key, _reminder_text(case, kind, stage, due, today)))
    if feedback_given is not None and closed is None:
        number = (today - feedback_given) // timedelta(weeks=progress_weeks)
        if number >= 1:
            day = feedback_given + number * timedelta(weeks=progress_weeks)
            text = f"Melding {case}: houd de melder op de hoogte van de voortgang (sinds {feedback_given:%d-%m-%Y})."
            key = f"{case}:{PROGRESS}:{number}:{feedback_given.isoformat()}"
            reminders.append(Reminder(case, PROGRESS, f"{number * progress_weeks}-weken", day, key, text))
    return reminders
