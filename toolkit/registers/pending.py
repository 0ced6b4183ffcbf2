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
    numbered: tuple[tuple[int, int], ...] = ()  # (Excel row, Nr) given by this write
    as_read: bool = False  # written over the very file the plan was judged on: `numbered` rows are the read rows


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

    With nothing to write the workbook is not even opened, unless `number_rows` asks to give rows their `Nr`.
    """
    from toolkit.registers.writer import write_updates

    if not updates and not number_rows and not ws.state.pending(register.key):
        return SaveOutcome(register.filename, False)
    path = ws.register_path(register)
    try:
        result = write_updates(
            path,
            register,
            updates,
            backups_dir=ws.backups_dir,
            keep_backups=ws.config.registers.backups_keep,
            expected_fingerprint=fingerprint,
            nr_floor=_floor(ws, register),
        )
    except WorkbookLocked as exc:
        waiting = _with_row_keys(path, register, updates, fingerprint)
        ws.state.add_pending(register.key, [encode_update(u) for u in waiting], reason=exc.message)
        return SaveOutcome(register.filename, False, waiting=exc.message)
    _record(ws, register, result)
    if result.written:
        ws.audit.record("register.write", actor=ws.actor, target=register.filename, cells=result.cells_changed)
    return _outcome(register, result)


def _outcome(register: Register, result: WriteResult) -> SaveOutcome:
    return SaveOutcome(
        register.filename,
        result.written,
        result.cells_changed,
        skipped=result.skipped,
        numbers_assigned=result.numbers_assigned,
        findings=result.findings,
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


def apply_pending(ws: Workspace) -> list[SaveOutcome]:
    """Apply every change that waited on a locked workbook, oldest first (a later value for a cell wins)."""
    from toolkit.registers.writer import write_updates

    outcomes = []
    for key in sorted({change.workbook for change in ws.state.pending()}):
        register = REGISTERS[key]
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
        column=item["column"], value=value, nr=item["nr"], excel_row=item.get("excel_row"), row_key=item.get("row_key")
    )
