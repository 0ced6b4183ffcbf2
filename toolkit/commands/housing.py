"""integrity housing check [--write] [--send] | integrity housing create"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode


@click.group("housing")
def housing_group() -> None:
    """Woonruimte: medewerkers (en naasten) die een woning van de corporatie huren of kopen."""


@housing_group.command("check")
@click.option("--write", is_flag=True, help="Schrijf de kolom Beoordeling (zonder: alleen tonen).")
@click.option("--send", is_flag=True, help="Schrijf en verstuur nieuwe bevindingen (directeur-bestuurder of RvC).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes("write", "send")
def check_command(app: AppContext, write: bool, send: bool, as_json: bool) -> None:
    """Beoordeel woonruimte.xlsx: toewijzingsprocedure (W1), geen korting (W2), geen eigen betrokkenheid (W3).

    Zonder --write of --send verandert er niets. Met --send gaat elke nieuwe bevinding één keer naar de
    directeur-bestuurder; over de directeur-bestuurder of een RvC-lid naar de voorzitter van de RvC (over de
    voorzitter: de vicevoorzitter). Dit doet de nachtelijke taak ook. Exitcode 6 als een bericht niet verstuurd kon
    worden.
    """
    from toolkit.housing.service import check_housing
    from toolkit.render import emit

    result = check_housing(app.workspace(actor="cli"), write=write or send, send=send)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@housing_group.command("create")
@pass_app
@writes()
def create_command(app: AppContext) -> None:
    """Maak woonruimte.xlsx aan in een bestaande werkmap (weigert als het er al is)."""
    from toolkit.commands.dilemmas import create_missing
    from toolkit.registers.schema import HOUSING

    create_missing(app, HOUSING)
