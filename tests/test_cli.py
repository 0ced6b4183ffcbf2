"""The command line: help everywhere, light start-up, one error family turned into messages and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from toolkit.cli import COMMANDS, cli


def all_commands(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += all_commands(command, ctx, (*prefix, name))
    return found


def test_every_command_has_help(run_cli) -> None:
    """Every command and sub-command has help text and answers --help with exit 0."""
    ctx = click.Context(cli)
    commands = all_commands(cli, ctx)
    assert len(commands) >= len(COMMANDS)
    for path in commands:
        result = run_cli(*path, "--help")
        assert result.exit_code == 0, path
        assert len(result.output.strip().splitlines()) > 2, path


def test_help_does_not_import_heavy_libraries() -> None:
    """`integrity --help` leaves exchangelib, openpyxl, jinja2 and msal out of sys.modules."""
    code = (
        "import sys\nfrom toolkit.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('exchangelib', 'openpyxl', 'python_calamine', 'jinja2', 'msal') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY=\n" in out


def test_missing_config_is_a_message_not_a_traceback(run_cli, tmp_path: Path) -> None:
    """A missing config gives one Dutch line on stderr, exit 3, no traceback."""
    result = run_cli("--config", str(tmp_path / "nergens.toml"), "check")
    assert result.exit_code == 3
    assert "Fout:" in result.stderr and "Traceback" not in result.stderr
    assert "nergens.toml" in result.stderr


def test_bad_as_of_is_a_usage_error(run_cli) -> None:
    """--as-of with a non-date is a usage error (exit 2) that shows the expected form."""
    result = run_cli("--as-of", "morgen", "check")
    assert result.exit_code == 2
    assert "JJJJ-MM-DD" in result.stderr


@pytest.mark.parametrize("argv", [["-m", "toolkit", "--version"]])
def test_python_dash_m_works(argv: list[str]) -> None:
    """`python -m toolkit` runs the same command."""
    out = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=True).stdout
    assert "integrity" in out
