"""Nightly steps of the register layer: apply waiting changes, prune old backups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.nightly import StepResult
from toolkit.registers.pending import apply_pending

if TYPE_CHECKING:
    from pathlib import Path

    from toolkit.workspace import Workspace


def apply_pending_step(ws: Workspace) -> StepResult:
    outcomes = apply_pending(ws)
    if not outcomes:
        return StepResult("wachtende wijzigingen", True, "geen wachtende wijzigingen")
    waiting = [f"{o.register} wacht nog: {o.waiting}" for o in outcomes if o.waiting]
    done = [f"{o.register}: {o.cells_changed} cellen bijgewerkt" for o in outcomes if not o.waiting]
    return StepResult(
        "wachtende wijzigingen",
        True,
        f"{len(done)} register(s) bijgewerkt, {len(waiting)} wacht(en) nog",
        tuple(done + waiting),
    )


def prune_backups_step(ws: Workspace) -> StepResult:
    keep = ws.config.registers.backups_keep
    removed = 0
    if ws.backups_dir.exists():
        groups: dict[str, list[Path]] = {}
        for path in ws.backups_dir.glob("*.xlsx"):
            groups.setdefault(path.name.split(".", 1)[0], []).append(path)
        for paths in groups.values():
            for old in sorted(paths, key=lambda p: p.name)[:-keep]:
                old.unlink()
                removed += 1
    return StepResult(
        "reservekopieën opruimen",
        True,
        f"{removed} oude reservekopie(ën) verwijderd, de laatste {keep} per register bewaard",
    )
