"""New staff receive the integrity code on joining and discuss it with the manager Mens & Organisatie.

Rules, as pure functions of one staff-register row and a date:

- The code goes to the business address on the first working day (before that the mailbox is not in use),
  or, when the register has a private address, to that from `days_ahead` (14) days before the first working
  day: a start exactly 14 days ahead is due, 15 days ahead is not yet. A start that has passed is due too,
  unless the caller passes `joined_since` and the start lies before it (staff who joined before the toolkit
  came into use). Never to someone who has left, who already received it, or who has no usable address.
- Each role gets its own welcome: staff and managers (`welkom`), the director (`welkom_directeur`) and RvC
  members (`welkom_rvc`), who have no first working day and no conversation with M&O.
- Behind: no conversation with M&O more than `conversation_weeks` (6) weeks after the start (day 42 is on
  time, day 43 is behind); receipt not confirmed more than `confirm_days` (14) days after the code was sent;
  no e-mail address once started, so the code can't be sent.
- Employed on a day: started on or before it (an empty start date counts as long employed) and not yet
  past the last working day (`Uit dienst per` is the last working day, so that day still counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Employee:
    """One row of the staff register, as plain values."""

    number: str
    name: str
    email: str | None
    role: str | None
    manager_email: str | None
    start: date | None  # 'In dienst per'
    end: date | None  # 'Uit dienst per' (last working day)
    conversation_on: date | None  # 'Gesprek M&O op'
    code_sent_on: date | None  # 'Code verzonden op'
    confirmed_on: date | None  # 'Ontvangst bevestigd op'
    private_email: str | None = None  # 'Privé e-mail' (optional column)


WELCOME_KINDS = {"directeur-bestuurder": "welkom_directeur", "RvC-lid": "welkom_rvc"}


def welcome_kind(e: Employee) -> str:
    """The welcome template for this person's role."""
    return WELCOME_KINDS.get(e.role or "", "welkom")


def has_left(e: Employee, today: date) -> bool:
    """True when the last working day lies before `today`."""
    return e.end is not None and e.end < today


def employed_on(e: Employee, day: date) -> bool:
    """True when the employee works here on `day`; an empty start date counts as employed since long ago."""
    return (e.start is None or e.start <= day) and not has_left(e, day)


def welcome_address(e: Employee, today: date, days_ahead: int = 14) -> str | None:
    """Where the welcome can go today: the business address from the first working day, a private address
    from `days_ahead` days before it; None when neither is usable yet."""
    if e.start is None:
        return None
    business, private = (e.email or "").strip(), (e.private_email or "").strip()
    if business and e.start <= today:
        return business
    if private and e.start <= today + timedelta(days=days_ahead):
        return private
    return None


def due_for_welcome(e: Employee, today: date, days_ahead: int = 14, joined_since: date | None = None) -> bool:
    """True when the integrity code should be sent to this (future) employee today."""
    if e.start is None or e.code_sent_on is not None or has_left(e, today):
        return False
    if joined_since is not None and e.start < joined_since:
        return False
    return welcome_address(e, today, days_ahead) is not None


def behind(e: Employee, today: date, conversation_weeks: int = 6, confirm_days: int = 14) -> list[str]:
    """Dutch reasons why this employee's onboarding is behind; empty when on track or not (yet) employed."""
    if e.start is None or e.start > today or has_left(e, today):
        return []
    reasons = []
    conversation_by = e.start + timedelta(weeks=conversation_weeks)
    if e.conversation_on is None and today > conversation_by:
        reasons.append(
            f"Nog geen gesprek over de integriteitscode met de manager Mens & Organisatie "
            f"(in dienst per {e.start:%d-%m-%Y}, gesprek uiterlijk {conversation_by:%d-%m-%Y})."
        )
    if e.code_sent_on is not None and e.confirmed_on is None and today > e.code_sent_on + timedelta(days=confirm_days):
        reasons.append(f"Ontvangst van de integriteitscode niet bevestigd (verzonden op {e.code_sent_on:%d-%m-%Y}).")
    if e.code_sent_on is None and not (e.email or "").strip():
        reasons.append("Geen e-mailadres ingevuld: de integriteitscode kan niet worden verstuurd.")
    return reasons
