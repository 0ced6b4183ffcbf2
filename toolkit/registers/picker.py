"""The `Medewerker` picker: the hidden sheet `Lijsten` with the names of medewerkers.xlsx, kept in step each night.

`init` fills the list (`create.create_register`); the nightly job (`steps.picker_step`) refreshes it through the
register gateway when medewerkers.xlsx changed: only the list's cells on `Lijsten` and the range of the picker's
list validation are patched, every other byte of the workbook stays. Registers get the picker from their schema:
every register with a staff column `Medewerker`. The list holds who is in service today or starts later; a
name drops off the day after `Uit dienst per`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.errors import WorkbookRefused
from toolkit.registers import package
from toolkit.registers.atomic import commit
from toolkit.registers.safety import check_supported, check_writable
from toolkit.registers.schema import STAFF, Register
from toolkit.registers.sheetxml import NewValue, Sheet, SheetXmlError
from toolkit.registers.template import LIST_SHEET
from toolkit.values import parse_date

PICKER = "Medewerker"  # the column that offers the names of medewerkers.xlsx
LIST_HEADER = "Naam (uit medewerkers.xlsx)"
_RANGE = re.compile(rb"('?)" + LIST_SHEET.encode() + rb"\1!\$A\$2:\$A\$(\d+)")
_VALIDATIONS = re.compile(rb"<((?:[\w.-]+:)?)dataValidations\b.*?</\1dataValidations>", re.S)  # x14: too


def has_picker(register: Register) -> bool:
    """Does this register's schema offer the picker (a staff column `Medewerker`)?"""
    return PICKER in register.headers and not register.column(PICKER).owned


def tidy(names: Iterable[str | None]) -> list[str]:
    """The list as it stands on `Lijsten`: spaces tidied, each name once, sorted without regard to case."""
    unique = {" ".join(n.split()) for n in names if n and n.strip()}
    return sorted(unique, key=lambda n: (n.casefold(), n))


def picker_names(rows: Iterable[Mapping[str, Any]], today: date) -> list[str]:
    """The names for the picker from medewerkers.xlsx rows: everyone not yet out of service on `today`."""
    names = []
    for row in rows:
        left = row.get("Uit dienst per")
        try:
            last_day = parse_date(left) if left not in (None, "") else None
        except ValueError:
            last_day = None  # unreadable: the name stays (the reader names the cell)
        if last_day is None or last_day >= today:
            names.append(str(row.get("Naam") or ""))
    return tidy(names)


def wanted_names(ws: Any) -> list[str]:
    """The picker's list as medewerkers.xlsx says it today (reads that register once)."""
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(STAFF), STAFF)  # whole: other steps of the run share this read
    return picker_names((row.values for row in table.rows), ws.today)


def picker_notes(ws: Any, tables: Mapping[str, Any]) -> list[str]:
    """For `integrity check`: each register whose picker list differs from medewerkers.xlsx (tables: those read)."""
    from toolkit.registers.schema import REGISTERS

    staff = tables.get(STAFF.key)
    if staff is None:
        return []
    wanted = picker_names((row.values for row in staff.rows), ws.today)
    notes = []
    for register in REGISTERS.values():
        path = ws.register_path(register)
        if register.key not in tables or not has_picker(register) or not path.is_file():
            continue
        change = compare(register, path, wanted)
        if change.stale:
            notes.append(
                f"{register.filename}: de keuzelijst Medewerker (blad {LIST_SHEET}) loopt achter op medewerkers.xlsx: "
                f"{change.describe()}; de nachtelijke taak werkt hem bij"
            )
    return notes


def current_names(path: Path) -> list[str] | None:
    """The names on the workbook's `Lijsten` sheet now; None when it has no such sheet (made without a picker)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    if LIST_SHEET not in book.sheet_names:
        return None
    rows = book.get_sheet_by_name(LIST_SHEET).to_python()
    return [str(row[0]).strip() for row in rows[1:] if row and str(row[0]).strip()]


@dataclass(frozen=True)
class PickerChange:
    """How one register's list differs from medewerkers.xlsx, and whether the refresh wrote it."""

    register: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reordered: bool = False  # the same names in another order (or twice): rewritten too
    missing: bool = False  # the workbook has no `Lijsten` sheet: nothing to refresh
    written: bool = False
    backup: Path | None = None

    @property
    def stale(self) -> bool:
        return bool(self.added or self.removed or self.reordered)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append(f"{len(self.added)} nieuw ({_some(self.added)})")
        if self.removed:
            parts.append(f"{len(self.removed)} niet meer in dienst ({_some(self.removed)})")
        if self.reordered and not parts:
            parts.append("volgorde of dubbele namen")
        return ", ".join(parts)


