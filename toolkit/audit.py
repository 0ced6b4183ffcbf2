"""Append-only, tamper-evident audit trail: `.integrity/audit.jsonl`, each line carrying the SHA-256 of the previous.

Every action with an effect outside the toolkit is one line: what, when, which register row or message id,
which command or job. Never a reporter's identity or a report's content: callers pass case numbers,
pseudonyms, register row numbers and message ids only.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
HEAD_KEY = "audit.head"


def _digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


@contextmanager
def _locked(handle: Any) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: appends are serialised by the state store's single writer
        yield
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass(frozen=True)
class Verdict:
    """The outcome of `audit verify`."""

    ok: bool
    lines: int
    bad_line: int | None = None
    why: str = ""


class AuditTrail:
    """Appends chained JSON lines; the chain head is also kept in the state store, so a cut tail is noticed."""

    def __init__(self, path: Path, head_store: Any | None = None) -> None:
        self.path = path
        self.head_store = head_store  # anything with get(key) / set(key, value): the StateStore
        path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, action: str, *, actor: str, target: str = "", **details: str | int | float | None) -> None:
        """Append one event. `details` are plain, non-identifying values."""
        with open(self.path, "a+b") as handle, _locked(handle):
            previous, count = _last_line(handle)
            event = {
                "seq": count + 1,
                "ts": datetime.now(UTC).isoformat(timespec="seconds"),
                "actor": actor,
                "action": action,
                "target": target,
                "details": {k: v for k, v in details.items() if v is not None},
                "prev": previous,
            }
            event["hash"] = _event_hash(event)
            line = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8")
            handle.write(line + b"\n")
            handle.flush()  # in the OS's hands: survives a killed process (the head check tolerates a lost tail line)
        if self.head_store is not None:
            self.head_store.set(HEAD_KEY, f"{count + 1}:{_digest(line)}")

    def events(self, since: date | None = None) -> list[dict[str, Any]]:
        """All events (optionally from a date on), oldest first; lines that aren't JSON are skipped here."""
        if not self.path.exists():
            return []
        found = []
        for raw in self.path.read_bytes().splitlines():
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if since is None or event.get("ts", "")[:10] >= since.isoformat():
                found.append(event)
        return found

    def verify(self) -> Verdict:
        """Check the chain: an edited, removed, inserted or swapped line is named by its line number."""
        lines = self.path.read_bytes().splitlines() if self.path.exists() else []
        previous = GENESIS
        for number, raw in enumerate(lines, start=1):
            why = _check_line(raw, number, previous)
            if why:
                return Verdict(False, len(lines), number, why)
            previous = _digest(raw)
        return self._check_head(lines, previous)

    def _check_head(self, lines: list[bytes], last: str) -> Verdict:
        head = self.head_store.get(HEAD_KEY) if self.head_store is not None else None
        if head:
            count, digest = head.split(":", 1)
            if int(count) < len(lines) and _digest(lines[int(count) - 1]) == digest:
                return Verdict(True, len(lines))  # killed between appending and updating the head: still chained
            if int(count) != len(lines) or digest != last:
                bad = min(int(count), len(lines)) or 1
                return Verdict(
                    False,
                    len(lines),
                    bad,
                    f"het einde van het logboek klopt niet: verwacht {count} regels, gevonden {len(lines)}, of de laatste regel is gewijzigd",
                )
        return Verdict(True, len(lines))


def _last_line(handle: Any) -> tuple[str, int]:
    """Digest and sequence number of the last line, read from the end of the file."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return GENESIS, 0
    chunk = 4096
    while True:
        start = max(0, size - chunk)
        handle.seek(start)
        tail = handle.read(size - start).rstrip(b"\n")
        if b"\n" in tail or start == 0:
            last = tail.rsplit(b"\n", 1)[-1]
            break
        chunk *= 4
    try:
        seq = int(json.loads(last).get("seq", 0))
    except (ValueError, AttributeError):
        seq = 0
    return _digest(last), seq


def _event_hash(event: dict[str, Any]) -> str:
    body = {k: v for k, v in event.items() if k != "hash"}
    return _digest(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _check_line(raw: bytes, number: int, previous: str) -> str:
    try:
        event = json.loads(raw)
    except ValueError:
        return "geen geldige JSON (regel gewijzigd of beschadigd)"
    if not isinstance(event, dict):
        return "geen geldig gebeurtenisrecord"
    if event.get("hash") != _event_hash(event):
        return "de inhoud van deze regel is gewijzigd"
    if event.get("seq") != number:
        return (
            f"volgnummer {event.get('seq')} staat op regel {number}: een regel is verwijderd, ingevoegd of verplaatst"
        )
    if event.get("prev") != previous:
        return "de keten is verbroken: de regel ervoor is gewijzigd, verwijderd of verplaatst"
    return ""
