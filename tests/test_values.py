"""Tolerant values: what people type in Excel is read, and what can't be read says why."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from toolkit.values import (
    format_amount_nl,
    parse_amount,
    parse_choice,
    parse_date,
    parse_email,
    parse_number,
    parse_yesno,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (datetime(2025, 12, 1, 0, 0), date(2025, 12, 1)),
        (date(2025, 12, 1), date(2025, 12, 1)),
        ("1-12-2025", date(2025, 12, 1)),
        ("01-12-2025", date(2025, 12, 1)),
        ("01/12/2025", date(2025, 12, 1)),
        ("1.12.2025", date(2025, 12, 1)),
        ("2025-12-01", date(2025, 12, 1)),
        ("1 dec 2025", date(2025, 12, 1)),
        ("1 december 2025", date(2025, 12, 1)),
        ("1 mrt 2025", date(2025, 3, 1)),
        ("1 okt. 2025", date(2025, 10, 1)),
        ("3 May 2026", date(2026, 5, 3)),
        ("1-12-25", date(2025, 12, 1)),
        (" 1-12-2025\u00a0", date(2025, 12, 1)),
    ],
)
def test_dates_as_people_type_them(typed: object, expected: date) -> None:
    """Excel dates and Dutch typed dates are read as the same day."""
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["31-02-2025", "gisteren", "1 smarch 2025", "12/2025", 45000])
def test_unreadable_dates(typed: object) -> None:
    """Impossible dates, words and bare numbers are refused with a reason."""
    with pytest.raises(ValueError, match=r"datum|maand"):
        parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (24.95, "24.95"),
        (25, "25.00"),
        ("24.95", "24.95"),
        ("24,95", "24.95"),
        ("€ 24,95", "24.95"),
        ("€24,95", "24.95"),
        ("EUR 24,95", "24.95"),
        ("24,95 euro", "24.95"),
        ("25,-", "25.00"),
        ("25,–", "25.00"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234", "1234.00"),
        ("1.234.567", "1234567.00"),
    ],
)
def test_amounts_as_people_type_them(typed: object, expected: str) -> None:
    """Amounts with comma or point, euro sign and ',-' are read to the cent."""
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "why"),
    [("1.234", "dubbelzinnig"), ("veel", "geen bedrag"), ("-5", "negatief"), ("12,3,4", "geen bedrag")],
)
def test_unreadable_amounts(typed: str, why: str) -> None:
    """Ambiguous, negative and non-numeric amounts are refused with the reason."""
    with pytest.raises(ValueError, match=why):
        parse_amount(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ja", True),
        ("Ja", True),
        ("JA", True),
        ("j", True),
        ("x", True),
        ("X", True),
        ("yes", True),
        (True, True),
        (1, True),
        ("nee", False),
        ("n", False),
        ("no", False),
        (False, False),
        (0, False),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_yes_no(typed: object, expected: bool | None) -> None:
    """ja/j/x/yes mean yes, nee/n/no mean no, an empty cell means not filled in."""
    assert parse_yesno(typed) is expected


def test_yes_no_refuses_other_words() -> None:
    """A word that is neither yes nor no is refused."""
    with pytest.raises(ValueError, match="ja of nee"):
        parse_yesno("misschien")


def test_email_number_choice_and_format() -> None:
    """Addresses are cleaned, numbers read with a comma, choices matched case-insensitively, amounts shown the Dutch way."""
    assert parse_email("Jan Jansen <Jan@Example.NL>") == "jan@example.nl"
    assert parse_email("mailto:info@bedrijf.nl") == "info@bedrijf.nl"
    with pytest.raises(ValueError):
        parse_email("jan at example")
    assert parse_number("12,5") == 12.5 and parse_number(12.0) == 12
    assert parse_choice("  Centraal  Ingeleverd ", ("aangenomen", "centraal ingeleverd")) == "centraal ingeleverd"
    with pytest.raises(ValueError, match="kies uit"):
        parse_choice("verkocht", ("aangenomen",))
    assert format_amount_nl(Decimal("1234.5")) == "€ 1.234,50"


@pytest.mark.parametrize(
    ("typed", "kind", "expected"),
    [
        ("15-01-2027", "date", date(2027, 1, 15)),
        ("15/1/2027", "date", date(2027, 1, 15)),
        ("15.01.2027", "date", date(2027, 1, 15)),
        ("15 jan 2027", "date", date(2027, 1, 15)),
        ("15 januari 2027", "date", date(2027, 1, 15)),
        ("2027-01-15", "date", date(2027, 1, 15)),
        ("€ 35,50", "amount", Decimal("35.50")),
        ("35.50", "amount", Decimal("35.50")),
        ("EUR 35", "amount", Decimal("35.00")),
        ("25,-", "amount", Decimal("25.00")),
        ("1.234,56", "amount", Decimal("1234.56")),
        ("40", "amount", Decimal("40.00")),
    ],
)
def test_typed_text_that_reads_one_way_gets_its_real_value(typed: str, kind: str, expected: object) -> None:
    """Text in a date or amount column that has one reading becomes that date or amount."""
    from toolkit.registers.schema import Kind
    from toolkit.values import typed_value

    assert typed_value(typed, Kind(kind)) == expected


@pytest.mark.parametrize(
    ("typed", "kind", "why"),
    [
        ("03-04-27", "date", "jaartal van twee cijfers"),
        ("15 jan 27", "date", "jaartal van twee cijfers"),
        ("2027-01-15 10:30", "date", "meer dan een datum"),
        ("01-01-1850", "date", "kan Excel niet als datum tonen"),
        ("1.234,567", "amount", "meer dan twee decimalen"),
    ],
)
def test_ambiguous_typed_text_is_named_not_converted(typed: str, kind: str, why: str) -> None:
    """Text that reads but could mean something else (or would lose a part) is refused as ambiguous."""
    from toolkit.registers.schema import Kind
    from toolkit.values import AmbiguousValue, typed_value

    with pytest.raises(AmbiguousValue, match=why):
        typed_value(typed, Kind(kind))


@pytest.mark.parametrize("typed", ["1.234", "1,234"])
def test_a_thousand_or_one_point_two_is_unreadable(typed: str) -> None:
    """'1.234' and '1,234' are read neither way (a thousand in one language, one point two in the other)."""
    with pytest.raises(ValueError, match="dubbelzinnig"):
        parse_amount(typed)
