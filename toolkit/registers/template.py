"""What makes a new register a good Excel template: coloured verdicts, a rule legend, print setup, header heights.

Pure descriptions (codes, colours, formulas, legend rows) plus small helpers that apply them to an openpyxl
sheet; only `create.py` calls the helpers, when it makes a new workbook. The colours follow the rules modules'
own code tables (`toolkit.gifts.rules.CODES`, `toolkit.sidejobs.rules.CODES`, `toolkit.housing.rules.CODES`), so
the legend never drifts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from toolkit.registers.schema import GIFTS, HOUSING, INTERESTS, SIDEJOBS, Column, Register

VERDICT = "Beoordeling"
GREEN, RED, AMBER = "groen", "rood", "oranje"
FILLS = {GREEN: ("C6EFCE", "006100"), RED: ("FFC7CE", "9C0006"), AMBER: ("FFEB9C", "9C5700")}  # fill, font
REVIEW_MARKERS = ("(ter beoordeling)", "(niet te beoordelen)")  # anywhere in the text, any case
UNJUDGED_START = "niet te beoordelen"  # a row the rules could not judge (gifts and side functions), any case
LIST_SHEET = "Lijsten"  # hidden sheet with the names for the `Medewerker` picker
HEADER_LINE_HEIGHT = 15.0


@dataclass(frozen=True)
class VerdictCodes:
    """Which codes at the start of a finding colour the `Beoordeling` cell red, and which amber."""

    red: tuple[str, ...]
    amber: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegendRow:
    code: str
    meaning: str
    weight: str
    colour: str


def verdict_codes(register: Register) -> VerdictCodes | None:
    """The codes of the register's `Beoordeling` column (None for a register without one)."""
    if register.key == GIFTS.key:
        from toolkit.gifts.rules import CODES, IN_BREACH

        return VerdictCodes(tuple(code for code, (_, weights) in CODES.items() if IN_BREACH in weights))
    if register.key == SIDEJOBS.key:
        from toolkit.sidejobs.rules import CODES as SIDE_CODES
        from toolkit.sidejobs.rules import IN_BREACH_CODES

        red = tuple(code for code in SIDE_CODES if code in IN_BREACH_CODES)
        return VerdictCodes(red, tuple(code for code in SIDE_CODES if code not in IN_BREACH_CODES))
    if register.key == INTERESTS.key:
        from toolkit.interests.rules import CODES as INTEREST_CODES

        return VerdictCodes((), tuple(INTEREST_CODES))
    if register.key == HOUSING.key:
        from toolkit.housing.rules import CODES as HOUSING_CODES

        return VerdictCodes(tuple(HOUSING_CODES))
    return None


def _has_code(text: str, code: str) -> bool:
    return text.startswith(f"{code}:") or f"; {code}:" in text


def colour_of(text: str, codes: VerdictCodes) -> str | None:
    """The colour Excel gives a `Beoordeling` text (the Python twin of `formulas`): red before amber before green."""
    if any(_has_code(text, code) for code in codes.red):
        return RED
    lowered = text.lower()
    if (
        any(marker in lowered for marker in REVIEW_MARKERS)
        or lowered.startswith(UNJUDGED_START)
        or any(_has_code(text, code) for code in codes.amber)
    ):
        return AMBER
    if text.strip().upper() == "OK":
        return GREEN
    return None


def _code_terms(cell: str, codes: tuple[str, ...]) -> list[str]:
    terms = []
    for code in codes:
        terms.append(f'LEFT({cell},{len(code) + 1})="{code}:"')
        terms.append(f'ISNUMBER(FIND("; {code}:",{cell}))')
    return terms


