"""integrity init DIR [--demo]"""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli import AppContext, pass_app


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--demo", is_flag=True, help="Vul de registers en de postbus met fictieve voorbeeldgegevens.")
@pass_app
def init_command(app: AppContext, directory: Path, demo: bool) -> None:
    """Maak een nieuwe werkmap: config, registers, sjablonen, mailmappen en status.

    Weigert een map die al een werkmap bevat (er verandert dan niets).
    """
    from toolkit.init import create_workspace
    from toolkit.render import emit

    emit(create_workspace(directory, demo=demo, today=app.today))
