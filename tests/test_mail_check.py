"""`integrity check` with a broken Exchange setup: one clear line naming the setting, exit 1, never a traceback.

The workspace's config.toml points [mail.exchange] at the loopback EWS server, using the very section that
`python -m tests.loopback.ews` prints for people to paste. The library-level tests run the Mail section of the
check on that workspace; the CLI tests run the whole command (they need the register reader to be present).
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.loopback.ews import EwsServer, toml_section
from tests.loopback.store import INBOX
from toolkit.checks import CheckSection, check_mail
from toolkit.config import load_config
from toolkit.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
SHARED = "integriteit@woonpartners.example"
PASSWORD = "juist-wachtwoord"
SECRET = "INTEGRITY_EXCHANGE_PASSWORD"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}  # a developer's own keyring stays out

needs_register_reader = pytest.mark.skipif(
    importlib.util.find_spec("toolkit.registers.reader") is None,
    reason="integrity check reads the registers; toolkit.registers.reader is not in this tree yet",
)


@pytest.fixture
def ews(tmp_path: Path) -> Iterator[EwsServer]:
    with EwsServer(tmp_path / "store", {SHARED: PASSWORD}) as server:
        server.store.create_folder(SHARED, INBOX)
        yield server


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/EWS/Exchange.asmx"


def point_at_exchange(root: Path, url: str) -> Path:
    """Switch the workspace's config to the Exchange backend, with the loopback's own [mail.exchange] section."""
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert 'backend = "folder"' in text
    text = text.replace('backend = "folder"', 'backend = "exchange"', 1)
    config.write_text(f"{text}\n{toml_section(url, SHARED)}\n", encoding="utf-8")
    return config


def mail_section(config: Path) -> CheckSection:
    ws = Workspace(load_config(config), date(2026, 11, 26))
    try:
        return check_mail(ws)
    finally:
        ws.close()


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in NO_KEYRING.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_working_exchange_passes_and_names_the_mailbox(bare_workspace: Path, ews: EwsServer, no_keyring) -> None:
    """With the right password the Mail section is in order and names endpoint and mailbox."""
    no_keyring.setenv(SECRET, PASSWORD)
    section = mail_section(point_at_exchange(bare_workspace, ews.url))
    assert section.problems == []
    assert ews.url in section.ok_line and SHARED in section.ok_line


def test_wrong_password_names_username_and_secret(bare_workspace: Path, ews: EwsServer, no_keyring) -> None:
    """A refused login (401) is one problem naming [mail.exchange] username and INTEGRITY_EXCHANGE_PASSWORD."""
    no_keyring.setenv(SECRET, "fout-wachtwoord")
    section = mail_section(point_at_exchange(bare_workspace, ews.url))
    [problem] = section.problems
    assert "[mail.exchange] username" in problem and SECRET in problem
    assert "fout-wachtwoord" not in problem


def test_unreachable_endpoint_names_the_endpoint_setting(bare_workspace: Path, no_keyring) -> None:
    """A closed port on 127.0.0.1 is one problem naming [mail.exchange] endpoint and the URL."""
    no_keyring.setenv(SECRET, PASSWORD)
    url = closed_port_url()
    [problem] = mail_section(point_at_exchange(bare_workspace, url)).problems
    assert "[mail.exchange] endpoint" in problem and url in problem


def test_missing_secret_is_listed_not_raised(bare_workspace: Path, ews: EwsServer, no_keyring) -> None:
    """Without INTEGRITY_EXCHANGE_PASSWORD (and no keyring) the check lists the missing secret and how to set it."""
    no_keyring.delenv(SECRET, raising=False)
    [problem] = mail_section(point_at_exchange(bare_workspace, ews.url)).problems
    assert SECRET in problem and "keyring set integrity-toolkit" in problem
    assert ews.operations == []  # nothing was tried without a password


# ---------------------------------------------------------------- the whole command


def run_check(run_cli, config: Path, password: str | None):
    return run_cli("--config", str(config), "check", env={**NO_KEYRING, SECRET: password})


def mail_lines(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line[2:].startswith("Mail"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return lines[start:end]


@needs_register_reader
def test_cli_wrong_password(run_cli, bare_workspace: Path, ews: EwsServer) -> None:
    """`integrity check` with a wrong password: the Mail section names the settings, exit 1, no traceback."""
    result = run_check(run_cli, point_at_exchange(bare_workspace, ews.url), "fout-wachtwoord")
    assert result.exit_code == 1
    lines = mail_lines(result.stdout)
    assert lines[0] == "✗ Mail" and "[mail.exchange] username" in lines[1] and SECRET in lines[1]
    assert "Traceback" not in result.output + result.stderr


@needs_register_reader
def test_cli_unreachable_endpoint(run_cli, bare_workspace: Path) -> None:
    """`integrity check` with nobody listening: the Mail section names [mail.exchange] endpoint, exit 1."""
    result = run_check(run_cli, point_at_exchange(bare_workspace, closed_port_url()), PASSWORD)
    assert result.exit_code == 1
    assert "[mail.exchange] endpoint" in "\n".join(mail_lines(result.stdout))
    assert "Traceback" not in result.output + result.stderr


@needs_register_reader
def test_cli_missing_secret_is_in_the_list(run_cli, bare_workspace: Path, ews: EwsServer) -> None:
    """`integrity check` without the secret lists it under Mail (exit 1) instead of stopping with exit 3."""
    result = run_check(run_cli, point_at_exchange(bare_workspace, ews.url), None)
    assert result.exit_code == 1
    assert SECRET in "\n".join(mail_lines(result.stdout))
    assert "Traceback" not in result.output + result.stderr


@needs_register_reader
def test_cli_throttling_is_waited_out_quietly(bare_workspace: Path, ews: EwsServer) -> None:
    """ErrorServerBusy during the check is waited out; exchangelib's back-off warning stays off the terminal.

    Run as a real process: inside pytest, pytest's own log handlers would hide a leak.
    """
    config = point_at_exchange(bare_workspace, ews.url)
    ews.faults.push("server_busy", count=1, operation="GetFolder", back_off_ms=100)
    env = {**os.environ, **NO_KEYRING, SECRET: PASSWORD, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "toolkit", "--config", str(config), "check"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert mail_lines(result.stdout)[0].startswith("✓ Mail: Exchange"), result.stdout
    assert ews.faults.pending() == 0
    assert result.stderr == ""
