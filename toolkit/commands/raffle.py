"""integrity raffle draw | verify | notify"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes
from toolkit.errors import ExitCode


@click.group("raffle")
def raffle_group() -> None:
    """De kerstloting: trekken, narekenen, winnaars mailen."""


@raffle_group.command("draw")
@click.option("--year", type=int, required=True, help="Het kerstjaar, bijvoorbeeld 2026 (geschenken nov–jan).")
@click.option("--seed", required=True, metavar="TEKST", help="De vooraf bekendgemaakte startwaarde.")
@click.option("--redraw", is_flag=True, help="Een getrokken jaar opnieuw trekken (de oude uitslag blijft bewaard).")
@click.option("--reason", metavar="TEKST", help="Waarom opnieuw getrokken wordt (verplicht bij --redraw).")
@click.option("--notify", is_flag=True, help="Maak de berichten aan de winnaars (voorbeeld; versturen met --send).")
@click.option("--send", is_flag=True, help="Verstuur de berichten aan de winnaars echt (met --notify).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes()
def draw_command(
    app: AppContext, year: int, seed: str, redraw: bool, reason: str | None, notify: bool, send: bool, as_json: bool
) -> None:
    """Trek de kerstloting van YEAR en leg de uitslag vast in kerstloting.xlsx (blad YEAR).

    Een getrokken jaar wordt geweigerd (exitcode 7), behalve met --redraw --reason. De uitslag wordt altijd
    vastgelegd; berichten aan winnaars zijn een voorbeeld tenzij --send.
    """
    from toolkit.raffle.service import draw_raffle
    from toolkit.render import emit

    if reason and not redraw:
        raise click.UsageError("--reason hoort bij --redraw.")
    if send and not notify:
        raise click.UsageError("--send hoort bij --notify: gebruik --notify --send.")
    result = draw_raffle(app.workspace(), year, seed, redraw=redraw, reason=reason, notify=notify, send=send)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@raffle_group.command("verify")
@click.option("--year", type=int, required=True, help="Het kerstjaar van de uitslag.")
@click.option("--seed", metavar="TEKST", help="Controleer ook dat dit de vooraf bekendgemaakte seed is.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def verify_command(app: AppContext, year: int, seed: str | None, as_json: bool) -> None:
    """Reken de uitslag van YEAR na uit het blad en de registers.

    Exitcode 0 als de uitslag precies klopt, 1 met het eerste verschil (bijvoorbeeld een met de hand gewijzigde
    winnaar of een geschenk dat na de trekking is toegevoegd).
    """
    from toolkit.raffle.service import verify_raffle
    from toolkit.render import emit

    result = verify_raffle(app.workspace(), year, announced_seed=seed)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.FINDINGS)


@raffle_group.command("notify")
@click.option("--year", type=int, required=True, help="Het kerstjaar van de uitslag.")
@click.option("--send", is_flag=True, help="Echt versturen (zonder: alleen een voorbeeld).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes("send")
def notify_command(app: AppContext, year: int, send: bool, as_json: bool) -> None:
    """Mail elke winnaar van YEAR (alleen als de uitslag nog klopt); elke winnaar krijgt het bericht één keer."""
    from toolkit.raffle.service import notify_winners
    from toolkit.render import emit

    result = notify_winners(app.workspace(), year, send=send)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)
