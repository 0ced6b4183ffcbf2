"""Append-only, tamper-evident audit trail: `.integrity/audit.jsonl`, each line carrying the SHA-256 of the previous.

Every action with an effect outside the toolkit is one line: what, when, which register row or message id,
which command or job. Never a reporter's identity or a report's content: callers pass case numbers,
pseudonyms, register row numbers and message ids only.

The chain shows an edited, removed, inserted or swapped line; the anchor (`toolkit.audit_anchor`, kept
outside the workspace) shows what the chain alone cannot: a deleted or cut trail, and one re-chained by
someone without the key, however many ordinary runs came after. `verify` reads the trail as a stream.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from toolkit.audit_anchor import Anchor, Break, Head
from toolkit.errors import ResourceError
from toolkit.files import open_private_append, private_dir, resource_error
from toolkit.values import counted

GENESIS = "0" * 64


def _digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def _lock(fd: int) -> None:
    """An exclusive lock on the trail, dropped when `fd` is closed (Windows: appends are serialised by the
    workspace's run lock)."""
    try:
        import fcntl
    except ImportError:
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


class _Writer:
    """The trail open for appending, locked, with its last line known: what one `record` or one session holds."""

    def __init__(self, anchor: Anchor, key: bytes, fd: int, head: Head, count: int, previous: str) -> None:
        self.anchor, self.key, self.fd = anchor, key, fd
        self.head, self.count, self.previous = head, count, previous
        self.held = anchor.hold()  # the anchor file kept open: one write per line, not open+stat+close

    def append(self, action: str, actor: str, target: str, details: dict[str, Any]) -> None:
        event: dict[str, Any] = {
            "seq": self.count + 1,
            "ts": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "details": {k: v for k, v in details.items() if v is not None},
            "prev": self.previous,
        }
        line_hash = event["hash"] = _event_hash(event)
        event["mac"] = self.anchor.mac(self.key, line_hash)
        line = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8")
        _append_whole(self.fd, line + b"\n")
        self.count, self.previous = self.count + 1, _digest(line)
        self.head = _moved(self.head, self.count, self.previous)
        self.held.save(self.key, self.head)

    def sync(self) -> None:
        _datasync(self.fd)

    def close(self, *, sync: bool) -> None:
        try:
            if sync:
                self.sync()
                self.held.sync()
        finally:
            self.held.close()
            os.close(self.fd)  # drops the lock


def _datasync(fd: int) -> None:
    """The file's data (and the size it needs) on disk: fdatasync where there is one, else fsync."""
    getattr(os, "fdatasync", os.fsync)(fd)


_SESSIONS: dict[str, _Writer] = {}  # resolved trail path -> the session writing it in this process


@dataclass(frozen=True)
class Verdict:
    """The outcome of `audit verify`. `anchored` False: the chain was checked, deletion and re-chaining were not."""

    ok: bool
    lines: int
    bad_line: int | None = None
    why: str = ""
    anchored: bool = True
    anchor_path: str = ""
    head: str = ""  # SHA-256 of the last line: what the mails to the integrity officer carry (audit_witness)
    witnessed: int = 0  # heads from mails (--witness) found in the trail


class AuditTrail:
    """Appends chained, keyed JSON lines and keeps the anchor's head in step.

    `head_store` is accepted for older callers and no longer used: the anchor outside the workspace replaced
    the head kept in the state store (which an intruder could delete together with the trail).
    """

    def __init__(self, path: Path, head_store: Any | None = None, anchor: Anchor | None = None) -> None:
        self.path = path
        self.anchor = anchor or Anchor(path)
        self._ident = str(path.resolve())

    def head(self) -> tuple[int, str]:
        """(line count, SHA-256 of the last line): what a mail to the integrity officer may carry as a witness."""
        if not self.path.exists():
            return 0, GENESIS
        with open(self.path, "rb") as handle:
            tail = _tail(handle)
        return (_seq(tail[-1]), _digest(tail[-1])) if tail else (0, GENESIS)

    def record(self, action: str, *, actor: str, target: str = "", **details: str | int | float | None) -> None:
        """Append one event. `details` are plain, non-identifying values.

        Inside `session()` (of this or any other AuditTrail on the same file in this process) the line goes through
        the session's open, locked trail; otherwise this opens, locks, reads the tail and checks the anchor itself.
        """
        try:
            writer = _SESSIONS.get(self._ident)
            if writer is not None:
                writer.append(action, actor, target, details)
                return
            writer = self._open_writer()
            try:
                writer.append(action, actor, target, details)
            finally:
                writer.close(sync=False)
        except OSError as exc:
            raise resource_error(self.path, exc) from exc

    @contextmanager
    def session(self) -> Iterator[AuditTrail]:
        """Many lines for the price of one open: one open, lock, tail read and anchor check for the whole block.

        Each line is still its own write (in the OS's hands at once: a killed process loses none) followed by the
        anchor overwritten in place, so a SIGKILL anywhere leaves at most one line past the anchor, which the next
        run accepts as before. fsync: the trail at `sync()` (the mailer calls it before the ledger records a group
        *sent*), trail and anchor when the session ends; none per line. A power cut may still leave the anchor some
        lines behind the trail (as without a session): `audit verify` then reports a break rather than hiding one.
        The trail stays locked for the session; a nested session or a `record` on another AuditTrail of the same
        file in this process joins it.
        """
        if self._ident in _SESSIONS:
            yield self
            return
        try:
            writer = self._open_writer()
        except OSError as exc:
            raise resource_error(self.path, exc) from exc
        _SESSIONS[self._ident] = writer
        try:
            yield self
        finally:
            del _SESSIONS[self._ident]
            try:
                writer.close(sync=True)
            except OSError as exc:
                raise resource_error(self.path, exc) from exc

    def sync(self) -> None:
        """Inside a session: the lines so far on disk (fdatasync), so that what is recorded after this (the ledger's
        *sent*) never outlives its audit line in a power cut. Outside one: nothing to do (each line is in the OS's
        hands as soon as it is written, which is what a killed process needs)."""
        writer = _SESSIONS.get(self._ident)
        if writer is not None:
            try:
                writer.sync()
            except OSError as exc:
                raise resource_error(self.path, exc) from exc

    def _open_writer(self) -> _Writer:
        key = self.anchor.key(create=True)
        assert key is not None
        head, _problem = self.anchor.load(key)
        if head is not None and head.lines > 0 and not self.path.exists():
            raise missing_trail(self.path, head.lines)
        private_dir(self.path.parent)
        fd = open_private_append(self.path)
        try:
            _lock(fd)
            with open(self.path, "rb") as reader:
                tail = _tail(reader)
            count = _seq(tail[-1]) if tail else 0
            previous = _digest(tail[-1]) if tail else GENESIS
            head = self._checked_head(head, tail, count, previous, key)
        except BaseException:
            os.close(fd)  # closing drops the lock
            raise
        return _Writer(self.anchor, key, fd, head, count, previous)

    def _checked_head(self, head: Head | None, tail: list[bytes], count: int, previous: str, key: bytes) -> Head:
        """The anchored head, adopted on first use, with a break added when the trail does not end where it said."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        if head is None:
            return Head(str(self.path.resolve()), count, previous, count, now, Anchor.key_id(key))
        if count == head.lines and previous == head.head:
            return head
        killed_after_append = len(tail) == 2 and count == head.lines + 1 and _digest(tail[0]) == head.head
        if killed_after_append:
            return head
        return head.with_break(Break(now, head.lines, head.head, count))

    def events(self, since: date | None = None) -> list[dict[str, Any]]:
        """All events (optionally from a date on), oldest first; lines that aren't JSON are skipped here."""
        if not self.path.exists():
            return []
        found = []
        with open(self.path, "rb") as handle:
            for raw in handle:
                try:
                    event = json.loads(raw)
                except ValueError:
                    continue
                if since is None or event.get("ts", "")[:10] >= since.isoformat():
                    found.append(event)
        return found

    def verify(self) -> Verdict:
        """Check chain, keys and anchor, reading the trail line by line (constant memory)."""
        key = self.anchor.key(create=False)
        head, problem = self.anchor.load(key)
        where = str(self.anchor.head_path)
        if problem:
            return Verdict(False, 0, None, problem, anchored=False, anchor_path=where)
        number, previous, at_anchor, bad = 0, GENESIS, None, None
        if self.path.exists():
            with open(self.path, "rb") as handle:
                for number, line in enumerate(handle, start=1):
                    raw = line.rstrip(b"\n")
                    event, why = _check_line(raw, number, previous)
                    why = why or self._check_mac(event, number, head, key)
                    if why:
                        bad = Verdict(False, number, number, why, anchor_path=where)
                        break
                    previous = _digest(raw)
                    if head is not None and number == head.lines:
                        at_anchor = previous
        if bad is not None:
            return bad
        return replace(self._against_anchor(head, key, number, at_anchor, where), head=previous)

    def check_witnesses(self, verdict: Verdict, witnesses: list[tuple[int, str]]) -> Verdict:
        """The verdict, failed when a head carried by a mail (`audit_witness`) is not in the trail any more."""
        if not witnesses or not verdict.ok:
            return verdict
        wanted = dict(witnesses)
        found: dict[int, str] = {}
        if self.path.exists():
            with open(self.path, "rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    if number in wanted:
                        found[number] = _digest(raw.rstrip(b"\n"))
                    if number >= max(wanted):
                        break
        for lines, digest in sorted(witnesses):
            if lines == 0 and digest == GENESIS:
                continue
            if lines not in found:
                why = f"een mail droeg kop {lines}:{digest[:12]}…, maar het logboek heeft geen regel {lines} meer (ingekort of verwijderd)"
                return replace(verdict, ok=False, bad_line=verdict.lines + 1, why=why)
            if found[lines] != digest:
                why = f"regel {lines} is niet de regel die een mail als kop droeg ({digest[:12]}…): herschreven of opnieuw geketend"
                return replace(verdict, ok=False, bad_line=lines, why=why)
        return replace(verdict, witnessed=len(witnesses))

    def _check_mac(self, event: dict[str, Any], number: int, head: Head | None, key: bytes | None) -> str:
        if key is None:
            return ""
        mac = event.get("mac")
        if mac is None:
            if head is not None and number <= head.since:
                return ""  # written before the trail was anchored
            return "deze regel draagt geen sleutelhandtekening: hij is niet door de toolkit geschreven (ingevoegd of opnieuw geketend)"
        if mac != self.anchor.mac(key, str(event.get("hash", ""))):
            return "de sleutelhandtekening van deze regel klopt niet: herschreven en opnieuw geketend, of een andere sleutel"
        return ""

    def _against_anchor(
        self, head: Head | None, key: bytes | None, lines: int, at_anchor: str | None, where: str
    ) -> Verdict:
        if head is None:
            if lines == 0:
                return Verdict(True, 0, anchored=False, anchor_path=where)
            why = (
                f"geen anker gevonden ({where}): de keten zelf klopt, maar of het logboek is verwijderd, ingekort "
                "of opnieuw geketend is zonder anker niet te zeggen"
            )
            return Verdict(False, lines, None, why, anchored=False, anchor_path=where)
        if key is None:
            why = "de sleutel van het anker ontbreekt (INTEGRITY_AUDIT_KEY of audit.key): herschrijven is niet te controleren"
            return Verdict(False, lines, None, why, anchored=False, anchor_path=where)
        if head.breaks:
            first = head.breaks[0]
            why = (
                f"op {first.at} eindigde het logboek niet waar het anker het kende: verwacht {first.expected_lines} "
                f"regels, gevonden {first.found_lines} (verwijderd, ingekort of vervangen); wat er toen weg was, is "
                "niet meer te controleren"
            )
            return Verdict(False, lines, min(first.found_lines + 1, lines) or None, why, anchor_path=where)
        if lines < head.lines:
            known = counted(head.lines, "regel", "regels")
            why = f"het logboek is ingekort of verwijderd: het anker kent {known}, gevonden {lines}"
            return Verdict(False, lines, lines + 1, why, anchor_path=where)
        if at_anchor != head.head:
            why = f"regel {head.lines} is niet de regel die het anker kent: herschreven, verplaatst of opnieuw geketend"
            return Verdict(False, lines, head.lines, why, anchor_path=where)
        if lines > head.lines + 1:
            why = f"na regel {head.lines}, de laatste die het anker kent, staan {lines - head.lines} regels die niet verankerd zijn"
            return Verdict(False, lines, head.lines + 1, why, anchor_path=where)
        return Verdict(True, lines, anchor_path=where)


def _moved(head: Head, lines: int, digest: str) -> Head:
    return replace(head, lines=lines, head=digest)


def missing_trail(path: Path, anchored_lines: int) -> ResourceError:
    """The refusal when the trail is gone while the anchor knows it had lines."""
    return ResourceError(
        f"Het logboek {path} ontbreekt, terwijl het anker {counted(anchored_lines, 'regel', 'regels')} kent; "
        "er is niets gedaan.",
        hint=f"zet {path.name} terug uit de back-up. Is het echt verloren, maak dan bewust een leeg bestand op "
        "die plek: de toolkit gaat dan verder en 'integrity audit verify' blijft het verlies melden.",
    )


def _append_whole(fd: int, data: bytes) -> None:
    """One write on the O_APPEND descriptor (in the OS's hands at once, survives a killed process); a short write
    (disk full) is cut back off, so the trail never ends in half a line."""
    size = os.fstat(fd).st_size
    try:
        written = os.write(fd, data)
    except OSError:
        os.ftruncate(fd, size)
        raise
    if written != len(data):
        os.ftruncate(fd, size)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _tail(handle: Any) -> list[bytes]:
    """The last two lines (or fewer) of the file, read from its end."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return []
    chunk = 4096
    while True:
        start = max(0, size - chunk)
        handle.seek(start)
        tail = handle.read(size - start).rstrip(b"\n")
        if tail.count(b"\n") >= 2 or start == 0:
            return [line for line in tail.split(b"\n")[-2:] if line]
        chunk *= 4


def _seq(raw: bytes) -> int:
    try:
        return int(json.loads(raw).get("seq", 0))
    except (ValueError, AttributeError, TypeError):
        return 0


def _event_hash(event: dict[str, Any]) -> str:
    body = {k: v for k, v in event.items() if k not in ("hash", "mac")}
    return _digest(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _check_line(raw: bytes, number: int, previous: str) -> tuple[dict[str, Any], str]:
    """The parsed event and '' when line `number` is sound and follows `previous`, else why not."""
    try:
        event = json.loads(raw)
    except ValueError:
        return {}, "geen geldige JSON (regel gewijzigd of beschadigd)"
    if not isinstance(event, dict):
        return {}, "geen geldig gebeurtenisrecord"
    if event.get("seq") != number:
        why = f"volgnummer {event.get('seq')} staat op regel {number}: een regel is verwijderd, ingevoegd of verplaatst"
        return event, why
    if event.get("prev") != previous:
        return event, "de keten is verbroken: de regel ervoor is gewijzigd, verwijderd of verplaatst"
    if event.get("hash") != _event_hash(event):
        return event, "de inhoud van deze regel is gewijzigd"
    return event, ""
