"""Nightly steps for suppliers: the mailing for suppliers added mid-cycle, reminders and escalations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.nightly import StepResult
from toolkit.suppliers import rules, service
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

cycle_started = service.cycle_started


def new_suppliers_step(ws: Workspace) -> StepResult:
    """Once a cycle's mailing has started, a supplier added later gets the code from the nightly job."""
    name = "leveranciers: code voor nieuwe leveranciers"
    settings = ws.config.suppliers
    cycle = rules.current_cycle(settings.first_year, settings.interval_years, ws.today)
    if cycle is None or not cycle_started(ws, cycle):
        return StepResult(name, True, "geen lopende verzendronde")
    plan = service.plan_mailing(ws, cycle)
    if not plan.messages:
        return StepResult(name, True, f"ronde {cycle}: niemand nieuw")
    result = service.run_mailing(ws, plan, send=True, limit=None)
    report = result.report
    assert report is not None
    details = tuple(f"mislukt: {key}: {why}" for key, why in report.failed) + tuple(result.waiting)
    return StepResult(name, report.ok, f"ronde {cycle}: {len(report.sent)} verstuurd", details)


def follow_up_step(ws: Workspace) -> StepResult:
    name = "leveranciers: herinneringen en escalaties"
    settings = ws.config.suppliers
    cycle = rules.current_cycle(settings.first_year, settings.interval_years, ws.today)
    if cycle is None or not cycle_started(ws, cycle):
        return StepResult(name, True, "geen lopende verzendronde")
    result = service.run_follow_ups(ws, cycle, send=True)
    report = result.report
    sent = len(report.sent) if report else 0
    summary = (
        f"{counted(len(result.reminders), 'herinnering', 'herinneringen')}, "
        f"{counted(len(result.escalations), 'escalatie', 'escalaties')} klaar; {sent} verstuurd"
    )
    failed = tuple(f"mislukt: {k}: {w}" for k, w in report.failed) if report else ()
    return StepResult(name, result.ok, summary, failed + tuple(result.waiting))
