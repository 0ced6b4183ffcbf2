"""The nightly step that runs the periodic jobs that are due, so cron or Windows Task Scheduler running only
`integrity nightly` get the monthly digest, the agenda reminders and the biennial supplier round too.

One mechanism: the jobs are the scheduler's (`toolkit.jobs.periodic_specs`), judged by the scheduler's
`is_due` rules and recorded in the same run log (the state's `job_runs`), with the same first-start grace
window. So a job the scheduler already ran for its slot is not run again here, and the other way round.

The clock: the real one; with `--as-of D` (any other day than today) the moment D at `[scheduler] nightly_at`
in the configured zone, as if the nightly job ran at its usual time on that day.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from toolkit.nightly import StepResult

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

NAME = "periodieke taken"
JOB_TITLES = {
    "monthly": "maandoverzicht HR",
    "yearly-agenda": "integriteit op de agenda (medewerkersbijeenkomst)",
    "agenda-team": "integriteit op de agenda (teamoverleg)",
    "agenda-mt": "integriteit op de agenda (MT)",
    "agenda-rvc": "integriteit op de agenda (RvC)",
    "yearly-interests": "jaarvraag belangen",
    "biennial-suppliers": "leveranciersronde",
}

log = logging.getLogger("toolkit.periodic")


def nightly_clock(today: date, nightly_at: str, zone: ZoneInfo, now: datetime | None = None) -> datetime:
    """The moment the nightly run stands for: now when `today` is the real date, else `today` at nightly_at."""
    from toolkit.scheduler import wall_time_instant

    real = now or datetime.now(UTC)
    if today in (real.astimezone(zone).date(), date.today()):
        return real
    return wall_time_instant(today, time.fromisoformat(nightly_at), zone)


def periodic_step(ws: Workspace) -> StepResult:
    """Run every periodic job that is due now (once per slot, the scheduler's rules); a failing job fails the step."""
    from toolkit.jobs import periodic_specs
    from toolkit.scheduler import Scheduler

    config = ws.config
    zone = ZoneInfo(config.organisation.timezone)
    moment = nightly_clock(ws.today, config.scheduler.nightly_at, zone)
    failures: list[str] = []

    def collect(job: str, exc: BaseException, trace: str) -> None:
        failures.append(f"{JOB_TITLES.get(job, job)}: {exc}")

    scheduler = Scheduler(
        periodic_specs(config, lambda body: lambda: body(ws)),
        ws.state,
        zone,
        clock=lambda: moment,
        on_error=collect,
        logger=log,
        first_start_grace=timedelta(days=config.scheduler.first_start_grace_days),
    )
    ran = scheduler.run_pending()
    done = [JOB_TITLES.get(name, name) for name in ran]
    skipped = [JOB_TITLES.get(name, name) for name in scheduler.skipped]
    # Said once, here: the scheduler logs the skip at INFO, which `integrity nightly` does not print.
    parts = [f"mislukt: {'; '.join(failures)}"] if failures else []
    parts += [f"uitgevoerd: {', '.join(done)}"] if done else []
    parts += [f"overgeslagen bij eerste start (te lang geleden gepland): {', '.join(skipped)}"] if skipped else []
    return StepResult(NAME, not failures, "; ".join(parts) or "niets te doen")