def _some(names: Sequence[str], shown: int = 3) -> str:
    more = f" en {len(names) - shown} meer" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def compare(register: Register, path: Path, wanted: Sequence[str]) -> PickerChange:
    """How the workbook's list differs from `wanted` (reads only: for `check`, and before a refresh)."""
    current = current_names(path)
    if current is None:
        return PickerChange(register.filename, missing=True)
    now, then = set(current), set(wanted)
    added = tuple(n for n in wanted if n not in now)
    removed = tuple(n for n in current if n not in then)
    return PickerChange(register.filename, added, removed, reordered=list(current) != list(wanted))


def _with_range(sheet: bytes, last: int) -> bytes:
    """The sheet with the picker's range `Lijsten!$A$2:$A$n` ending at `last`, only inside its data validations
    (a staff formula that happens to name the same range is left alone)."""
    end = str(last).encode()

    def widen(block: re.Match[bytes]) -> bytes:
        return _RANGE.sub(lambda m: m.group(0)[: m.start(2) - m.start(0)] + end, block.group(0))

    return _VALIDATIONS.sub(widen, sheet)


def list_key(path: Path) -> str:
    """What identifies the list as it stands, read from the zip directory (no sheet is parsed): the CRC of the
    `Lijsten` part and, when its names are shared strings, of the shared-string table. Empty: no list."""
    with zipfile.ZipFile(path) as archive:
        part = package.sheet_part(archive, LIST_SHEET)
        if part is None or part not in archive.NameToInfo:
            return ""
        key = f"{archive.getinfo(part).CRC:08x}"
        if b't="s"' in archive.read(part):
            shared = next((i for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml")), None)
            key += f":{shared.CRC:08x}" if shared else ":-"
        return key


def refresh(
    path: Path, register: Register, wanted: Sequence[str], *, backups_dir: Path, keep_backups: int = 10
) -> PickerChange:
    """Bring the workbook's list in step with `wanted`: the list's cells on `Lijsten` and the picker's range, no
    other byte. Nothing is written when the list is right already. WorkbookLocked when the workbook is open."""
    check_writable(path)
    check_supported(path)
    change = compare(register, path, wanted)
    if change.missing or not change.stale:
        return change
    with zipfile.ZipFile(path) as archive:
        list_part = package.sheet_part(archive, LIST_SHEET)
        main_part = package.sheet_part(archive, register.sheet)
        if list_part is None or main_part is None:
            return PickerChange(register.filename, missing=True)
        try:
            sheet = Sheet(archive.read(list_part))
        except SheetXmlError as exc:
            raise WorkbookRefused(
                f"{path.name} niet geschreven: het blad {LIST_SHEET} heeft een opbouw die de toolkit niet kent: {exc}.",
                hint="open en bewaar het register in Excel; tot dan werkt de toolkit de keuzelijst niet bij.",
            ) from exc
        edits = {(row, 1): NewValue(text=name) for row, name in enumerate(wanted, start=2)}
        for row in sheet.rows:
            if row > len(wanted) + 1 and 1 in sheet.cells(row):
                edits[(row, 1)] = NewValue()  # a name that left: the cell is emptied
        replaced: dict[str, bytes | bytearray] = {list_part: sheet.patched(edits)}
        main = archive.read(main_part)
        widened = _with_range(main, max(len(wanted) + 1, 2))
        if widened != main:
            replaced[main_part] = widened

    def verify(temp: Path) -> None:
        problem = package.changed_parts(path, temp, replaced)
        if problem is None and current_names(temp) != list(wanted):
            problem = f"de lijst op {LIST_SHEET} is niet zoals bedoeld"
        if problem:
            raise WorkbookRefused(
                f"controle na opslaan mislukt voor {path.name}: {problem}.",
                hint="het register is niet gewijzigd; meld dit aan de beheerder.",
            )

    backup = commit(path, lambda temp: package.rewrite(path, temp, replaced), verify, backups_dir, keep_backups)
    return PickerChange(register.filename, change.added, change.removed, change.reordered, written=True, backup=backup)
