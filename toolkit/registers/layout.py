"""Pure judgements about a sheet's layout: where each header is, which columns collide, which rows need a `Nr`.

Shared by the reader (findings) and the writer (refusals, numbering), so both see the same sheet.

A staff column is told apart from a toolkit column in two ways (documented in the README):
- two columns in row 1 with the same header as a toolkit column: the writer can't know which one is its own;
- one such column holding a value the toolkit never writes there: a `Nr` that is not a whole number, a date
  column with something that is not a date, a choice column (such as the suppliers' `Status`) with a value
  outside its list. Free-text toolkit columns (`Beoordeling`) can't be told apart this way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from toolkit.registers.schema import Kind, Register
from toolkit.registers.xmltext import column_letter
from toolkit.values import is_empty, parse_cell


def normalise_header(text: Any) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def header_positions(headers: Mapping[int, Any]) -> dict[str, list[int]]:
    """Normalised header -> the (1-based) columns that carry it, left to right."""
    found: dict[str, list[int]] = {}
    for column in sorted(headers):
        if not is_empty(headers[column]):
            found.setdefault(normalise_header(headers[column]), []).append(column)
    return found


def duplicate_owned_headers(register: Register, positions: Mapping[str, list[int]]) -> list[str]:
    """Dutch descriptions of toolkit headers that occur more than once in row 1."""
    problems = []
    for header in register.owned_headers:
        columns = positions.get(normalise_header(header), [])
        if len(columns) > 1:
            where = " en ".join(f"kolom {column_letter(c)}" for c in columns)
            problems.append(
                f"de kop '{header}' staat twee keer in rij 1 ({where}): de toolkitkolom '{header}' en een eigen "
                f"kolom met dezelfde naam"
            )
    return problems


def foreign_values(register: Register, header: str, column: int, cells: Iterable[tuple[int, Any]]) -> str | None:
    """A Dutch description when a toolkit column holds values the toolkit never writes (a staff column, then)."""
    spec = register.column(header)
    if spec.kind not in (Kind.NUMBER, Kind.DATE, Kind.CHOICE):
        return None
    strange: list[str] = []
    choices = {normalise_header(c) for c in spec.choices}
    for row, value in cells:
        if value is None or is_empty(value):
            continue
        if spec.kind is Kind.DATE and isinstance(value, date | float):
            continue  # what the toolkit writes in a date column (fast path: 100,000 rows)
        if spec.kind is Kind.NUMBER and type(value) is float and value.is_integer():
            continue
        if _toolkit_like(value, spec, choices):
            continue
        strange.append(f"rij {row}: '{value}'")
        if len(strange) == 3:
            break
    if not strange:
        return None
    return (
        f"kolom {column_letter(column)} '{header}' bevat waarden die de toolkit daar nooit schrijft "
        f"({'; '.join(strange)}): dit lijkt een eigen kolom met dezelfde naam als de toolkitkolom '{header}'"
    )


def _toolkit_like(value: Any, spec: Any, choices: set[str]) -> bool:
    if spec.kind is Kind.NUMBER and spec.header == "Nr":
        return whole_number(value) is not None
    if spec.kind is Kind.CHOICE:
        return normalise_header(value) in choices
    try:
        parse_cell(value, spec)
    except ValueError:
        return False
    return True


def whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True)
class Numbering:
    """Which row holds which `Nr`, which rows get a new one, and which copies had another row's number."""

    rows_by_nr: dict[int, int]
    new: list[tuple[int, int]]  # (excel row, new Nr)
    copies: list[tuple[int, int, int]]  # (excel row, the Nr it had, the row that keeps that Nr)
    highest: int


def plan_numbers(
    rows: Iterable[tuple[int, Any]], has_content: Callable[[int], bool], floor: int, assign: bool
) -> Numbering:
    """rows: (excel row, Nr cell); has_content asks whether a row without Nr holds anything. A number never comes back: new ones start above both the
    highest in the sheet and `floor` (the highest ever given, kept in the state). A copied number stays with its
    first row in sheet order; the copy counts as a row without number."""
    rows_by_nr: dict[int, int] = {}
    copies: list[tuple[int, int, int]] = []
    unnumbered: list[int] = []
    for row, value in rows:
        nr = int(value) if type(value) is float and value.is_integer() else whole_number(value)
        if nr is not None and nr > 0:
            if nr in rows_by_nr:
                copies.append((row, nr, rows_by_nr[nr]))
                unnumbered.append(row)
            else:
                rows_by_nr[nr] = row
        elif has_content(row):
            unnumbered.append(row)
    highest = max([floor, *rows_by_nr])
    new: list[tuple[int, int]] = []
    if assign:
        for row in sorted(unnumbered):
            highest += 1
            new.append((row, highest))
            rows_by_nr[highest] = row
    return Numbering(rows_by_nr, new, copies, highest)


def row_key(register: Register, values: Mapping[str, Any]) -> str:
    """A fingerprint of what staff typed in a row (their columns only), to find a row without `Nr` again."""
    owned = set(register.owned_headers)
    parts = [f"{h}={values.get(h)!s}" for h in register.headers if h not in owned]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def rows_by_key(cells: Iterable[tuple[int, Any]]) -> dict[str, int]:
    """Key value (as text, trimmed) -> the first row that holds it, for a register keyed by a column of its own."""
    found: dict[str, int] = {}
    for row, value in cells:
        if value is None or is_empty(value):
            continue
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        found.setdefault(text, row)
    return found
