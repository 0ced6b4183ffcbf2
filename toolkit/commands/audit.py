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
@pass_app
def verify_command(app: AppContext) -> None:
    """Controleer dat het logboek niet is gewijzigd, ingekort of verschoven (exitcode 1 als wel)."""
    from toolkit.render import emit

    verdict = app.workspace().audit.verify()
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
        details = " ".join(f"{k}={v}" for k, v in event.get("details", {}).items())
        when = _local(event["ts"], zone)
        click.echo(
            f"{event['seq']:>5} {when} {event['actor']:<10} {event['action']:<22} {event.get('target', '')} {details}".rstrip()
        )


def _local(timestamp: str, zone: ZoneInfo) -> str:
    """An ISO timestamp of the trail as people read it: dd-mm-jjjj uu:mm:ss in the organisation's zone."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    return (moment.astimezone(zone) if moment.tzinfo else moment).strftime("%d-%m-%Y %H:%M:%S")
