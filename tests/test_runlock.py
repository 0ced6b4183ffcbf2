"""One run at a time: RunLock (filelock underneath), refused with who holds it and since when, taken over when its holder died."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from toolkit.errors import ExitCode
from toolkit.runlock import RUN_LOCK_NAME, RunLock, RunLockBusy, read_holder

REPO = Path(__file__).resolve().parent.parent

HOLDER_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from toolkit.runlock import RunLock

    with RunLock(Path(sys.argv[1]), command=sys.argv[2]):
        print("vast", flush=True)
        sys.stdin.readline()
    """
)


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / ".integrity" / RUN_LOCK_NAME


def start_holder(tmp_path: Path, lock_path: Path, command: str = "integrity nightly") -> subprocess.Popen[str]:
    """A child python process that holds the lock until a line arrives on its stdin."""
    script = tmp_path / "holder.py"
    script.write_text(HOLDER_SCRIPT, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), str(lock_path), command],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "vast"
    return child


def finish(child: subprocess.Popen[str]) -> None:
    """Let the holder release the lock and end normally."""
    assert child.stdin is not None
    child.stdin.write("\n")
    child.stdin.close()
    assert child.wait(timeout=10) == 0
    assert child.stdout is not None
    child.stdout.close()


def test_a_second_run_is_refused_with_exit_7_naming_command_pid_host_and_since(tmp_path: Path, lock_path: Path) -> None:
    """While another process holds the lock, a second RunLock raises RunLockBusy (exit 7) naming its holder."""
    child = start_holder(tmp_path, lock_path, command="integrity suppliers mail --send")
    try:
        with pytest.raises(RunLockBusy) as refused, RunLock(lock_path, wait_seconds=0.1):
            pass
        message = str(refused.value)
        holder = read_holder(lock_path.with_name(RUN_LOCK_NAME + ".json"))
        assert holder is not None and holder.pid == child.pid
        assert f"pid {child.pid} op {holder.host}" in message
        assert "'integrity suppliers mail --send'" in message and f"sinds {holder.since}" in message
        assert refused.value.exit_code == ExitCode.REFUSED == 7
    finally:
        finish(child)
    with RunLock(lock_path) as lock:
        assert lock.held and lock.took_over_from is None


def test_a_waiting_run_gets_the_lock_when_the_holder_finishes_within_the_wait(tmp_path: Path, lock_path: Path) -> None:
    """The second run waits: released during its wait, it gets the lock instead of being refused."""
    child = start_holder(tmp_path, lock_path)
    waiting = RunLock(lock_path, wait_seconds=60, command="tweede")
    got: list[bool] = []
    worker = threading.Thread(target=lambda: got.append(waiting.acquire() is None))
    worker.start()
    finish(child)
    worker.join(timeout=60)
    assert got == [True] and waiting.held
    holder = read_holder(waiting.note_path)
    assert holder is not None and holder.pid == os.getpid() and holder.command == "tweede"
    waiting.release()


def test_a_killed_holder_leaves_a_stale_note_and_its_lock_is_taken_over(tmp_path: Path, lock_path: Path) -> None:
    """SIGKILL frees the OS lock at once; the next run takes it over and knows whose it was."""
    child = start_holder(tmp_path, lock_path, command="integrity nightly")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.stdout is not None and child.stdin is not None
    child.stdout.close()
    child.stdin.close()
    with RunLock(lock_path, wait_seconds=0) as lock:
        assert lock.took_over_from is not None and lock.took_over_from.pid == child.pid
        assert lock.took_over_from.command == "integrity nightly"
    assert not lock.note_path.exists()  # a normal release leaves no note: the next run takes over nothing


def test_a_second_lock_in_the_same_process_is_refused_and_the_first_survives(lock_path: Path) -> None:
    """Two RunLocks on one file in one process: the second is refused, the first still holds."""
    with RunLock(lock_path, command="eerste"):
        with pytest.raises(RunLockBusy, match=f"pid {os.getpid()}"), RunLock(lock_path):
            pass
        with pytest.raises(RunLockBusy), RunLock(lock_path):
            pass


def test_the_lock_and_its_note_are_private(lock_path: Path) -> None:
    """Lock file and holder note are 0600 in a 0700 folder."""
    with RunLock(lock_path) as lock:
        assert stat.S_IMODE(lock.note_path.stat().st_mode) == 0o600
        assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600
        assert stat.S_IMODE(lock_path.parent.stat().st_mode) == 0o700


def test_the_lock_can_be_taken_again_after_release(lock_path: Path) -> None:
    """Release, then acquire again with a new RunLock; releasing twice is harmless."""
    first = RunLock(lock_path)
    first.acquire()
    first.release()
    first.release()
    with RunLock(lock_path) as second:
        assert second.held


COUNTER_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from toolkit.runlock import RunLock

    lock_path, counter, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    for _ in range(rounds):
        with RunLock(lock_path, wait_seconds=120):
            value = int(counter.read_text())  # read, then write: two holders at once would lose an increment
            counter.write_text(str(value + 1))
    """
)


def test_four_processes_taking_the_lock_in_turn_never_hold_it_at_once(tmp_path: Path, lock_path: Path) -> None:
    """4 processes x 150 rounds of read-increment-write under the lock (which is unlinked on every release): no lost update."""
    script = tmp_path / "counter.py"
    script.write_text(COUNTER_SCRIPT, encoding="utf-8")
    counter = tmp_path / "teller"
    counter.write_text("0")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    workers = [
        subprocess.Popen([sys.executable, str(script), str(lock_path), str(counter), "150"], cwd=REPO, env=env)
        for _ in range(4)
    ]
    assert [worker.wait(timeout=240) for worker in workers] == [0, 0, 0, 0]
    assert counter.read_text() == "600"
    assert not lock_path.exists()  # the last release removed the lock file
