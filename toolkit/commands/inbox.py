"""integrity inbox process | unmatched"""

from __future__ import annotations

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes


@click.group("inbox")
def inbox_group() -> None:
    """Gedeelde mailbox: antwoorden van leveranciers, onbestelbare mail, machinerapporten en afwezigheidsberichten
    sorteren; wat leest als een melding gaat naar de meldingen."""


@inbox_group.command("process")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
@writes()
def process_command(app: AppContext, as_json: bool) -> None:
    """Sorteer de nieuwe post in de gedeelde mailbox en verwerk wat herkend wordt."""
    from toolkit.errors import ExitCode
    from toolkit.inbox.shared import inbox_summary, process_inbox
    from toolkit.render import emit

    ws = app.workspace(actor="cli")
    summary = inbox_summary(process_inbox(ws))
    emit(summary, as_json)
    exit_with(0 if summary.ok else ExitCode.MAIL)  # a mail that could not be sent: 6, as in every command


@inbox_group.command("unmatched")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def unmatched_command(app: AppContext, as_json: bool) -> None:
    """Berichten die in de gedeelde mailbox op een mens wachten (afzender, datum, onderwerp)."""
    from toolkit.inbox.shared import waiting_for_a_person
    from toolkit.render import emit

    emit(waiting_for_a_person(app.workspace(actor="cli")), as_json)
