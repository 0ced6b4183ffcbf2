"""Nightly step of onboarding: the welcome with the integrity code, on the day it is due (see rules.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.nightly import StepResult
from toolkit.onboarding.service import plan_welcome, send_welcome
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

NAME = "nieuwe medewerkers: welkomstmail"


def welcome_step(ws: Workspace) -> StepResult:
    """Send each due welcome once (business address from the first working day, private address earlier)."""
    plan = plan_welcome(ws)
    if not plan.due:
        return StepResult(NAME, True, "niemand aan de beurt", plan.problems)
    result = send_welcome(ws, plan, send=True)
    summary = f"{counted(result.welcomes, 'welkomstbericht', 'welkomstberichten')} verstuurd"
    if result.waiting:
        summary += "; 'Code verzonden op' wacht tot medewerkers.xlsx niet meer open is"
    if not result.ok:
        return StepResult(NAME, False, f"mislukt: {summary}", (*result.failed, *plan.problems))
    return StepResult(NAME, True, summary, plan.problems)
