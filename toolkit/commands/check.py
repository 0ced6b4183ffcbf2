"""integrity check"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def check_command(app: AppContext, as_json: bool) -> None:
    """Controleer configuratie, registers, sjablonen en de mailverbinding.

    Exitcode 0 als alles in orde is, 1 als er iets op te lossen is.
    """
    from toolkit.checks import run_checks
    from toolkit.render import emit

    report = run_checks(app.workspace())
    emit(report, as_json)
    exit_with(0 if report.ok else 1)
