"""Integrity on the agenda: which reminder is due, for which period, and when a period counts as done. Pure.

The code ("Integriteit: onderwerp van gesprek"): "Er is structureel aandacht voor het onderwerp in het
teamoverleg, binnen de MT-vergaderingen en het onderwerp is een vast agendapunt op de reguliere
RvC-vergaderingen. Integriteit is jaarlijks onderwerp van gesprek tijdens een van de medewerkersbijeenkomsten";
and (Dilemma): "Bespreek regelmatig 1 of 2 casussen met meerdere teams". The rhythms below are the toolkit's
settings, not the code's words: the code says "regelmatig" and "structureel".

Four agendas, each with periods:
- team: a calendar quarter; reminded to every team leader (quarterly job), per team;
- mt, rvc: a configured meeting date (the reminder `days_ahead` before it), or else a month or quarter (rhythm);
- staff: a calendar year, reminded in `[onboarding] agenda_month`.
A period is *done* when the `Besproken` sheet of dilemmas.xlsx has a row for that agenda (and team) dated inside
it. The first reminder goes at the period's slot; one follow-up goes `followup_days` later when the period is
still open and not done. Never a reminder once done. Ledger keys: `agenda:<agenda>:<period>[:<team>]`, plus
`:herinnering` for the follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

AGENDAS = ("team", "mt", "rvc", "staff")
MEETING_OF = {"team": "teamoverleg", "mt": "MT", "rvc": "RvC", "staff": "medewerkersbijeenkomst"}
FOLLOW_UP = "herinnering"


@dataclass(frozen=True)
class Schedule:
    """When one agenda's reminders are due: meeting dates (with days ahead) or a rhythm with its slot day."""

    agenda: str
    rhythm: str  # "quarterly", "monthly", "yearly" or "meetings"
    day: int = 1  # slot day of the month (rhythms)
    month: int = 1  # slot month (yearly)
    meetings: tuple[date, ...] = ()
    days_ahead: int = 7
    followup_days: int = 21


@dataclass(frozen=True)
class Period:
    agenda: str
    ident: str  # "2027-K1", "2027-03", "2027", or a meeting date "2027-03-15"
    counts_from: date  # a discussion on or after this day counts for the period ...
    ends: date  # ... up to and including this day
    slot: date  # the first reminder goes on or after this day
    meeting: date | None = None


@dataclass(frozen=True)
class Discussed:
    """One row of the Besproken sheet."""

    meeting: str
    team: str
    day: date


@dataclass(frozen=True)
class Reminder:
    """One reminder that is due: for which agenda, period and team, first or follow-up, and its ledger key."""

    period: Period
    team: str = ""  # for the team agenda: the team (afdeling) of the leader
    follow_up: bool = False

    @property
    def key(self) -> str:
        parts = ["agenda", self.period.agenda, self.period.ident]
        if self.team:
            parts.append(norm(self.team))
        if self.follow_up:
            parts.append(FOLLOW_UP)
        return ":".join(parts)

    @property
    def first_key(self) -> str:
        """The key of the first reminder of the same period (a follow-up only goes after it)."""
        return Reminder(self.period, self.team).key


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _quarter(today: date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def _slot(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _month_end(year, month).day))


def period_for(schedule: Schedule, today: date) -> Period | None:
    """The period a reminder run on `today` is about, or None (no slot yet, or no coming meeting in reach)."""
    agenda, year = schedule.agenda, today.year
    if schedule.rhythm == "meetings":
        for meeting in schedule.meetings:
            slot = meeting - timedelta(days=schedule.days_ahead)
            if slot <= today <= meeting + timedelta(days=schedule.followup_days):
                return Period(agenda, meeting.isoformat(), slot, meeting + timedelta(days=schedule.followup_days),
                              slot, meeting)  # fmt: skip
        return None
    if schedule.rhythm == "quarterly":
        _, quarter = _quarter(today)
        first = 3 * quarter - 2
        ends = _month_end(year, first + 2)
        return Period(agenda, f"{year}-K{quarter}", date(year, first, 1), ends, _slot(year, first, schedule.day))
    if schedule.rhythm == "monthly":
        ends = _month_end(year, today.month)
        return Period(agenda, f"{year}-{today.month:02d}", date(year, today.month, 1), ends,
                      _slot(year, today.month, schedule.day))  # fmt: skip
    slot = _slot(year, schedule.month, schedule.day)
    return Period(agenda, str(year), date(year, 1, 1), date(year, 12, 31), slot) if today >= slot else None


