"""The unattended jobs the scheduler runs: nightly, monthly (HR digest), the agenda reminders, the biennial cycle.

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
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.config import Config
    from toolkit.nightly import JobReport
    from toolkit.scheduler import JobSpec
    from toolkit.workspace import Workspace


class JobFailed(ToolkitError):
    """A job ran, but one or more of its steps failed (named in the message, each with its cause and fix)."""

    def __init__(self, message: str, *, hint: str | None = None, steps: tuple[str, ...] = ()) -> None:
        super().__init__(message, hint=hint)
        self.steps = steps


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
        raise failed_steps(report)
    return f"{counted(len(report.steps), 'stap', 'stappen')} in orde"


def failed_steps(report: JobReport) -> JobFailed:
    """The failed steps of a run, each with its cause and fix, as one error for the log and the admin's mail."""
    failed = [step for step in report.steps if not step.ok]
    verb = "mislukte" if len(failed) == 1 else "mislukten"
    lines = [
        f"De nachtelijke taak liep, maar {len(failed)} van de {counted(len(report.steps), 'stap', 'stappen')} {verb}:"
    ]
    for step in failed:
        lines.append(f"- {step.name}: {step.summary}")
        lines += [f"  {detail}" for detail in step.details]
    return JobFailed("\n".join(lines), steps=tuple(step.name for step in failed))


def monthly_body(ws: Workspace) -> str:
    """The monthly HR digest, mailed once per month."""
    from toolkit.monthly import build_digest, send_digest

    digest = build_digest(ws)
    report = send_digest(ws, digest, send=True)
    if report is not None and not report.ok:
        raise JobFailed("maandoverzicht HR kon niet worden verstuurd")
    return f"maandoverzicht: {counted(digest.count, 'punt', 'punten')}"


def biennial_body(ws: Workspace) -> str:
    """A new supplier cycle: start the mailing, or remind purchasing to start it (config suppliers.cycle_start)."""
    from toolkit.suppliers import cycle_start

    return cycle_start.start_cycle(ws)


def interests_body(ws: Workspace) -> str:
    """The yearly question "geen (nieuwe) belangen?" to everyone in service ([interests] attest_month)."""
    from toolkit.interests.attest import yearly_body

    return yearly_body(ws)


Body = Callable[["Workspace"], str]


def _in_own_workspace(context: JobContext, body: Body) -> Callable[[], object]:
    """A job for the scheduler: opens the workspace afresh for each run."""

    def run() -> str:
        ws = open_workspace(context, "planner")
        try:
            return body(ws)
        finally:
            ws.close()

    return run


def periodic_specs(config: Config, bind: Callable[[Body], Callable[[], object]]) -> list[JobSpec]:
    """The monthly, quarterly, yearly and biennial jobs, their bodies bound by `bind` (to a workspace of their own, or
    to the nightly run's workspace). The scheduler and `integrity nightly` both run exactly these."""
    from toolkit.scheduler import JobSpec

    settings = config.scheduler
    monthly_at = time.fromisoformat(settings.monthly_at)
    return [
        JobSpec(name="monthly", period="monthly", at=monthly_at, day=settings.monthly_day, run=bind(monthly_body)),
        *agenda_specs(config, bind),
        JobSpec(
            name="yearly-interests",
            period="yearly",
            at=monthly_at,
            day=1,
            month=config.interests.attest_month,
            run=bind(interests_body),
        ),
        JobSpec(
            name="biennial-suppliers",
            period="biennial",
            at=monthly_at,
            day=settings.monthly_day,
            month=1,
            first_year=config.suppliers.first_year,
            run=bind(biennial_body),
        ),
    ]


def agenda_specs(config: Config, bind: Callable[[Body], Callable[[], object]]) -> list[JobSpec]:
    """Integrity on the agenda (toolkit.dilemmas): the team meetings each quarter, the MT and the RvC by rhythm (or
    daily, to catch `days_ahead` before each configured meeting date), the staff meeting in [onboarding] agenda_month.
    Each job sends its period's first reminder; the nightly step sends the one follow-up."""
    from toolkit.dilemmas.service import job_body, schedules
    from toolkit.scheduler import JobSpec

    at = time.fromisoformat(config.scheduler.monthly_at)
    plan = schedules(config)
    specs = [JobSpec(name="agenda-team", period="quarterly", at=at, day=plan["team"].day, run=bind(job_body("team")))]
    for agenda in ("mt", "rvc"):
        rhythm = plan[agenda].rhythm
        period = "daily" if rhythm == "meetings" else rhythm
        specs.append(
            JobSpec(name=f"agenda-{agenda}", period=period, at=at, day=plan[agenda].day, run=bind(job_body(agenda)))
        )
    specs.append(
        JobSpec(
            name="yearly-agenda", period="yearly", at=at, day=1, month=plan["staff"].month, run=bind(job_body("staff"))
        )
    )
    return specs


def job_specs(context: JobContext) -> list[JobSpec]:
    """Everything the scheduler runs: the nightly job (which also runs the periodic jobs that are due; the run
    log keeps each one to once per slot) and the periodic jobs at their own times."""
    from toolkit.scheduler import JobSpec

    nightly_at = time.fromisoformat(context.config.scheduler.nightly_at)
    return [
        JobSpec(name="nightly", period="daily", at=nightly_at, run=lambda: nightly_job(context)),
        *periodic_specs(context.config, lambda body: _in_own_workspace(context, body)),
    ]


def error_mailer(context: JobContext) -> Callable[[str, BaseException, str], None]:
    """on_error for the scheduler: a short mail to the administrator with the cause and fix in Dutch (the traceback
    stays in the log file)."""

    def report(job: str, exc: BaseException, trace: str) -> None:
        ws = open_workspace(context, "planner")
        try:
            notify_admin(ws, job, exc)
        finally:
            ws.close()

    return report


def notify_admin(ws: Workspace, job: str, exc: BaseException) -> None:
    """Mail `[organisation] admin` that `job` failed: the Dutch cause and fix (`failure_cause`), never a traceback;
    once per job per day (the outbound ledger), from the scheduler and from `integrity nightly` alike."""
    from toolkit.mail.message import OutgoingMail
    from toolkit.plan import Plan, apply_plan
    from toolkit.scheduler import failure_cause

    rendered = ws.templates.render(
        "taakfout",
        {
            "taak": job,
            "datum": ws.today,
            "stappen": list(exc.steps) if isinstance(exc, JobFailed) else [job],
            "melding": failure_cause(exc),
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
    apply_plan(ws, Plan(mails=(mail,)))
