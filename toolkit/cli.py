"""The `integrity` command: a thin click layer over the library. Commands live in toolkit/commands/, loaded lazily."""

from __future__ import annotations

import errno
import functools
import importlib
import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from toolkit import __version__, cli_text
from toolkit.errors import ExitCode, ToolkitError
from toolkit.files import private_umask

cli_text.install()  # before the decorators below: click reads some of its texts (--version's help) at definition

if TYPE_CHECKING:
    from toolkit.runlock import RunLock
    from toolkit.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])
RESOURCE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM)

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
    "interests": "toolkit.commands.interests:interests_group",
    "dilemmas": "toolkit.commands.dilemmas:dilemmas_group",
    "housing": "toolkit.commands.housing:housing_group",
    "raffle": "toolkit.commands.raffle:raffle_group",
    "board": "toolkit.commands.board:board_command",
}


class UserFacingError(click.ClickException):
    """A ToolkitError (or a bug) as click shows it: one Dutch message on stderr and our exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares a class default; ours is per error

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
            fault = _resource_fault(ctx, exc)
            if fault is not None:
                raise UserFacingError(str(fault), int(fault.exit_code)) from None
            log = _log_internal_error(ctx, exc)
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
        command: click.Command = getattr(importlib.import_module(module), attr)
        _dress(command, name)
        return command


def _dress(command: click.Command, path: str) -> None:
    """Dutch usage line and metavars, an uncut first line in listings, and the example from cli_text.EXAMPLES.

    Done here, once per command (and its sub-commands), so the command modules stay plain click.
    """
    if getattr(command, "_dressed", False):
        return
    command._dressed = True  # type: ignore[attr-defined]
    command.options_metavar = cli_text.OPTIONS_METAVAR
    if command.help and command.short_help is None:  # else click cuts the listing's line with "..."
        command.short_help = " ".join(inspect.cleandoc(command.help).split("\n\n", 1)[0].split())
    for param in command.params:
        if param.metavar is not None:
            continue
        if isinstance(param, click.Argument):
            param.metavar = cli_text.ARGUMENT_METAVARS.get(param.name or "")
        elif not getattr(param, "is_flag", False) and not getattr(param, "count", False):
            param.metavar = cli_text.TYPE_METAVARS.get(param.type.name)
    examples = cli_text.EXAMPLES.get(path)
    if examples and command.help is not None:
        block = "\n".join(f"  {line}" for line in examples)
        title = "Voorbeeld" if len(examples) == 1 else "Voorbeelden"
        command.help = f"{inspect.cleandoc(command.help)}\n\n\b\n{title}:\n{block}"
    if isinstance(command, click.Group):
        command.subcommand_metavar = cli_text.SUBCOMMAND_METAVAR
        for name, sub in command.commands.items():
            _dress(sub, f"{path} {name}")


@dataclass
class AppContext:
    """What every command needs: built from the global options; the workspace is opened on first use."""

    config_option: str | None
    as_of: date | None
    debug: bool
    verbose: int = 0
    quiet: bool = False
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

    @contextmanager
    def run_lock(self, command: str) -> Iterator[RunLock]:
        """Hold the workspace's run lock (one run at a time) while the body runs; see `writes`."""
        from toolkit.runlock import workspace_lock

        with workspace_lock(self.workspace().config, command) as lock:
            if lock.took_over_from is not None:
                click.echo(
                    f"Let op: de vergrendeling van een gestopte run ({lock.took_over_from.describe()}) is overgenomen.",
                    err=True,
                )
            yield lock


def writes(*flags: str, unless: str | None = None) -> Callable[[F], F]:
    """Declare that a command writes or sends: it then holds the workspace's run lock while it runs.

    `@writes()` — always (nightly); `@writes("send")` — only when --send is given; `@writes(unless="dry_run")` —
    except with --dry-run. Place it directly above the function, below `@pass_app`. Without its writing flag
    a command takes no lock (a preview writes nothing, so it needs none). Another run holding the lock longer
    than `[run] lock_wait_seconds` makes this one stop with exit code 7, naming that run.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(app: AppContext, *args: Any, **kwargs: Any) -> Any:
            needed = not flags or any(kwargs.get(flag) for flag in flags)
            if unless is not None and kwargs.get(unless):
                needed = False
            if not needed:
                return func(app, *args, **kwargs)
            with app.run_lock(click.get_current_context().command_path):
                return func(app, *args, **kwargs)

        wrapper.writes = (flags, unless)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


pass_app = click.make_pass_decorator(AppContext)


AS_OF_FORM = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4})$")


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A date option: JJJJ-MM-DD or DD-MM-JJJJ (the form the registers use); nothing else, so no date is read the
    wrong way round. Use as `callback=parse_day` with `metavar="DATUM"`."""
    if value is None:
        return None
    from toolkit.values import parse_date

    forms = "gebruik JJJJ-MM-DD of DD-MM-JJJJ, bijvoorbeeld 2027-01-15 of 15-01-2027"
    text = value.strip()
    if not AS_OF_FORM.match(text):
        raise click.BadParameter(f"'{value}' is geen datum; {forms}.")
    try:
        return parse_date(text)
    except ValueError as exc:
        raise click.BadParameter(f"'{value}': {exc}; {forms}.") from None


