"""What the gifts check reads besides the gifts register: the active suppliers (G5) and who hears of a finding.

The active suppliers' names are all G5 takes from leveranciers.xlsx (5,000 suppliers: a tenth of a second to read,
every night a gift row is typed). A writing run (the nightly step, `gifts check --write`) keeps them in the state
store under a digest of the register's bytes, config.toml and the reading code; a later writing run with the same
digest takes them from there and leaves the workbook closed. A preview reads the register itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError
from toolkit.gifts.notify import name_key
from toolkit.registers.schema import STAFF, SUPPLIERS

if TYPE_CHECKING:
    from toolkit.workspace import Workspace


ACTIVE_KEY = "gifts.active_suppliers"  # state: "<digest> <JSON list of the active suppliers' names>"


def active_suppliers(ws: Workspace, notes: list[str], *, remember: bool = False) -> frozenset[str]:
    """Names of active suppliers; when leveranciers.xlsx can't be read, a note and an empty set. With `remember` (a
    writing run): the names kept by the last writing run when nothing they depend on changed; else read and kept."""
    from toolkit.nightly import recall_names, remember_names
    from toolkit.registers.reader import read_register

    path = ws.register_path(SUPPLIERS)
    digest = _digest(ws) if remember and path.is_file() else None
    kept = recall_names(ws, ACTIVE_KEY, digest) if digest else None
    if kept is not None:
        return frozenset(kept)
    try:
        table = read_register(path, SUPPLIERS, only=("Naam", "Actief"))
    except ToolkitError as exc:  # said again next time: nothing is kept
        notes.append(
            f"{SUPPLIERS.filename} is niet te lezen ({exc.message}); G5 is beoordeeld zonder leverancierslijst"
        )
        return frozenset()
    names = frozenset(row.get("Naam") for row in table.rows if row.get("Actief") is True and row.get("Naam"))
    if digest:
        remember_names(ws, ACTIVE_KEY, digest, sorted(names))
    return names


def _digest(ws: Workspace) -> str:
    """The nightly steps' key of leveranciers.xlsx and config.toml (not the date), with the code that reads them."""
    from toolkit import values
    from toolkit.nightly import code_digest, inputs_key
    from toolkit.registers import reader

    return inputs_key(ws, [SUPPLIERS.filename], extra=code_digest(reader, values), dated=False)


def managers_by_name(ws: Workspace, notes: list[str]) -> dict[str, str]:
    """Employee name (case and spaces ignored) -> who hears of their findings; ambiguous names are left out.

    Staff and managers: their `Leidinggevende`. The director and the RvC: their supervisor (toolkit.governance:
    the RvC chair; for the chair the vice-chair), never someone they supervise.
    """
    from toolkit.governance import Board, supervisor
    from toolkit.registers.reader import read_register

    try:
        table = read_register(ws.register_path(STAFF), STAFF, only=("Naam", "Rol", "E-mail", "Leidinggevende"))
    except ToolkitError as exc:
        notes.append(f"{STAFF.filename} is niet te lezen ({exc.message}); leidinggevenden zijn onbekend")
        return {}
    organisation = ws.config.organisation
    board = Board(chair_email=organisation.rvc_chair, vice_chair_email=organisation.rvc_vice_chair or "")
    found: dict[str, set[str]] = {}
    for row in table.rows:
        above = supervisor(row.get("Rol"), row.get("E-mail"), board) or row.get("Leidinggevende")
        if row.get("Naam") and above:
            found.setdefault(name_key(row.get("Naam")), set()).add(above)
    return {name: next(iter(emails)) for name, emails in found.items() if len(emails) == 1}
