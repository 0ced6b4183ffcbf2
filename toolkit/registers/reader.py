"""Read a register by header name with python-calamine: fast, never a crash, never a dropped row.

Columns may be in any order and staff may add their own; every unreadable cell becomes a Finding that names
the workbook, sheet, row and column, and the row is kept with None for that value.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, Location
from toolkit.registers.layout import duplicate_owned_headers, header_positions, normalise_header
from toolkit.registers.schema import Column, Kind, Register
from toolkit.values import counted, is_empty, parse_cell


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


@dataclass(frozen=True, slots=True)
class TypedText:
    """A date or amount cell that holds text the reader understood ("15-01-2027", "€ 35,50"): a candidate for a
    real Excel value (`toolkit.registers.typed`)."""

    excel_row: int
    header: str
    text: str


@dataclass(frozen=True)
class Table:
    register: Register
    path: Path
    sheet: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]
    fingerprint: str
    typed: tuple[TypedText, ...] = ()  # dates and amounts typed as text (of the columns read)

    def by_nr(self) -> dict[int, Row]:
        return {row.nr: row for row in self.rows if row.nr is not None}


@dataclass
class Grid:
    """The sheet as calamine reads it (cached values of formulas included), addressed by Excel row and column."""

    rows: list[list[Any]]
    top: int  # Excel row of rows[0]
    left: int  # Excel column of rows[x][0]

    def get(self, row: int, column: int) -> Any:
        r, c = row - self.top, column - self.left
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            value = self.rows[r][c]
            return None if value == "" else value
        return None

    def column(self, column: int) -> list[tuple[int, Any]]:
        """(Excel row, value) for every row below the header, in one pass (empty cells as None)."""
        c = column - self.left
        if c < 0 or not self.rows or c >= len(self.rows[0]):
            return []
        values = [row[c] for row in self.rows]  # calamine's grid is rectangular
        return [(self.top + r, value if value != "" else None) for r, value in enumerate(values) if r > 0]

    def has_content(self, row: int) -> bool:
        r = row - self.top
        cells = self.rows[r] if 0 <= r < len(self.rows) else []
        return any(v is not None and not (isinstance(v, str) and not v.strip()) for v in cells)

    @property
    def bottom(self) -> int:
        return self.top + len(self.rows) - 1

    @property
    def right(self) -> int:
        return self.left + (len(self.rows[0]) if self.rows else 0) - 1  # calamine's grid is rectangular


def file_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def paused_gc() -> Iterator[None]:
    """A sheet read is millions of small acyclic objects: the cycle collector would walk them again and again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_SHARED: dict[tuple[Path, str, str, tuple[str, ...] | None], Table] | None = None
