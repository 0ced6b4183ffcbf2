"""New registers made for people: Dutch headers, an Excel table with filter, dropdowns, formats and an Uitleg sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from toolkit.registers.schema import AMOUNT_FORMAT, DATE_FORMAT, Column, Kind, Register
from toolkit.registers.sheetxml import printable
from toolkit.values import parse_cell

VALIDATION_ROWS = 5000
OWNED_FILL = "EDEDED"
OWNED_HEADER_FILL = "BFBFBF"
OWNED_NOTE = "Door de toolkit bijgehouden; niet wijzigen."


FORMULA_STARTS = ("=", "+", "-", "@")


def set_cell(cell: Any, value: Any, kind: Kind) -> None:
    """Fill an openpyxl cell of a new workbook: text is always text (never a formula), dates and amounts formatted."""
    from decimal import Decimal

    if isinstance(value, str):
        cell.value = printable(value)
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return
    if isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = AMOUNT_FORMAT
        return
    cell.value = value
    if hasattr(value, "isoformat") and not isinstance(value, int | float):
        cell.number_format = DATE_FORMAT


def create_register(path: Path, register: Register, rows: Sequence[Mapping[str, Any]] = ()) -> None:
    """Write a new register workbook (the caller makes sure nothing is overwritten)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = register.sheet
    _write_header(sheet, register)
    for offset, row in enumerate(rows, start=2):
        for index, column in enumerate(register.columns, start=1):
            _write_value(sheet.cell(offset, index), row.get(column.header), column)
    last_row = max(len(rows) + 1, 2)
    _format_columns(sheet, register, last_row)
    _add_table(sheet, register, last_row)
    _add_dropdowns(sheet, register)
    sheet.freeze_panes = "A2"
    _write_explanation(book.create_sheet("Uitleg"), register)
    book.save(path)


def _write_header(sheet: Any, register: Register) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    for index, column in enumerate(register.columns, start=1):
        cell = sheet.cell(1, index)
        set_cell(cell, column.header, Kind.TEXT)
        if column.owned:
            cell.fill = PatternFill("solid", fgColor=OWNED_HEADER_FILL)
            cell.font = Font(bold=True, italic=True, color="404040")
            cell.comment = Comment(OWNED_NOTE, "Integriteitstoolkit")


def _write_value(cell: Any, value: Any, column: Column) -> None:
    if value is None:
        return
    if isinstance(value, str):
        try:
            parsed = parse_cell(value, column)
        except ValueError:
            parsed = value  # kept as typed (demo data shows what unreadable input looks like)
        if column.kind in (Kind.TEXT, Kind.EMAIL, Kind.CHOICE) or isinstance(parsed, str):
            set_cell(cell, value, Kind.TEXT)
            return
        if column.kind in (Kind.DATE, Kind.AMOUNT) and value.strip() != str(parsed):
            set_cell(cell, value, Kind.TEXT)  # keep messy typed input as it was typed
            return
        value = parsed
    if column.kind is Kind.YESNO and isinstance(value, bool):
        value = "ja" if value else "nee"
    set_cell(cell, value, column.kind)


def _format_columns(sheet: Any, register: Register, last_row: int) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    grey = PatternFill("solid", fgColor=OWNED_FILL)
    for index, column in enumerate(register.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        number_format = {Kind.DATE: DATE_FORMAT, Kind.AMOUNT: AMOUNT_FORMAT}.get(column.kind)
        for row in range(2, last_row + 1):
            cell = sheet.cell(row, index)
            if number_format and not isinstance(cell.value, str):
                cell.number_format = number_format
            if column.owned:
                cell.fill = grey


def _add_table(sheet: Any, register: Register, last_row: int) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ref = f"A1:{get_column_letter(len(register.columns))}{last_row}"
    table = Table(displayName=register.sheet.replace(" ", ""), ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)


def _add_dropdowns(sheet: Any, register: Register) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, column in enumerate(register.columns, start=1):
        if not column.dropdown or column.owned and column.kind is not Kind.CHOICE:
            continue
        letter = get_column_letter(index)
        options = ",".join(column.dropdown)
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.error = f"Kies uit: {', '.join(column.dropdown)}"
        validation.errorTitle = column.header
        validation.prompt = column.explanation
        validation.promptTitle = column.header
        validation.showErrorMessage = not column.owned
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{VALIDATION_ROWS}")


def _write_explanation(sheet: Any, register: Register) -> None:
    from openpyxl.styles import Alignment, Font

    set_cell(sheet.cell(1, 1), register.title, Kind.TEXT)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    set_cell(
        sheet.cell(2, 1),
        "Grijze kolommen vult de toolkit; de andere kolommen vult u zelf. Kolommen toevoegen, sorteren en filteren mag.",
        Kind.TEXT,
    )
    headers = ("Kolom", "Wie vult in", "Uitleg", "Toegestane waarden")
    for index, title in enumerate(headers, start=1):
        set_cell(sheet.cell(4, index), title, Kind.TEXT)
        sheet.cell(4, index).font = Font(bold=True)
    for offset, column in enumerate(register.columns, start=5):
        values = (column.header, "Toolkit" if column.owned else "Medewerker", column.explanation, _allowed(column))
        for index, value in enumerate(values, start=1):
            set_cell(sheet.cell(offset, index), value, Kind.TEXT)
            sheet.cell(offset, index).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (30, 14, 70, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def _allowed(column: Column) -> str:
    if column.dropdown:
        return ", ".join(column.dropdown)
    return {
        Kind.DATE: "datum, bijvoorbeeld 1-12-2025",
        Kind.AMOUNT: "bedrag in euro, bijvoorbeeld 24,95",
        Kind.NUMBER: "getal",
        Kind.EMAIL: "e-mailadres",
    }.get(column.kind, "tekst")


def create_empty_workbook(path: Path, title: str) -> None:
    """A toolkit-owned workbook that starts with only an Uitleg sheet (kerstloting.xlsx)."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Uitleg"
    set_cell(sheet.cell(1, 1), title, Kind.TEXT)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    lines = (
        "Elk jaar krijgt een eigen blad met de uitslag van de kerstloting (bijvoorbeeld '2026').",
        "Bovenaan staan het aangekondigde zaadwoord (seed), de vingerafdrukken (SHA-256) van de lijst geschenken en",
        "de lijst deelnemers, de versie van het algoritme en het tijdstip van de trekking. Daarmee kan iedereen de",
        "uitslag narekenen: integrity raffle verify --year JAAR. Wijzig een uitslagblad niet.",
    )
    for row, line in enumerate(lines, start=3):
        set_cell(sheet.cell(row, 1), line, Kind.TEXT)
    sheet.column_dimensions["A"].width = 110
    book.save(path)
