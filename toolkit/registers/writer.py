"""Write toolkit-owned cells with openpyxl: only what changed, never a formula, atomically, with a backup.

Order of work: is it locked? does it hold what openpyxl would drop? load; place each update by the row's
`Nr` (or by its row number when the file is unchanged since it was read); change only differing cells;
then save to a temp file in the same folder, fsync, re-read and compare, back up the old version, replace.
If nothing differs, the file is not touched at all.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, RefusedError, WorkbookRefused
from toolkit.registers.reader import file_fingerprint, normalise_header
from toolkit.registers.safety import check_supported, check_writable
from toolkit.registers.schema import Kind, Register

DATE_FORMAT = "dd-mm-yyyy"
AMOUNT_FORMAT = '"€" #,##0.00'
FORMULA_STARTS = ("=", "+", "-", "@")
REPLACE_TRIES = 5


@dataclass(frozen=True)
class CellUpdate:
    column: str
    value: Any
    nr: int | None = None
    excel_row: int | None = None


@dataclass(frozen=True)
class WriteResult:
    path: Path
    written: bool
    cells_changed: int = 0
    numbers_assigned: int = 0
    backup: Path | None = None
    skipped: tuple[str, ...] = ()


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
) -> WriteResult:
    """Apply updates to toolkit-owned cells; see the module docstring for the guarantees."""
    owned = set(register.owned_headers)
    updates = _last_per_cell(updates)
    for update in updates:
        if update.column not in owned:
            raise ValueError(f"{update.column!r} is not a toolkit-owned column of {register.filename}")
    unchanged_since_read = expected_fingerprint is not None and file_fingerprint(path) == expected_fingerprint
    check_writable(path)
    check_supported(path)
    book, worksheet = _load(path, sheet or register.sheet)
    columns = _ensure_owned_columns(worksheet, register)
    rows_by_nr, numbered = _number_rows(worksheet, columns["nr"], assign_numbers)
    changed, expectations, skipped = 0, [], []
    last_row = worksheet.max_row
    for update in updates:
        row = _target_row(update, rows_by_nr, last_row, unchanged_since_read)
        if row is None:
            skipped.append(_skip_reason(update))
            continue
        cell = worksheet.cell(row, columns[normalise_header(update.column)])
        if _same(cell.value, _printable(update.value) if isinstance(update.value, str) else update.value):
            continue
        _set(cell, update.value, register.column(update.column).kind)
        expectations.append((row, cell.column, cell.value))
        changed += 1
    expectations += [(row, columns["nr"], nr) for row, nr in numbered]
    if not changed and not numbered:
        return WriteResult(path, False, skipped=tuple(skipped))
    backup = save_atomically(book, path, worksheet.title, expectations, backups_dir, keep_backups)
    return WriteResult(path, True, changed, len(numbered), backup, tuple(skipped))


def _last_per_cell(updates: Sequence[CellUpdate]) -> list[CellUpdate]:
    """Several updates for one cell (a change that waited, then a newer one): the last one wins."""
    latest: dict[tuple[object, str], CellUpdate] = {}
    for update in updates:
        row = ("nr", update.nr) if update.nr is not None else ("row", update.excel_row)
        latest.pop((row, update.column), None)
        latest[(row, update.column)] = update
    return list(latest.values())


def _load(path: Path, sheet: str) -> tuple[Any, Any]:
    import openpyxl

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            book = openpyxl.load_workbook(path)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise InputError(
            f"{path.name} kan niet worden geopend: {exc}", hint="open en bewaar het in Excel als .xlsx."
        ) from exc
    dropped = [str(w.message) for w in caught if "removed" in str(w.message) or "not supported" in str(w.message)]
    if dropped:  # openpyxl says itself that it would lose something: a second line of defence
        raise WorkbookRefused(
            f"{path.name} niet geschreven: de Excel-bibliotheek meldt dat zij iets zou weglaten: {'; '.join(dropped)}.",
            hint="haal dat onderdeel weg of zet het in een apart bestand; tot dan schrijft de toolkit niets in dit register.",
        )
    if sheet not in book.sheetnames:
        raise InputError(
            f"{path.name}: blad '{sheet}' ontbreekt.", hint=f"geef het blad met de gegevens de naam '{sheet}'."
        )
    return book, book[sheet]


def _ensure_owned_columns(worksheet: Any, register: Register) -> dict[str, int]:
    """Header name (normalised) -> column index; owned columns missing from the sheet are added at the end."""
    columns: dict[str, int] = {}
    last = 0
    for cell in worksheet[1]:
        if cell.value is not None and str(cell.value).strip():
            columns.setdefault(normalise_header(cell.value), cell.column)
            last = max(last, cell.column)
    for header in register.owned_headers:
        key = normalise_header(header)
        if key not in columns:
            last += 1
            worksheet.cell(1, last).value = header
            worksheet.cell(1, last).data_type = "s"
            _style_owned_header(worksheet.cell(1, last))
            columns[key] = last
            _extend_tables(worksheet, last)
    return columns


def _style_owned_header(cell: Any) -> None:
    from openpyxl.styles import Font, PatternFill

    cell.fill = PatternFill("solid", fgColor="D9D9D9")
    cell.font = Font(bold=True, italic=True, color="404040")


def _extend_tables(worksheet: Any, last_column: int) -> None:
    from openpyxl.utils import get_column_letter, range_boundaries
    from openpyxl.worksheet.table import TableColumn

    for table in worksheet.tables.values():
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        if min_row == 1 and max_col == last_column - 1:
            table.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(last_column)}{max_row}"
            header = worksheet.cell(1, last_column).value
            table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name=str(header)))
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref


def _number_rows(worksheet: Any, nr_column: int, assign: bool) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Nr -> row for numbered rows; gives the next numbers to non-empty rows without one (one pass over the sheet)."""
    rows_by_nr: dict[int, int] = {}
    unnumbered: list[int] = []
    for row, values in enumerate(worksheet.iter_rows(min_row=2, values_only=True), start=2):
        value = values[nr_column - 1] if nr_column - 1 < len(values) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            rows_by_nr.setdefault(int(value), row)
        elif any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            unnumbered.append(row)
    numbered = []
    if assign:
        next_nr = max(rows_by_nr, default=0) + 1
        for row in unnumbered:
            worksheet.cell(row, nr_column).value = next_nr
            rows_by_nr[next_nr] = row
            numbered.append((row, next_nr))
            next_nr += 1
    return rows_by_nr, numbered


