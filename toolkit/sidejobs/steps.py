"""Nightly step: judge the side-functions register (no mail); quiet when nothing changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.nightly import StepResult, inputs_key, remember_inputs, unchanged_since_last_run
from toolkit.sidejobs.service import review_side_jobs
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

STEP = "nevenfuncties beoordelen"
INPUTS = ["nevenfuncties.xlsx", "leveranciers.xlsx", "medewerkers.xlsx"]


def review_step(ws: Workspace) -> StepResult:
    """Write `Beoordeling` and `Herbevestigen voor` where they changed; the summary counts what HR must act on."""
    if unchanged_since_last_run(ws, STEP, inputs_key(ws, INPUTS)):
        return StepResult(STEP, True, "niets veranderd sinds de vorige run vandaag")
    result = review_side_jobs(ws, notify=False, write=True)
    counts = (
        f"{counted(result.rows, 'rij', 'rijen')} beoordeeld: {len(result.overdue)} besluit te laat, "
        f"{len(result.pending)} wachtend, "
        f"{len(result.reconfirmations)} herbevestigen, {len(result.conflicts)} mogelijk belangenconflict, "
        f"{len(result.unjudged)} niet te beoordelen"
    )
    if result.write.written:
        written = f"{counted(result.write.cells_changed, 'cel', 'cellen')} bijgewerkt"
    elif result.write.waiting:
        written = "wijzigingen wachten tot het register niet meer open is"
    else:
        written = "niets gewijzigd"
    if not result.write.waiting:
        remember_inputs(ws, STEP, inputs_key(ws, INPUTS))  # after our own write: its bytes are the new inputs
    return StepResult(STEP, True, f"{counts}; {written}", result.notes)