_SHEETS: dict[tuple[Path, str], tuple[str, Grid]] | None = None  # the last parse of each sheet: (fingerprint, grid)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block (one nightly run) a register whose bytes did not change is parsed once: a later read gets
    the same Table (a read of other columns: the same parse). A write changes the bytes, so the next read after it
    reads the file again. The writer takes over the parse of the bytes it is about to change (`take_parsed_sheet`)
    instead of parsing them again."""
    global _SHARED, _SHEETS
    outer, outer_sheets = _SHARED, _SHEETS
    _SHARED = {} if outer is None else outer
    _SHEETS = {} if outer_sheets is None else outer_sheets
    try:
        yield
    finally:
        _SHARED, _SHEETS = outer, outer_sheets


def sharing_reads() -> bool:
    """Inside shared_reads (a nightly run)."""
    return _SHARED is not None


def take_parsed_sheet(path: Path, sheet: str, fingerprint: str) -> Grid | None:
    """The sheet a shared read parsed from exactly these bytes (same fingerprint), handed over once (so it
    is not kept after); None outside shared_reads or when the file is not what was read."""
    if _SHEETS is None:
        return None
    found = _SHEETS.pop((path.resolve(), sheet), None)
    return found[1] if found is not None and found[0] == fingerprint else None


def read_register(
    path: Path, register: Register, sheet: str | None = None, *, only: Collection[str] | None = None
) -> Table:
    """All rows of the register's sheet, parsed by column kind, with findings for what can't be read.

    `only`: parse just these columns (and `Nr`); the others read as empty and give no findings. For a caller that
    needs one column of a large register (the supplier names a conflict check looks up).
    """
    name = sheet or register.sheet
    shared = _SHARED
    if shared is None or not path.is_file():
        with paused_gc():
            return _read(path, register, name, only)
    key = (path.resolve(), register.key, name, tuple(sorted(only)) if only is not None else None)
    known = shared.get(key)
    if known is not None and known.fingerprint == file_fingerprint(path):
        return known
    with paused_gc():
        shared[key] = table = _read(path, register, name, only, keep_sheet=True)
    return table


def _read(
    path: Path, register: Register, sheet_name: str, only: Collection[str] | None = None, *, keep_sheet: bool = False
) -> Table:
    before = file_fingerprint(path) if keep_sheet and _SHEETS is not None and path.is_file() else None
    sheet = _parsed_sheet(path, sheet_name, before) or sheet_grid(path, sheet_name, register.made_by)
    grid, top, left = sheet.rows, sheet.top, sheet.left
    header_row = grid[0] if grid else []
    headers = tuple(str(h).strip() for h in header_row)
    positions = _map_headers(path, sheet_name, register, headers)
    known = set(positions.values())
    columns = register.columns if only is None else tuple(c for c in register.columns if c.header in {*only, "Nr"})
    slots = [(column, positions.get(column.header)) for column in columns]
    extras = [(i, h) for i, h in enumerate(headers) if i not in known and not is_empty(h)]
    findings = [
        Finding(Location(path.name, sheet_name, top), "", why)
        for why in duplicate_owned_headers(register, header_positions(dict(enumerate(headers, start=left))))
    ]
    body = [(excel_row, cells) for excel_row, cells in enumerate(grid[1:], start=top + 1) if not _blank(cells)]
    parsed = _Columns(path, sheet_name, body, slots)
    names = [column.header for column, _ in slots]
    value_dicts = [dict(zip(names, row_values, strict=True)) for row_values in zip(*parsed.values, strict=True)]
    rows: list[Row] = []
    first_with: dict[int, int] = {}
    for i, (excel_row, cells) in enumerate(body):
        values = value_dicts[i]
        raw = {h: cells[c] for c, h in extras if c < len(cells) and not is_empty(cells[c])} if extras else _NO_EXTRAS
        unreadable = parsed.unreadable.get(i)
        if unreadable:  # keep what was typed in an unreadable cell, so messages can quote it
            raw = {**raw, **{h: cells[positions[h]] for h in unreadable if positions[h] < len(cells)}}
        nr = values.get("Nr")
        row_nr = int(nr) if isinstance(nr, int | float) and not (unreadable and "Nr" in unreadable) else None
        if i in parsed.findings:
            findings.extend(parsed.findings[i])
        if row_nr is not None and row_nr in first_with:  # a copied row: it has no number of its own yet
            why = (
                f"Nr {row_nr} staat ook in rij {first_with[row_nr]} (gekopieerde rij?); deze rij krijgt bij de "
                "volgende schrijfronde een nieuw nummer en een eigen beoordeling"
            )
            findings.append(Finding(Location(path.name, sheet_name, excel_row, "Nr"), str(row_nr), why))
            row_nr = None
        elif row_nr is not None:
            first_with[row_nr] = excel_row
        rows.append(Row(excel_row, row_nr, values, raw, frozenset(unreadable) if unreadable else _EMPTY))
    typed = parsed.typed
    fingerprint = file_fingerprint(path)
    if before == fingerprint and _SHEETS is not None:  # parsed from exactly these bytes: the writer may take it
        _SHEETS[(path.resolve(), sheet_name)] = (fingerprint, sheet)
    return Table(register, path, sheet_name, headers, tuple(rows), tuple(findings), fingerprint, tuple(typed))


def _parsed_sheet(path: Path, sheet_name: str, fingerprint: str | None) -> Grid | None:
    """A sheet this run already parsed from exactly these bytes (another selection of its columns is read)."""
    kept = _SHEETS.get((path.resolve(), sheet_name)) if _SHEETS is not None and fingerprint is not None else None
    return kept[1] if kept is not None and kept[0] == fingerprint else None


def sheet_grid(path: Path, sheet_name: str, made_by: str = "integrity init") -> Grid:
    """The sheet's cells as Python values (calamine), addressed by Excel row and column."""
    data, top, left = open_sheet(path, sheet_name, made_by)
    return Grid(data.to_python(), top, left)