def _target_row(update: CellUpdate, rows_by_nr: dict[int, int], last_row: int, unchanged: bool) -> int | None:
    if update.nr is not None:
        return rows_by_nr.get(update.nr)
    if update.excel_row is not None and unchanged and 2 <= update.excel_row <= last_row:
        return update.excel_row
    return None


def _skip_reason(update: CellUpdate) -> str:
    if update.nr is not None:
        return f"rij met Nr {update.nr} niet gevonden (verwijderd?); '{update.column}' niet bijgewerkt"
    return f"rij {update.excel_row}: het register is sinds het lezen gewijzigd; '{update.column}' volgt bij de volgende run"


def _same(current: Any, new: Any) -> bool:
    if current in (None, "") and new in (None, ""):
        return True
    if isinstance(new, date) and isinstance(current, date):
        as_date = current.date() if isinstance(current, datetime) else current
        return as_date == (new.date() if isinstance(new, datetime) else new)
    if isinstance(new, Decimal | int | float) and isinstance(current, int | float) and not isinstance(current, bool):
        return abs(float(current) - float(new)) < 0.005
    return type(current) is type(new) and current == new


def _set(cell: Any, value: Any, kind: Kind) -> None:
    if isinstance(value, str):
        cell.value = _printable(value)
        cell.data_type = "s"  # never a formula, whatever it starts with
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return
    if isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = AMOUNT_FORMAT
        return
    cell.value = value
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT


