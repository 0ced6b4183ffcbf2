"""New registers made for people: Dutch headers, an Excel table with filter, dropdowns, formats and an Uitleg sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from toolkit.registers import template
from toolkit.registers.picker import LIST_HEADER, PICKER, tidy
from toolkit.registers.schema import AMOUNT_FORMAT, DATE_FORMAT, Column, Kind, Register
from toolkit.registers.xmltext import printable
from toolkit.values import NO, YES, parse_cell

VALIDATION_ROWS = 5000
OWNED_FILL = "EDEDED"
OWNED_HEADER_FILL = "BFBFBF"
HEADER_FILL = "4472C4"
OWNED_NOTE = "Door de toolkit bijgehouden; niet wijzigen."
REQUIRED_NOTE = "Verplicht: zonder deze kolom kan de toolkit de rij niet beoordelen."
REQUIRED_MARK = "verplicht"
UITLEG_WIDTHS = (30, 16, 14, 70, 40)


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


def create_register(
    path: Path,
    register: Register,
    rows: Sequence[Mapping[str, Any]] = (),
    *,
    staff_names: Sequence[str] | None = None,
    also: Sequence[tuple[Register, Sequence[Mapping[str, Any]]]] = (),
) -> None:
    """Write a new register workbook (the caller makes sure nothing is overwritten).

    `staff_names` (the names in medewerkers.xlsx) fill the hidden list sheet behind the `Medewerker` picker of
    registers that have that column; None leaves the picker out. `also`: further sheets of the same workbook
    (another Register with the same filename, e.g. dilemmas.xlsx's `Besproken`), each with its rows, explained
    on the same Uitleg sheet.
    """
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    _fill_sheet(sheet, register, rows)
    if staff_names is not None and PICKER in register.headers and not register.column(PICKER).owned:
        _add_picker(book, sheet, register, staff_names)
    for other, other_rows in also:
        _fill_sheet(book.create_sheet(), other, other_rows)
    explanation = book.create_sheet("Uitleg")
    row = _write_explanation(explanation, register)
    for other, _ in also:
        set_cell(explanation.cell(row + 1, 1), f"Blad '{other.sheet}': {other.title}", Kind.TEXT)
        explanation.cell(row + 1, 1).font = _bold(12)
        row = _table(explanation, row + 2, COLUMN_TABLE, _column_rows(other))
    template.set_print(explanation, title_rows=None)
    book.save(path)


def _fill_sheet(sheet: Any, register: Register, rows: Sequence[Mapping[str, Any]]) -> None:
    """One register sheet: header, rows, formats, table, dropdowns, verdict colours, frozen header, print setup."""
    sheet.title = register.sheet
    _write_header(sheet, register)
    for offset, row in enumerate(rows, start=2):
        for index, column in enumerate(register.columns, start=1):
            _write_value(sheet.cell(offset, index), row.get(column.header), column)
    last_row = max(len(rows) + 1, 2)
    _format_columns(sheet, register, last_row)
    _add_table(sheet, register, last_row)
    _add_dropdowns(sheet, register)
    _colour_verdicts(sheet, register)
    sheet.freeze_panes = "A2"
    template.set_print(sheet)


def _bold(size: int) -> Any:
    from openpyxl.styles import Font

    return Font(bold=True, size=size)


COLUMN_TABLE = ("Kolom", "Wie vult in", "Verplicht", "Uitleg", "Toegestane waarden")


def _column_rows(register: Register) -> list[tuple[str, str, str, str, str]]:
    return [
        (c.header, register.filler(c), REQUIRED_MARK if c.required else "", c.explanation, _allowed(c))
        for c in register.columns
    ]


def _write_header(sheet: Any, register: Register) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    for index, column in enumerate(register.columns, start=1):
        cell = sheet.cell(1, index)
        set_cell(cell, column.header, Kind.TEXT)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.owned:
            cell.fill = PatternFill("solid", fgColor=OWNED_HEADER_FILL)
            cell.font = Font(bold=True, italic=True, color="404040")
            cell.comment = Comment(OWNED_NOTE, "Integriteitstoolkit")
        else:  # the table style's colours, spelled out for programs that ignore table styles (LibreOffice)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.font = Font(bold=True, color="FFFFFF", underline="single" if column.required else None)
            if column.required:
                cell.comment = Comment(REQUIRED_NOTE, "Integriteitstoolkit")
    sheet.row_dimensions[1].height = template.header_height(register)


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
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    grey = PatternFill("solid", fgColor=OWNED_FILL)
    for index, column in enumerate(register.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = template.column_width(column)
        number_format = {Kind.DATE: DATE_FORMAT, Kind.AMOUNT: AMOUNT_FORMAT}.get(column.kind)
        wrap = column.header == template.VERDICT
        if wrap:
            sheet.column_dimensions[letter].alignment = Alignment(wrap_text=True, vertical="top")
        for row in range(2, last_row + 1):
            cell = sheet.cell(row, index)
            if number_format and not isinstance(cell.value, str):
                cell.number_format = number_format
            if column.owned:
                cell.fill = grey
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = template.wrapped_lines(str(cell.value or ""), template.column_width(column))
                if lines > 1:
                    sheet.row_dimensions[row].height = template.HEADER_LINE_HEIGHT * lines


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
        # A warning, not a stop: the reader also takes j, n, x, yes, no and any capitals ("Geschenk").
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, errorStyle="warning")
        validation.error = f"De toolkit verwacht: {_allowed(column)}. Toch doorgaan?"
        validation.errorTitle = column.header
        validation.prompt = _prompt(column)
        validation.promptTitle = column.header
        validation.showErrorMessage = not column.owned
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{VALIDATION_ROWS}")


def _prompt(column: Column) -> str:
    prompt = f"Verplicht. {column.explanation}" if column.required else column.explanation
    return prompt[:255]  # Excel's limit for an input message


def _add_picker(book: Any, sheet: Any, register: Register, names: Sequence[str]) -> None:
    """The `Medewerker` column offers the names of medewerkers.xlsx, listed on a hidden sheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = book.create_sheet(template.LIST_SHEET)
    set_cell(lists.cell(1, 1), LIST_HEADER, Kind.TEXT)
    unique = tidy(names)
    for row, name in enumerate(unique, start=2):
        set_cell(lists.cell(row, 1), name, Kind.TEXT)
    lists.sheet_state = "hidden"
    last = max(len(unique) + 1, 2)
    letter = get_column_letter(register.headers.index(PICKER) + 1)
    column = register.column(PICKER)
    validation = DataValidation(
        type="list", formula1=f"{template.LIST_SHEET}!$A$2:$A${last}", allow_blank=True, errorStyle="warning"
    )
    validation.error = "Deze naam staat niet in medewerkers.xlsx. Toch doorgaan?"
    validation.errorTitle = PICKER
    validation.prompt = _prompt(column)
    validation.promptTitle = PICKER
    validation.showErrorMessage = True
    validation.showInputMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{VALIDATION_ROWS}")


def _colour_verdicts(sheet: Any, register: Register) -> None:
    from openpyxl.utils import get_column_letter

    if template.VERDICT in register.headers:
        letter = get_column_letter(register.headers.index(template.VERDICT) + 1)
        template.add_verdict_colours(sheet, register, letter, VALIDATION_ROWS)


def _write_explanation(sheet: Any, register: Register) -> int:
    """The Uitleg sheet: what each column holds and who fills it, and the legend of `Beoordeling`; the next free row."""
    from openpyxl.styles import Alignment, Font, PatternFill

    set_cell(sheet.cell(1, 1), register.title, Kind.TEXT)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    set_cell(
        sheet.cell(2, 1),
        "Grijze kolommen vult de toolkit; de andere kolommen vult in wie in 'Wie vult in' staat. Onderstreepte "
        "kolomkoppen zijn verplicht. Kolommen toevoegen, sorteren en filteren mag; kolomkoppen niet wijzigen.",
        Kind.TEXT,
    )
    sheet.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A2:E2")
    sheet.row_dimensions[2].height = 32
    row = _table(sheet, 4, COLUMN_TABLE, _column_rows(register))
    legend = template.legend(register)
    if legend:
        set_cell(sheet.cell(row + 1, 1), f"Wat de toolkit in '{template.VERDICT}' schrijft", Kind.TEXT)
        sheet.cell(row + 1, 1).font = Font(bold=True, size=12)
        start = row + 2
        row = _table(
            sheet,
            start,
            ("Code", "Gewicht", "Kleur", "Betekenis"),
            [(r.code, r.weight, r.colour, r.meaning) for r in legend],
        )
        for offset, line in enumerate(legend, start=start + 1):
            fill, font = template.FILLS[line.colour]
            for column in (1, 3):
                sheet.cell(offset, column).fill = PatternFill("solid", fgColor=fill)
                sheet.cell(offset, column).font = Font(bold=column == 1, color=font)
    for letter, width in zip("ABCDE", UITLEG_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    return row


def _table(sheet: Any, top: int, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """A small bold-headed table from row `top`; returns the row after it."""
    from openpyxl.styles import Alignment, Font

    for index, title in enumerate(headers, start=1):
        set_cell(sheet.cell(top, index), title, Kind.TEXT)
        sheet.cell(top, index).font = Font(bold=True)
    for offset, values in enumerate(rows, start=top + 1):
        for index, value in enumerate(values, start=1):
            set_cell(sheet.cell(offset, index), value, Kind.TEXT)
            sheet.cell(offset, index).alignment = Alignment(wrap_text=True, vertical="top")
        lines = max(template.wrapped_lines(v, w) for v, w in zip(values, UITLEG_WIDTHS, strict=False))
        if lines > 1:  # programs that don't fit rows on opening (LibreOffice) still show the whole text
            sheet.row_dimensions[offset].height = template.HEADER_LINE_HEIGHT * lines
    return top + len(rows) + 1


def _allowed(column: Column) -> str:
    if column.kind is Kind.YESNO:
        return f"ja ({', '.join(sorted(YES - {'ja'}))}) of nee ({', '.join(sorted(NO - {'nee'}))})"
    if column.dropdown:
        return ", ".join(column.dropdown) + " (hoofdletters maken niet uit)"
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
