"""integrity reports list | show | update | intake | deadlines | stats"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, pass_app, writes

JSON = click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")


@click.group("reports")
def reports_group() -> None:
    """Integriteitsmeldingen: overzicht, termijnen, voortgang (nooit de identiteit van melders)."""


@reports_group.command("list")
@JSON
@pass_app
def list_command(app: AppContext, as_json: bool) -> None:
    """Alle zaken uit meldingen.xlsx, zonder gegevens van melders."""
    from toolkit.render import emit
    from toolkit.reports.manage import list_cases

    emit(list_cases(app.workspace()), as_json)


@reports_group.command("show")
@click.argument("case", metavar="ZAAK")
@click.option("--reveal", is_flag=True, help="Toon ook wie meldde en de tekst (wachtwoord identiteit; wordt gelogd).")
@JSON
@pass_app
def show_command(app: AppContext, case: str, reveal: bool, as_json: bool) -> None:
    """Eén zaak: registergegevens en gearchiveerde bestanden; met --reveal ook melder en tekst."""
    from toolkit.render import emit
    from toolkit.reports.manage import show_case

    emit(show_case(app.workspace(), case, reveal=reveal), as_json)


@reports_group.command("update")
@click.argument("case", metavar="ZAAK")
@click.option("--status", help="ontvangen, in behandeling, onderzoek, besluit of afgesloten.")
@click.option("--note", metavar="TEKST", help="Notitie (versleuteld bewaard; het logboek zegt alleen 'note added').")
@click.option("--serious", type=click.Choice(["ja", "nee", "onbekend"]), help="Ernstige inbreuk?")
@click.option("--measure", "measures", multiple=True, metavar="MAATREGEL", help="Maatregel (herhaalbaar).")
@click.option("--regulator", type=click.Choice(["ja", "nee"]), help="Gemeld aan de toezichthouder?")
@click.option("--tell-reporter", metavar="SJABLOON", help="Bericht aan de melder, bijvoorbeeld melding_voortgang.")
@click.option("--send", is_flag=True, help="Verstuur het bericht aan de melder echt (anders alleen voorbeeld).")
@JSON
@pass_app
@writes()
def update_command(
    app: AppContext,
    case: str,
    status: str | None,
    note: str | None,
    serious: str | None,
    measures: tuple[str, ...],
    regulator: str | None,
    tell_reporter: str | None,
    send: bool,
    as_json: bool,
) -> None:
    """Leg een wijziging vast; met --tell-reporter en --send gaat er voortgang naar de melder (telt als terugkoppeling)."""
    from toolkit.render import emit
    from toolkit.reports.manage import CaseUpdate, update_case

    update = CaseUpdate(
        status, note, serious, measures, None if regulator is None else regulator == "ja", tell_reporter
    )
    emit(update_case(app.workspace(), case, update, send=send), as_json)


@reports_group.command("intake")
@JSON
@pass_app
@writes()
def intake_command(app: AppContext, as_json: bool) -> None:
    """Haal de meldingenpostbus binnen (zoals de nachtelijke taak): aantallen per uitkomst, die optellen.

    Elk bericht eindigt in één uitkomst: een nieuwe zaak, een aanvulling op een zaak, een niet bezorgde
    ontvangstbevestiging, of geen melding (met de reden, in een eigen map).

    \b
    Voorbeeld:
      integrity reports intake --json
    """
    from toolkit.cli import exit_with
    from toolkit.errors import ExitCode
    from toolkit.render import emit
    from toolkit.reports.intake import run_intake

    result = run_intake(app.workspace(actor="cli"))
    emit(result, as_json)
    exit_with(0 if result.ok else ExitCode.MAIL)


@reports_group.command("deadlines")
@JSON
@pass_app
def deadlines_command(app: AppContext, as_json: bool) -> None:
    """Open termijnen (ontvangstbevestiging 7 dagen, terugkoppeling 3 maanden); exitcode 1 bij een verlopen termijn."""
    from toolkit.cli import exit_with
    from toolkit.render import emit
    from toolkit.reports.followup import overview

    result = overview(app.workspace())
    emit(result, as_json)
    exit_with(0 if result.ok else 1)


@reports_group.command("stats")
@click.option("--period", required=True, metavar="JAAR|JAARQn", help="Bijvoorbeeld 2026 of 2026Q3.")
@JSON
@pass_app
def stats_command(app: AppContext, period: str, as_json: bool) -> None:
    """Anonieme aantallen voor de RvC: per status, melder, betreft, termijnen gehaald of niet."""
    from toolkit.render import emit
    from toolkit.reports.manage import stats

    emit(stats(app.workspace(), period), as_json)
