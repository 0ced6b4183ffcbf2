"""integrity reports list | show | new | record | update | intake | reseal | migrate | deadlines | stats"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from toolkit.cli import AppContext, pass_app, writes
from toolkit.commands.keys import KEY_OPTION, open_key

JSON = click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")


@click.group("reports")
def reports_group() -> None:
    """Integriteitsmeldingen: overzicht, termijnen, voortgang (nooit de identiteit van melders)."""


@reports_group.command("list")
@KEY_OPTION
@JSON
@pass_app
def list_command(app: AppContext, key_file: Path | None, as_json: bool) -> None:
    """Alle zaken uit meldingen.xlsx (met --key alleen die je mag openen), zonder gegevens van melders."""
    from toolkit.render import emit
    from toolkit.reports.views import list_cases

    emit(list_cases(app.workspace(), open_key(key_file)), as_json)


@reports_group.command("show")
@click.argument("case", metavar="ZAAK")
@click.option(
    "--reveal", is_flag=True, help="Toon ook wie meldde (alleen met de sleutel van een identiteitsbeheerder; gelogd)."
)
@KEY_OPTION
@JSON
@pass_app
def show_command(app: AppContext, case: str, reveal: bool, key_file: Path | None, as_json: bool) -> None:
    """Eén zaak: registergegevens; met --key ook tekst, bijlagen en notities; met --reveal ook de melder."""
    from toolkit.render import emit
    from toolkit.reports.views import show_case

    emit(show_case(app.workspace(), case, reveal=reveal, key=open_key(key_file)), as_json)


@reports_group.command("update")
@click.argument("case", metavar="ZAAK")
@click.option("--status", help="ontvangen, in behandeling, onderzoek, besluit of afgesloten.")
@click.option("--note", metavar="TEKST", help="Notitie (versleuteld bewaard; het logboek zegt alleen 'note added').")
@click.option(
    "--feedback",
    metavar="TEKST",
    help="Terugkoppeling over beoordeling en opvolging (alleen dit sluit de termijn van 3 maanden; versleuteld).",
)
@click.option(
    "--serious", type=click.Choice(["ja", "nee", "onbekend"]), help="Ernstige inbreuk? (Stap 4: --role, --by)"
)
@click.option("--measure", "measures", multiple=True, metavar="MAATREGEL", help="Maatregel (herhaalbaar; Stap 4).")
@click.option("--role", type=click.Choice(["directeur-bestuurder", "RvC"]), help="Wie besluit (Stap 4).")
@click.option("--by", metavar="NAAM", help="Wie namens die rol besloot (Stap 4).")
@click.option("--regulator", type=click.Choice(["ja", "nee"]), help="Gemeld aan de toezichthouder?")
@click.option(
    "--acknowledged-on", type=click.DateTime(["%Y-%m-%d", "%d-%m-%Y"]), help="Ontvangst buiten de toolkit bevestigd op."
)
@click.option("--how", metavar="TEKST", help="Hoe de ontvangst is bevestigd (bij --acknowledged-on).")
@click.option(
    "--record-confirmed",
    type=click.DateTime(["%Y-%m-%d", "%d-%m-%Y"]),
    help="De melder heeft het verslag van het gesprek gecontroleerd en getekend op.",
)
@click.option(
    "--tell-reporter",
    is_flag=True,
    help="Bericht aan de melder (met --key van wie de identiteit mag openen): de terugkoppeling (--feedback), de "
    "afsluiting (--status afgesloten), bij een zaak voor het Meldpunt eerst de doorverwijzing, anders de voortgang.",
)
@click.option("--send", is_flag=True, help="Verstuur het bericht aan de melder echt (anders alleen voorbeeld).")
@KEY_OPTION
@JSON
@pass_app
# writes with any change or with --send; `--tell-reporter` alone only previews the message (writes nothing)
@writes("status", "note", "feedback", "serious", "measures", "regulator", "acknowledged_on", "record_confirmed", "send")
def update_command(
    app: AppContext,
    case: str,
    status: str | None,
    note: str | None,
    feedback: str | None,
    serious: str | None,
    measures: tuple[str, ...],
    role: str | None,
    by: str | None,
    regulator: str | None,
    acknowledged_on: datetime | None,
    how: str | None,
    record_confirmed: datetime | None,
    tell_reporter: bool,
    send: bool,
    key_file: Path | None,
    as_json: bool,
) -> None:
    """Leg een wijziging vast; alleen --feedback telt als terugkoppeling (met --tell-reporter --send naar de melder)."""
    from toolkit.render import emit
    from toolkit.reports.manage import CaseUpdate, reporter_template, update_case

    update = CaseUpdate(
        status,
        note,
        serious,
        measures,
        None if regulator is None else regulator == "ja",
        feedback=feedback,
        acknowledged_on=acknowledged_on.date() if acknowledged_on else None,
        how=how,
        role=role,
        by=by,
        record_confirmed=record_confirmed.date() if record_confirmed else None,
    )
    if tell_reporter:
        update = replace(update, tell_reporter=reporter_template(update))
    emit(update_case(app.workspace(), case, update, send=send, key=open_key(key_file)), as_json)


@reports_group.command("reseal")
@click.argument("case", metavar="ZAAK", required=False)
@KEY_OPTION
@JSON
@pass_app
@writes()
def reseal_command(app: AppContext, case: str | None, key_file: Path | None, as_json: bool) -> None:
    """Versleutel zaken opnieuw voor wie ze nu mag lezen (betrokkene eruit, behandelaar erbij); sleutel identiteit."""
    from toolkit.cli import exit_with
    from toolkit.errors import InputError
    from toolkit.render import emit
    from toolkit.reports.reseal import reseal

    key = open_key(key_file)
    if key is None:
        raise InputError(
            "opnieuw versleutelen vraagt om een sleutel.", hint="geef je sleutelbestand met --key BESTAND."
        )
    result = reseal(app.workspace(), key, case)
    emit(result, as_json)
    exit_with(0 if result.ok else 1)


@reports_group.command("migrate")
@click.option("--write", is_flag=True, help="Zet echt om (anders alleen wat er zou gebeuren).")
@JSON
@pass_app
@writes("write")
def migrate_command(app: AppContext, write: bool, as_json: bool) -> None:
    """Zet een werkmap met wachtwoorden (oude opzet) eenmalig om naar sleutels; er gaat niets verloren."""
    from toolkit.render import emit
    from toolkit.reports.migrate import migrate

    emit(migrate(app.workspace(), write=write), as_json)


@reports_group.command("intake")
@JSON
@pass_app
@writes()
def intake_command(app: AppContext, as_json: bool) -> None:
    """Haal de meldingenpostbus binnen (zoals de nachtelijke taak): aantallen per uitkomst, die optellen.

    Elk bericht eindigt in één uitkomst: een nieuwe zaak, een aanvulling op een zaak, een niet bezorgde
    ontvangstbevestiging, of geen melding (met de reden, in een eigen map).
    """
    from toolkit.cli import exit_with
    from toolkit.errors import ExitCode
    from toolkit.render import emit
    from toolkit.reports.intake_run import run_intake

    result = run_intake(app.workspace(actor="cli"))
    emit(result, as_json)
    exit_with(0 if result.ok else ExitCode.MAIL)


@reports_group.command("new")
@click.option("--channel", required=True, type=click.Choice(["telefonisch", "gesprek", "brief", "anoniem"]))
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d", "%d-%m-%Y"]), help="Datum van gesprek of brief.")
@click.option("--text-file", required=True, type=click.File("r", encoding="utf-8"), help="De melding (- = invoer).")
@click.option("--name", help="Naam van de melder (versleuteld bewaard; niet bij anoniem).")
@click.option("--email", help="E-mailadres van de melder (versleuteld bewaard; niet bij anoniem).")
@click.option("--phone", help="Telefoonnummer van de melder (versleuteld bewaard; niet bij anoniem).")
@click.option("--reporter-kind", help="Melder is: medewerker, huurder, ... (zie meldingen.xlsx).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", help="Taal van berichten aan de melder.")
@click.option("--consent", is_flag=True, help="De melder gaf toestemming het gesprek vast te leggen (mondeling).")
@JSON
@pass_app
@writes()
def new_command(
    app: AppContext,
    channel: str,
    on: datetime | None,
    text_file: Any,
    name: str | None,
    email: str | None,
    phone: str | None,
    reporter_kind: str | None,
    lang: str,
    consent: bool,
    as_json: bool,
) -> None:
    """Leg een melding vast die niet per e-mail kwam (telefoon, gesprek, brief, anoniem); de termijnen lopen."""
    from toolkit.render import emit
    from toolkit.reports.oral import OralReport, record_new

    ws = app.workspace()
    report = OralReport(
        channel, on.date() if on else ws.today, text_file.read(), name, email, phone, reporter_kind, lang, consent
    )
    emit(record_new(ws, report), as_json)


@reports_group.command("record")
@click.argument("case", metavar="ZAAK")
@KEY_OPTION
@pass_app
def record_command(app: AppContext, case: str, key_file: Path | None) -> None:
    """Toon het verslag van een mondelinge melding, om te laten controleren en tekenen (met --key; wordt gelogd)."""
    from toolkit.render import emit
    from toolkit.reports.oral import show_record

    emit(show_record(app.workspace(), case, open_key(key_file)))


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
    from toolkit.reports.views import stats

    emit(stats(app.workspace(), period), as_json)
