"""Register writes that may have to wait: a workbook open in Excel gets its change later, nothing is lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from toolkit.errors import WorkbookLocked
from toolkit.registers.schema import REGISTERS, Register

if TYPE_CHECKING:
    from collections.abc import Callable

    from toolkit.registers.writer import CellUpdate, WriteResult
    from toolkit.workspace import Workspace


@dataclass(frozen=True)
class SaveOutcome:
    """What happened to one register's changes: written, nothing to write, or waiting (and why)."""

    register: str
    written: bool
    cells_changed: int = 0
    waiting: str = ""  # Dutch reason when the change waits for a later run
    skipped: tuple[str, ...] = ()
    numbers_assigned: int = 0
    findings: tuple[str, ...] = ()  # e.g. a copied Nr that got a new number
    typed: int = 0  # staff cells whose typed text became a real date or amount
    numbered: tuple[tuple[int, int], ...] = ()  # (Excel row, Nr) given by this write
    as_read: bool = False  # written over the very file the plan was judged on: `numbered` rows are the read rows


def register_by_key(key: str) -> Register:
    """Every register the gateway writes, by key: the staff registers and the case register (meldingen.xlsx)."""
    if key in REGISTERS:
        return REGISTERS[key]
    from toolkit.reports.schema import CASES  # keyed by Zaaknummer; lives with the reports, written through here

    if key == CASES.key:
        return CASES
    raise KeyError(key)


HIGH_WATER = "registers.highest_nr.{key}"  # the highest Nr ever given per register: a number never comes back


def _floor(ws: Workspace, register: Register) -> int:
    return int(ws.state.get(HIGH_WATER.format(key=register.key)) or 0)


def _record(ws: Workspace, register: Register, result: WriteResult) -> None:
    if result.written and result.highest_nr > _floor(ws, register):
        ws.state.set(HIGH_WATER.format(key=register.key), str(result.highest_nr))


def save(
    ws: Workspace,
    register: Register,
    updates: list[CellUpdate],
    fingerprint: str | None = None,
    *,
    number_rows: bool = False,
) -> SaveOutcome:
    """Write the updates, or keep them in the state store when the workbook is locked.

    Changes still waiting for this register are written first, in the same write (so a newer value for a cell is
    never overwritten later by an older one that waited). With nothing to write the workbook is not even opened,
    unless `number_rows` asks to give rows their `Nr`.
    """
    from toolkit.registers.writer import write_updates

    waiting_changes = ws.state.pending(register.key)
    if not updates and not number_rows and not waiting_changes:
        return SaveOutcome(register.filename, False)
    path = ws.register_path(register)
    try:
        result = write_updates(
            path,
            register,
            [*_earlier(waiting_changes), *updates],
            backups_dir=ws.backups_dir,
            keep_backups=ws.config.registers.backups_keep,
            expected_fingerprint=fingerprint,
            nr_floor=_floor(ws, register),
        )
    except WorkbookLocked as exc:
        # a typed value doesn't wait: the next run reads the cell again and decides anew
        waiting = _with_row_keys(path, register, [u for u in updates if u.was is None], fingerprint)
        if waiting:
            ws.state.add_pending(register.key, [encode_update(u) for u in waiting], reason=exc.message)
        return SaveOutcome(register.filename, False, waiting=exc.message)
    _record(ws, register, result)
    if waiting_changes:
        ws.state.drop_pending([change.id for change in waiting_changes])
    if result.written:
        pending = len(waiting_changes) or None
        ws.audit.record(
            "register.write", actor=ws.actor, target=register.filename, cells=result.cells_changed, pending=pending
        )
        _record_typed(ws, register, result)
    return _outcome(register, result)


def _earlier(changes: list[Any]) -> list[CellUpdate]:
    """Waiting changes as updates; one that named its row only by position can't be placed any more (skipped)."""
    from dataclasses import replace

    updates = [decode_update(item) for change in changes for item in change.payload]
    return [replace(u, excel_row=None) if u.row_key is None and u.nr is None and u.key is None else u for u in updates]


