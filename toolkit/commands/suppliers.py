"""integrity suppliers mail | remind | status"""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode


@click.group("suppliers")
def suppliers_group() -> None:
    """Leveranciers: de integriteitscode eens in de twee jaar, bevestigingen, herinneringen."""


@suppliers_group.command("mail")
@click.option("--send", is_flag=True, help="Echt versturen (zonder: alleen een voorbeeld, er gaat niets weg).")
@click.option(
    "--limit", type=click.IntRange(min=1), metavar="N", help="Hoogstens N berichten nu; de rest bij een volgende run."
)
@click.option("--cycle", "cycle", type=int, metavar="JAAR", help="Verzendronde (standaard de huidige, uit config).")
@click.option(
    "--eml",
    "eml_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="MAP",
    help="Bij een voorbeeld: schrijf alle berichten als .eml-bestand in MAP.",
)
@pass_app
@writes("send")
def mail_command(app: AppContext, send: bool, limit: int | None, cycle: int | None, eml_dir: Path | None) -> None:
    """Stuur de integriteitscode aan elke actieve leverancier die hem deze ronde nog niet kreeg.

    Zonder --send: het aantal, het eerste bericht en wie geen adres heeft; er wordt niets geschreven of verstuurd.
    Exitcode 6 als een bericht niet verstuurd kon worden.
    """
    from toolkit.render import emit, progress_bar
    from toolkit.suppliers import service

    ws = app.workspace()
    plan = service.plan_mailing(ws, service.cycle_for(ws, cycle), number=send)
    if send:
        with progress_bar(len(plan.messages), "Versturen") as bar:
            result = service.run_mailing(ws, plan, send=True, limit=limit, progress=bar)
    else:
        result = service.run_mailing(ws, plan, send=False, eml_dir=eml_dir)
    emit(result)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@suppliers_group.command("remind")
@click.option("--send", is_flag=True, help="Echt versturen (zonder: alleen tonen wat klaarstaat).")
@pass_app
@writes("send")
def remind_command(app: AppContext, send: bool) -> None:
    """Herinneringen na de ingestelde termijn, daarna één escalatie naar de contracteigenaar."""
    from toolkit.render import emit
    from toolkit.suppliers import service

    ws = app.workspace()
    result = service.run_follow_ups(ws, service.cycle_for(ws), send=send)
    emit(result)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@suppliers_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def status_command(app: AppContext, as_json: bool) -> None:
    """Aantallen per status in de huidige ronde en de leveranciers die aandacht nodig hebben."""
    from toolkit.render import emit
    from toolkit.suppliers import rules, service

    ws = app.workspace()
    settings = ws.config.suppliers
    if rules.current_cycle(settings.first_year, settings.interval_years, ws.today) is None:
        click.echo(f"Nog geen verzendronde: de eerste begint in {settings.first_year} (suppliers.first_year).")
        return
    emit(service.status_overview(ws, service.cycle_for(ws)), as_json)
