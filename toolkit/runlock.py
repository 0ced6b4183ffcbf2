"""One run at a time per workspace: an OS-level file lock (the `filelock` library) plus a note naming its holder.

`RunLock(path, wait_seconds=…, command=…)` takes the lock, waiting at most `wait_seconds`; when another run
still holds it, `RunLockBusy` (a RefusedError, exit 7) names that run: its command, pid, host and since when.
The lock is the operating system's (flock on POSIX, LockFileEx on Windows), never the mere existence of a
file, so it disappears with the process that held it, however that process ended. The holder note
(`<lock>.json`) and the lock file are removed on a normal release; a note still present when we take the lock
was left by a killed run: the lock is taken over (nothing to clean up) and `took_over_from` says whose it was.

Commands declare that they write with `toolkit.cli.writes`; the scheduler takes the same lock per job.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import filelock

from toolkit.errors import RefusedError
from toolkit.files import PRIVATE_FILE, private_dir, resource_error, write_private_atomic

if TYPE_CHECKING:
    from toolkit.config import Config

RUN_LOCK_NAME = "run.lock"
SCHEDULER_LOCK_NAME = "scheduler.lock"


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock: written by the holder right after it got the lock."""

    pid: int | None
    host: str
    command: str
    since: str

    def describe(self) -> str:
        pid = f"pid {self.pid}" if self.pid is not None else "pid onbekend"
        command = f"'{self.command}'" if self.command else "een andere run"
        since = f" sinds {self.since}" if self.since else ""
        return f"{command} ({pid} op {self.host or 'onbekende computer'}){since}"


class RunLockBusy(RefusedError):
    """Another run of this workspace holds the lock and did not finish within the wait."""


class RunLock:
    """Context manager: hold `path` exclusively (waiting up to `wait_seconds`), or raise RunLockBusy."""

    def __init__(self, path: Path, *, wait_seconds: float = 0.0, command: str = "", what: str = "run") -> None:
        self.path = path
        self.note_path = path.with_name(path.name + ".json")
        self.wait_seconds = max(0.0, wait_seconds)
        self.command = command
        self.what = what
        self.took_over_from: Holder | None = None
        self._lock: filelock.BaseFileLock | None = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    @property
    def held(self) -> bool:
        return self._lock is not None

    def acquire(self) -> None:
        """Take the lock (waiting at most wait_seconds) and write the holder note."""
        if self._lock is not None:
            raise RuntimeError(f"{self.path} is already held by this RunLock")
        private_dir(self.path.parent)
        lock = filelock.FileLock(
            self.path, timeout=self.wait_seconds, mode=PRIVATE_FILE, thread_local=False, preserve_lock_file=False
        )
        try:
            lock.acquire()
        except filelock.Timeout:
            raise self._busy() from None
        except OSError as exc:
            raise resource_error(self.path, exc) from exc
        self._lock = lock
        self.took_over_from = read_holder(self.note_path)
        try:
            holder = Holder(os.getpid(), socket.gethostname(), self.command, _now())
            write_private_atomic(self.note_path, json.dumps(holder.__dict__, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # the note only serves messages; the lock itself holds

    def release(self) -> None:
        """Give the lock up and remove the note. Releasing twice is harmless."""
        lock, self._lock = self._lock, None
        if lock is None:
            return
        with contextlib.suppress(OSError):
            self.note_path.unlink(missing_ok=True)
        if os.name == "posix":
            # unlinked while still held, so no one can take the old inode after us (filelock retries on an unlinked
            # inode); a finished run leaves no lock file behind, only a killed one does
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
        lock.release(force=True)

    def _busy(self) -> RunLockBusy:
        holder = read_holder(self.note_path)
        who = holder.describe() if holder else "een andere run (nog niet bekend welke)"
        waited = f" Gewacht: {self.wait_seconds:g} s." if self.wait_seconds else ""
        if self.what == "scheduler":
            return RunLockBusy(
                f"De planner draait al voor deze werkmap: {who}; vergrendeling: {self.path}.{waited}",
                hint="Stop eerst de planner die al draait, of laat die draaien; er is er maar één nodig.",
            )
        return RunLockBusy(
            f"Er loopt al een run voor deze werkmap: {who}; vergrendeling: {self.path}.{waited}",
            hint="Wacht tot die run klaar is en probeer het dan opnieuw (een gestopte run geeft de vergrendeling "
            "vanzelf vrij).",
        )


@contextmanager
def workspace_lock(config: Config, command: str) -> Iterator[RunLock]:
    """The one run lock of a workspace, then the check that its own files can be written: what a writing run holds.

    Used by `toolkit.cli.writes` for commands and by the scheduler for each job.
    """
    from toolkit.preflight import check_workspace_files

    lock = RunLock(config.state_dir / RUN_LOCK_NAME, wait_seconds=config.run.lock_wait_seconds, command=command)
    with lock:
        check_workspace_files(config.state_dir)
        yield lock


def read_holder(note: Path) -> Holder | None:
    """The holder note, or None when there is none (or it can't be read)."""
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pid = data.get("pid")
    return Holder(
        pid if isinstance(pid, int) else None,
        str(data.get("host", "")),
        str(data.get("command", "")),
        str(data.get("since", "")),
    )


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")
