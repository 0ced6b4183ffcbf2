"""Resource faults: a full disk, a read-only or missing state/audit trail give one Dutch sentence, exit 8, nothing lost.

The workspace lives on a small tmpfs mounted for the test (needs root, as in CI; skipped with the reason when
`mount` is not allowed), so "disk full" and "read-only" are the kernel's own ENOSPC and EROFS, not a mock.
"Nothing lost": a refused run changes no byte of registers, mail folders, state or trail, and once the fault
is fixed the next run does the work and the trail verifies.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.audit import AuditTrail
from toolkit.errors import ExitCode, ResourceError
from toolkit.state import StateStore

DAY = "2026-11-26"
SECRETS = {"INTEGRITY_REPORTS_PASSWORD": "demo-meldingen", "INTEGRITY_IDENTITY_PASSWORD": "demo-identiteit"}


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs mounted at tmp_path/disk, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"een tmpfs aankoppelen kan hier niet (root nodig): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def remount(disk: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)


def fill(disk: Path) -> Path:
    """Fill the tmpfs to the last byte (the kernel's own ENOSPC); returns the filler file."""
    filler = disk / "vulling.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        size = 1 << 20
        while size >= 1:
            try:
                os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                size //= 2
    finally:
        os.close(fd)
    return filler


def snapshot(root: Path) -> dict[str, str]:
    """SHA-256 of every file of the workspace except the lock files."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith("run.lock") and path.name != "vulling.bin"
    }


@pytest.fixture
def ws(disk: Path, run_cli) -> Path:
    """A demo workspace on the tmpfs, after one ordinary nightly."""
    root = disk / "ws"
    assert run_cli("--as-of", DAY, "init", str(root), "--demo").exit_code == 0
    first = run_cli("--config", str(root / "config.toml"), "--as-of", DAY, "nightly", env=SECRETS)
    assert first.exit_code == 0, first.output + first.stderr
    inbox = root / "mail" / "inbox" / "new"
    (inbox / "nieuw-1.eml").write_bytes(
        b"From: info@installatietechnie.example\r\nTo: integriteit@woonpartners.example\r\n"
        b"Subject: RE: Integriteitscode Woonpartners [IC-2026-0001]\r\nMessage-ID: <nieuw-1@example>\r\n"
        b"Date: Thu, 26 Nov 2026 10:00:00 +0100\r\n\r\nAkkoord.\r\n"
    )
    return root


def nightly(run_cli, root: Path):
    return run_cli("--config", str(root / "config.toml"), "--as-of", DAY, "nightly", env=SECRETS)


def assert_one_sentence(result, *words: str) -> None:
    assert result.exit_code == ExitCode.RESOURCE == 8, result.output + result.stderr
    assert "Traceback" not in result.stderr and "interne fout" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_a_full_disk_stops_the_run_before_anything_happens_and_the_next_run_does_the_work(
    ws: Path, disk: Path, run_cli
) -> None:
    """Disk full: exit 8 naming the state file and the fix; no byte changed; after freeing space the run succeeds."""
    filler = fill(disk)
    before = snapshot(ws)
    result = nightly(run_cli, ws)
    assert_one_sentence(result, "De schijf is vol", str(ws / ".integrity"), "maak ruimte vrij")
    assert snapshot(ws) == before
    filler.unlink()
    assert nightly(run_cli, ws).exit_code == 0
    assert not (ws / "mail" / "inbox" / "new" / "nieuw-1.eml").exists()  # processed now, moved
    assert run_cli("--config", str(ws / "config.toml"), "audit", "verify").exit_code == 0


def test_a_full_disk_while_appending_to_the_trail_or_state_names_the_file_and_leaves_both_whole(
    ws: Path, disk: Path
) -> None:
    """ENOSPC in the middle of an append: ResourceError naming audit.jsonl / state.sqlite; the chain still verifies."""
    trail = AuditTrail(ws / ".integrity" / "audit.jsonl")
    state = StateStore(ws / ".integrity" / "state.sqlite")
    lines_before = trail.path.read_bytes()
    filler = fill(disk)
    with pytest.raises(ResourceError, match="De schijf is vol: .*audit.jsonl"):
        trail.record("test.vol", actor="test", target="x", extra="y" * 20000)
    with pytest.raises(ResourceError, match="De schijf is vol: .*state.sqlite"):
        for n in range(2000):
            state.set(f"vol.{n}", "z" * 4000)
    filler.unlink()
    assert trail.path.read_bytes() == lines_before
    assert trail.verify().ok
    state.close()


def test_a_read_only_workspace_names_the_file_and_changes_nothing(ws: Path, disk: Path, run_cli) -> None:
    """Read-only mount: exit 8, 'alleen-lezen' and the fix; after remounting read-write the run succeeds."""
    before = snapshot(ws)
    remount(disk, "ro")
    try:
        result = nightly(run_cli, ws)
    finally:
        remount(disk, "rw")
    assert_one_sentence(result, "alleen-lezen", str(ws / ".integrity"), "schrijfbaar")
    assert snapshot(ws) == before
    assert nightly(run_cli, ws).exit_code == 0


def test_a_missing_state_is_refused_not_silently_recreated(ws: Path, run_cli) -> None:
    """state.sqlite deleted after earlier runs: exit 8 naming it (no double mail from an empty ledger); a deliberate empty file lets it run."""
    state = ws / ".integrity" / "state.sqlite"
    for part in ("", "-wal", "-shm"):
        Path(f"{state}{part}").unlink(missing_ok=True)
    before = snapshot(ws)
    result = nightly(run_cli, ws)
    assert_one_sentence(result, str(state), "ontbreekt", "back-up")
    assert snapshot(ws) == before and not state.exists()


def test_a_missing_trail_is_refused_and_stays_reported_after_a_deliberate_restart(ws: Path, run_cli) -> None:
    """audit.jsonl deleted: exit 8 naming it; after a deliberate empty file runs go on and verify keeps failing."""
    trail = ws / ".integrity" / "audit.jsonl"
    trail.unlink()
    before = snapshot(ws)
    result = nightly(run_cli, ws)
    assert_one_sentence(result, str(trail), "ontbreekt", "back-up")
    assert snapshot(ws) == before
    trail.touch()
    assert nightly(run_cli, ws).exit_code == 0
    verify = run_cli("--config", str(ws / "config.toml"), "audit", "verify")
    assert verify.exit_code == 1 and "verwijderd, ingekort of vervangen" in verify.output
