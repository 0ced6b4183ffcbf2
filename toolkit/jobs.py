"""The unattended jobs the scheduler runs: nightly, monthly (HR digest), the yearly agenda reminder, the biennial cycle.

Each job body opens the workspace afresh, so a run sees the registers and config as they are now, and
raises JobFailed when a step failed, so the scheduler logs it and mails the administrator.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.config import Config
    from toolkit.scheduler import JobSpec
    from toolkit.workspace import Workspace


class JobFailed(ToolkitError):
    """A job ran, but one or more of its steps failed (named in the message)."""


@dataclass(frozen=True)
class JobContext:
    """How the scheduler opens a workspace for each run."""

    config: Config
    today: Callable[[], date]
    stop: threading.Event


def open_workspace(context: JobContext, actor: str) -> Workspace:
    from toolkit.workspace import Workspace

    return Workspace(context.config, context.today(), actor=actor)


def nightly_job(context: JobContext) -> str:
    from toolkit.nightly import NIGHTLY_STEPS, run_steps

    ws = open_workspace(context, "planner")
    try:
        report = run_steps(ws, "nightly", NIGHTLY_STEPS, context.stop)
    finally:
        ws.close()
    if not report.ok:
        raise JobFailed(f"nachtelijke taak: mislukte stap(pen): {', '.join(report.failed)}")
    return f"{len(report.steps)} stappen in orde"


def monthly_job(context: JobContext) -> str:
    from toolkit.monthly import build_digest, send_digest

    ws = open_workspace(context, "planner")
    try:
        digest = build_digest(ws)
        report = send_digest(ws, digest, send=True)
    finally:
        ws.close()
    if report is not None and not report.ok:
        raise JobFailed("maandoverzicht HR kon niet worden verstuurd")
    return f"maandoverzicht: {digest.count} punt(en)"


def agenda_job(context: JobContext) -> str:
    from toolkit.onboarding.service import agenda_reminder

    ws = open_workspace(context, "planner")
    try:
        result = agenda_reminder(ws, send=True)
    finally:
        ws.close()
    return str(getattr(result, "summary", "herinnering integriteit op de agenda"))


def biennial_job(context: JobContext) -> str:
    """A new supplier cycle: start the mailing, or remind purchasing to start it (config suppliers.cycle_start)."""
    from toolkit.suppliers import cycle_start

    ws = open_workspace(context, "planner")
    try:
        return cycle_start.start_cycle(ws)
    finally:
        ws.close()


def job_specs(context: JobContext) -> list[JobSpec]:
    from toolkit.scheduler import JobSpec

    config = context.config
    settings = config.scheduler
    nightly_at = time.fromisoformat(settings.nightly_at)
    monthly_at = time.fromisoformat(settings.monthly_at)
    return [
        JobSpec(name="nightly", period="daily", at=nightly_at, run=lambda: nightly_job(context)),
        JobSpec(
            name="monthly", period="monthly", at=monthly_at, day=settings.monthly_day, run=lambda: monthly_job(context)
        ),
        JobSpec(
            name="yearly-agenda",
            period="yearly",
            at=monthly_at,
            day=1,
            month=config.onboarding.agenda_month,
            run=lambda: agenda_job(context),
        ),
        JobSpec(
            name="biennial-suppliers",
            period="biennial",
            at=monthly_at,
            day=settings.monthly_day,
            month=1,
            first_year=config.suppliers.first_year,
            run=lambda: biennial_job(context),
        ),
    ]


def error_mailer(context: JobContext) -> Callable[[str, BaseException, str], None]:
    """on_error for the scheduler: a short mail to the administrator (the traceback stays in the log file)."""

    def report(job: str, exc: BaseException, trace: str) -> None:
        from toolkit.mail.message import OutgoingMail

        ws = open_workspace(context, "planner")
        try:
            rendered = ws.templates.render(
                "taakfout",
                {
                    "taak": job,
                    "datum": ws.today,
                    "stappen": [job],
                    "melding": str(exc),
                    "logbestand": str(ws.logs_dir / "integrity.log"),
                },
            )
            mail = OutgoingMail(
                key=f"taakfout:{job}:{ws.today.isoformat()}",
                purpose="taakfout",
                to=(ws.config.organisation.admin,),
                subject=rendered.subject,
                text=rendered.text,
                audit_ref=job,
            )
            from toolkit.plan import Plan, apply_plan

            apply_plan(ws, Plan(mails=(mail,)))
        finally:
            ws.close()

    return report
