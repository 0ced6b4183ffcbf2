"""Pure rules of the supplier mailing: which cycle it is and the reference; the round's rules are toolkit.rounds."""

from __future__ import annotations

from datetime import date

from toolkit.rounds import (  # noqa: F401 - the supplier round is a confirmation round (toolkit/rounds.py)
    BOUNCED,
    CONFIRMED,
    FINAL_STATUSES,
    NO_EMAIL,
    NOT_SENT,
    QUESTION,
    REMINDED,
    SENT,
    FollowUp,
    RoundColumns,
    follow_up,
    needs_mailing,
)

# The toolkit-owned columns of leveranciers.xlsx that keep the round.
COLUMNS = RoundColumns(
    round="Cyclus",
    sent_on="Verzonden op",
    reminders="Herinneringen",
    reminded_on="Herinnerd op",
    status="Status",
    confirmed_on="Bevestigd op",
    confirmed_by="Bevestigd door",
    reference="Referentie",
)


def current_cycle(first_year: int, interval_years: int, today: date) -> int | None:
    """The cycle (the year it started) that `today` falls in; None before the first cycle."""
    if today.year < first_year:
        return None
    return first_year + ((today.year - first_year) // interval_years) * interval_years


def reference(cycle: int, nr: int) -> str:
    """The reference in the subject, e.g. [IC-2027-0042]."""
    return f"[IC-{cycle}-{nr:04d}]"
