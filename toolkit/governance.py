"""Who supervises whom at the top of Woonpartners, for findings and decisions about the director and the RvC.

The code (and Dutch housing governance) puts the director under the RvC, and the RvC's members under its chair;
the chair's own matters go to the vice-chair. A finding about one of them never goes to someone they supervise.

- about the director (`Rol` 'directeur-bestuurder'): the RvC chair (`[organisation] rvc_chair`);
- about an RvC member (`Rol` 'RvC-lid'): the RvC chair; about the chair: the vice-chair
  (`[organisation] rvc_vice_chair`), or nobody inside when none is configured (then the integrity officer's
  digest is the only place it shows).
The names come from medewerkers.xlsx: the row whose `E-mail` is the chair's or vice-chair's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError
from toolkit.registers.schema import STAFF

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

DIRECTOR = "directeur-bestuurder"
BOARD_MEMBER = "RvC-lid"


@dataclass(frozen=True)
class Board:
    """The RvC as the registers and the config know it."""

    members: tuple[str, ...] = ()  # names of everyone with role 'RvC-lid'
    chair_name: str = ""
    vice_chair_name: str = ""
    chair_email: str = ""
    vice_chair_email: str = ""


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and (a or "").strip().casefold() == (b or "").strip().casefold()


def supervisor(role: str | None, email: str | None, board: Board) -> str | None:
    """The address that hears of findings about this person, when the role puts them above any manager."""
    if role == DIRECTOR:
        return board.chair_email or None
    if role == BOARD_MEMBER:
        if _same(email, board.chair_email):
            return board.vice_chair_email or None
        return board.chair_email or None
    return None


def read_board(ws: Workspace, notes: list[str]) -> Board:
    """The RvC from medewerkers.xlsx and config.toml; an unreadable staff register becomes a note."""
    from toolkit.registers.reader import read_register

    organisation = ws.config.organisation
    vice = organisation.rvc_vice_chair or ""
    try:
        table = read_register(ws.register_path(STAFF), STAFF)
    except ToolkitError as exc:
        notes.append(f"{STAFF.filename} is niet te lezen ({exc.message}); de RvC is onbekend")
        return Board(chair_email=organisation.rvc_chair, vice_chair_email=vice)
    members = tuple(str(r.get("Naam")) for r in table.rows if r.get("Rol") == BOARD_MEMBER and r.get("Naam"))
    name_of = {
        str(r.get("E-mail")).casefold(): str(r.get("Naam")) for r in table.rows if r.get("E-mail") and r.get("Naam")
    }
    return Board(members, name_of.get(organisation.rvc_chair.casefold(), ""), name_of.get(vice.casefold(), ""),
                 organisation.rvc_chair, vice)  # fmt: skip
