"""integrity dilemmas agenda [--send] | integrity dilemmas create"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode

if TYPE_CHECKING:
    from toolkit.registers.schema import Register


@click.group("dilemmas")
def dilemmas_group() -> None:
    """Dilemma's vastleggen en bespreken; integriteit op de agenda van teamoverleg, MT, RvC en medewerkers."""


@dilemmas_group.command("agenda")
@click.option(
    "--overleg",
    "agendas",
    multiple=True,
    type=click.Choice(["team", "mt", "rvc", "staff"]),
    help="Alleen dit overleg (team, mt, rvc, staff); herhaalbaar. Standaard: alle vier.",
)
@click.option("--herinnering", "follow_up", is_flag=True, help="De tweede herinnering in plaats van de eerste.")
@click.option("--send", is_flag=True, help="Verstuur wat nu aan de beurt is (zonder: alleen tonen).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes("send")
def agenda_command(app: AppContext, agendas: tuple[str, ...], follow_up: bool, send: bool, as_json: bool) -> None:
    """Toon per overleg de periode, of integriteit al besproken is (blad Besproken) en welke herinnering nu gaat.

    De planner en de nachtelijke taak versturen de herinneringen zelf; met --send kan het ook met de hand (elke
    herinnering gaat één keer). Een ingevulde datum op het blad Besproken stopt de herinneringen voor die periode.
    """
    from toolkit.dilemmas.agenda import AGENDAS
    from toolkit.dilemmas.service import remind
    from toolkit.render import emit

    result = remind(app.workspace(actor="cli"), agendas or AGENDAS, follow_up=follow_up, send=send)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@dilemmas_group.command("create")
@pass_app
@writes()
def create_command(app: AppContext) -> None:
    """Maak dilemmas.xlsx (bladen Casussen en Besproken) aan in een bestaande werkmap (weigert als het er al is)."""
    from toolkit.registers.schema import DILEMMA_MEETINGS, DILEMMAS

    create_missing(app, DILEMMAS, also=((DILEMMA_MEETINGS, ()),))


def create_missing(
    app: AppContext, register: Register, also: tuple[tuple[Register, tuple[dict[str, object], ...]], ...] = ()
) -> None:
    """Write an empty register that a workspace made before it existed lacks; refuse when the file is there."""
    from toolkit.errors import RefusedError
    from toolkit.registers.create import create_register

    ws = app.workspace(actor="cli")
    path = ws.register_path(register)
    if path.exists():
        raise RefusedError(f"{path} bestaat al; er is niets veranderd.", hint="het register is al aangemaakt.")
    create_register(path, register, also=also)
    ws.audit.record("register.create", actor=ws.actor, target=register.filename)
    click.echo(f"Aangemaakt: {path}")
    exit_with(ExitCode.OK)
