"""integrity raffle announce | draw | verify | notify"""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli import AppContext, exit_with, pass_app
from toolkit.errors import ExitCode


@click.group("raffle")
def raffle_group() -> None:
    """De kerstloting: aankondigen, trekken, narekenen, winnaars mailen.

    \b
    Volgorde:
      integrity raffle announce --year 2026 --seed-source "Staatsloterij 31-12-2026" --send
      integrity raffle draw --year 2026 --seed "de uitkomst van die bron"
      integrity raffle notify --year 2026 --send
    """


@raffle_group.command("announce")
@click.option("--year", type=int, required=True, help="Het kerstjaar, bijvoorbeeld 2026 (geschenken nov–jan).")
@click.option("--seed-source", metavar="TEKST", help="Waar de seed vandaan komt, vooraf door niemand te kennen.")
@click.option("--send", is_flag=True, help="Leg de aankondiging vast en mail iedereen (zonder: alleen een voorbeeld).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def announce_command(app: AppContext, year: int, seed_source: str | None, send: bool, as_json: bool) -> None:
    """Leg de geschenken en deelnemers van YEAR vast en maak dat bekend, vóór de seed bestaat.

    Iedere deelnemer krijgt een willekeurig lotnummer en een mail met dat nummer, de vingerafdruk (digest) van de
    aankondiging en de bron van de seed; de aankondiging zelf (zonder namen) komt naast de registers. Nogmaals
    draaien verstuurt alleen wat nog niet verstuurd is.

    \b
    Voorbeeld:
      integrity raffle announce --year 2026 --seed-source "de trekking van de Staatsloterij van 31-12-2026"
    """
    from toolkit.raffle.announce import announce_raffle
    from toolkit.render import emit

    result = announce_raffle(app.workspace(), year, seed_source, send=send)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)


@raffle_group.command("draw")
@click.option("--year", type=int, required=True, help="Het kerstjaar, bijvoorbeeld 2026 (geschenken nov–jan).")
@click.option("--seed", required=True, metavar="TEKST", help="De uitkomst van de aangekondigde seed-bron.")
@click.option("--redraw", is_flag=True, help="Een getrokken jaar opnieuw trekken (de oude uitslag blijft bewaard).")
@click.option("--reason", metavar="TEKST", help="Waarom opnieuw getrokken wordt (verplicht bij --redraw).")
@click.option("--notify", is_flag=True, help="Maak de berichten aan de winnaars (voorbeeld; versturen met --send).")
@click.option("--send", is_flag=True, help="Verstuur de berichten aan de winnaars echt (met --notify).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def draw_command(
    app: AppContext, year: int, seed: str, redraw: bool, reason: str | None, notify: bool, send: bool, as_json: bool
) -> None:
    """Trek de kerstloting van YEAR over de aangekondigde geschenken en loten.

    De uitslag (geschenk -> lot) wordt gepubliceerd naast de aankondiging en voor HR vastgelegd in
    kerstloting.xlsx (blad YEAR, met de namen). Wat na de aankondiging in het geschenkenregister veranderde, telt
    niet mee en wordt gemeld. Een getrokken jaar wordt geweigerd (exitcode 7), behalve met --redraw --reason. De uitslag wordt altijd
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
@click.option("--year", type=int, help="Het kerstjaar van de uitslag (in de werkmap).")
@click.option("--seed", metavar="TEKST", help="Controleer ook dat dit de seed is die uit de bron kwam.")
@click.option("--announcement", type=click.Path(dir_okay=False, path_type=Path), help="Gepubliceerde aankondiging.")
@click.option("--result", "result_file", type=click.Path(dir_okay=False, path_type=Path), help="Gepubliceerde uitslag.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def verify_command(
    app: AppContext, year: int | None, seed: str | None, announcement: Path | None, result_file: Path | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Reken de kerstloting na.

    Met --announcement en --result: alleen uit die twee gepubliceerde bestanden, zonder werkmap (dat kan iedereen).
    Met --year: ook het blad in kerstloting.xlsx en het geschenkenregister sinds de aankondiging.
    Exitcode 0 als alles precies klopt, 1 met het eerste verschil.

    \b
    Voorbeelden:
      integrity raffle verify --announcement kerstloting-2026-aankondiging.txt --result kerstloting-2026-uitslag.txt
      integrity raffle verify --year 2026
    """
    from toolkit.raffle.service import verify_files, verify_raffle
    from toolkit.render import emit

    if announcement is not None or result_file is not None:
        if announcement is None or result_file is None:
            raise click.UsageError("--announcement en --result horen bij elkaar: geef beide bestanden.")
        result = verify_files(announcement, result_file)
    elif year is None:
        raise click.UsageError(
            "geef --year (in de werkmap) of --announcement en --result (de gepubliceerde bestanden)."
        )
    else:
        result = verify_raffle(app.workspace(), year, announced_seed=seed)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.FINDINGS)


@raffle_group.command("notify")
@click.option("--year", type=int, required=True, help="Het kerstjaar van de uitslag.")
@click.option("--send", is_flag=True, help="Echt versturen (zonder: alleen een voorbeeld).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def notify_command(app: AppContext, year: int, send: bool, as_json: bool) -> None:
    """Mail elke winnaar van YEAR (alleen als de uitslag nog klopt); elke winnaar krijgt het bericht één keer."""
    from toolkit.raffle.service import notify_winners
    from toolkit.render import emit

    result = notify_winners(app.workspace(), year, send=send)
    emit(result, as_json)
    exit_with(ExitCode.OK if result.ok else ExitCode.MAIL)
