"""The register gateway's writer: change only the toolkit's own cells, keep every other byte of the workbook.

Order of work: is the workbook open or read-only? is it a package we can patch? read the sheet (calamine),
find columns by header and refuse a staff column that carries a toolkit header; give rows their `Nr` (never a
number given before, a copied `Nr` gets a new one); place each update by `Nr` (or by row when the file is as
it was read, or by what staff typed in the row). A register keyed by a column of its own (`Register.key_column`,
meldingen.xlsx by `Zaaknummer`) has no `Nr`: an update names its row by that key, and an unknown key is a new row
below the last, whose staff columns the toolkit may fill once (in an existing row it writes only its own columns).
Then `patch` writes only those cells into the worksheet XML, copies every other zip part unchanged, and replaces
the file atomically after re-reading the changed cells. If nothing differs, the file is not touched at all. One
kind of staff cell may change too: a date or amount typed as text gets its real value (`CellUpdate.was` and `number_format`, see `toolkit/registers/typed.py`), and only while the
cell still holds exactly that text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.errors import WorkbookRefused
from toolkit.registers import layout
from toolkit.registers.patch import save_cells
from toolkit.registers.reader import (
    Grid,
    file_fingerprint,
    paused_gc,
    sharing_reads,
    sheet_grid,
    take_parsed_sheet,
)
from toolkit.registers.safety import check_supported, check_writable
from toolkit.registers.schema import Register
from toolkit.registers.typed import TypedWrite
from toolkit.registers.xmltext import printable


@dataclass(frozen=True, slots=True)
class CellUpdate:
    column: str
    value: Any
    nr: int | None = None
    excel_row: int | None = None
    row_key: str | None = None  # what staff typed in the row (layout.row_key): finds a row without Nr again
    key: str | None = None  # the row's value in the register's key column (`Register.key_column`, e.g. Zaaknummer)
    number_format: str = ""  # a typed value for a staff cell: the number format it gets (DATE_FORMAT, AMOUNT_FORMAT)
    was: str | None = None  # a staff cell is only changed while it still holds exactly this text


@dataclass(frozen=True)
class WriteResult:
    path: Path
    written: bool
    cells_changed: int = 0
    numbers_assigned: int = 0
    backup: Path | None = None
    skipped: tuple[str, ...] = ()
    highest_nr: int = 0
    findings: tuple[str, ...] = field(default=())  # copied numbers given a new one, in Dutch
    typed: tuple[TypedWrite, ...] = ()  # staff cells given a real date or amount
    numbered: tuple[tuple[int, int], ...] = ()  # (Excel row, Nr) of the rows this write gave a number
    as_read: bool = False  # the file was byte for byte the one the caller read (its rows are where they were)


def read_grid(path: Path, sheet: str, *, fingerprint: str | None = None) -> Grid:
    """The sheet as calamine reads it. `fingerprint`: the file's bytes as they are now; when a shared read
    (`reader.shared_reads`, the nightly) parsed exactly those bytes, its parse is taken over, not repeated."""
    grid = take_parsed_sheet(path, sheet, fingerprint) if fingerprint is not None else None
    return grid if grid is not None else sheet_grid(path, sheet)  # the reader's one way in: the same messages


def write_updates(
    path: Path,
    register: Register,
    updates: Sequence[CellUpdate],
    *,
    backups_dir: Path,
    keep_backups: int = 10,
    expected_fingerprint: str | None = None,
    assign_numbers: bool = True,
    sheet: str | None = None,
    nr_floor: int = 0,
) -> WriteResult:
    """Apply updates to toolkit-owned cells; see the module docstring for the guarantees."""
    owned = set(register.owned_headers)
    updates = _last_per_cell(updates)
    for update in updates:
        keyed_new_row = update.key is not None and update.column in register.headers  # staff cells: new rows only
        if update.column not in owned and not keyed_new_row and not _typed_column(register, update):
            raise ValueError(f"{update.column!r} is not a toolkit-owned column of {register.filename}")
        if update.key is not None and register.key_column is None:
            raise ValueError(f"{register.filename} has no key column; give the row by Nr")
    fingerprint = file_fingerprint(path) if expected_fingerprint is not None or sharing_reads() else None
    unchanged_since_read = expected_fingerprint is not None and fingerprint == expected_fingerprint
    check_writable(path)
    check_supported(path)
    sheet_name = sheet or register.sheet
    with paused_gc():
        grid = read_grid(path, sheet_name, fingerprint=fingerprint)
        plan = _Plan(path, register, grid, sheet_name)
        plan.number(assign_numbers, nr_floor)
        for update in updates:
            row = plan.target_row(update, unchanged_since_read)
            if row is None:
                plan.skipped.append(_skip_reason(update))
                continue
            if update.was is not None:
                plan.set_typed(row, update)
                continue
            if update.column not in owned and not plan.may_fill(row, update.column):
                continue  # a staff column of a row that was already there: never overwritten
            plan.set(row, update.column, update.value)
        del grid
        plan.grid = Grid([], 0, 0)  # decided: the sheet as read is not needed while the file is written (memory)
        written, backup = save_cells(path, plan, backups_dir, keep_backups) if plan.cells else (False, None)
    if not written:
        return WriteResult(
            path, False, skipped=tuple(plan.skipped), highest_nr=plan.numbering.highest, as_read=unchanged_since_read
        )
    return WriteResult(
        path,
        True,
        plan.changed,
        len(plan.numbering.new),
        backup,
        tuple(plan.skipped),
        plan.numbering.highest,
        tuple(plan.findings),
        tuple(plan.typed_writes()),
        tuple(plan.numbering.new),
        unchanged_since_read,
    )


def _typed_column(register: Register, update: CellUpdate) -> bool:
    """A staff date or amount column may get a typed value in place of its text (nothing else of staff's)."""
    from toolkit.registers.typed import typed_columns

    wanted = {c.header for c in typed_columns(register)}
    return update.was is not None and update.column in wanted and bool(update.number_format)


class _Plan:
    """The cells one write changes, decided on the values calamine read (cached values of formulas included)."""

    def __init__(self, path: Path, register: Register, grid: Grid, sheet: str) -> None:
        self.path, self.register, self.grid, self.sheet = path, register, grid, sheet
        self.header_row = grid.top
        headers = {c: grid.get(self.header_row, c) for c in range(grid.left, grid.right + 1)}
        self.positions = layout.header_positions(headers)
        self._refuse_collisions()
        self.columns: dict[str, int] = {}
        self.cells: dict[tuple[int, int], Any] = {}
        self.added_headers: dict[int, str] = {}
        self.skipped: list[str] = []
        self.findings: list[str] = []
        self.changed = 0
        self.added_rows: list[int] = []  # rows this write appends (a new key in a keyed register)
        self._by_key: dict[str, int] | None = None
        self.formats: dict[tuple[int, int], str] = {}  # typed values in staff cells: their number format
        self.typed: dict[tuple[int, int], tuple[str, str]] = {}  # ... and (header, the text they replace)
        self.staff_columns = {
            h: self.positions[layout.normalise_header(h)][0]
            for h in register.headers
            if h not in register.owned_headers and layout.normalise_header(h) in self.positions
        }
        last = grid.right
        for header in register.owned_headers:
            found = self.positions.get(layout.normalise_header(header))
            if found:
                self.columns[header] = found[0]
            else:
                last += 1
                self.columns[header] = last
                self.added_headers[last] = header
                self.cells[(self.header_row, last)] = header

    def _refuse_collisions(self) -> None:
        problems = layout.duplicate_owned_headers(self.register, self.positions)
        for header in self.register.owned_headers:
            found = self.positions.get(layout.normalise_header(header), [])
            if len(found) == 1:
                problem = layout.foreign_values(self.register, header, found[0], self.grid.column(found[0]))
                if problem:
                    problems.append(problem)
        if problems:
            raise WorkbookRefused(
                f"{self.path.name}, blad {self.sheet} niet geschreven: {'; '.join(problems)}.",
                hint="geef uw eigen kolom een andere kop (bijvoorbeeld 'Status inkoop'); tot dan schrijft de toolkit "
                "niets in dit register, zodat uw gegevens blijven staan.",
            )

    def number(self, assign: bool, floor: int) -> None:
        if "Nr" not in self.columns:  # a keyed register (e.g. by Zaaknummer): rows are found by their key
            self.numbering = layout.Numbering({}, [], [], floor)
            return
        nr_column = self.columns["Nr"]
        self.numbering = layout.plan_numbers(self.grid.column(nr_column), self.grid.has_content, floor, assign)
        if not assign:
            return
        copied = {row for row, _, _ in self.numbering.copies}
        for row, old, keeper in self.numbering.copies:
            self.findings.append(
                f"{self.path.name}, blad {self.sheet}, rij {row}: Nr {old} stond ook in rij {keeper} (gekopieerde "
                f"rij?); deze rij kreeg een nieuw nummer en de toolkitkolommen zijn leeggemaakt"
            )
        for row, nr in self.numbering.new:
            if row in copied:  # the copy's verdict and status belong to the other row
                for header in self.register.owned_headers:
                    if header != "Nr" and self.grid.get(row, self.columns[header]) is not None:
                        self.set(row, header, None)
            self.set(row, "Nr", nr, count=False)

    def target_row(self, update: CellUpdate, unchanged: bool) -> int | None:
        if update.key is not None:
            return self.row_for_key(update.key)
        if update.nr is not None:
            return self.numbering.rows_by_nr.get(update.nr)
        if update.excel_row is not None and unchanged and self.header_row < update.excel_row <= self.grid.bottom:
            return update.excel_row
        if update.row_key is not None:
            matches = [
                row for row in range(self.header_row + 1, self.grid.bottom + 1) if self.key(row) == update.row_key
            ]
            return matches[0] if len(matches) == 1 else None
        return None

    def row_for_key(self, key: str) -> int:
        """The row holding this key in the key column (the first, if staff copied it), or a new row below the last."""
        if self._by_key is None:
            assert self.register.key_column is not None
            self._by_key = layout.rows_by_key(self.grid.column(self.columns[self.register.key_column]))
        wanted = key.strip()
        if wanted not in self._by_key:
            last = max([*self.added_rows, *self._content_rows()], default=self.header_row)
            self._by_key[wanted] = last + 1
            self.added_rows.append(last + 1)
            self.set(last + 1, self.register.key_column or "", wanted, count=False)
        return self._by_key[wanted]

    def _content_rows(self) -> list[int]:
        rows = range(self.header_row + 1, self.grid.bottom + 1)
        return [row for row in rows if self.grid.has_content(row)][-1:]

    def may_fill(self, row: int, header: str) -> bool:
        """A staff column is written only in a row this write adds, and only where staff have a column."""
        return row in self.added_rows and header in self.staff_columns

    @property
    def table_bottom(self) -> int:
        """The last row this write adds (0: none): a table ending above it grows to hold it."""
        return max(self.added_rows, default=0)

    def set_typed(self, row: int, update: CellUpdate) -> None:
        """A staff cell that still holds the text it was judged on gets its real value; anything else is left."""
        column = self.staff_columns.get(update.column)
        current = self.grid.get(row, column) if column is not None else None
        if column is None or not isinstance(current, str) or current != update.was:
            self.skipped.append(f"rij {row}, kolom {update.column}: de cel is sinds het lezen gewijzigd; niet omgezet")
            return
        self.cells[(row, column)] = update.value
        self.formats[(row, column)] = update.number_format
        self.typed[(row, column)] = (update.column, current)
        self.changed += 1

    def typed_writes(self) -> list[TypedWrite]:
        nrs = {row: nr for nr, row in self.numbering.rows_by_nr.items()} if self.typed else {}
        return [
            TypedWrite(self.sheet, row, nrs.get(row), header, old, self.cells[(row, column)])
            for (row, column), (header, old) in sorted(self.typed.items())
            if (row, column) in self.cells
        ]

    def key(self, row: int) -> str:
        values = {h: self.grid.get(row, c) for h, c in self.staff_columns.items()}
        return layout.row_key(self.register, values)

    def set(self, row: int, header: str, value: Any, *, count: bool = True) -> None:
        column = self.columns[header] if header in self.columns else self.staff_columns[header]
        if isinstance(value, bool):  # a yes/no column holds the words people read (and compare against)
            value = "ja" if value else "nee"
        if isinstance(value, str):
            value = printable(value)
        if (row, column) not in self.cells and same_value(self.grid.get(row, column), value):
            return
        self.cells[(row, column)] = value
        self.changed += count


def _last_per_cell(updates: Sequence[CellUpdate]) -> list[CellUpdate]:
    """Several updates for one cell (a change that waited, then a newer one): the last one wins."""
    latest: dict[tuple[object, str], CellUpdate] = {}
    for update in updates:
        if update.key is not None:
            row: tuple[object, ...] = ("key", update.key.strip())
        elif update.nr is not None:
            row = ("nr", update.nr)
        else:
            row = ("row", update.excel_row, update.row_key)
        latest.pop((row, update.column), None)
        latest[(row, update.column)] = update
    return list(latest.values())


def _skip_reason(update: CellUpdate) -> str:
    if update.nr is not None:
        return f"rij met Nr {update.nr} niet gevonden (verwijderd?); '{update.column}' niet bijgewerkt"
    return f"rij {update.excel_row}: het register is sinds het lezen gewijzigd; '{update.column}' is niet bijgewerkt"


def same_value(current: Any, new: Any) -> bool:
    if current in (None, "") and new in (None, ""):
        return True
    if isinstance(new, date) and isinstance(current, date):
        as_date = current.date() if isinstance(current, datetime) else current
        return as_date == (new.date() if isinstance(new, datetime) else new)
    if isinstance(new, Decimal | int | float) and isinstance(current, int | float) and not isinstance(current, bool):
        return abs(float(current) - float(new)) < 0.005
    return type(current) is type(new) and current == new


def row_keys(path: Path, register: Register, rows: set[int], sheet: str | None = None) -> dict[int, str]:
    """layout.row_key of these Excel rows, read from the file as it is now."""
    grid = read_grid(path, sheet or register.sheet)
    plan = _Plan(path, register, grid, sheet or register.sheet)
    return {row: plan.key(row) for row in rows}