def formulas(cell: str, codes: VerdictCodes) -> dict[str, str]:
    """Conditional-formatting formulas per colour for the top cell of the column (relative, e.g. 'M2')."""
    amber = [f'ISNUMBER(SEARCH("{marker}",{cell}))' for marker in REVIEW_MARKERS]
    amber.append(f'LEFT({cell},{len(UNJUDGED_START)})="{UNJUDGED_START}"')
    amber += _code_terms(cell, codes.amber)
    return {
        RED: f"OR({','.join(_code_terms(cell, codes.red))})",
        AMBER: f"OR({','.join(amber)})",
        GREEN: f'TRIM({cell})="OK"',
    }


def legend(register: Register) -> list[LegendRow]:
    """Every text the toolkit can write in `Beoordeling`, with its meaning and colour (empty without that column)."""
    codes = verdict_codes(register)
    if codes is None:
        return []
    rows = [LegendRow("OK", "Geen bevindingen: de rij voldoet aan de code.", "in orde", GREEN)]
    if register.key == GIFTS.key:
        from toolkit.gifts.rules import CODES, IN_BREACH

        for code, (meaning, weights) in CODES.items():
            colour = RED if IN_BREACH in weights else AMBER
            shown = "; ".join(weights)
            rows.append(LegendRow(code, meaning, shown, colour))
    elif register.key == INTERESTS.key:
        from toolkit.interests.rules import CODES as INTEREST_CODES

        for code, meaning in INTEREST_CODES.items():
            rows.append(LegendRow(code, meaning, "actie nodig", AMBER))
    elif register.key == HOUSING.key:
        from toolkit.housing.rules import CODES as HOUSING_CODES

        rows += [LegendRow(code, meaning, "in strijd", RED) for code, meaning in HOUSING_CODES.items()]
    else:
        from toolkit.sidejobs.rules import CODES as SIDE_CODES

        for code, meaning in SIDE_CODES.items():
            red = code in codes.red
            rows.append(LegendRow(code, meaning, "in strijd" if red else "actie nodig", RED if red else AMBER))
    rows.append(
        LegendRow(
            "Niet te beoordelen",
            "Een cel die de regels nodig hebben is leeg of onleesbaar; de tekst noemt welke. Verbeter de cel.",
            "niet te beoordelen",
            AMBER,
        )
    )
    return rows


def add_verdict_colours(sheet: Any, register: Register, letter: str, last_row: int) -> None:
    """Colour the `Beoordeling` column by conditional formatting (red, then amber, then green)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    codes = verdict_codes(register)
    if codes is None:
        return
    for colour, formula in formulas(f"{letter}2", codes).items():
        fill, font = FILLS[colour]
        rule = FormulaRule(
            formula=[formula],
            stopIfTrue=True,
            fill=PatternFill("solid", start_color=fill, end_color=fill, bgColor=fill),
            font=Font(color=font),
        )
        sheet.conditional_formatting.add(f"{letter}2:{letter}{last_row}", rule)


def set_print(sheet: Any, *, title_rows: str | None = "1:1") -> None:
    """Landscape A4, fit to one page wide, header row on every page, sheet name and page number in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.left.text = "&A"
    sheet.oddFooter.right.text = "Pagina &P van &N"
    sheet.evenFooter.left.text = "&A"
    sheet.evenFooter.right.text = "Pagina &P van &N"


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide (word wrap, bold header font)."""
    room = max(int(width * 0.9), 1)
    lines, used = 1, 0
    for word in text.split():
        size = len(word)
        if used and used + 1 + size > room:
            lines += 1
            used = 0
        if used:
            used += 1
        used += size
        lines += max(math.ceil(size / room) - 1, 0)
    return lines


def column_width(column: Column) -> float:
    """The column's width, widened so the longest word of its (bold) header is never broken in two."""
    longest = max((len(word) for word in column.header.split()), default=0)
    return max(float(column.width), math.ceil(longest / 0.9) + 1.0)


def header_height(register: Register) -> float:
    """A header row height that shows every wrapped header whole."""
    lines = max((wrapped_lines(c.header, column_width(c)) for c in register.columns), default=1)
    return HEADER_LINE_HEIGHT * lines + 3
