"""Read a register by header name with python-calamine: fast, never a crash, never a dropped row.

Columns may be in any order and staff may add their own; every unreadable cell becomes a Finding that names
the workbook, sheet, row and column, and the row is kept with None for that value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, Location
from toolkit.registers.schema import Column, Register
from toolkit.values import is_empty, parse_cell


@dataclass(frozen=True)
class Finding:
    """A value that could not be read, or a required value that is missing."""

    location: Location
    value: str
    why: str

    def __str__(self) -> str:
        shown = f'"{self.value}"' if self.value else "leeg"
        return f"{self.location}: {shown}: {self.why}"


@dataclass(frozen=True, slots=True)
class Row:
    """One register row: parsed values by header; `raw` holds the columns staff added and any unreadable cell as typed."""

    excel_row: int
    nr: int | None
    values: Mapping[str, Any]
    raw: Mapping[str, Any]
    unreadable: frozenset[str] = field(default=frozenset())

    def get(self, header: str) -> Any:
        return self.values.get(header)


@dataclass(frozen=True)
class Table:
    register: Register
    path: Path
    sheet: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]
    fingerprint: str

    def by_nr(self) -> dict[int, Row]:
        return {row.nr: row for row in self.rows if row.nr is not None}


def file_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise_header(text: Any) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def read_register(
    path: Path, register: Register, sheet: str | None = None, *, only: Collection[str] | None = None
) -> Table:
    """All rows of the register's sheet, parsed by column kind, with findings for what can't be read.

    `only`: parse just these columns (and `Nr`); the others read as empty and give no findings. For a caller that
    needs one column of a large register (the supplier names a conflict check looks up).
    """
    sheet_name = sheet or register.sheet
    rows_iter = _open_sheet(path, sheet_name)
    header_row = next(rows_iter, [])
    headers = tuple(str(h).strip() for h in header_row)
    positions = _map_headers(path, sheet_name, register, headers)
    known = set(positions.values())
    extras = [(i, h) for i, h in enumerate(headers) if i not in known and not is_empty(h)]
    rows: list[Row] = []
    findings: list[Finding] = []
    columns = register.columns if only is None else tuple(c for c in register.columns if c.header in {*only, "Nr"})
    for excel_row, cells in enumerate(rows_iter, start=2):
        if all(is_empty(c) for c in cells):
            continue
        row, row_findings = _read_row(path, sheet_name, columns, extras, positions, excel_row, cells)
        rows.append(row)
        findings.extend(row_findings)
    return Table(register, path, sheet_name, headers, tuple(rows), tuple(findings), file_fingerprint(path))


def _open_sheet(path: Path, sheet_name: str) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    if path.name.startswith("~$"):
        raise InputError(f"{path} is een vergrendelbestand van Excel, geen register.", hint="open het echte register.")
    if not path.is_file():
        raise InputError(
            f"register {path} niet gevonden.", hint="maak het aan met 'integrity init' of zet paths.registers goed."
        )
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own types for any unreadable file
        raise InputError(
            f"{path.name} is geen leesbaar Excel-bestand (.xlsx): {exc}", hint="sla het op als Excel-werkmap (.xlsx)."
        ) from exc
    if sheet_name not in book.sheet_names:
        raise InputError(
            f"{path.name}: blad '{sheet_name}' ontbreekt (gevonden: {', '.join(book.sheet_names)}).",
            hint=f"geef het blad met de gegevens de naam '{sheet_name}'.",
        )
    return iter(book.get_sheet_by_name(sheet_name).iter_rows())


def _map_headers(path: Path, sheet: str, register: Register, headers: tuple[str, ...]) -> dict[str, int]:
    found = {normalise_header(h): i for i, h in reversed(list(enumerate(headers))) if not is_empty(h)}
    positions = {}
    missing = []
    for column in register.columns:
        index = found.get(normalise_header(column.header))
        if index is not None:
            positions[column.header] = index
        elif not column.owned:
            missing.append(column.header)
    if missing:
        raise InputError(
            f"{path.name}, blad {sheet}: kolom(men) ontbreken in rij 1: {', '.join(missing)}.",
            hint="voeg de kolom(men) met precies die kop toe in rij 1 (de volgorde maakt niet uit).",
        )
    return positions


_NO_EXTRAS: Mapping[str, Any] = {}
_EMPTY: frozenset[str] = frozenset()


def _read_row(
    path: Path,
    sheet: str,
    columns: tuple[Column, ...],
    extras: list[tuple[int, str]],
    positions: dict[str, int],
    excel_row: int,
    cells: list[Any],
) -> tuple[Row, list[Finding]]:
    raw = {h: cells[i] for i, h in extras if i < len(cells) and not is_empty(cells[i])} if extras else _NO_EXTRAS
    values: dict[str, Any] = {}
    findings: list[Finding] = []
    unreadable: set[str] = set()
    for column in columns:
        index = positions.get(column.header)
        cell = cells[index] if index is not None and index < len(cells) else None
        value, why = _parse(cell, column)
        values[column.header] = value
        if why:
            unreadable.add(column.header)
        if why or (column.required and value is None):
            text = "" if is_empty(cell) else str(cell)
            reason = why or f"leeg; vul '{column.header}' in"
            findings.append(Finding(Location(path.name, sheet, excel_row, column.header), text, reason))
    nr = values.get("Nr")
    row_nr = int(nr) if isinstance(nr, int | float) and "Nr" not in unreadable else None
    if unreadable:  # keep what was typed in an unreadable cell, so messages can quote it
        raw = {**raw, **{h: cells[positions[h]] for h in unreadable if positions[h] < len(cells)}}
    return Row(excel_row, row_nr, values, raw, frozenset(unreadable) if unreadable else _EMPTY), findings


def _parse(cell: Any, column: Column) -> tuple[Any, str]:
    try:
        return parse_cell(cell, column), ""
    except ValueError as exc:
        return None, str(exc)
