"""Tolerant reading of what people type in Excel: dates, amounts, yes/no, numbers, e-mail addresses, choices.

Each parser returns the value or raises ValueError with a short Dutch reason that ends up in a finding.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from toolkit.registers.schema import Column, Kind

MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "febr": 2, "februari": 2, "february": 2,
    "mrt": 3, "maart": 3, "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "augustus": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
YES = frozenset({"ja", "j", "x", "yes", "y", "true", "waar", "1", "ok"})
NO = frozenset({"nee", "n", "no", "false", "onwaar", "0", "-"})
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_WORD_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{2}|\d{4})$")
_EMAIL = re.compile(r"^[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[a-z]{2,}$")
_CURRENCY = re.compile(r"^(€|eur|euro)\s*|\s*(€|eur|euro)$", re.IGNORECASE)


def _text(value: Any) -> str:
    return str(value).replace("\u00a0", " ").strip()


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not _text(value))


def parse_date(value: Any) -> date:
    """Excel dates, 1-12-2025, 01/12/2025, 1.12.2025, 2025-12-01, 1 dec 2025, 1 december 2025."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("een getal, geen datum; typ bijvoorbeeld 1-12-2025")
    text = _text(value).lower()
    for pattern, order in ((_NUMERIC_DATE, "dmy"), (_ISO_DATE, "ymd"), (_WORD_DATE, "dmy")):
        match = pattern.match(text)
        if match:
            return _make_date(match.groups(), order)
    raise ValueError("geen datum; typ bijvoorbeeld 1-12-2025")


def _make_date(parts: tuple[str, ...], order: str) -> date:
    if order == "ymd":
        year, month, day = parts
    else:
        day, month, year = parts
    month_number = int(month) if month.isdigit() else MONTHS.get(month.rstrip("."))
    if month_number is None:
        raise ValueError(f"onbekende maand '{month}'; typ bijvoorbeeld 1 dec 2025")
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        return date(full_year, month_number, int(day))
    except ValueError:
        raise ValueError("deze datum bestaat niet") from None


def parse_amount(value: Any) -> Decimal:
    """24.95, 24,95, € 24,95, EUR 24,95, 25,-, 1.234,56, 1,234.56; '1.234' and '1,234' are ambiguous and refused."""
    if isinstance(value, bool):
        raise ValueError("geen bedrag; typ bijvoorbeeld 24,95")
    amount = Decimal(str(value)) if isinstance(value, int | float | Decimal) else _amount_from_text(_text(value))
    if amount < 0:
        raise ValueError("een negatief bedrag; typ de waarde zonder minteken")
    return amount.quantize(Decimal("0.01"))