def done(period: Period, discussed: Iterable[Discussed], team: str = "") -> bool:
    """True when Besproken has a row for this agenda (and team) dated inside the period."""
    wanted = MEETING_OF[period.agenda]
    return any(
        row.meeting == wanted
        and period.counts_from <= row.day <= period.ends
        and (not team or norm(row.team) == norm(team))
        for row in discussed
    )


def due(
    schedule: Schedule,
    today: date,
    discussed: Sequence[Discussed],
    delivered: frozenset[str] | set[str],
    teams: Sequence[str] = ("",),
    *,
    follow_up: bool,
) -> list[Reminder]:
    """The reminders due on `today`: first reminders (`follow_up=False`, the periodic job) or follow-ups (nightly).

    A first reminder: the period's slot has come and the period is not done. A follow-up: the first reminder went
    out, `followup_days` have passed since the slot, the period is still open and still not done. Either goes once
    (its key not yet in `delivered`).
    """
    period = period_for(schedule, today)
    if period is None or today < period.slot or today > period.ends:
        return []
    if follow_up and today < period.slot + timedelta(days=schedule.followup_days):
        return []
    found = []
    for team in teams:
        reminder = Reminder(period, team, follow_up)
        if done(period, discussed, team) or reminder.key in delivered:
            continue
        if follow_up and reminder.first_key not in delivered:
            continue
        found.append(reminder)
    return found


# -- anonymised dilemmas for the team reminder -------------------------------------------------------------------

EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}")
NAME_MARK = "[naam]"


def name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Patterns for every known person's full name and each capitalised part of it of 3 letters or more."""
    words: set[str] = set()
    for name in names:
        clean = " ".join(name.split())
        if not clean:
            continue
        words.add(clean)
        words.update(part for part in clean.split() if len(part) >= 3 and part[0].isupper())
    ordered = sorted(words, key=len, reverse=True)  # full names before their parts
    return [re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE) for word in ordered]


def anonymise(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    """`text` without e-mail addresses and without the names of the people in medewerkers.xlsx."""
    text = EMAIL.sub(NAME_MARK, text)
    for pattern in patterns:
        text = pattern.sub(NAME_MARK, text)
    return text


@dataclass(frozen=True)
class Case:
    """A recorded dilemma as it may be shared with other teams: no names, no decider, no team members."""

    nr: int | None
    month: str  # "maart 2027": no exact date
    team: str
    dilemma: str
    options: str
    decision: str
    explanation: str


def recent_cases(rows: Sequence[dict[str, object]], today: date, months: int, limit: int,
                 patterns: Sequence[re.Pattern[str]]) -> list[Case]:  # fmt: skip
    """Shared dilemmas ('Delen met andere teams' ja) of the last `months` months, newest first, anonymised."""
    from toolkit.mail.templates import format_date

    index = today.year * 12 + today.month - 1 - months
    since = date(index // 12, index % 12 + 1, 1)
    chosen = [r for r in rows if r.get("Delen met andere teams") is True and isinstance(r.get("Datum"), date)
              and since <= r["Datum"] <= today]  # type: ignore[operator]  # fmt: skip
    chosen.sort(key=lambda r: r["Datum"], reverse=True)  # type: ignore[arg-type, return-value]
    cases = []
    for row in chosen[:limit]:

        def clean(header: str, row: dict[str, object] = row) -> str:
            return anonymise(str(row.get(header) or ""), patterns)

        month = format_date(row["Datum"])  # type: ignore[arg-type]
        cases.append(Case(row.get("Nr"), month.split(" ", 1)[1], clean("Team"), clean("Dilemma"),  # type: ignore[arg-type]
                          clean("Afwegingen en keuzes"), clean("Besluit"), clean("Uitleg besluit")))  # fmt: skip
    return cases


def cases_text(cases: Sequence[Case], title: str) -> str:
    """The attachment: the cases as plain text, one block each."""
    lines = [title, "=" * len(title), ""]
    if not cases:
        lines.append("Er zijn de afgelopen maanden geen dilemma's vastgelegd die gedeeld mogen worden.")
    for case in cases:
        lines.append(f"Casus {case.nr or '-'} ({case.month}{', team ' + case.team if case.team else ''})")
        for label, value in (("Dilemma", case.dilemma), ("Afwegingen en keuzes", case.options),
                             ("Besluit", case.decision), ("Uitleg", case.explanation)):  # fmt: skip
            if value:
                lines.append(f"  {label}: {value}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
