"""Shared fixtures: real workspaces in tmp_path, the real CLI through click's CliRunner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toolkit.cli import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def audit_anchor_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps the audit trail's anchor (key and head, outside the workspace) in a folder of its own."""
    folder = tmp_path_factory.mktemp("anchor")
    monkeypatch.setenv("INTEGRITY_ANCHOR_DIR", str(folder))
    monkeypatch.delenv("INTEGRITY_AUDIT_KEY", raising=False)
    return folder


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Run `integrity ARGS…` in-process and return click's Result (exit code, stdout, stderr)."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def bare_workspace(tmp_path: Path) -> Path:
    """A workspace folder with the default config.toml, templates and mail folders (no registers)."""
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copyfile(REPO / "config.toml", root / "config.toml")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "registers").mkdir()
    for maildir in ("mail/inbox", "mail/meldingen"):
        for part in ("cur", "new", "tmp"):
            (root / maildir / part).mkdir(parents=True)
    (root / "mail" / "outbox").mkdir(parents=True)
    return root