def _printable(text: str) -> str:
    """Control characters (from an e-mail subject, say) can't be stored in a worksheet: they are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def save_atomically(
    book: Any, path: Path, sheet: str, expectations: list[tuple[int, int, Any]], backups_dir: Path, keep: int
) -> Path:
    """Temp file in the same folder, fsync, re-read and compare, back up the old file, replace; else nothing changes."""
    temp = path.with_name(f".{path.stem}.toolkit-{os.getpid()}.tmp.xlsx")
    before = part_kinds(path) if path.exists() else set()
    try:
        book.save(temp)
        _fsync(temp)
        _verify(temp, sheet, expectations)
        lost = before - part_kinds(temp)
        if lost:
            raise WorkbookRefused(
                f"{path.name} niet geschreven: na opslaan zou verloren gaan: {', '.join(sorted(lost))}.",
                hint="meld dit aan de beheerder; het register is ongewijzigd.",
            )
        backup = _backup(path, backups_dir, keep) if path.exists() else None
        _replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return backup  # type: ignore[return-value]


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _verify(temp: Path, sheet: str, expectations: list[tuple[int, int, Any]]) -> None:
    """Re-read the saved file once (calamine, by position) and compare every changed cell."""
    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_path(str(temp)).get_sheet_by_name(sheet).to_python()
    for row, column, value in expectations:
        cells = grid[row - 1] if row - 1 < len(grid) else []
        found = cells[column - 1] if column - 1 < len(cells) else None
        if not _same(found, value) and not (isinstance(value, str) and str(found) == value):
            raise InputError(
                f"controle na opslaan mislukt voor {sheet}, rij {row}, kolom {column}: verwacht {value!r}, gevonden {found!r}.",
                hint="het register is niet gewijzigd; meld dit aan de beheerder.",
            )


def part_kinds(path: Path) -> set[str]:
    """Which kinds of staff content a workbook holds, to check that a save kept them all."""
    markers: dict[str, Callable[[str, bytes], bool]] = {
        "opmerkingen": lambda n, x: n.startswith("xl/comments"),
        "tabellen": lambda n, x: n.startswith("xl/tables/"),
        "gegevensvalidatie": lambda n, x: b"<dataValidations" in x,
        "voorwaardelijke opmaak": lambda n, x: b"<conditionalFormatting" in x,
        "filters": lambda n, x: b"<autoFilter" in x,
        "hyperlinks": lambda n, x: b"<hyperlinks" in x,
        "samengevoegde cellen": lambda n, x: b"<mergeCells" in x,
        "kolombreedtes": lambda n, x: b"<cols>" in x,
        "gedefinieerde namen": lambda n, x: b"<definedName " in x,
        "beveiliging": lambda n, x: b"<sheetProtection" in x,
    }
    kinds: set[str] = set()
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            xml = archive.read(name) if name.endswith(".xml") and name.startswith("xl/") else b""
            kinds |= {kind for kind, test in markers.items() if test(name, xml)}
    return kinds


def _backup(path: Path, backups_dir: Path, keep: int) -> Path:
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backups_dir / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, target)
    old = sorted(backups_dir.glob(f"{path.stem}.*{path.suffix}"))
    for stale in old[: max(0, len(old) - keep)]:
        stale.unlink()
    return target


def _replace(temp: Path, path: Path) -> None:
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(temp, path)
            return
        except PermissionError:  # Windows shares: a virus scanner or indexer holds the file for a moment
            if attempt == REPLACE_TRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


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
    """Add a new sheet (never replace one) with label/value notes above a styled table; for toolkit-owned workbooks."""
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
    expectations = _fill_table_sheet(worksheet, sheet, header, rows, notes)
    backup = save_atomically(book, path, sheet, expectations, backups_dir, keep_backups)
    return WriteResult(path, True, len(expectations), 0, backup)


def _fill_table_sheet(
    worksheet: Any, sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[tuple[str, Any]]
) -> list[tuple[int, int, Any]]:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    expectations = []
    for index, (label, value) in enumerate(notes, start=1):
        _set(worksheet.cell(index, 1), str(label), Kind.TEXT)
        worksheet.cell(index, 1).font = Font(bold=True)
        _set(worksheet.cell(index, 2), value, Kind.TEXT)
        expectations.append((index, 2, value))
    top = len(notes) + 2 if notes else 1
    for column, title in enumerate(header, start=1):
        _set(worksheet.cell(top, column), str(title), Kind.TEXT)
        worksheet.column_dimensions[get_column_letter(column)].width = 28
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            _set(worksheet.cell(top + offset, column), value, Kind.TEXT)
            expectations.append((top + offset, column, value))
    last = f"{get_column_letter(len(header))}{top + max(len(rows), 1)}"
    name = "T" + "".join(ch for ch in sheet if ch.isalnum())
    table = Table(displayName=name, ref=f"A{top}:{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    worksheet.add_table(table)
    worksheet.freeze_panes = worksheet.cell(top + 1, 1)
    return expectations


def rename_sheet(path: Path, old: str, new: str, *, backups_dir: Path, keep_backups: int = 10) -> None:
    """Rename a sheet of a toolkit-owned workbook (for example to keep an earlier draw beside a redraw)."""
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
    save_atomically(book, path, new, [], backups_dir, keep_backups)
