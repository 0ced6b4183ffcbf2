"""The reports mailbox run: `integrity reports intake` and the nightly step. Waiting register changes are applied
and old originals purged first; a missing register or archive, no public key, or a register open in Excel stops
the run before anything is written (every message stays in the mailbox). The case register is written once per
run (the order of the steps and what a kill between them leaves: `intake.py`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from toolkit.inbox.reports_mailbox import IntakeSummary, intake_line, intake_summary
from toolkit.reports.acknowledge import record_acknowledgements
from toolkit.reports.casefile import check_keys
from toolkit.reports.cases import case_archive, case_register
from toolkit.reports.intake import MAILBOX, report_handler
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace


def run_intake(ws: Workspace) -> IntakeSummary:
    """Take in the reports mailbox (`integrity reports intake` and the nightly step). Needs no secret: everything
    is sealed to public keys. Queued register changes are applied and old originals purged first."""
    from toolkit.errors import WorkbookLocked
    from toolkit.inbox.pipeline import process_mailbox
    from toolkit.registers.safety import check_writable

    register = case_register(ws)
    housekeeping = _apply_queued(ws)
    empty = IntakeSummary(0, 0, 0, 0, {}, 0, 0)
    if ws.config.reports.shared_mailbox:
        housekeeping += _purged(ws, "inbox")
        return replace(
            empty, skipped="gedeelde postbus: meldingen worden bij de gewone post verwerkt", notes=housekeeping
        )
    backend = ws.config.mail.backend
    server = getattr(ws.config.mail, backend) if backend in ("exchange", "graph") else None
    if server is not None and server.reports_mailbox is None:
        skipped = f"geen meldingenpostbus ingesteld ([mail.{backend}] reports_mailbox)"
        return replace(empty, skipped=skipped, notes=housekeeping)
    housekeeping += _purged(ws, MAILBOX)
    if not ws.backend.list_new(MAILBOX):
        if register.held():  # rows of a run killed before its register write, whose messages are gone
            record_acknowledgements(ws)
        return replace(empty, notes=housekeeping)
    register.check()  # a register gone while cases exist stops here: nothing written, every message stays
    case_archive(ws)  # the same for the archive
    check_keys(ws)
    try:
        if register.path.exists():
            check_writable(register.path)
    except WorkbookLocked as exc:
        return replace(empty, skipped=f"wacht: {exc.message}")
    report = process_mailbox(ws, MAILBOX, [report_handler], show_subjects=False)
    # catches an acknowledgement or a held row of a run killed before its register write (no write when none)
    record_acknowledgements(ws)
    return replace(intake_summary(report), notes=housekeeping)


def intake_step(ws: Workspace) -> StepResult:
    """Nightly: the reports mailbox (own mailbox setup), the same step as `integrity reports intake`."""
    from toolkit.nightly import StepResult

    summary = run_intake(ws)
    details = tuple(f"mislukt: {item}" for item in summary.failed)
    return StepResult("meldingen binnenhalen", summary.ok, intake_line(summary), details)


def _purged(ws: Workspace, mailbox: str) -> str:
    from toolkit.reports.purge import purge_originals

    count = purge_originals(ws, mailbox)
    days = counted(ws.config.reports.keep_originals_days, "dag", "dagen")
    return f"; {counted(count, 'origineel', 'originelen')} na {days} gewist" if count else ""


def _apply_queued(ws: Workspace) -> str:
    """Changes to the register that waited for Excel to close (the gateway's queue): written now, or still waiting."""
    from toolkit.registers.pending import apply_pending
    from toolkit.reports.schema import CASES

    if not ws.state.pending(CASES.key):
        return ""
    if not case_register(ws).path.exists():
        case_register(ws).check()  # gone while cases exist: refused, the queue stays
    waiting = len(ws.state.pending(CASES.key))
    (outcome,) = apply_pending(ws, only=CASES.key)
    if outcome.waiting:
        changes = counted(waiting, "wijziging in meldingen.xlsx wacht", "wijzigingen in meldingen.xlsx wachten")
        return f"; {changes} nog (werkmap is open)"
    return f"; {counted(waiting, 'wachtende wijziging', 'wachtende wijzigingen')} in meldingen.xlsx verwerkt"
