"""integrity board --period 2027Q1|2027 [--compare previous|2026Q4] [--out MAP] [--send] [--json]"""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli import AppContext, pass_app


@click.command("board")
@click.option("--period", required=True, metavar="JAAR|JAARQn", help="Bijvoorbeeld 2027 of 2027Q1.")
@click.option("--compare", metavar="previous|PERIODE", help="Vergelijken met: previous (standaard) of bv. 2026Q4.")
@click.option(
    "--out",
    "out",
    metavar="MAP",
    type=click.Path(file_okay=False, path_type=Path),
    help="Schrijf .xlsx, .pdf en .html in deze map.",
)
@click.option(
    "--for",
    "audience",
    type=click.Choice(["rvc", "directeur"]),
    default="rvc",
    show_default=True,
    help="Versie: rvc (volledig) of directeur (zonder meldingen over de directeur).",
)
@click.option(
    "--send", is_flag=True, help="Mail de rapportage aan de voorzitter RvC en de directeur (anders voorbeeld)."
)
@click.option("--json", "as_json", is_flag=True, help="De cijfers als JSON.")
@pass_app
def board_command(
    app: AppContext, period: str, compare: str | None, out: Path | None, audience: str, send: bool, as_json: bool
) -> None:
    """Integriteitsrapportage voor de RvC: cijfers per onderdeel naast de vorige periode, zonder namen."""
    from toolkit.board.service import run_board
    from toolkit.render import emit

    result = run_board(app.workspace(), period, compare, out, send=send, audience=audience)
    if as_json:
        import json

        data = result.report.as_dict()
        data["geschreven"] = result.written
        data["verstuurd"] = None if result.send is None else len(result.send.sent)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        emit(result)
    if not result.ok:
        from toolkit.cli import exit_with

        exit_with(1)
