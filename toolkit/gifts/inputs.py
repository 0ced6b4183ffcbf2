"""What the gifts check reads besides the gifts register: the active suppliers (G5) and who hears of a finding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError
from toolkit.gifts.notify import name_key
from toolkit.registers.schema import STAFF, SUPPLIERS

if TYPE_CHECKING:
    from toolkit.workspace import Workspace


def active_suppliers(ws: Workspace, notes: list[str]) -> frozenset[str]:
    """Names of active suppliers; when leveranciers.xlsx can't be read, a note and an empty set."""
    from toolkit.registers.reader import read_register

    try:
        table = read_register(ws.register_path(SUPPLIERS), SUPPLIERS, only=("Naam", "Actief"))
    except ToolkitError as exc:
        notes.append(
            f"{SUPPLIERS.filename} is niet te lezen ({exc.message}); G5 is beoordeeld zonder leverancierslijst"
        )
        return frozenset()
    return frozenset(row.get("Naam") for row in table.rows if row.get("Actief") is True and row.get("Naam"))


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
