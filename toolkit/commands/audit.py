"""integrity audit verify | show"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from toolkit.cli import AppContext, exit_with, parse_day, pass_app

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


@click.group("audit")
def audit_group() -> None:
    """Het logboek (audit trail): controleren en bekijken."""


@audit_group.command("verify")
@click.option(
    "--witness",
    "witnesses",
    multiple=True,
    metavar="N:SHA256",
    help="Een kop uit een mail aan de integriteitsfunctionaris (onderaan de mail): die regel moet er nog staan.",
)
@pass_app
def verify_command(app: AppContext, witnesses: tuple[str, ...]) -> None:
    """Controleer dat het logboek niet is gewijzigd, ingekort of verschoven (exitcode 1 als wel).

    Met --witness ook tegen de kop die onderaan een mail aan de integriteitsfunctionaris staat.
    """
    from toolkit.audit_witness import parse
    from toolkit.render import emit

    heads = []
    for text in witnesses:
        head = parse(text)
        if head is None:
            raise click.BadParameter(f"'{text}' is geen kop; gebruik N:SHA256 zoals onderaan de mail.")
        heads.append(head)
    trail = app.workspace().audit
    verdict = trail.check_witnesses(trail.verify(), heads)
    emit(verdict)
    exit_with(0 if verdict.ok else 1)


@audit_group.command("show")
@click.option(
    "--since",
    metavar="DATUM",
    callback=parse_day,
    help="Alleen gebeurtenissen vanaf deze datum (DD-MM-JJJJ of JJJJ-MM-DD).",
)
@click.option("--json", "as_json", is_flag=True, help="Eén JSON-object per regel (tijden in ISO 8601).")
@pass_app
def show_command(app: AppContext, since: date | None, as_json: bool) -> None:
    """Toon de gebeurtenissen in het logboek (tijden in de tijdzone van de organisatie)."""
    from zoneinfo import ZoneInfo

    ws = app.workspace()
    zone = ZoneInfo(ws.config.organisation.timezone)
    for event in ws.audit.events(since):
        if as_json:
            click.echo(json.dumps(event, ensure_ascii=False))
            continue
        details = " ".join(f"{k}={_day(v)}" for k, v in event.get("details", {}).items())
        when = _local(event["ts"], zone)
        click.echo(
            f"{event['seq']:>5} {when} {event['actor']:<10} {event['action']:<22} {event.get('target', '')} {details}".rstrip()
        )


def _day(value: object) -> object:
    """A detail that is a date (2026-03-12, as the trail stores it) as people read it: 12-03-2026."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d-%m-%Y")
        except ValueError:
            return value
    return value


def _local(timestamp: str, zone: ZoneInfo) -> str:
    """An ISO timestamp of the trail as people read it: dd-mm-jjjj uu:mm:ss in the organisation's zone."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    return (moment.astimezone(zone) if moment.tzinfo else moment).strftime("%d-%m-%Y %H:%M:%S")
