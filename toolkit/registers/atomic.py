"""Replace a workbook atomically: temp file in the same folder, fsync, verify, back up the old one, replace."""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

REPLACE_TRIES = 5


def commit(
    path: Path,
    make: Callable[[Path], None],
    verify: Callable[[Path], None],
    backups_dir: Path,
    keep: int,
) -> Path | None:
    """`make` writes the new file to a temp path, `verify` re-reads it; only then is the old file backed up and
    replaced. On any failure the old file is untouched and no temp file is left. Returns the backup's path."""
    temp = path.with_name(f".{path.stem}.toolkit-{os.getpid()}.tmp{path.suffix}")
    try:
        make(temp)
        fsync(temp)
        verify(temp)
        if path.exists():  # the new file keeps the old one's permissions (a private register stays private)
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        backup = _backup(path, backups_dir, keep) if path.exists() else None
        _replace(temp, path)
        _fsync_dir(path.parent)
    finally:
        temp.unlink(missing_ok=True)
    return backup


def fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows: folders can't be opened; the replace is durable enough there
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _backup(path: Path, backups_dir: Path, keep: int) -> Path:
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backups_dir / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, target)
    old = sorted(backups_dir.glob(f"{path.stem}.*{path.suffix}"))
    for stale in old[: max(0, len(old) - keep)]:
        stale.unlink()
    return target


def _replace(temp: Path, path: Path) -> None:
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(temp, path)
            return
        except PermissionError:  # Windows shares: a virus scanner or indexer holds the file for a moment
            if attempt == REPLACE_TRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