def open_sheet(path: Path, sheet_name: str, made_by: str = "integrity init") -> tuple[Any, int, int]:
    """The sheet (python-calamine) with the Excel row and column of its first used cell (an empty column A or row 1
    is allowed: positions stay right). The reader and the writer open a register only here."""
    from python_calamine import CalamineWorkbook

    if path.name.startswith("~$"):
        raise InputError(f"{path} is een vergrendelbestand van Excel, geen register.", hint="open het echte register.")
    if not path.is_file():
        where = "een nieuwe werkmap" if made_by == "integrity init" else "deze werkmap"
        raise InputError(
            f"register {path} niet gevonden.",
            hint=f"maak het aan met '{made_by}' ({where}) of zet paths.registers goed.",
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
    try:
        data = book.get_sheet_by_name(sheet_name)
    except Exception as exc:  # noqa: BLE001 - a damaged part: calamine's own error types
        raise InputError(
            f"{path.name}: blad '{sheet_name}' is beschadigd en niet te lezen: {exc}.",
            hint="open het register in Excel (die herstelt het) en bewaar het opnieuw.",
        ) from exc
    top, left = data.start or (0, 0)
    return data, top + 1, left + 1


def _map_headers(path: Path, sheet: str, register: Register, headers: tuple[str, ...]) -> dict[str, int]:
    found = {normalise_header(h): i for i, h in reversed(list(enumerate(headers))) if not is_empty(h)}
    positions = {}
    missing = []
    for column in register.columns:
        index = found.get(normalise_header(column.header))
        if index is not None:
            positions[column.header] = index
        elif not column.owned and not column.optional:
            missing.append(column.header)
    if missing:
        raise InputError(
            f"{path.name}, blad {sheet}: {counted(len(missing), 'kolom ontbreekt', 'kolommen ontbreken')} in rij 1: "
            f"{', '.join(missing)}.",
            hint=f"voeg {'de kolom' if len(missing) == 1 else 'de kolommen'} met precies die kop toe in rij 1 "
            "(de volgorde maakt niet uit).",
        )
    return positions


_NO_EXTRAS: Mapping[str, Any] = {}
_TYPED_KINDS = (Kind.DATE, Kind.AMOUNT)
_EMPTY: frozenset[str] = frozenset()


def _blank(cells: list[Any]) -> bool:
    for cell in cells:
        if cell is None or cell == "" or (type(cell) is str and is_empty(cell)):
            continue
        return False
    return True


class _Columns:
    """The body's cells parsed column by column: per slot the values in row order; by row index the unreadable
    headers and the findings (in slot order); the dates and amounts typed as text, in row order."""

    def __init__(
        self, path: Path, sheet: str, body: list[tuple[int, list[Any]]], slots: list[tuple[Column, int | None]]
    ) -> None:
        self.values: list[list[Any]] = []
        self.unreadable: dict[int, set[str]] = {}
        self.findings: dict[int, list[Finding]] = {}
        grid = [cells for _, cells in body]
        width = max(map(len, grid), default=0)
        if any(len(cells) < width for cells in grid):  # calamine's rows are as wide as the sheet; never fail on one
            grid = [cells + [None] * (width - len(cells)) for cells in grid]
        typed: list[tuple[int, int, TypedText]] = []
        for order, (column, index) in enumerate(slots):  # only these columns: a read of two needs just those two
            cells: tuple[Any, ...] = (None,) * len(grid)
            if index is not None and index < width:
                cells = tuple(map(itemgetter(index), grid))
            values, looks = _parse_column(cells, column)
            self.values.append(values)
            for i, value, why in looks:
                if why or (value is None and column.required):
                    self._problem(path, sheet, body[i][0], i, column, cells[i], why)
                else:  # a date or amount typed as text
                    typed.append((i, order, TypedText(body[i][0], column.header, cells[i])))
        self.typed = tuple(t for _, _, t in sorted(typed, key=lambda item: item[:2]))

    def _problem(self, path: Path, sheet: str, excel_row: int, i: int, column: Column, cell: Any, why: str) -> None:
        if why:
            self.unreadable.setdefault(i, set()).add(column.header)
        text = "" if is_empty(cell) else str(cell)
        reason = why or f"leeg; vul '{column.header}' in"
        self.findings.setdefault(i, []).append(
            Finding(Location(path.name, sheet, excel_row, column.header), text, reason)
        )


def _parse_column(cells: tuple[Any, ...], column: Column) -> tuple[list[Any], list[tuple[int, Any, str]]]:
    """The column's values in row order, and (row index, value, why) for each row that needs a second look: a
    finding, or a date or amount typed as text. Each distinct value is parsed once (a register repeats the same
    names, choices, dates and amounts); a column that mixes TRUE/FALSE with numbers (True == 1 to a dict) is parsed
    cell by cell."""
    typed = column.kind in _TYPED_KINDS

    def looked_at(cell: Any, value: Any, why: str) -> bool:
        return bool(why) or (value is None and column.required) or (typed and value is not None and type(cell) is str)

    kinds = set(map(type, cells))
    if bool in kinds and (int in kinds or float in kinds):
        each = [_parse(cell, column) for cell in cells]
        looks = [
            (i, value, why)
            for i, (cell, (value, why)) in enumerate(zip(cells, each, strict=True))
            if looked_at(cell, value, why)
        ]
        return [value for value, _ in each], looks
    parsed = {cell: _parse(cell, column) for cell in dict.fromkeys(cells)}
    again = {cell for cell, (value, why) in parsed.items() if looked_at(cell, value, why)}
    looks = [(i, *parsed[cell]) for i, cell in enumerate(cells) if cell in again] if again else []
    return list(map({cell: value for cell, (value, _) in parsed.items()}.__getitem__, cells)), looks


def _parse(cell: Any, column: Column) -> tuple[Any, str]:
    if cell is None or cell == "":  # fast paths for what most cells hold (the nightly reads 100,000s of them)
        return None, ""
    kind, kind_of_cell = column.kind, type(cell)
    if kind_of_cell is str and kind is Kind.TEXT and "\u00a0" not in cell:
        return cell.strip() or None, ""
    if kind is Kind.DATE and kind_of_cell is datetime:
        return cell.date(), ""
    if kind is Kind.DATE and kind_of_cell is date:
        return cell, ""
    if kind is Kind.NUMBER and kind_of_cell is float:  # every row's Nr
        return (int(cell) if cell.is_integer() else cell), ""
    try:
        return parse_cell(cell, column), ""
    except ValueError as exc:
        return None, str(exc)
