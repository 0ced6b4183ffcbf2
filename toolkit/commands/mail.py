"""integrity mail preview TYPE"""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli import AppContext, pass_app


@click.group("mail")
def mail_group() -> None:
    """Mailsjablonen bekijken."""


@mail_group.command("preview")
@click.argument("kind", metavar="TYPE")
@click.option(
    "--to", "to", metavar="ADRES", default="voorbeeld@woonpartners.example", help="Ontvanger in het voorbeeld."
)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="Taal van het bericht.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Schrijf het bericht als .eml-bestand.")
@pass_app
def preview_command(app: AppContext, kind: str, to: str, lang: str, out: Path | None) -> None:
    """Toon één bericht van soort TYPE, gevuld met voorbeeldgegevens (er wordt niets verstuurd)."""
    from toolkit.errors import InputError
    from toolkit.mail.message import OutgoingMail, build_message

    ws = app.workspace()
    if kind not in ws.templates.types():
        raise InputError(f"onbekende soort bericht '{kind}'.", hint=f"kies uit: {', '.join(ws.templates.types())}.")
    rendered = ws.templates.render(kind, ws.templates.sample(kind), lang)
    mail = OutgoingMail(f"preview:{kind}:{to}", "preview", (to,), rendered.subject, rendered.text, rendered.html)
    message = build_message(mail, ws.config.mail.sender, ws.config.mail.sender_name)
    if out:
        out.write_bytes(message.as_bytes())
        click.echo(f"Voorbeeld geschreven naar {out} (niets verstuurd).")
        return
    click.echo(f"Onderwerp: {rendered.subject}\nAan: {to}\n")
    click.echo(rendered.text)
