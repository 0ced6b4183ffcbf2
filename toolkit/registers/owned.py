"""Workbooks the toolkit owns entirely (kerstloting.xlsx): add a result sheet, rename one.

Staff never type in these, so openpyxl may save the whole file; the replace goes through the same atomic
commit as every register write (temp file, fsync, re-read, backup, replace).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.errors import RefusedError
from toolkit.registers.atomic import commit
from toolkit.registers.create import set_cell
from toolkit.registers.safety import check_supported, check_writable
from toolkit.registers.schema import Kind
from toolkit.registers.writer import WriteResult, _same, read_grid


def write_table_sheet(
    path: Path,
    sheet: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    backups_dir: Path,
    keep_backups: int = 10,
    notes: Sequence[tuple[str, Any]] = (),
) -> WriteResult:
    """Add a new sheet (never replace one) with label/value notes above a styled table."""
    import openpyxl

    if path.exists():
        check_writable(path)
        check_supported(path)
        book = openpyxl.load_workbook(path)
    else:
        book = openpyxl.Workbook()
        book.remove(book.active)
    if sheet in book.sheetnames:
        raise RefusedError(
            f"{path.name}: blad '{sheet}' bestaat al; er is niets veranderd.",
            hint="een bestaand blad wordt nooit overschreven.",
        )
    worksheet = book.create_sheet(sheet, 0)
    expected = _fill_table_sheet(worksheet, sheet, header, rows, notes)
    backup = commit(path, book.save, lambda temp: _verify(temp, sheet, expected), backups_dir, keep_backups)
    return WriteResult(path, True, len(expected), 0, backup)


def _fill_table_sheet(
    worksheet: Any, sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[tuple[str, Any]]
) -> list[tuple[int, int, Any]]:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    expected = []
    for index, (label, value) in enumerate(notes, start=1):
        set_cell(worksheet.cell(index, 1), str(label), Kind.TEXT)
        worksheet.cell(index, 1).font = Font(bold=True)
        set_cell(worksheet.cell(index, 2), value, Kind.TEXT)
        expected.append((index, 2, value))
    top = len(notes) + 2 if notes else 1
    for column, title in enumerate(header, start=1):
        set_cell(worksheet.cell(top, column), str(title), Kind.TEXT)
        worksheet.column_dimensions[get_column_letter(column)].width = 28
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            set_cell(worksheet.cell(top + offset, column), value, Kind.TEXT)
            expected.append((top + offset, column, value))
    last = f"{get_column_letter(len(header))}{top + max(len(rows), 1)}"
    name = "T" + "".join(ch for ch in sheet if ch.isalnum())
    table = Table(displayName=name, ref=f"A{top}:{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    worksheet.add_table(table)
    worksheet.freeze_panes = worksheet.cell(top + 1, 1)
    return expected


def _verify(temp: Path, sheet: str, expected: list[tuple[int, int, Any]]) -> None:
    from toolkit.errors import InputError

    grid = read_grid(temp, sheet)
    for row, column, value in expected:
        found = grid.get(row, column)
        if not _same(found, value) and not (isinstance(value, str) and str(found) == value):
            raise InputError(
                f"controle na opslaan mislukt voor {sheet}, rij {row}, kolom {column}: verwacht {value!r}, "
                f"gevonden {found!r}.",
                hint="het bestand is niet gewijzigd; meld dit aan de beheerder.",
            )


def rename_sheet(path: Path, old: str, new: str, *, backups_dir: Path, keep_backups: int = 10) -> None:
    """Rename a sheet (for example to keep an earlier draw beside a redraw)."""
    import openpyxl

    check_writable(path)
    check_supported(path)
    book = openpyxl.load_workbook(path)
    if new in book.sheetnames:
        raise RefusedError(f"{path.name}: blad '{new}' bestaat al.", hint="kies een andere naam.")
    book[old].title = new
    worksheet = book[new]
    for table in list(worksheet.tables.values()):  # re-key it: openpyxl looks tables up by `name`
        del worksheet.tables[table.name]
        table.name = table.displayName = "T" + "".join(ch for ch in new if ch.isalnum())
        worksheet.tables.add(table)
    commit(path, book.save, lambda temp: None, backups_dir, keep_backups)
