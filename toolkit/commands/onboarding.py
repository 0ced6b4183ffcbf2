"""integrity onboarding send [--send] | status [--json]"""

from __future__ import annotations

import shlex
import sys

import click

from toolkit.cli import AppContext, exit_with, pass_app, writes


@click.group("onboarding")
def onboarding_group() -> None:
    """Nieuwe medewerkers: integriteitscode sturen en zien wie achterloopt."""


@onboarding_group.command("send")
@click.option("--send", "really_send", is_flag=True, help="Echt versturen (zonder: alleen een voorbeeld).")
@pass_app
@writes("really_send")
def send_command(app: AppContext, really_send: bool) -> None:
    """Stuur nieuwe medewerkers de integriteitscode en de manager M&O één overzicht.

    Zonder --send: een voorbeeld (aantal, het eerste bericht, het overzicht); er wordt niets verstuurd.
    """
    from toolkit.errors import ExitCode
    from toolkit.onboarding.service import plan_welcome, send_welcome
    from toolkit.render import emit

    ws = app.workspace()
    plan = plan_welcome(ws)
    if not really_send:
        emit(send_welcome(ws, plan, send=False))
        if plan.to_send:
            click.echo(f"\nEcht versturen: {send_hint(app)}")
        return
    if plan.due:
        with click.progressbar(length=len(plan.due), label="Versturen", file=sys.stderr) as bar:
            result = send_welcome(ws, plan, send=True, progress=bar.update)
    else:
        result = send_welcome(ws, plan, send=True)
    emit(result)
    exit_with(0 if result.ok else ExitCode.MAIL)


def send_hint(app: AppContext) -> str:
    """The exact command that really sends, with the same --config and --as-of."""
    parts = ["integrity"]
    if app.config_option:
        parts += ["--config", app.config_option]
    if app.as_of:
        parts += ["--as-of", app.as_of.isoformat()]
    return shlex.join([*parts, "onboarding", "send", "--send"])


@onboarding_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def status_command(app: AppContext, as_json: bool) -> None:
    """Toon nieuwe medewerkers zonder gesprek met M&O of zonder bevestiging van ontvangst."""
    from toolkit.onboarding.service import onboarding_status
    from toolkit.render import emit

    emit(onboarding_status(app.workspace()), as_json)
