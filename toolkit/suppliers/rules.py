"""Pure rules of the supplier mailing: which cycle it is, the reference, and what is due for one supplier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

CONFIRMED, QUESTION, BOUNCED, NO_EMAIL = "bevestigd", "vraag", "onbestelbaar", "geen e-mail"
NOT_SENT, SENT, REMINDED = "niet verzonden", "verzonden", "herinnerd"
FINAL_STATUSES = frozenset({CONFIRMED, BOUNCED})


def current_cycle(first_year: int, interval_years: int, today: date) -> int | None:
    """The cycle (the year it started) that `today` falls in; None before the first cycle."""
    if today.year < first_year:
        return None
    return first_year + ((today.year - first_year) // interval_years) * interval_years


def reference(cycle: int, nr: int) -> str:
    """The reference in the subject, e.g. [IC-2027-0042]."""
    return f"[IC-{cycle}-{nr:04d}]"


@dataclass(frozen=True)
class SupplierState:
    """What the register says about one supplier in the current cycle."""

    nr: int
    active: bool
    email: str | None
    cycle: str | None
    sent_on: date | None
    reminders: int
    reminded_on: date | None
    status: str | None


def needs_mailing(state: SupplierState, cycle: int) -> bool:
    """Active, with an address, and not yet mailed in this cycle."""
    return state.active and bool(state.email) and not (state.cycle == str(cycle) and state.sent_on is not None)


@dataclass(frozen=True)
class FollowUp:
    kind: str  # "herinnering" or "escalatie"
    number: int  # 1..max for reminders; 0 for the escalation


def follow_up(state: SupplierState, cycle: int, today: date, reminder_days: int, max_reminders: int) -> FollowUp | None:
    """A reminder after `reminder_days` without confirmation, at most `max_reminders`, then one escalation."""
    if state.cycle != str(cycle) or state.sent_on is None or state.status in FINAL_STATUSES | {QUESTION}:
        return None
    last = state.reminded_on or state.sent_on
    if today < last + timedelta(days=reminder_days):
        return None
    if state.reminders < max_reminders:
        return FollowUp("herinnering", state.reminders + 1)
    return FollowUp("escalatie", 0)