@click.group(
    "integrity",
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    options_metavar=cli_text.OPTIONS_METAVAR,
    subcommand_metavar=cli_text.SUBCOMMAND_METAVAR,
)
@click.option(
    "--config",
    "config_option",
    metavar="PAD",
    envvar="INTEGRITY_CONFIG",
    help="config.toml van de werkmap (standaard ./config.toml; ook via INTEGRITY_CONFIG).",
)
@click.option(
    "--as-of",
    metavar="DATUM",
    callback=parse_day,
    help="Rekenen alsof het deze datum is (vooruitkijken): JJJJ-MM-DD of DD-MM-JJJJ.",
)
@click.option("--debug", is_flag=True, help="Toon bij een fout de volledige traceback.")
@click.option("-v", "--verbose", count=True, help="Meer uitvoer (herhaal voor nog meer).")
@click.option("-q", "--quiet", is_flag=True, help="Alleen fouten tonen; de exitcode zegt of alles in orde is.")
@click.version_option(__version__, "--version", prog_name="integrity")
@click.pass_context
def cli(
    ctx: click.Context, config_option: str | None, as_of: date | None, debug: bool, verbose: int, quiet: bool
) -> None:
    """Integriteitscode van Woonpartners: registers, mailings en meldingen.

    Begin met 'integrity init MAP --demo' en 'integrity check'. Zie README.md voor wie wat doet.

    \b
    Voorbeelden:
      integrity init werkmap --demo
      integrity --config werkmap/config.toml check
      integrity --as-of 15-01-2027 check
    """
    ctx.obj = AppContext(config_option, as_of, debug, verbose, quiet)
    ctx.with_resource(private_umask())  # all the toolkit creates is 0600/0700 (toolkit/files.py)
    _keep_library_logs_off_the_terminal()
    ctx.call_on_close(lambda: ctx.obj._workspace and ctx.obj._workspace.close())


def main(argv: list[str] | None = None) -> None:
    """Entry point for the console script and `python -m toolkit`."""
    from toolkit.collector import fewer_collections
    from toolkit.render import console_safe

    console_safe()
    with fewer_collections():
        cli.main(args=argv, prog_name="integrity")


def _keep_library_logs_off_the_terminal() -> None:
    """exchangelib logs its back-off waits as warnings; without a handler Python prints them on stderr.

    A NullHandler stops that; the records still propagate to whatever log handlers are configured (log files).
    """
    import logging

    library = logging.getLogger("exchangelib")
    if not any(isinstance(handler, logging.NullHandler) for handler in library.handlers):
        library.addHandler(logging.NullHandler())


def _log_internal_error(ctx: click.Context, exc: BaseException) -> Path:
    """Append the traceback to the workspace's own log (`.integrity/logs/`), else the user's state folder; 0600."""
    import traceback
    from datetime import UTC, datetime

    from toolkit.files import PRIVATE_FILE, private_dir

    folder = _log_folder(ctx)
    path = folder / "internal-errors.log"
    try:
        private_dir(folder)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')} integrity {__version__}\n")
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass
    return path


def _log_folder(ctx: click.Context) -> Path:
    app = ctx.obj if isinstance(ctx.obj, AppContext) else None
    try:
        if app is not None:
            return app.workspace().logs_dir
    except Exception:  # noqa: BLE001 - no readable workspace: fall back to the user's own folder
        pass
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = os.environ["LOCALAPPDATA"]
    return Path(base) / "integrity" / "logs"


def _resource_fault(ctx: click.Context, exc: BaseException) -> ToolkitError | None:
    """A disk fault (full, read-only, no permission, missing) as one Dutch sentence naming the file, else None."""
    import sqlite3

    from toolkit.files import resource_error

    if isinstance(exc, OSError) and exc.errno in RESOURCE_ERRNOS:
        name = exc.filename or "een bestand van de toolkit"
        return resource_error(Path(name), exc)
    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        app = ctx.obj if isinstance(ctx.obj, AppContext) else None
        if app is not None and app._workspace is not None:
            return resource_error(app._workspace.config.state_dir / "state.sqlite", exc)
    return None


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.obj and getattr(ctx.obj, "debug", False)) or "--debug" in sys.argv[1:]


def exit_with(code: int) -> Any:
    """Leave a command with this exit code (click's way, so CliRunner sees it)."""
    raise click.exceptions.Exit(code)
