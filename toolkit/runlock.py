"""One scheduler per workspace: an exclusive OS-level lock on a file such as `.integrity/scheduler.lock`.

The lock is taken with `fcntl.flock` (POSIX) or `msvcrt.locking` (Windows), never by the mere existence of
the file, so it disappears with the process that held it, however that process ended: no stale locks.
While held, the file says which process holds it and since when, so a refusal can name the pid.
"""

from __future__ import annotations

import errno
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from toolkit.errors import RefusedError

# Windows locks byte ranges and a locked range can't be read by others; lock a byte far past the text.
_WINDOWS_LOCK_OFFSET = 1 << 20
_HOLDER_BYTES = 200


class RunLock:
    """Context manager: hold the lock file exclusively, or raise RefusedError naming the holder's pid."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock without waiting; write our pid and start time into the file."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this RunLock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError as exc:
            holder = _read_holder(fd)
            os.close(fd)
            raise _refusal(self.path, holder, exc) from exc
        _write_holder(fd)
        self._fd = fd

    def release(self) -> None:
        """Give the lock up (the file stays, emptied). Releasing twice is harmless."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)


def _refusal(path: Path, holder: str, exc: OSError) -> RefusedError:
    if not _is_contention(exc):
        return RefusedError(
            f"De vergrendeling {path} kan niet worden gezet: {exc.strerror or exc}.",
            hint="Controleer of de werkmap op een schijf staat die vergrendeling ondersteunt en schrijfbaar is.",
        )
    return RefusedError(
        f"De planner draait al ({holder}) voor deze werkmap; vergrendeling: {path}.",
        hint="Stop eerst de planner die al draait, of wacht tot die klaar is.",
    )


def _is_contention(exc: OSError) -> bool:
    """True when the lock failed because another holder has it (not because locking itself is broken)."""
    return isinstance(exc, BlockingIOError) or exc.errno in (errno.EACCES, errno.EAGAIN, errno.EDEADLK)


def _read_holder(fd: int) -> str:
    """'pid 1234' as written by the holder, or 'pid onbekend' when it can't be read yet."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, _HOLDER_BYTES).decode("utf-8", "replace")
    except OSError:
        return "pid onbekend"
    first = text.split("\n", 1)[0].strip()
    return f"pid {first}" if first.isdigit() else "pid onbekend"


def _write_holder(fd: int) -> None:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n{started}\n".encode())
    os.fsync(fd)


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
