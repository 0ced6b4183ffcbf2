"""RunLock: one scheduler per workspace, refused with the holder's pid, gone when the holder ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from toolkit.errors import ExitCode, RefusedError
from toolkit.runlock import RunLock

REPO = Path(__file__).resolve().parent.parent

HOLDER_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from toolkit.runlock import RunLock

    with RunLock(Path(sys.argv[1])):
        print("vast", flush=True)
        sys.stdin.readline()
    """
)


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / ".integrity" / "scheduler.lock"


def start_holder(tmp_path: Path, lock_path: Path) -> subprocess.Popen[str]:
    """A child python process that holds the lock until a line arrives on its stdin."""
    script = tmp_path / "holder.py"
    script.write_text(HOLDER_SCRIPT, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), str(lock_path)],
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


def test_a_second_scheduler_is_refused_while_another_process_holds_the_lock(tmp_path: Path, lock_path: Path) -> None:
    """While a child process holds the lock, acquiring it is refused naming the pid and the file; after, it works."""
    child = start_holder(tmp_path, lock_path)
    try:
        with pytest.raises(RefusedError) as refused, RunLock(lock_path):
            pass
        message = str(refused.value)
        assert f"de planner draait al (pid {child.pid}) voor deze werkmap" in message.lower()
        assert str(lock_path) in message
        assert refused.value.exit_code is ExitCode.REFUSED
    finally:
        finish(child)
    with RunLock(lock_path) as lock:
        assert lock.held


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_the_lock_disappears_when_its_holder_is_killed(tmp_path: Path, lock_path: Path) -> None:
    """A holder killed with SIGKILL leaves no stale lock: the next scheduler starts."""
    child = start_holder(tmp_path, lock_path)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    for stream in (child.stdin, child.stdout):
        assert stream is not None
        stream.close()
    with RunLock(lock_path) as lock:
        assert lock.held


def test_the_lock_file_names_its_holder_while_held(lock_path: Path) -> None:
    """While held, the file holds our pid and an aware start time; after release it is emptied."""
    with RunLock(lock_path):
        pid_line, started_line = lock_path.read_text(encoding="utf-8").splitlines()
        assert int(pid_line) == os.getpid()
        assert datetime.fromisoformat(started_line).utcoffset() is not None
    assert lock_path.read_text(encoding="utf-8") == ""


def test_a_second_lock_in_the_same_process_is_refused_and_the_first_survives(lock_path: Path) -> None:
    """A refused attempt does not disturb the holder: the pid stays in the file and the lock stays held."""
    with RunLock(lock_path):
        with pytest.raises(RefusedError, match=f"pid {os.getpid()}"), RunLock(lock_path):
            pass
        assert lock_path.read_text(encoding="utf-8").splitlines()[0] == str(os.getpid())
        with pytest.raises(RefusedError), RunLock(lock_path):
            pass


def test_the_lock_can_be_taken_again_after_release(lock_path: Path) -> None:
    """Release, then acquire again with a new RunLock; releasing twice is harmless."""
    first = RunLock(lock_path)
    first.acquire()
    first.release()
    first.release()
    with RunLock(lock_path) as second:
        assert second.held
    assert not second.held
