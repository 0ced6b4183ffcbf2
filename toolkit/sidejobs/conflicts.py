"""The supplier names the conflict check needs, read once per run, and remembered between writing runs.

Reading leveranciers.xlsx is most of a nightly side-function review (5,000 suppliers: about two thirds of it), yet
what the check takes from it depends only on the register's bytes, the organisations in the side-function register
and the name rules (`toolkit/names.py`). A writing run (the nightly step, `sidejobs review --write`) remembers in the
state store the supplier names those organisations matched, under a digest of all three (and of config.toml, as
the nightly steps key what they read); a later writing run with the same digest takes those names and leaves the
workbook closed. A changed byte in either register or in the name rules changes the digest, and the register is
read again. A preview neither reads nor writes what is remembered.

The remembered names are the first spelling of each supplier an organisation matched, so an index over them matches
every organisation exactly as the index over the whole register does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from toolkit import names
from toolkit.errors import ToolkitError
from toolkit.nightly import recall_names, remember_names
from toolkit.registers.reader import read_register
from toolkit.registers.schema import SUPPLIERS

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

MEMO_KEY = "sidejobs.supplier_matches"  # state: "<digest> <JSON list of supplier names>"


def supplier_names(ws: Workspace, notes: list[str]) -> tuple[str, ...]:
    """Every supplier name in leveranciers.xlsx; an unreadable register becomes a note and no names."""
    try:
        table = read_register(ws.register_path(SUPPLIERS), SUPPLIERS, only=("Naam",))  # the names are all it needs
    except ToolkitError as exc:
        notes.append(f"Leveranciersregister niet gelezen, dus geen controle op belangenverstrengeling: {exc.message}")
        return ()
    return tuple(str(row.get("Naam")) for row in table.rows if row.get("Naam"))


def conflict_suppliers(
    ws: Workspace, organisations: Iterable[str], notes: list[str], *, remember: bool
) -> tuple[str, ...]:
    """Supplier names that judge these organisations as all of leveranciers.xlsx would; with `remember` (a writing
    run) what the last writing run remembered when nothing it depends on changed, else the register read and the
    matches remembered."""
    path = ws.register_path(SUPPLIERS)
    if not remember or not path.is_file():
        return supplier_names(ws, notes)
    wanted = sorted({organisation for organisation in organisations if organisation})
    digest = _digest(ws, wanted)
    remembered = recall_names(ws, MEMO_KEY, digest)
    if remembered is not None:
        return remembered
    noted = len(notes)
    suppliers = supplier_names(ws, notes)
    if len(notes) == noted:  # an unreadable register is said again next time, not remembered
        index = names.index_of(suppliers)
        matched = dict.fromkeys(m for m in (index.match(o) for o in wanted) if m is not None)
        remember_names(ws, MEMO_KEY, digest, list(matched))
    return suppliers


def _digest(ws: Workspace, organisations: list[str]) -> str:
    """The nightly steps' key of what was read (leveranciers.xlsx, config.toml; not the date), with the name rules and
    the organisations."""
    from toolkit.nightly import code_digest, inputs_key

    extra = hashlib.sha256(code_digest(names).encode())
    extra.update(b"\0" + "\n".join(organisations).encode("utf-8", "surrogatepass"))
    return inputs_key(ws, [SUPPLIERS.filename], extra=extra.hexdigest(), dated=False)
