"""The report as an Excel workbook: a cover sheet and a sheet per area, with native Excel bar charts.

The charts are openpyxl charts that point at the tables on the same sheet, so the board secretary can restyle
them, change the titles or add a chart of her own. Text cells are written as strings (never a formula).
"""

from __future__ import annotations

import io
from typing import Any

from toolkit.board.model import Area, BoardReport, Cell, charts, count_figures

HEADER_FILL = "DCE6F0"
COLUMN_WIDTHS = {"A": 48, "B": 16, "C": 16, "D": 10}


def build_xlsx(report: BoardReport) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Overzicht"
    _cover(cover, report)
    for area in report.areas:
        _area(book.create_sheet(_sheet_name(area.title)), area, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]


def _put(sheet: Any, row: int, column: int, value: Cell) -> Any:
    """Numbers stay numbers; text is stored as text even when it starts with '=' (never a formula)."""
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _widths(sheet: Any) -> None:
    for column, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[column].width = width


def _header(sheet: Any, row: int, values: tuple[str, ...]) -> None:
    from openpyxl.styles import Font, PatternFill

    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column, value)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)


def _cover(sheet: Any, report: BoardReport) -> None:
    from openpyxl.styles import Alignment, Font

    _widths(sheet)
    sheet.column_dimensions["B"].width = 90
    sheet["A1"] = f"Integriteitsrapportage {report.period.label} – {report.organisation}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (
        f"Vergeleken met {report.compare.label}; versie voor {report.audience}; opgesteld op {report.generated}."
    )
    sheet["A3"] = report.summary
    _header(sheet, 5, ("Onderdeel", "In één zin"))
    row = 6
    for area in report.areas:
        _put(sheet, row, 1, area.title)
        _put(sheet, row, 2, area.reading).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    sheet.cell(
        row,
        1,
        f'Aantallen onder {report.min_cell} in een uitsplitsing staan als "< {report.min_cell}" en tellen mee in "overig".',
    )
    for note in report.notes:
        row += 1
        _put(sheet, row, 1, note)


def _area(sheet: Any, area: Area, report: BoardReport) -> None:
    from openpyxl.styles import Alignment, Font

    _widths(sheet)
    sheet["A1"] = area.title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = area.reading
    sheet["A2"].alignment = Alignment(wrap_text=False)
    columns = (report.period.label, report.compare.label)
    _header(sheet, 4, ("Kengetal", *columns, "Eenheid"))
    row = 5
    for figure in area.figures:
        for column, value in enumerate((figure.label, figure.current, figure.previous, figure.unit), start=1):
            _put(sheet, row, column, value)
        row += 1
    tables: dict[int | None, tuple[int, int]] = {}
    for index, item in enumerate(area.breakdowns):
        row += 1
        _put(sheet, row, 1, item.title).font = Font(bold=True)
        row += 1
        if item.note or not item.rows:
            _put(sheet, row, 1, item.note or "Geen in deze perioden.")
            row += 1
            continue
        _header(sheet, row, ("Categorie", *columns))
        first = row + 1
        for label, now, before in item.rows:
            row += 1
            for column, value in enumerate((label, now, before), start=1):
                _put(sheet, row, column, value)
        tables[index] = (first, row)
        row += 1
    found = charts(area)
    if any(chart.breakdown is None for chart in found):
        row += 1
        sheet.cell(row, 1, "Grafiekgegevens").font = Font(bold=True)
        row += 1
        _header(sheet, row, ("Kengetal", *columns))
        first = row + 1
        for figure in count_figures(area):
            row += 1
            for column, value in enumerate((figure.label, figure.current, figure.previous), start=1):
                _put(sheet, row, column, value)
        tables[None] = (first, row)
    anchor = 4
    for chart in found:
        first, last = tables[chart.breakdown]
        sheet.add_chart(_bar_chart(sheet, chart.title, first, last), f"F{anchor}")
        anchor += 18


def _bar_chart(sheet: Any, title: str, first: int, last: int) -> Any:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = title
    chart.y_axis.title = "aantal"
    data = Reference(sheet, min_col=2, max_col=3, min_row=first - 1, max_row=last)
    labels = Reference(sheet, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    chart.height = 8.5
    chart.width = 16
    return chart
