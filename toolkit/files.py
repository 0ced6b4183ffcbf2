"""Files: atomic whole-file writes, and least privilege on disk (what the toolkit creates is 0600, folders 0700).

One mechanism for the whole process: `private_umask()` is entered once at the CLI entry (so state, audit trail,
logs, secrets, backups, archives and the outbox are private whichever module creates them), and the few
modules that create files also outside the CLI (state store, audit trail, locks, logs) use the helpers below.
On Windows the modes mean little; the folder's ACL decides there.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from toolkit.errors import ResourceError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PRIVATE_UMASK = 0o077


@contextmanager
def private_umask() -> Iterator[None]:
    """Everything created inside gets no group or other permissions; the previous umask comes back after."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) as 0700 folders; an existing folder is left as it is."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask; make it exact
    return path


def make_private(path: Path) -> None:
    """Set 0600 on an existing file of ours (e.g. one SQLite made); ignored where the OS does not allow it."""
    with suppress(OSError):
        os.chmod(path, PRIVATE_FILE)


def open_private_append(path: Path) -> int:
    """A file descriptor for appending to `path`, created 0600 if it did not exist."""
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)


def write_atomically(path: Path, data: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Readers see the old file or the new one, never half of it; a crash leaves no partial file behind.

    A temp file in the same folder, fsync (unless not `durable`: then a killed process still leaves the old or the
    new file, only power loss may keep the older one), `mode`, then one rename over the old file. With the private
    mode (0600) missing folders are made 0700.
    """
    if mode == PRIVATE_FILE:
        private_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise


def write_private_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """`write_atomically` with mode 0600 (folders 0700): for the toolkit's own files."""
    write_atomically(path, data, mode=PRIVATE_FILE, durable=durable)


def resource_error(path: Path, exc: BaseException) -> ResourceError:
    """One Dutch sentence for a disk fault on `path` (full, read-only, missing, no permission) and its fix."""
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "full" in text:
        return ResourceError(
            f"De schijf is vol: {path} kan niet worden bijgeschreven; er is niets half geschreven.",
            hint=f"maak ruimte vrij op de schijf van {path.parent} en draai de opdracht opnieuw.",
        )
    if code == errno.EROFS or "readonly" in text or "read-only" in text:
        return ResourceError(
            f"{path} is alleen-lezen; de toolkit kan er niet in schrijven en heeft niets gewijzigd.",
            hint=f"maak {path} (en de map {path.parent}) schrijfbaar voor de gebruiker die de toolkit draait.",
        )
    if code in (errno.EACCES, errno.EPERM):
        return ResourceError(
            f"Geen toegang tot {path}; de toolkit heeft niets gewijzigd.",
            hint=f"geef de gebruiker die de toolkit draait lees- en schrijfrechten op {path} en de map erboven.",
        )
    if code == errno.ENOENT or "unable to open" in text:
        return ResourceError(
            f"{path} (of de map erboven) ontbreekt of kan niet worden geopend.",
            hint=f"zet {path} terug uit de back-up, of controleer paths.state in config.toml.",
        )
    return ResourceError(
        f"{path} kan niet worden gelezen of geschreven: {exc}.",
        hint=f"controleer de schijf en de rechten van {path.parent} en draai de opdracht opnieuw.",
    )
