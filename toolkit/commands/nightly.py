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

    Elke stap staat op zichzelf; exitcode 1 als een stap mislukte (die wordt genoemd).
    """
    from toolkit.nightly import NIGHTLY_STEPS, run_steps
    from toolkit.render import emit

    ws = app.workspace(actor="nightly")
    report = run_steps(ws, "nightly", NIGHTLY_STEPS)
    emit(report, as_json)
    exit_with(0 if report.ok else 1)
