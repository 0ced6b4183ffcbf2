"""integrity audit verify | show"""

from __future__ import annotations

import json
from datetime import date

import click

from toolkit.cli import AppContext, exit_with, pass_app


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
@click.option("--since", metavar="JJJJ-MM-DD", help="Alleen gebeurtenissen vanaf deze datum.")
@click.option("--json", "as_json", is_flag=True, help="Eén JSON-object per regel.")
@pass_app
def show_command(app: AppContext, since: str | None, as_json: bool) -> None:
    """Toon de gebeurtenissen in het logboek."""
    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        raise click.BadParameter(f"'{since}' is geen datum; gebruik JJJJ-MM-DD.", param_hint="--since") from None
    for event in app.workspace().audit.events(start):
        if as_json:
            click.echo(json.dumps(event, ensure_ascii=False))
            continue
        details = " ".join(f"{k}={v}" for k, v in event.get("details", {}).items())
        click.echo(
            f"{event['seq']:>5} {event['ts']} {event['actor']:<10} {event['action']:<22} {event.get('target', '')} {details}".rstrip()
        )
