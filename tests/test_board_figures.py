"""The board report's pure parts: periods, small-cell protection, readings, the director's version."""

from __future__ import annotations

import random
from datetime import date

import pytest

from toolkit.board.facts import CaseFact, Facts, ReportFacts
from toolkit.board.figures import build_report
from toolkit.board.model import OTHER, breakdown, protect
from toolkit.board.period import comparison, last_full_quarter, meeting_due, parse_period, previous
from toolkit.errors import InputError


def test_periods_and_their_comparison() -> None:
    """A quarter compares with the quarter before (across the year), a year with the year before."""
    q1 = parse_period("2027Q1")
    assert (q1.start, q1.end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert previous(q1).label == "2026Q4" and previous(parse_period("2027Q3")).label == "2027Q2"
    assert previous(parse_period("2027")).label == "2026"
    assert comparison(q1, "2025Q1").label == "2025Q1"
    with pytest.raises(InputError):
        comparison(q1, "2026")
    for bad in ("2027Q0", "27Q1", "2027-1", ""):
        with pytest.raises(InputError):
            parse_period(bad)


def test_meeting_due_and_the_quarter_it_reports() -> None:
    """From days_ahead before a meeting up to the meeting the report is due; it covers the last full quarter."""
    meetings = [date(2027, 4, 14), date(2027, 6, 20)]
    assert meeting_due(meetings, 10, date(2027, 4, 3)) is None
    assert meeting_due(meetings, 10, date(2027, 4, 4)) == date(2027, 4, 14)
    assert meeting_due(meetings, 10, date(2027, 4, 15)) is None
    assert last_full_quarter(date(2027, 4, 4)).label == "2027Q1"
    assert last_full_quarter(date(2027, 2, 1)).label == "2026Q4"


def test_protect_never_shows_one_or_two_and_hides_differences() -> None:
    """For random counts: no shown cell is 1 or 2, shown cells plus 'overig' add up to the total."""
    rng = random.Random(5)
    for _ in range(500):
        counts = {f"c{i}": rng.choice((0, 0, 1, 2, 3, 4, 7)) for i in range(rng.randint(1, 6))}
        shown, other = protect(counts, 3)
        numbers = [v for v in shown.values() if isinstance(v, int)]
        assert not [v for v in numbers if v in (1, 2)]
        assert other not in (1, 2)
        total = sum(counts.values())
        if total >= 3:
            assert sum(numbers) + (other if isinstance(other, int) else 0) == total


def test_secondary_suppression_when_overig_would_stay_small() -> None:
    """One category of 1 beside categories of 3 and 5: the 3 is merged too, so the 1 can't be worked out."""
    shown, other = protect({"a": 1, "b": 3, "c": 5}, 3)
    assert shown == {"a": "< 3", "b": "in overig", "c": 5} and other == 4
    rows = breakdown("x", {"a": 1, "b": 3, "c": 5}, {"a": 4}, min_cell=3).rows
    assert rows[-1] == (OTHER, 4, 0)


def _case(day: date, kind: str, *, director: bool = False) -> CaseFact:
    return CaseFact(day, "e-mail", kind, None, "ontvangen", None, (), None, False, day, None, None, director)


def test_director_version_and_empty_readings() -> None:
    """The director's version drops cases about the director; an empty period says so in every area."""
    cases = tuple(_case(date(2027, 2, d), "medewerker", director=d == 1) for d in range(1, 6))
    facts = Facts(reports=ReportFacts(cases, frozenset({"channel", "feedback", "meldpunt"})))
    q1, q4 = parse_period("2027Q1"), parse_period("2026Q4")
    full = build_report(facts, q1, q4, date(2027, 4, 5), organisation="W")
    director = build_report(facts, q1, q4, date(2027, 4, 5), organisation="W", audience="directeur")
    assert (full.areas[0].figures[0].current, director.areas[0].figures[0].current) == (5, 4)
    quiet = build_report(Facts(), parse_period("2030Q1"), parse_period("2029Q4"), date(2030, 5, 1), organisation="W")
    assert quiet.empty and all(not area.active for area in quiet.areas)
    assert all("geen" in area.reading or "niet" in area.reading for area in quiet.areas)


@pytest.mark.parametrize(
    ("days", "weeks", "said"),
    [(1, 1, {"Besluit binnen 1 dag", "Gesprek met M&O binnen 1 week"}),
     (14, 6, {"Besluit binnen 14 dagen", "Gesprek met M&O binnen 6 weken"})],
)  # fmt: skip
def test_the_terms_in_figure_labels_are_dutch_for_one_and_more(days: int, weeks: int, said: set[str]) -> None:
    """`[sidejobs] decision_days` = 1 and a talk term of 1 week read "binnen 1 dag" and "binnen 1 week"."""
    facts = Facts(decision_days=days, conversation_weeks=weeks)
    report = build_report(facts, parse_period("2027Q1"), parse_period("2026Q4"), date(2027, 4, 5), organisation="W")
    labels = {figure.label for area in report.areas for figure in area.figures}
    assert said <= labels, labels
