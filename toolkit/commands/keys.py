"""integrity keys new | list"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.cli import AppContext, pass_app

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey


@click.group("keys")
def keys_group() -> None:
    """Persoonlijke sleutels voor de integriteitsmeldingen (alleen wie een sleutel heeft, leest mee)."""


@keys_group.command("new")
@click.argument("email", metavar="E-MAIL")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Bestand voor de geheime sleutel.",
)
@click.option("--replace", is_flag=True, help="Vervang de publieke sleutel die er al is (daarna: reports reseal).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@pass_app
def new_command(app: AppContext, email: str, out: Path, replace: bool, as_json: bool) -> None:
    """Maak een sleutelpaar: geheime sleutel naar --out (met wachtzin), publieke sleutel in de werkmap (keys/)."""
    from toolkit.keys import new_key, passphrase_from_environment
    from toolkit.render import emit

    passphrase = passphrase_from_environment() or click.prompt(
        "Wachtzin voor de nieuwe sleutel", hide_input=True, confirmation_prompt=True, err=True
    )
    emit(new_key(app.workspace(), email, out, passphrase, replace=replace), as_json)


def open_key(path: Path | None) -> PrivateKey | None:
    """The private key from --key FILE: passphrase from INTEGRITY_KEY_PASSPHRASE or asked for; None without --key."""
    if path is None:
        return None
    from toolkit.keys import load_private_key, passphrase_from_environment

    passphrase = passphrase_from_environment() or click.prompt(f"Wachtzin voor {path.name}", hide_input=True, err=True)
    return load_private_key(path, passphrase)


KEY_OPTION = click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Je sleutelbestand (van 'integrity keys new'); de wachtzin wordt gevraagd of uit INTEGRITY_KEY_PASSPHRASE.",
)
