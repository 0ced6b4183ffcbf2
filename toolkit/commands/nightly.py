"""integrity nightly"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes


@click.command("nightly")
@click.option("--json", "as_json", is_flag=True, help="Samenvatting als JSON.")
@pass_app
@writes()
def nightly_command(app: AppContext, as_json: bool) -> None:
    """De nachtelijke taak: post verwerken, registers bijwerken, versturen wat klaarstaat.

    Elke stap staat op zichzelf; exitcode 1 als een stap mislukte (die wordt genoemd, met oorzaak en oplossing in
    .integrity/logs/integrity.log en in een mail aan [organisation] admin, zoals bij de planner).
    """
    from toolkit.jobs import failed_steps, notify_admin
    from toolkit.nightly import NIGHTLY_STEPS, run_steps
    from toolkit.render import emit
    from toolkit.scheduler import failure_cause
    from toolkit.service import close_log, setup_log

    ws = app.workspace(actor="nightly")
    log = setup_log(ws.logs_dir, app.verbose, quiet=app.quiet, console=False)
    try:
        log.info("Taak nightly gestart (integrity nightly, datum %s).", f"{ws.today:%d-%m-%Y}")
        report = run_steps(ws, "nightly", NIGHTLY_STEPS)
        if report.ok:
            log.info("Taak nightly klaar: %d stappen in orde.", len(report.steps))
        else:
            failure = failed_steps(report)
            log.error("Taak nightly mislukt: %s", failure_cause(failure))
            try:
                notify_admin(ws, "nightly", failure)
            except Exception:  # noqa: BLE001 - the run's own report still comes; the log says why no mail went
                log.exception("De mail over de mislukte taak aan de beheerder kon niet worden verstuurd.")
    finally:
        close_log()
    emit(report, as_json)
    exit_with(0 if report.ok else 1)
