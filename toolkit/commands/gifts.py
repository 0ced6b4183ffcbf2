"""integrity gifts check [--write] [--notify [--send]]"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode


@click.group("gifts")
def gifts_group() -> None:
    """Register geschenken en uitnodigingen beoordelen."""


@gifts_group.command("check")
@click.option(
    "--write", is_flag=True, help="Schrijf de kolom Beoordeling (zonder: alleen tonen wat er zou veranderen)."
)
@click.option("--notify", is_flag=True, help="Meld nieuwe bevindingen: leidinggevenden en integriteitsfunctionaris.")
@click.option("--send", is_flag=True, help="Met --notify: schrijf en verstuur echt (zonder: alleen een voorbeeld).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes("write", "send")
def check_command(app: AppContext, write: bool, notify: bool, send: bool, as_json: bool) -> None:
    """Beoordeel elke rij van geschenken.xlsx; met --write wordt de kolom Beoordeling geschreven.

    Zonder --write of --send wordt niets geschreven en niets verstuurd. Met --notify --send gaat elke nieuwe
    bevinding één keer naar de leidinggevende van de medewerker (één bericht per leidinggevende), en een
    overzicht naar de integriteitsfunctionaris (dit doet de nachtelijke taak ook). Exitcode 0 als de controle
    draaide, wat er ook gevonden is; 6 als een bericht niet verstuurd kon worden.
    """
    from toolkit.gifts.service import check_gifts
    from toolkit.render import emit

    if send and not notify:
        raise click.UsageError("--send hoort bij --notify: integrity gifts check --notify --send")
    result = check_gifts(app.workspace(), notify, write=write or send, send=send)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)
