"""One date style for people: every command's text output writes dates as dd-mm-jjjj (months written out); JSON keeps
ISO 8601 for scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

# an ISO date or month standing on its own: not inside a case number (M-2026-0001), nor a stored reference that
# `audit show` prints verbatim as key=value (ref=2027-01 is the monthly digest's key, not a date for reading; so is
# agenda:mt:2027-01), nor the --as-of of a command line a preview suggests to run next (the command takes both forms)
ISO = re.compile(r"(?<![\w=:-])(?<!--as-of )\d{4}-\d{2}(?:-\d{2})?(?![\w-])")
COMMANDS = [
    ("check",),
    ("nightly",),
    ("monthly",),
    ("onboarding", "status"),
    ("onboarding", "send"),
    ("suppliers", "status"),
    ("sidejobs", "review"),
    ("gifts", "check"),
    ("reports", "list"),
    ("reports", "deadlines"),
    ("reports", "show", "M-2026-0001", "--key", "demo-sleutels/integriteit.key"),
    ("audit", "show"),
    ("audit", "verify"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from toolkit.cli import cli

    root = tmp_path_factory.mktemp("dates") / "demo"
    result = CliRunner().invoke(cli, ["--as-of", "2026-11-26", "init", str(root), "--demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    config = ["--config", str(root / "config.toml"), "--as-of", "2026-11-27"]
    result = CliRunner().invoke(cli, [*config, "nightly"], catch_exceptions=False)  # the demo's reports become cases
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_text_output_writes_dates_as_day_month_year(demo: Path, run_cli, command: tuple[str, ...]) -> None:
    """The command's text output (stdout and stderr) holds no ISO date or month; the dates it shows are dd-mm-jjjj."""
    args = ["--config", str(demo / "config.toml"), "--as-of", "15-01-2027", *command]
    if "--key" in command:
        args[args.index("--key") + 1] = str(demo / "demo-sleutels" / "integriteit.key")
    result = run_cli(*args, env={"INTEGRITY_KEY_PASSPHRASE": "demo-sleutel-fictief"})
    shown = result.output + result.stderr
    assert not ISO.findall(shown), shown
    assert result.exit_code in (0, 1), shown


def test_dates_people_read_and_json_for_scripts(demo: Path, run_cli) -> None:
    """reports show and reports list print dd-mm-jjjj; monthly writes the month out; the JSON of reports list keeps
    ISO."""
    config = ["--config", str(demo / "config.toml"), "--as-of", "15-01-2027"]
    key = str(demo / "demo-sleutels" / "integriteit.key")
    env = {"INTEGRITY_KEY_PASSPHRASE": "demo-sleutel-fictief"}
    shown = run_cli(*config, "reports", "show", "M-2026-0001", "--key", key, env=env).output
    assert "Ontvangen 27-11-2026; bevestigd 27-11-2026; terugkoppeling uiterlijk 27-02-2027" in shown, shown
    assert "  M-2026-0001  27-11-2026  " in run_cli(*config, "reports", "list").output
    assert "Maandoverzicht januari 2027" in run_cli(*config, "monthly").output
    listed = json.loads(run_cli(*config, "reports", "list", "--json").output)
    assert "2026-11-27" in json.dumps(listed)
