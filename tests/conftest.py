"""Shared fixtures: real workspaces in tmp_path, the real CLI through click's CliRunner."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toolkit.cli import cli

REPO = Path(__file__).resolve().parent.parent
# The repository is itself an empty workspace; tests work in tmp_path and must leave these exactly as they were.
TRACKED_WORKSPACE = ("config.toml", "registers", "templates", "mail")


def workspace_digest(root: Path = REPO) -> dict[str, str]:
    """sha256 of every file of the repository's own workspace (registers/, templates/, mail/, config.toml)."""
    files: list[Path] = []
    for name in TRACKED_WORKSPACE:
        path = root / name
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_DIGEST] = workspace_digest()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any test wrote into the repository's tracked workspace (registers/ above all)."""
    before = session.config.stash.get(_DIGEST, None)
    if before is None:
        return
    after = workspace_digest()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(f"FOUT: tests schreven in de werkmap van de repository: {', '.join(changed)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_DIGEST = pytest.StashKey[dict[str, str]]()


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
