"""integrity interests check [--write] | attest [--send] | remind [--send]"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode


@click.group("interests")
def interests_group() -> None:
    """Register belangen en privétransacties (belangen.xlsx) en de jaarvraag "geen (nieuwe) belangen"."""


@interests_group.command("check")
@click.option("--write", is_flag=True, help="Schrijf Beoordeling en meld nieuwe meldingen (zonder: alleen tonen).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes("write")
def check_command(app: AppContext, write: bool, as_json: bool) -> None:
    """Beoordeel belangen.xlsx: ontbrekend besluit (B1) en verlopen herbeoordeling (B2).

    Met --write gaat elke nieuwe melding één keer naar de leidinggevende en naar HR (één bericht per ontvanger);
    dat doet de nachtelijke taak ook. Zonder --write wordt niets geschreven en niets verstuurd.
    Exitcode 6 als een bericht niet verstuurd kon worden.
    """
    from toolkit.interests.service import check_interests
    from toolkit.render import emit

    result = check_interests(app.workspace(), write=write)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@interests_group.command("attest")
@click.option("--send", is_flag=True, help="Echt versturen (zonder: alleen een voorbeeld, er gaat niets weg).")
@click.option("--year", type=int, metavar="JAAR", help="Jaar van de vraag (standaard het huidige, uit config).")
@pass_app
@writes("send")
def attest_command(app: AppContext, send: bool, year: int | None) -> None:
    """Stuur de jaarvraag over belangen aan iedereen in dienst die hem dit jaar nog niet kreeg.

    De periodieke taak doet dit zelf in [interests] attest_month. Zonder --send: het aantal en het eerste
    bericht; er wordt niets geschreven of verstuurd. Exitcode 6 als een bericht niet verstuurd kon worden.
    """
    from toolkit.interests import attest
    from toolkit.render import emit

    ws = app.workspace()
    result = attest.run_attestation(ws, year or attest.current_year(ws), send=send)
    emit(result)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@interests_group.command("remind")
@click.option("--send", is_flag=True, help="Echt versturen (zonder: alleen tonen wat klaarstaat).")
@pass_app
@writes("send")
def remind_command(app: AppContext, send: bool) -> None:
    """Herinneringen bij de jaarvraag na de ingestelde termijn, daarna één escalatie naar HR."""
    from toolkit.interests import attest
    from toolkit.render import emit

    ws = app.workspace()
    result = attest.run_follow_ups(ws, attest.current_year(ws), send=send)
    emit(result)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)
