"""integrity check"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def check_command(app: AppContext, as_json: bool) -> None:
    """Controleer wat de nachtelijke taak nodig heeft: configuratie, werkmap, registers, sjablonen, mail en sleutels.

    Alle configuratiefouten tegelijk (met regel en sleutel), voorbeeldadressen (*.example), state.sqlite en
    audit.jsonl schrijfbaar en de sleutel van het logboek, registers leesbaar en schrijfbaar en wie ze open heeft
    in Excel of LibreOffice, de mailverbinding met haar geheim, de sleutels van de meldingen. Schrijft niets.
    Exitcode 0 als er niets op te lossen is (opmerkingen met … kunnen er staan), 1 als wel, 3 bij een
    configuratiefout.
    """
    from toolkit.checks import run_checks
    from toolkit.render import emit

    report = run_checks(app.workspace())
    emit(report, as_json)
    exit_with(0 if report.ok else 1)