def _amount_from_text(text: str) -> Decimal:
    cleaned = _CURRENCY.sub("", text).strip().replace(" ", "")
    cleaned = re.sub(r"[,.][-–—]+$", "", cleaned)  # 25,- and 25.-
    if not re.fullmatch(r"-?[\d.,]+", cleaned or "x"):
        raise ValueError("geen bedrag; typ bijvoorbeeld 24,95")
    if "." in cleaned and "," in cleaned:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in cleaned:
        cleaned = _single_separator(cleaned, ",")
    elif "." in cleaned:
        cleaned = _single_separator(cleaned, ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("geen bedrag; typ bijvoorbeeld 24,95") from None


def _single_separator(text: str, sep: str) -> str:
    head, *rest = text.split(sep)
    if len(rest) > 1:  # 1.234.567 or 1,234,567: thousands
        if all(len(part) == 3 for part in rest):
            return text.replace(sep, "")
        raise ValueError("geen bedrag; typ bijvoorbeeld 1234,56")
    tail = rest[0]
    if len(tail) == 3:  # 1.234 and 1,234: thousands in one language, a decimal fraction in the other
        raise ValueError(f"'{text}' is dubbelzinnig (1234 of 1,234?); typ 1234 of 1,234")
    return f"{head}.{tail}"


class AmbiguousValue(ValueError):
    """Text the reader understands, but that a real Excel value would pin down wrongly or lose part of: a year of
    two digits, a time behind a date, more than two decimals. It stays as typed and is named as a finding."""


EXCEL_YEARS = range(1900, 10000)  # what Excel can show as a date


def typed_value(value: Any, kind: Kind) -> date | Decimal:
    """The real value for a date or amount that was typed as text, when the text reads one way only.

    Raises ValueError when the text is no date or amount at all (the reader names that already), and
    AmbiguousValue when it reads, but could mean something else or would lose part of what was typed.
    """
    text = _text(value)
    if kind is Kind.DATE:
        day = parse_date(text)
        lowered = text.lower()
        numeric, word = _NUMERIC_DATE.match(lowered), _WORD_DATE.match(lowered)
        match = numeric or word
        year = match.group(3) if match else ""
        if len(year) == 2:
            raise AmbiguousValue(
                f"'{text}' is dubbelzinnig (een jaartal van twee cijfers: ook jaar-maand-dag of een andere eeuw "
                f"kan bedoeld zijn); typ het jaar voluit, bijvoorbeeld {format_date_nl(day)}"
            )
        if not (numeric or word or _ISO_DAY.match(lowered)):  # 2027-01-15 10:30: the time would be lost
            raise AmbiguousValue(
                f"'{text}' bevat meer dan een datum; typ alleen de datum, bijvoorbeeld {format_date_nl(day)}"
            )
        if day.year not in EXCEL_YEARS:
            raise AmbiguousValue(f"'{text}': het jaar {day.year} kan Excel niet als datum tonen; typ het jaar voluit")
        return day
    if kind is Kind.AMOUNT:
        amount = parse_amount(text)
        exact = _amount_from_text(text)
        if exact != amount:
            raise AmbiguousValue(f"'{text}' heeft meer dan twee decimalen; typ het bedrag in euro en centen")
        return amount
    raise ValueError(f"kolomsoort {kind.value} wordt niet omgezet")


def parse_yesno(value: Any) -> bool | None:
    """ja/j/x/yes/waar/1 → True; nee/n/no/onwaar/0 → False; empty → None."""
    if isinstance(value, bool):
        return value
    if is_empty(value):
        return None
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError("geen ja of nee; typ ja of nee")
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("geen ja of nee; typ ja of nee")


def parse_number(value: Any) -> int | float:
    """12, 12,5, 12.5 → a number."""
    if isinstance(value, bool):
        raise ValueError("geen getal")
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else float(value)
    text = _text(value).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError("geen getal; typ bijvoorbeeld 12 of 12,5") from None
    return int(number) if number.is_integer() else number


def parse_email(value: Any) -> str:
    """An address, tolerating 'mailto:', '<…>' and 'Naam <adres>'."""
    text = _text(value)
    if "<" in text and ">" in text:
        text = text[text.index("<") + 1 : text.index(">")]
    text = text.strip().removeprefix("mailto:").strip().lower()
    if not _EMAIL.match(text):
        raise ValueError("geen geldig e-mailadres; typ bijvoorbeeld naam@bedrijf.nl")
    return text


def parse_choice(value: Any, choices: tuple[str, ...]) -> str:
    """The canonical choice that matches, ignoring case and surrounding spaces."""
    text = " ".join(_text(value).lower().split())
    for choice in choices:
        if choice.lower() == text:
            return choice
    raise ValueError(f"geen geldige keuze; kies uit: {', '.join(choices)}")


def parse_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return format_date_nl(value if isinstance(value, date) else value.date())
    return _text(value)


def parse_cell(value: Any, column: Column) -> Any:
    """A cell's value read according to its column's kind; None when empty."""
    if is_empty(value):
        return None
    kind = column.kind
    if kind is Kind.DATE:
        return parse_date(value)
    if kind is Kind.AMOUNT:
        return parse_amount(value)
    if kind is Kind.YESNO:
        return parse_yesno(value)
    if kind is Kind.NUMBER:
        return parse_number(value)
    if kind is Kind.EMAIL:
        return parse_email(value)
    if kind is Kind.CHOICE:
        return parse_choice(value, column.choices)
    return parse_text(value)


def format_amount_nl(amount: Decimal) -> str:
    """€ 1.234,56 (rounded half up to the cent)."""
    cents = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    text = f"{abs(cents):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {sign}{text}"


def format_date_nl(day: date) -> str:
    """01-12-2025"""
    return day.strftime("%d-%m-%Y")


def format_count_nl(number: int) -> str:
    """A count as Dutch writes it: '2000', '20.037' (a point between the thousands from five digits on)."""
    return f"{number:,}".replace(",", ".") if abs(number) >= 10_000 else str(number)


def counted(number: int, one: str, many: str) -> str:
    """'1 dag', '3 dagen', '20.037 rijen': a count with the right Dutch form, never 'dag(en)'."""
    return f"{format_count_nl(number)} {one if number == 1 else many}"
