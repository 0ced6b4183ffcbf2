"""Apply a write plan to the workbook package: patch the changed cells into the worksheet XML, grow tables that
get new rows, copy every other part byte for byte, then check the result before it replaces the file (atomically,
with a backup). The plan itself (which cells, which rows) is made by `writer`."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError, WorkbookRefused
from toolkit.registers import package
from toolkit.registers.atomic import commit
from toolkit.registers.schema import AMOUNT_FORMAT, DATE_FORMAT
from toolkit.registers.sheetxml import NewValue, Sheet, SheetXmlError
from toolkit.registers.typed import style_for
from toolkit.registers.xmltext import column_letter, xml_unescape

if TYPE_CHECKING:
    from toolkit.registers.writer import _Plan


def save_cells(path: Path, plan: _Plan, backups_dir: Path, keep: int) -> tuple[bool, Path | None]:
    with zipfile.ZipFile(path) as archive:
        part = package.sheet_part(archive, plan.sheet)
        if part is None or part not in archive.NameToInfo:
            raise WorkbookRefused(f"{path.name}: het werkblad '{plan.sheet}' is niet te vinden in het bestand.")
        styles_name = package.styles_part(archive)
        styles = package.Styles(archive.read(styles_name) if styles_name else None)
        epoch = _epoch(archive)
        try:
            sheet = Sheet(package.read_part(archive, part))
        except zipfile.BadZipFile as exc:
            raise WorkbookRefused(
                f"{path.name} niet geschreven: {part} ({plan.sheet}) is beschadigd: {exc}.",
                hint="open het register in Excel (die herstelt het) en bewaar het; tot dan schrijft de toolkit er niets in.",
            ) from exc
        except SheetXmlError as exc:
            raise WorkbookRefused(
                f"{path.name} niet geschreven: {part} ({plan.sheet}) heeft een opbouw die de toolkit niet kent: {exc}.",
                hint="open en bewaar het register in Excel; tot dan schrijft de toolkit er niets in.",
            ) from exc
        edits: dict[tuple[int, int], NewValue] = {}
        for (row, column), value in plan.cells.items():
            info = sheet.info(row, column)
            if info.has_formula:
                plan.skipped.append(
                    f"cel {column_letter(column)}{row} bevat een formule; de toolkit overschrijft die niet"
                )
                plan.changed -= 1
                continue
            if (row, column) in plan.formats:
                style = style_for(sheet, styles, row, column, info.style, plan.formats[(row, column)])
                edits[(row, column)] = _new_value(value, style, styles, epoch, typed=True)
                continue
            edits[(row, column)] = _new_value(value, info.style, styles, epoch)
        if not edits:
            return False, None
        replaced: dict[str, bytes | bytearray] = {part: sheet.patched(edits)}
        if styles.changed and styles_name:
            replaced[styles_name] = styles.data
        for column, header in plan.added_headers.items():
            for table in package.table_parts(archive, part):
                widened = package.widen_table(archive.read(table), plan.header_row, column, header)
                if widened is not None:
                    replaced[table] = widened
        _lengthen_tables(archive, part, plan, replaced)
    expected = {cell: plan.cells[cell] for cell in edits}
    backup = commit(
        path,
        lambda temp: package.rewrite(path, temp, replaced),
        lambda temp: _verify(path, temp, replaced, plan.sheet, expected),
        backups_dir,
        keep,
    )
    return True, backup


def _lengthen_tables(archive: zipfile.ZipFile, part: str, plan: _Plan, replaced: dict[str, bytes | bytearray]) -> None:
    """Rows this write appends (a new key in a keyed register): a table on the sheet grows down to hold them."""
    if not plan.table_bottom:
        return
    for table in package.table_parts(archive, part):
        current = bytes(replaced.get(table) or archive.read(table))  # a table part: small
        longer = package.lengthen_table(current, plan.header_row, plan.table_bottom)
        if longer is not None:
            replaced[table] = longer


def _epoch(archive: zipfile.ZipFile) -> date:
    workbook = archive.read("xl/workbook.xml") if "xl/workbook.xml" in archive.NameToInfo else b""
    return date(1904, 1, 1) if b'date1904="1"' in workbook or b'date1904="true"' in workbook else date(1899, 12, 30)


def _new_value(value: Any, style: str | None, styles: package.Styles, epoch: date, *, typed: bool = False) -> NewValue:
    if typed:  # `style` was chosen for this value: it is written as it is
        number = _new_value(value, None, styles, epoch).number
        return NewValue(number=number, style=style)
    if value is None:
        return NewValue()
    if isinstance(value, bool):
        return NewValue(text="ja" if value else "nee")
    if isinstance(value, str):
        return NewValue(text=value)
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        delta = moment - datetime(epoch.year, epoch.month, epoch.day)
        serial = delta.days + delta.seconds / 86400
        number = str(int(serial)) if float(serial).is_integer() else repr(serial)
        keep = styles.is_date(style)
        return NewValue(number=number, style=None if keep else styles.with_format(style, DATE_FORMAT))
    if isinstance(value, Decimal):
        general = styles.number_format(style)[0] == 0
        return NewValue(number=repr(float(value)), style=styles.with_format(style, AMOUNT_FORMAT) if general else None)
    if isinstance(value, int):
        return NewValue(number=str(value))
    if isinstance(value, float):
        return NewValue(number=repr(value))
    return NewValue(text=str(value))


CALAMINE_CHECK_BYTES = 4 << 20  # sheets up to this size are also re-read by calamine, an independent reader


def _verify(
    source: Path, temp: Path, replaced: package.Parts, sheet: str, expected: dict[tuple[int, int], Any]
) -> None:
    """Re-read the written file: every part holds exactly the intended bytes (the copied ones: the same CRC as
    before), and every changed cell holds its value. Small sheets are also read back with calamine."""
    problem = package.changed_parts(source, temp, replaced)
    if problem:
        _failed(sheet, problem)
    patched = next(data for name, data in replaced.items() if name.startswith("xl/worksheets/"))
    if len(patched) > CALAMINE_CHECK_BYTES:
        written = Sheet(patched)
        for (row, column), value in expected.items():
            cell = written.cell(row, column)
            if cell is None or not _holds(cell.element, value):
                _failed(sheet, f"cel {column_letter(column)}{row}: verwacht {value!r}")
        return
    from toolkit.registers.writer import read_grid, same_value

    grid = read_grid(temp, sheet)
    for (row, column), value in expected.items():
        found = grid.get(row, column)
        if isinstance(value, date) and isinstance(found, int | float):
            continue  # a date in a cell whose own format shows it as a number
        if not same_value(found, value) and not (isinstance(value, str) and str(found) == value):
            _failed(sheet, f"cel {column_letter(column)}{row}: verwacht {value!r}, gevonden {found!r}")


_TEXT = re.compile(rb"<(?:[\w.-]+:)?t\b[^>]*>(.*?)</(?:[\w.-]+:)?t>", re.S)
_NUMBER = re.compile(rb"<(?:[\w.-]+:)?v>(.*?)</(?:[\w.-]+:)?v>", re.S)


def _holds(element: bytes, value: Any) -> bool:
    """Does this cell element carry the value (text, a number, or nothing)?"""
    text = _TEXT.search(element)
    number = _NUMBER.search(element)
    if value is None:
        return text is None and number is None
    if isinstance(value, str):
        return text is not None and xml_unescape(text.group(1).decode("utf-8")) == value
    if isinstance(value, date):
        return number is not None
    if isinstance(value, int | float | Decimal):
        return number is not None and abs(float(number.group(1)) - float(value)) < 0.005
    return text is not None


def _failed(sheet: str, what: str) -> None:
    raise InputError(
        f"controle na opslaan mislukt voor {sheet}: {what}.",
        hint="het register is niet gewijzigd; meld dit aan de beheerder.",
    )
