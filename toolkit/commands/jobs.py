"""integrity monthly | scheduler"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode


@click.command("monthly")
@click.option("--send", is_flag=True, help="Mail het overzicht aan HR (zonder: alleen tonen).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes("send")
def monthly_command(app: AppContext, send: bool, as_json: bool) -> None:
    """Het maandoverzicht voor HR: nieuwe medewerkers, nevenfuncties, leveranciers die nog niet bevestigden."""
    from toolkit.monthly import MonthlyResult, build_digest, send_digest
    from toolkit.render import emit

    ws = app.workspace()
    digest = build_digest(ws)
    report = send_digest(ws, digest, send=send)
    emit(MonthlyResult(digest, send, report), as_json)
    exit_with(ExitCode.OK if report is None or report.ok else ExitCode.MAIL)


@click.command("scheduler")
@click.option(
    "--poll",
    "poll_seconds",
    type=click.FloatRange(min=1),
    default=30,
    show_default=True,
    help="Elke zoveel seconden kijken wat er moet gebeuren.",
)
@pass_app
def scheduler_command(app: AppContext, poll_seconds: float) -> None:
    """Draai de planner tot hij wordt gestopt: nachtelijke taak, maandoverzicht, jaarlijkse en tweejaarlijkse taken.

    Eén planner per werkmap. Stoppen met Ctrl-C of SIGTERM: de lopende stap wordt afgemaakt, exitcode 0.
    Op het scherm (en in journalctl): start, per taak de volgende run, elke run met zijn uitkomst, stop; met -v
    meer, met -q alleen fouten. Log: .integrity/logs/integrity.log (bij een fout ook de traceback).
    """
    import threading
    from contextlib import AbstractContextManager
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from toolkit.jobs import JobContext, error_mailer, job_specs
    from toolkit.runlock import SCHEDULER_LOCK_NAME, RunLock, workspace_lock
    from toolkit.scheduler import Scheduler, utc_now
    from toolkit.service import install_signal_handlers, setup_log

    ws = app.workspace(actor="planner")
    config = ws.config
    zone = ZoneInfo(config.organisation.timezone)
    stop = threading.Event()
    context = JobContext(config, lambda: app.as_of or datetime.now(zone).date(), stop)
    # With --as-of the clock runs on from that day (same time of day), so due-ness follows the date given.
    shift = app.as_of - datetime.now(zone).date() if app.as_of else timedelta(0)

    def run_lock(job: str) -> AbstractContextManager[RunLock]:
        """The same lock every writing command takes: a job and a manual run never overlap."""
        return workspace_lock(config, f"integrity scheduler ({job})")

    with RunLock(config.state_dir / SCHEDULER_LOCK_NAME, command="integrity scheduler", what="scheduler"):
        logger = setup_log(ws.logs_dir, app.verbose, quiet=app.quiet)
        scheduler = Scheduler(
            job_specs(context),
            ws.state,
            zone,
            clock=lambda: utc_now() + shift,
            on_error=error_mailer(context),
            logger=logger,
            run_lock=run_lock,
            first_start_grace=timedelta(days=config.scheduler.first_start_grace_days),
        )
        install_signal_handlers(stop, logger)
        scheduler.run_forever(stop, poll_seconds=poll_seconds)
    exit_with(0)
