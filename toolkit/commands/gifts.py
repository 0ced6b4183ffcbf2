"""integrity gifts check"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode


@click.group("gifts")
def gifts_group() -> None:
    """Register geschenken en uitnodigingen beoordelen."""


@gifts_group.command("check")
@click.option("--notify", is_flag=True, help="Meld nieuwe bevindingen: leidinggevenden en integriteitsfunctionaris.")
@click.option("--dry-run", is_flag=True, help="Niets schrijven en niets versturen; laat zien wat er zou gebeuren.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes(unless="dry_run")
def check_command(app: AppContext, notify: bool, dry_run: bool, as_json: bool) -> None:
    """Beoordeel elke rij van geschenken.xlsx en schrijf de kolom Beoordeling.

    Met --notify gaat elke nieuwe bevinding één keer naar de leidinggevende van de medewerker, en een overzicht
    naar de integriteitsfunctionaris (dit doet de nachtelijke taak ook). Exitcode 0 als de controle draaide,
    wat er ook gevonden is; 6 als een bericht niet verstuurd kon worden.
    """
    from toolkit.gifts.service import check_gifts
    from toolkit.render import emit

    result = check_gifts(app.workspace(), notify, dry_run=dry_run)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)
