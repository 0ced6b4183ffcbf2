"""Report periods: a year (2027) or a quarter (2027Q1), the period to compare with, and the period before a meeting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from toolkit.errors import InputError

_PATTERN = re.compile(r"^(\d{4})(?:[Qq]([1-4]))?$")


@dataclass(frozen=True)
class Period:
    """A year or a quarter, with its first and last day."""

    label: str
    start: date
    end: date

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.label

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start.year, self.end.year + 1))


def parse_period(text: str) -> Period:
    """'2027' or '2027Q1' (a clear InputError otherwise)."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise InputError(
            f"--period '{text}' is geen jaar of kwartaal.", hint="bijvoorbeeld --period 2027 of --period 2027Q1."
        )
    year = int(match.group(1))
    if match.group(2) is None:
        return Period(str(year), date(year, 1, 1), date(year, 12, 31))
    return quarter(year, int(match.group(2)))


def quarter(year: int, number: int) -> Period:
    start = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(f"{year}Q{number}", start, following - timedelta(days=1))


def previous(period: Period) -> Period:
    """The period of the same length just before."""
    if not period.is_quarter:
        return parse_period(str(period.start.year - 1))
    number = (period.start.month - 1) // 3 + 1
    return quarter(period.start.year - 1, 4) if number == 1 else quarter(period.start.year, number - 1)


def comparison(period: Period, compare: str | None) -> Period:
    """--compare: 'previous' (default) or an explicit period of the same kind."""
    if compare in (None, "", "previous", "vorige"):
        return previous(period)
    other = parse_period(compare)
    if other.is_quarter != period.is_quarter:
        raise InputError(
            f"--compare {compare} is geen periode van dezelfde soort als --period {period.label}.",
            hint="vergelijk een kwartaal met een kwartaal en een jaar met een jaar, of gebruik --compare previous.",
        )
    return other


def last_full_quarter(day: date) -> Period:
    """The last quarter that ended before `day`: what the report before a meeting covers."""
    current = (day.month - 1) // 3 + 1
    return quarter(day.year - 1, 4) if current == 1 else quarter(day.year, current - 1)


def meeting_due(meetings: list[date], days_ahead: int, today: date) -> date | None:
    """The next meeting whose report is due: prepared from `days_ahead` days before it until the meeting day."""
    for meeting in sorted(meetings):
        if meeting - timedelta(days=days_ahead) <= today <= meeting:
            return meeting
    return None
