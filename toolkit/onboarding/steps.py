"""Nightly step of onboarding: the yearly reminder that integrity is on the agenda of a staff meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.nightly import StepResult
from toolkit.onboarding.service import agenda_reminder

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

NAME = "integriteit op de agenda"


def agenda_reminder_step(ws: Workspace) -> StepResult:
    """Sends the reminder once in [onboarding] agenda_month; quiet on every other night."""
    result = agenda_reminder(ws, send=True)
    if result.sent:
        return StepResult(NAME, True, f"herinnering {result.year} verstuurd aan HR en de directeur-bestuurder")
    if result.already_sent and ws.today.month == result.month:
        return StepResult(NAME, True, f"herinnering {result.year} was al verstuurd")
    return StepResult(NAME, True, "niets te doen")
