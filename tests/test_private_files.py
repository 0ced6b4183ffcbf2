"""Least privilege on disk: what the toolkit creates is 0600 (folders 0700); the internal-error log is the workspace's own."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import click

from toolkit.cli import AppContext, _log_internal_error, cli

REPO = Path(__file__).resolve().parent.parent
DAY = "2026-11-26"
SECRETS = {"INTEGRITY_REPORTS_PASSWORD": "demo-meldingen", "INTEGRITY_IDENTITY_PASSWORD": "demo-identiteit"}


def integrity(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process started with the usual umask 022, as cron or a shell would."""
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; os.umask(0o022); from toolkit.cli import main; main(sys.argv[1:])",
            *args,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}


def test_state_trail_backups_archives_logs_and_outbox_are_private(tmp_path: Path, audit_anchor_dir: Path) -> None:
    """After init and a nightly (umask 022): every file under .integrity and mail/outbox is 0600, every folder 0700."""
    root = tmp_path / "ws"
    assert integrity("--as-of", DAY, "init", str(root), "--demo").returncode == 0
    night = integrity("--config", str(root / "config.toml"), "--as-of", DAY, "nightly")
    assert night.returncode == 0, night.stderr
    checked = {**modes(root / ".integrity"), **modes(root / "mail" / "outbox"), **modes(audit_anchor_dir)}
    assert any(name.endswith("state.sqlite") for name in checked) and any("backups/" in n for n in checked)
    assert any(name.endswith(".eml") for name in checked) and any(name.endswith("audit.key") for name in checked)
    wrong = {
        name: oct(mode)
        for name, mode in checked.items()
        if mode
        != (
            0o700
            if (root / ".integrity" / name).is_dir()
            or (root / "mail" / "outbox" / name).is_dir()
            or (audit_anchor_dir / name).is_dir()
            else 0o600
        )
    }
    assert wrong == {}


def test_the_internal_error_log_is_in_the_workspace_and_private(tmp_path: Path, run_cli) -> None:
    """A bug's traceback goes to .integrity/logs/internal-errors.log (0600), not to a shared file in the temp folder."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", DAY, "init", str(root), "--demo").exit_code == 0
    app = AppContext(str(root / "config.toml"), None, False)
    try:
        raise RuntimeError("een fout in de toolkit")
    except RuntimeError as exc:
        with click.Context(cli, obj=app) as ctx:
            path = _log_internal_error(ctx, exc)
    assert path == root / ".integrity" / "logs" / "internal-errors.log"
    assert "RuntimeError: een fout in de toolkit" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_without_a_workspace_the_internal_error_log_is_the_users_own(tmp_path: Path, monkeypatch) -> None:
    """No readable config: the log goes to the user's state folder ($XDG_STATE_HOME/integrity/logs), never /tmp."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = AppContext(str(tmp_path / "bestaat-niet.toml"), None, False)
    with click.Context(cli, obj=app) as ctx:
        path = _log_internal_error(ctx, ValueError("x"))
    assert path == tmp_path / "state" / "integrity" / "logs" / "internal-errors.log" and path.exists()
