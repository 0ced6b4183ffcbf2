"""Before a writing run starts: are the toolkit's own files there and writable, and is there room on the disk?

A fault found here stops the run before anything happened (exit 8, one Dutch sentence naming the file and the
fix), so nothing is half done: no mail without its ledger entry or audit line. Faults that come up later
(the disk fills during the run) are turned into the same kind of message where they happen (state store,
audit trail, CLI).
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from toolkit.audit_anchor import Anchor
from toolkit.errors import ResourceError
from toolkit.files import resource_error

STATE_FILE = "state.sqlite"
AUDIT_FILE = "audit.jsonl"
MIN_FREE_BYTES = 1 << 20  # below 1 MiB free a run would fail halfway; refuse it at the start instead


def check_workspace_files(state_dir: Path) -> None:
    """Raise ResourceError when state or audit trail is missing (after earlier runs), read-only, or the disk is full."""
    problems = workspace_file_problems(state_dir)
    if problems:
        raise problems[0]
    state = state_dir / STATE_FILE
    if not state.exists():
        from toolkit.state import StateStore

        StateStore(state).close()  # every writing run leaves a state, so a missing one later means it was lost


def workspace_file_problems(state_dir: Path) -> list[ResourceError]:
    """What would stop a writing run before it starts (the same tests as `check_workspace_files`), writing nothing:
    for `integrity check`."""
    from toolkit.audit import missing_trail

    state, trail = state_dir / STATE_FILE, state_dir / AUDIT_FILE
    anchored_lines = _anchored_lines(Anchor(trail))
    used_before = anchored_lines > 0 or _size(trail) > 0
    problems: list[ResourceError] = []
    if not state.exists() and used_before:
        problems.append(
            ResourceError(
                f"De toestand {state} ontbreekt, terwijl deze werkmap al eerder draaide; zonder die toestand kan de "
                "toolkit mail dubbel versturen, dus er is niets gedaan.",
                hint=f"zet {STATE_FILE} terug uit de back-up. Is die er echt niet, maak dan bewust een leeg bestand "
                "op die plek (de toolkit begint dan met een lege toestand).",
            )
        )
    if not trail.exists() and anchored_lines > 0:
        problems.append(missing_trail(trail, anchored_lines))
    for path in (state_dir, state, state.with_name(STATE_FILE + "-wal"), trail):
        if path.exists():
            problems += _problem(_check_writable, path)
    problems += _problem(_check_free_space, state_dir)
    return problems


def _problem(check: Callable[[Path], None], path: Path) -> list[ResourceError]:
    try:
        check(path)
    except ResourceError as exc:
        return [exc]
    return []


def _anchored_lines(anchor: Anchor) -> int:
    head, _problem = anchor.load(anchor.key(create=False))
    return head.lines if head is not None else 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _check_writable(path: Path) -> None:
    """Ask the OS whether we may write `path` without opening it (closing a descriptor of an open SQLite file would
    drop SQLite's own locks in this process): catches read-only mounts, immutable files and missing rights."""
    if os.access(path, os.W_OK):
        return
    try:
        read_only = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    code = errno.EROFS if read_only else errno.EACCES
    raise resource_error(path, OSError(code, os.strerror(code), str(path)))


def _check_free_space(folder: Path) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < MIN_FREE_BYTES:
        raise resource_error(folder / STATE_FILE, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