def _record_typed(ws: Workspace, register: Register, result: WriteResult) -> None:
    """One audit line per staff cell whose typed text became a real date or amount."""
    for cell in result.typed:
        ws.audit.record("register.typed", actor=ws.actor, target=register.filename, **cell.audit_details())


def _outcome(register: Register, result: WriteResult) -> SaveOutcome:
    return SaveOutcome(
        register.filename,
        result.written,
        result.cells_changed,
        skipped=result.skipped,
        numbers_assigned=result.numbers_assigned,
        findings=result.findings,
        typed=len(result.typed),
        numbered=result.numbered,
        as_read=result.as_read,
    )


def _with_row_keys(
    path: Any, register: Register, updates: list[CellUpdate], fingerprint: str | None
) -> list[CellUpdate]:
    """A row without Nr is found later by what staff typed in it (its row number may change while it waits)."""
    from dataclasses import replace

    from toolkit.registers.reader import file_fingerprint
    from toolkit.registers.writer import row_keys

    by_row = {u.excel_row for u in updates if u.nr is None and u.excel_row is not None and u.row_key is None}
    if not by_row or fingerprint is None or file_fingerprint(path) != fingerprint:
        return updates
    keys = row_keys(path, register, by_row)
    return [replace(u, row_key=keys.get(u.excel_row)) if u.excel_row in by_row else u for u in updates]


def apply_pending(ws: Workspace, only: str | None = None) -> list[SaveOutcome]:
    """Apply every change that waited on a locked workbook, oldest first (a later value for a cell wins);
    `only`: just this register's (a register key)."""
    from toolkit.registers.writer import write_updates

    outcomes = []
    for key in sorted({change.workbook for change in ws.state.pending(only)}):
        register = register_by_key(key)
        changes = ws.state.pending(key)
        updates = [decode_update(item) for change in changes for item in change.payload]
        try:
            result = write_updates(
                ws.register_path(register),
                register,
                updates,
                backups_dir=ws.backups_dir,
                keep_backups=ws.config.registers.backups_keep,
                nr_floor=_floor(ws, register),
            )
        except WorkbookLocked as exc:
            outcomes.append(SaveOutcome(register.filename, False, waiting=exc.message))
            continue
        _record(ws, register, result)
        ws.state.drop_pending([change.id for change in changes])
        ws.audit.record(
            "register.write", actor=ws.actor, target=register.filename, cells=result.cells_changed, pending=len(changes)
        )
        outcomes.append(_outcome(register, result))
    return outcomes


def waiting_updates(ws: Workspace, register: Register) -> list[CellUpdate]:
    """The changes to this register still waiting for the workbook to close, oldest first."""
    return [decode_update(item) for change in ws.state.pending(register.key) for item in change.payload]


def encode_update(update: CellUpdate) -> dict[str, Any]:
    value: Any = update.value
    kind = "text"
    if isinstance(value, datetime):
        kind, value = "datetime", value.isoformat()
    elif isinstance(value, date):
        kind, value = "date", value.isoformat()
    elif isinstance(value, Decimal):
        kind, value = "decimal", str(value)
    elif isinstance(value, int | float) or value is None:
        kind = "plain"
    return {
        "column": update.column,
        "nr": update.nr,
        "excel_row": update.excel_row,
        "row_key": update.row_key,
        "key": update.key,
        "kind": kind,
        "value": value,
    }


def decode_update(item: dict[str, Any]) -> CellUpdate:
    from toolkit.registers.writer import CellUpdate

    value = item["value"]
    decoders: dict[str, Callable[[str], object]] = {
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "decimal": Decimal,
    }
    if item["kind"] in decoders and value is not None:
        value = decoders[item["kind"]](value)
    return CellUpdate(
        column=item["column"],
        value=value,
        nr=item["nr"],
        excel_row=item.get("excel_row"),
        row_key=item.get("row_key"),
        key=item.get("key"),
    )
