"""The case register (`meldingen.xlsx`), keyed by case number: an ordinary workbook, read and merged in place.

It holds no reporter identity and no report text (those are sealed in the case archive), so it needs no password:
staff open it in Excel like any other register. Writing loads the current workbook, changes only the cells it is
given (rows found by `Zaaknummer`, new rows appended), so every cell and column people added stays; nothing changed
means nothing written; the previous file is copied to the backups folder first and the new one written atomically.

A change that can't be written now (the workbook is open in Excel) is queued in the state store and applied by
the next run (`apply_pending`); `reports list` shows it as pending. A register that is gone while the state knows
of cases is refused, never recreated empty.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError, WorkbookLocked, WorkbookRefused
from toolkit.registers.reader import normalise_header
from toolkit.registers.schema import Register
from toolkit.reports.crypto import write_private
from toolkit.reports.schema import CASE
from toolkit.values import parse_cell

if TYPE_CHECKING:
    from toolkit.state import StateStore

Rows = dict[str, dict[str, Any]]
PENDING_KEY = "reports.register.pending"
WRITTEN_KEY = "reports.register.written"  # the register exists from now on: a missing one is refused


@dataclass(frozen=True)
class Vault:
    """The case register: where it is, what it holds, where its backups and queued changes go."""

    path: Path
    register: Register
    backups_dir: Path
    state: StateStore
    keep_backups: int = 10
    known_cases: bool = False  # the state knows of cases: a missing file is then refused, never made anew

    def read(self) -> Rows:
        """Case number -> header -> value (parsed by column kind); an absent file is an empty store."""
        if not self.path.exists():
            self._refuse_missing()
            return {}
        book = self._load()
        try:
            return _rows(book[self.register.sheet], self.register)
        finally:
            book.close()

    def check(self) -> None:
        """Raise ConfigError when the register is missing while cases exist, or can't be read (changes nothing)."""
        self.read()

    def pending(self) -> list[dict[str, Any]]:
        """Queued changes, oldest first: {'case', 'cells', 'reason'} with the cells as they will be written."""
        return [_decode(item) for item in json.loads(self.state.get(PENDING_KEY) or "[]")]

    def write(self, changes: Mapping[str, Mapping[str, Any]]) -> bool:
        """Set the given cells (case -> header -> value); a locked workbook queues them (WorkbookLocked is raised)."""
        from toolkit.registers.safety import check_writable

        if not changes:
            return False
        try:
            if self.path.exists():
                check_writable(self.path)
            else:
                self._refuse_missing()
        except WorkbookLocked as exc:
            self._queue(changes, exc.message)
            raise
        return self._write(changes)

    def apply_pending(self) -> int:
        """Write the queued changes (oldest first, a later value for a cell wins); 0 when none or still locked."""
        queued = self.pending()
        if not queued:
            return 0
        from toolkit.registers.safety import check_writable

        if self.path.exists():
            check_writable(self.path)  # still open: WorkbookLocked, the queue stays
        else:
            self._refuse_missing()  # gone while cases exist: refused, the queue stays
        merged: dict[str, dict[str, Any]] = {}
        for item in queued:
            merged.setdefault(item["case"], {}).update(item["cells"])
        self._write(merged)
        self.state.set(PENDING_KEY, "[]")
        return len(queued)

    def _write(self, changes: Mapping[str, Mapping[str, Any]]) -> bool:
        book = self._load(read_only=False) if self.path.exists() else _new_book(self.register)
        sheet = book[self.register.sheet]
        changed = _apply(sheet, self.register, changes)
        if not changed:
            return False
        sheet.auto_filter.ref = sheet.dimensions
        plain = io.BytesIO()
        book.save(plain)
        self._store(plain.getvalue())
        return True

    def _queue(self, changes: Mapping[str, Mapping[str, Any]], reason: str) -> None:
        items = json.loads(self.state.get(PENDING_KEY) or "[]")
        items += [_encode(case, cells, reason) for case, cells in changes.items()]
        self.state.set(PENDING_KEY, json.dumps(items, ensure_ascii=False))

    def _refuse_missing(self) -> None:
        if self.known_cases:
            raise ConfigError(
                f"{self.path} ontbreekt, maar de toolkit kent al meldingen; het wordt niet leeg opnieuw aangemaakt.",
                hint=f"zet het terug uit {self.backups_dir} (het nieuwste {self.path.stem}.*.xlsx); er is niets gewijzigd.",
            )

    def _load(self, read_only: bool = True) -> Any:
        import openpyxl

        plain = self.path.read_bytes()
        if plain.startswith(b"\xd0\xcf\x11\xe0"):
            raise ConfigError(
                f"{self.path.name} is nog met een wachtwoord versleuteld (oude opzet).",
                hint="zet de werkmap om met 'integrity reports migrate --key BESTAND'; er is niets gewijzigd.",
            )
        if not read_only:
            _refuse_unkeepable(plain, self.path)
        return openpyxl.load_workbook(io.BytesIO(plain), read_only=read_only, data_only=read_only)

    def _store(self, data: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self.backups_dir.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            shutil.copy2(self.path, self.backups_dir / f"{self.path.stem}.{stamp}{self.path.suffix}")
            old = sorted(self.backups_dir.glob(f"{self.path.stem}.*{self.path.suffix}"))
            for stale in old[: max(0, len(old) - self.keep_backups)]:
                stale.unlink()
        write_private(self.path, data)
        self.state.set(WRITTEN_KEY, "1")


def _encode(case: str, cells: Mapping[str, Any], reason: str) -> dict[str, Any]:
    def one(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return {"date": value.isoformat()[:10]}
        return value

    return {"case": case, "cells": {k: one(v) for k, v in cells.items()}, "reason": reason}


def _decode(item: dict[str, Any]) -> dict[str, Any]:
    def one(value: Any) -> Any:
        if isinstance(value, dict) and "date" in value:
            return date.fromisoformat(value["date"])
        return value

    return {"case": item["case"], "cells": {k: one(v) for k, v in item["cells"].items()}, "reason": item["reason"]}


def _refuse_unkeepable(plain: bytes, path: Path) -> None:
    """The same refusal as for the other registers: content openpyxl would drop means nothing is written."""
    from toolkit.registers.safety import UNSUPPORTED_PARTS

    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        names = archive.namelist()
    found = sorted(
        {
            what
            for prefix, what in UNSUPPORTED_PARTS
            if any(n.startswith(prefix) and not n.endswith(".vml") for n in names)
        }
    )
    if found:
        raise WorkbookRefused(
            f"{path.name} niet geschreven: het bevat {'; '.join(found)}. De Excel-bibliotheek zou dat verwijderen.",
            hint="haal dat weg; tot dan schrijft de toolkit niets in dit bestand (er is niets gewijzigd).",
        )


def _header_map(sheet: Any) -> dict[str, int]:
    found: dict[str, int] = {}
    for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
        if cell.value is not None and str(cell.value).strip():
            found.setdefault(normalise_header(cell.value), cell.column)
    return found


def _rows(sheet: Any, register: Register) -> Rows:
    rows_iter = sheet.iter_rows(values_only=True)
    headers = [normalise_header(h) if h is not None else "" for h in next(rows_iter, ())]
    positions = {
        c.header: headers.index(normalise_header(c.header))
        for c in register.columns
        if normalise_header(c.header) in headers
    }
    result: Rows = {}
    for cells in rows_iter:
        values = {c.header: _parse(cells, positions.get(c.header), c) for c in register.columns}
        case = values.get(CASE)
        if case:
            result.setdefault(str(case), values)
    return result


def _parse(cells: tuple[Any, ...], index: int | None, column: Any) -> Any:
    if index is None or index >= len(cells):
        return None
    try:
        return parse_cell(cells[index], column)
    except ValueError:
        return None


def _apply(sheet: Any, register: Register, changes: Mapping[str, Mapping[str, Any]]) -> int:
    from toolkit.registers.writer import _same, _set

    columns = _ensure_columns(sheet, register)
    rows = _rows_by_case(sheet, columns[normalise_header(CASE)])
    changed = 0
    for case, cells in changes.items():
        row = rows.get(case)
        if row is None:
            row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value else 2
            rows[case] = row
            _set(sheet.cell(row, columns[normalise_header(CASE)]), case, register.column(CASE).kind)
            changed += 1
        for header, value in cells.items():
            cell = sheet.cell(row, columns[normalise_header(header)])
            stored = _stored(value)
            if _same(cell.value, stored):
                continue
            _set(cell, stored, register.column(header).kind)
            changed += 1
    return changed


def _stored(value: Any) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, str | date | int | float) or value is None else str(value)


def _ensure_columns(sheet: Any, register: Register) -> dict[str, int]:
    columns = _header_map(sheet)
    last = max(columns.values(), default=0)
    for column in register.columns:
        key = normalise_header(column.header)
        if key not in columns:
            last += 1
            sheet.cell(1, last).value = column.header
            columns[key] = last
    return columns


def _rows_by_case(sheet: Any, case_column: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in range(2, sheet.max_row + 1):
        value = sheet.cell(row, case_column).value
        if value is not None and str(value).strip():
            found.setdefault(str(value).strip(), row)
    return found


def _new_book(register: Register) -> Any:
    """A workbook made for people: header, grey toolkit columns, dropdowns, frozen header, an Uitleg sheet."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from toolkit.registers.create import _add_dropdowns, _write_explanation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = register.sheet
    for index, column in enumerate(register.columns, start=1):
        cell = sheet.cell(1, index)
        cell.value = column.header
        cell.font = Font(bold=True, italic=column.owned)
        if column.owned:
            cell.fill = PatternFill("solid", fgColor="BFBFBF")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    _add_dropdowns(sheet, register)
    sheet.freeze_panes = "A2"
    _write_explanation(book.create_sheet("Uitleg"), register)
    return book
