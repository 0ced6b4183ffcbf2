"""integrity sidejobs review [--write] [--notify [--send]] | integrity sidejobs publish --out DIR"""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes


@click.group("sidejobs")
def sidejobs_group() -> None:
    """Nevenfuncties: beoordelen, herinneren en publiceren."""


@sidejobs_group.command("review")
@click.option("--write", is_flag=True, help="Schrijf Beoordeling en Herbevestigen voor (zonder: alleen tonen).")
@click.option(
    "--notify", is_flag=True, help="Maak het overzicht voor HR en de herinneringen voor herbevestiging (voorbeeld)."
)
@click.option("--send", is_flag=True, help="Met --notify: verstuur de berichten echt (en schrijf het register).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON (met alle berichten van een voorbeeld).")
@pass_app
@writes("write", "send")
def review_command(app: AppContext, write: bool, notify: bool, send: bool, as_json: bool) -> None:
    """Beoordeel het register nevenfuncties (HR, maandelijks).

    Toont verzoeken die op een besluit wachten (met dagen), te late besluiten, herbevestigingen en mogelijke
    belangenconflicten; met --write worden de kolommen Beoordeling en Herbevestigen voor geschreven. Met --notify
    ziet u het overzicht voor HR en de herinneringen als voorbeeld; met --notify --send worden ze verstuurd (elke
    herinnering één keer per periode) en wordt het register geschreven. Zonder --write of --send verandert er niets.
    Exitcode 0 als de beoordeling is gedaan, 6 als een bericht niet verstuurd kon worden.
    """
    from toolkit.errors import ExitCode
    from toolkit.render import emit
    from toolkit.sidejobs.service import review_side_jobs

    if send and not notify:
        raise click.UsageError("--send hoort bij --notify: integrity sidejobs review --notify --send")
    result = review_side_jobs(app.workspace(actor="cli"), notify=notify, write=write, send=send)
    emit(result, as_json)
    if result.mail is not None and result.mail.preview and result.mail.prepared and not as_json:
        click.echo(f"Er is niets verstuurd. Versturen: {_send_command(app)}")
    exit_with(ExitCode.MAIL if result.mail is not None and result.mail.failed else ExitCode.OK)


@sidejobs_group.command("publish")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Map waarin de pagina (.html) en de tabel (.xlsx) komen.",
)
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes()
def publish_command(app: AppContext, out_dir: Path, as_json: bool) -> None:
    """Maak het openbare overzicht van de nevenfuncties van de directeur-bestuurder en de RvC-leden.

    Schrijft een toegankelijke, afdrukbare webpagina en een Excel-bestand in de map --out. Medewerkers en
    beëindigde of afgewezen nevenfuncties staan er niet in.
    """
    from toolkit.render import emit
    from toolkit.sidejobs.publish import publish_side_jobs

    emit(publish_side_jobs(app.workspace(actor="cli"), out_dir), as_json)
    exit_with(0)


def _send_command(app: AppContext) -> str:
    parts = ["integrity"]
    if app.config_option:
        parts += ["--config", app.config_option]
    if app.as_of:
        parts += ["--as-of", app.as_of.isoformat()]
    return " ".join(parts + ["sidejobs", "review", "--notify", "--send"])
