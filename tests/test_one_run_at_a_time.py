"""One run at a time: two `integrity nightly` processes started together never send a mail twice (folder and EWS).

Each trial copies one demo workspace (made once), starts two real `integrity nightly` processes at the same
moment and counts what went out: in the outbox (folder backend) or the shared mailbox's Sent Items on the
loopback EWS server. Mostly the second run finds the lock taken and stops with exit code 7 after a short
wait; every fourth trial waits long enough to run after the first and must find nothing left to send.
Either way the mails are exactly those of one run on its own: no Message-ID, no (recipient, subject) twice.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loopback.ews import EwsServer, toml_section
from tests.loopback.store import INBOX, SENT

REPO = Path(__file__).resolve().parent.parent
DAY = "2026-11-26"
SHARED = "integriteit@woonpartners.example"
PASSWORD = "juist-wachtwoord"
SECRETS = {
    "INTEGRITY_REPORTS_PASSWORD": "demo-meldingen",
    "INTEGRITY_IDENTITY_PASSWORD": "demo-identiteit",
    "INTEGRITY_EXCHANGE_PASSWORD": PASSWORD,
    "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
}
TRIALS = 20
SHORT_WAIT, LONG_WAIT = 0.2, 600


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo workspace, copied for every trial."""
    root = tmp_path_factory.mktemp("demo") / "ws"
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "--as-of", DAY, "init", str(root), "--demo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return root


def workspace(demo: Path, where: Path, wait: float, ews_url: str | None) -> Path:
    """A fresh copy of the demo, with the lock wait for this trial and, for EWS, the loopback server."""
    root = where / "ws"
    shutil.copytree(demo, root)
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8").replace("lock_wait_seconds = 5", f"lock_wait_seconds = {wait}")
    if ews_url is not None:
        text = text.replace('backend = "folder"', 'backend = "exchange"', 1) + "\n" + toml_section(ews_url, SHARED)
    config.write_text(text + "\n", encoding="utf-8")
    return root


def nightly_together(root: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start two nightly runs at the same moment and wait for both."""
    command = [sys.executable, "-m", "toolkit", "--config", str(root / "config.toml"), "--as-of", DAY, "nightly"]
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return results


def sent_folder(root: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted((root / "mail" / "outbox").glob("*.eml"))]


def summary(raws: list[bytes]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Message-IDs and (recipients, subject) of the mails sent, each with how often."""
    ids: Counter[str] = Counter()
    purposes: Counter[tuple[str, str]] = Counter()
    for raw in raws:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        ids[str(message["Message-ID"])] += 1
        if message["X-Integrity-No-Copy"]:  # a mail to a reporter: only a stub, one per Message-ID
            purposes[("zonder kopie", str(message["Message-ID"]))] += 1
            continue
        purposes[(str(message["To"]), " ".join(str(message["Subject"]).split()))] += 1
    return ids, purposes


@pytest.fixture
def ews(tmp_path: Path) -> Iterator[EwsServer]:
    with EwsServer(tmp_path / "store", {SHARED: PASSWORD}) as server:
        server.store.create_folder(SHARED, INBOX)
        yield server


def solo_run(demo: Path, where: Path, ews_url: str | None) -> subprocess.CompletedProcess[str]:
    root = workspace(demo, where, SHORT_WAIT, ews_url)
    command = [sys.executable, "-m", "toolkit", "--config", str(root / "config.toml"), "--as-of", DAY, "nightly"]
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(REPO)}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=600)


@pytest.fixture(scope="module")
def folder_baseline(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Counter[tuple[str, str]]:
    """What one nightly on its own sends (folder backend)."""
    where = tmp_path_factory.mktemp("solo-folder")
    done = solo_run(demo, where, None)
    assert done.returncode == 0, done.stdout + done.stderr
    return summary(sent_folder(where / "ws"))[1]


@pytest.fixture(scope="module")
def ews_baseline(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Counter[tuple[str, str]]:
    """What one nightly on its own sends (loopback EWS)."""
    where = tmp_path_factory.mktemp("solo-ews")
    with EwsServer(where / "store", {SHARED: PASSWORD}) as server:
        server.store.create_folder(SHARED, INBOX)
        done = solo_run(demo, where, server.url)
        assert done.returncode == 0, done.stdout + done.stderr
        return summary(server.store.all_messages(SHARED, SENT))[1]


def check_trial(trial: int, results: list[subprocess.CompletedProcess[str]]) -> None:
    """Both runs ended as one run at a time should: one ran; the other ran after it or was refused naming it."""
    codes = sorted(result.returncode for result in results)
    if trial % 4 == 3:
        assert codes == [0, 0], [r.stderr for r in results]
        return
    assert codes in ([0, 0], [0, 7]), [r.stderr for r in results]
    for refused in (r for r in results if r.returncode == 7):
        assert "Er loopt al een run voor deze werkmap: 'integrity nightly' (pid " in refused.stderr
        assert "Traceback" not in refused.stderr


def wait_for(trial: int) -> float:
    return LONG_WAIT if trial % 4 == 3 else SHORT_WAIT


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_nightly_runs_together_send_nothing_twice_folder(
    trial: int, demo: Path, tmp_path: Path, folder_baseline: Counter[tuple[str, str]]
) -> None:
    """Folder backend: two nightly runs started together send exactly what one run sends, nothing twice."""
    root = workspace(demo, tmp_path, wait_for(trial), None)
    results = nightly_together(root)
    check_trial(trial, results)
    ids, purposes = summary(sent_folder(root))
    assert max(ids.values(), default=1) == 1
    assert purposes == folder_baseline and max(purposes.values()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_nightly_runs_together_send_nothing_twice_ews(
    trial: int, demo: Path, tmp_path: Path, ews: EwsServer, ews_baseline: Counter[tuple[str, str]]
) -> None:
    """EWS loopback: two nightly runs started together send exactly what one run sends, nothing twice."""
    root = workspace(demo, tmp_path, wait_for(trial), ews.url)
    results = nightly_together(root)
    check_trial(trial, results)
    ids, purposes = summary(ews.store.all_messages(SHARED, SENT))
    assert max(ids.values(), default=1) == 1
    assert purposes == ews_baseline and max(purposes.values()) == 1


def test_the_refusal_names_the_run_and_a_preview_takes_no_lock(demo: Path, tmp_path: Path) -> None:
    """While a nightly holds the lock, a second writing run exits 7 naming it; a preview still runs and adds no lock file."""
    from toolkit.runlock import RUN_LOCK_NAME, RunLock

    root = workspace(demo, tmp_path, SHORT_WAIT, None)
    lock_file = root / ".integrity" / RUN_LOCK_NAME
    lock_file.unlink(missing_ok=True)
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "toolkit", "--config", str(root / "config.toml"), "--as-of", DAY]
    preview = subprocess.run([*base, "monthly"], cwd=REPO, env=env, capture_output=True, text=True)
    assert preview.returncode == 0, preview.stderr
    assert not lock_file.exists()
    with RunLock(lock_file, command="integrity nightly"):
        sending = subprocess.run([*base, "monthly", "--send"], cwd=REPO, env=env, capture_output=True, text=True)
        again = subprocess.run([*base, "monthly"], cwd=REPO, env=env, capture_output=True, text=True)
    assert sending.returncode == 7
    assert f"'integrity nightly' (pid {os.getpid()} op " in sending.stderr and "sinds " in sending.stderr
    assert again.returncode == 0, again.stderr
