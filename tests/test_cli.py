"""The command line: help everywhere, light start-up, one error family turned into messages and exit codes."""

from __future__ import annotations

import shlex
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


# click's English, as it would show if the Dutch catalogue were not installed
ENGLISH = ("Usage:", "Options:", "Commands:", "Error:", "Show this message", "Show the version", "Missing", "Invalid value",
           "Try '", "[OPTIONS]", "COMMAND", "[ARGS]", "DIRECTORY", " TEXT", " INTEGER", " PATH")  # fmt: skip


def assert_dutch_only(text: str) -> None:
    found = [word for word in ENGLISH if word in text]
    assert not found, f"English in the CLI's output: {found}\n{text}"


def test_bad_as_of_missing_argument_and_help_are_dutch(run_cli) -> None:
    """A bad --as-of, a missing argument and --help (top level and a command) show Dutch only."""
    bad = run_cli("--as-of", "31-02-2027", "check")
    assert bad.exit_code == 2
    assert "Fout: Ongeldige waarde voor '--as-of'" in bad.stderr and "DD-MM-JJJJ" in bad.stderr
    missing = run_cli("init")
    assert missing.exit_code == 2
    assert "Ontbrekend argument 'MAP'" in missing.stderr and "Gebruik: integrity init" in missing.stderr
    for result in (bad, missing, run_cli("--help"), run_cli("init", "--help"), run_cli("nightly", "--help")):
        assert_dutch_only(result.output + result.stderr)
    assert "Gebruik:" in run_cli("--help").output and "Toon deze hulp en stop." in run_cli("--help").output
    assert "..." not in run_cli("--help").output.split("Opdrachten:")[-1]  # no listing line cut off


def test_as_of_in_the_day_first_form_runs_check(run_cli, tmp_path: Path) -> None:
    """`integrity --as-of 15-01-2027 check` runs the check on a workspace (exit 0, its sections shown)."""
    run_cli("init", str(tmp_path / "ws"))
    result = run_cli("--config", str(tmp_path / "ws" / "config.toml"), "--as-of", "15-01-2027", "check")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Registers" in result.output and "Fout" not in result.stderr


def test_shell_completion_as_the_readme_documents_it() -> None:
    """The README's `_INTEGRITY_COMPLETE=bash_source integrity` prints a bash completion script, and completing
    'integrity rep' offers 'reports'."""
    import os

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_INTEGRITY_COMPLETE=bash_source integrity)"' in readme
    command = [sys.executable, "-c", "from toolkit.cli import main; main()"]
    source = subprocess.run(command, env={**os.environ, "_INTEGRITY_COMPLETE": "bash_source"}, capture_output=True)
    assert b"complete " in source.stdout and b"_integrity_completion" in source.stdout
    env = {**os.environ, "_INTEGRITY_COMPLETE": "bash_complete", "COMP_WORDS": "integrity rep", "COMP_CWORD": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert "plain,reports" in done.stdout.splitlines()


def test_every_help_is_dutch_uncut_and_has_an_example(run_cli) -> None:
    """Every command's --help is free of click's English, shows an example, and no listing line is cut with '...'."""
    ctx = click.Context(cli)
    for path in all_commands(cli, ctx):
        result = run_cli(*path, "--help")
        assert_dutch_only(result.output)
        command = cli
        for name in path:
            command = command.get_command(ctx, name)
        if not isinstance(command, click.Group):
            assert "Voorbeeld" in result.output, path
        if isinstance(command, click.Group):
            assert "..." not in result.output.split("Opdrachten:")[-1], path


def test_examples_name_real_commands() -> None:
    """Every example in cli_text.EXAMPLES belongs to a command that exists, names its words, and uses only options
    that command (or the top level) has."""
    from toolkit.cli_text import EXAMPLES

    ctx = click.Context(cli)
    leaves = {" ".join(path) for path in all_commands(cli, ctx)}
    assert set(EXAMPLES) <= leaves
    for path, lines in EXAMPLES.items():
        command: click.Command = cli
        for name in path.split():
            command = command.get_command(ctx, name)  # type: ignore[attr-defined]
        known = {opt for param in [*cli.params, *command.params] for opt in getattr(param, "opts", [])}
        for line in lines:
            words = [w for w in line.split()[1:] if not w.startswith("-")]
            assert " ".join(path.split()) in " ".join(words), (path, line)
            unknown = [w for w in shlex.split(line, posix=False) if w.startswith("-") and w not in known | {"-h"}]
            assert not unknown, f"example {line!r} uses options {path} does not have: {unknown}"


def test_dutch_catalogue_matches_clicks_own_texts() -> None:
    """Every text the catalogue translates still occurs in click's source, so a click upgrade cannot silently undo it."""
    import ast

    from toolkit.cli_text import MESSAGES, PLURALS

    source_strings: set[str] = set()
    for module in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                source_strings.add(node.value)
    missing = [msgid for msgid in MESSAGES if msgid not in source_strings]
    missing += [msgid for pair in PLURALS for msgid in pair if msgid not in source_strings]
    assert not missing, f"no longer in click: {missing}"


@pytest.mark.parametrize(("given", "expected"), [("15-01-2027", "2026-12-16"), ("2027-01-15", "2026-12-16")])
def test_as_of_accepts_both_date_forms(run_cli, tmp_path: Path, given: str, expected: str) -> None:
    """--as-of takes JJJJ-MM-DD and DD-MM-JJJJ as the same day (init writes send_from = that day minus 30 days)."""
    result = run_cli("--as-of", given, "init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.stderr
    assert f'send_from = "{expected}"' in (tmp_path / "ws" / "config.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("given", ["01-15-2027", "15/01/2027", "15 jan 2027", "morgen"])
def test_as_of_refuses_other_forms(run_cli, given: str) -> None:
    """--as-of refuses forms that could be read the wrong way round or are no date (exit 2)."""
    assert run_cli("--as-of", given, "check").exit_code == 2


def test_quiet_prints_nothing_when_all_is_well(run_cli, tmp_path: Path) -> None:
    """`integrity -q check` on a clean workspace (real addresses, the reports' keys) prints nothing and exits 0;
    without -q it prints its sections."""
    from tests.reports_helpers import give_keys

    run_cli("init", str(tmp_path / "ws"))
    path = tmp_path / "ws" / "config.toml"  # real addresses: the shipped example addresses are a finding
    path.write_text(path.read_text(encoding="utf-8").replace("woonpartners.example", "woonpartners.nl"), "utf-8")
    give_keys(tmp_path / "ws", "integriteit@woonpartners.nl", "vertrouwenspersoon@woonpartners.nl")
    give_keys(tmp_path / "ws", "voorzitter.rvc@woonpartners.nl", "directeur@woonpartners.nl")
    give_keys(tmp_path / "ws", "klachten@woonpartners.nl")  # each route address's holder has a key
    config = str(path)
    quiet = run_cli("--quiet", "--config", config, "check")
    assert quiet.exit_code == 0 and quiet.output == ""
    assert "Alles in orde" in run_cli("--config", config, "check").output
