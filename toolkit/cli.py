"""The `integrity` command: a thin click layer over the library. Commands live in toolkit/commands/, loaded lazily."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from toolkit import __version__
from toolkit.errors import ExitCode, ToolkitError

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

COMMANDS = {
    "init": "toolkit.commands.init:init_command",
    "check": "toolkit.commands.check:check_command",
    "nightly": "toolkit.commands.nightly:nightly_command",
    "audit": "toolkit.commands.audit:audit_group",
    "mail": "toolkit.commands.mail:mail_group",
    "suppliers": "toolkit.commands.suppliers:suppliers_group",
    "onboarding": "toolkit.commands.onboarding:onboarding_group",
    "monthly": "toolkit.commands.jobs:monthly_command",
    "scheduler": "toolkit.commands.jobs:scheduler_command",
    "reports": "toolkit.commands.reports:reports_group",
    "keys": "toolkit.commands.keys:keys_group",
    "inbox": "toolkit.commands.inbox:inbox_group",
    "sidejobs": "toolkit.commands.sidejobs:sidejobs_group",
    "gifts": "toolkit.commands.gifts:gifts_group",
    "raffle": "toolkit.commands.raffle:raffle_group",
}


class UserFacingError(click.ClickException):
    """A ToolkitError (or a bug) as click shows it: one Dutch message on stderr and our exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"Fout: {self.format_message()}", err=True, file=file)


class LazyGroup(click.Group):
    """Imports a command's module only when that command is used (or listed in --help).

    It is also the one place where a ToolkitError becomes a message and an exit code (no traceback unless --debug).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            if _debugging(ctx):
                raise
            raise UserFacingError(str(exc), int(exc.exit_code)) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(ExitCode.FINDINGS) from None
        except Exception as exc:
            if _debugging(ctx):
                raise
            log = _log_internal_error(exc)
            raise UserFacingError(
                f"interne fout {type(exc).__name__}: {exc}\nDit is een fout in de toolkit; details in {log}. "
                "Draai opnieuw met --debug voor de traceback.",
                ExitCode.INTERNAL,
            ) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)


@dataclass
class AppContext:
    """What every command needs: built from the global options; the workspace is opened on first use."""

    config_option: str | None
    as_of: date | None
    debug: bool
    verbose: int = 0
    _workspace: Workspace | None = field(default=None, repr=False)

    def workspace(self, actor: str = "cli") -> Workspace:
        if self._workspace is None:
            from toolkit.config import load_config, locate_config
            from toolkit.workspace import Workspace

            config = load_config(locate_config(self.config_option))
            self._workspace = Workspace(config, self.as_of or date.today(), actor=actor)
        return self._workspace

    @property
    def today(self) -> date:
        return self.as_of or date.today()


pass_app = click.make_pass_decorator(AppContext)


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is geen datum; gebruik JJJJ-MM-DD, bijvoorbeeld 2026-12-01.") from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_option",
    metavar="PATH",
    envvar="INTEGRITY_CONFIG",
    help="config.toml van de werkmap (standaard ./config.toml; ook via INTEGRITY_CONFIG).",
)
@click.option(
    "--as-of", metavar="JJJJ-MM-DD", callback=_parse_as_of, help="Rekenen alsof het deze datum is (vooruitkijken)."
)
@click.option("--debug", is_flag=True, help="Toon bij een fout de volledige traceback.")
@click.option("-v", "--verbose", count=True, help="Meer uitvoer (herhaal voor nog meer).")
@click.version_option(__version__, prog_name="integrity")
@click.pass_context
def cli(ctx: click.Context, config_option: str | None, as_of: date | None, debug: bool, verbose: int) -> None:
    """Integriteitscode van Woonpartners: registers, mailings en meldingen.

    Begin met 'integrity init MAP --demo' en 'integrity check'. Zie README.md voor wie wat doet.
    """
    ctx.obj = AppContext(config_option, as_of, debug, verbose)
    _keep_library_logs_off_the_terminal()
    ctx.call_on_close(lambda: ctx.obj._workspace and ctx.obj._workspace.close())


def main(argv: list[str] | None = None) -> None:
    """Entry point for the console script and `python -m toolkit`."""
    cli.main(args=argv, prog_name="integrity")


def _keep_library_logs_off_the_terminal() -> None:
    """exchangelib logs its back-off waits as warnings; without a handler Python prints them on stderr.

    A NullHandler stops that; the records still propagate to whatever log handlers are configured (log files).
    """
    import logging

    library = logging.getLogger("exchangelib")
    if not any(isinstance(handler, logging.NullHandler) for handler in library.handlers):
        library.addHandler(logging.NullHandler())


def _log_internal_error(exc: BaseException) -> Path:
    import tempfile
    import traceback

    path = Path(tempfile.gettempdir()) / "integrity-error.log"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass
    return path


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.obj and getattr(ctx.obj, "debug", False)) or "--debug" in sys.argv[1:]


def exit_with(code: int) -> Any:
    """Leave a command with this exit code (click's way, so CliRunner sees it)."""
    raise click.exceptions.Exit(code)
