"""The case archive: every message of a case, its attachments and a message log, sealed at rest.

Layout under `.integrity/meldingen/`: `salt` (for the key), and per case a folder `M-2026-0001/` holding
`NN-bericht.eml.enc`, `NN-tekst.txt.enc`, `NN-bijlage-K.enc` and `log.json.enc`. File names on disk are neutral;
the sender's attachment names (sanitised: no folders, no `..`, no reserved Windows names, no control characters)
live only inside the sealed log with each file's size and SHA-256. Attachments are never opened or executed.
An attachment over the size limit is kept out with a note; so is an original message over the limit (its text is
still archived, and the original stays in the processed folder of the reports mailbox).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from toolkit.reports.crypto import seal, unseal, write_atomically

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")
LOG = "log.json.enc"
NOTES = "notities.json.enc"


def safe_filename(name: str | None, fallback: str = "bijlage") -> str:
    """A name that is only a name: last path part, no control or reserved characters, no reserved device name."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE.sub("_", text).strip(" .")
    stem = text.split(".", 1)[0]
    if stem.upper() in RESERVED:
        text = f"_{text}"
    text = text[:120]
    return text or fallback


@dataclass(frozen=True)
class ArchivedFile:
    """One archived (or kept-out) file, as recorded in the sealed log."""

    role: str  # 'bericht', 'tekst' or 'bijlage'
    name: str  # sanitised name as the sender gave it
    stored_as: str  # file name in the case folder; '' when kept out
    size: int
    sha256: str
    note: str = ""


@dataclass(frozen=True)
class LoggedMessage:
    """One message of a case in the sealed log: when it came and what was archived."""

    number: int
    received: str  # ISO date-time
    digest: str  # SHA-256 of the Message-ID (or of the bytes): the idempotency key
    files: tuple[ArchivedFile, ...]


class CaseArchive:
    """Sealed files per case; `key` comes from `crypto.archive_key`."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self.key = key

    def folder(self, case: str) -> Path:
        if not re.fullmatch(r"M-\d{4}-\d{4,}", case):
            raise ValueError(f"not a case number: {case!r}")
        return self.root / case

    def log(self, case: str) -> list[LoggedMessage]:
        path = self.folder(case) / LOG
        if not path.exists():
            return []
        entries = json.loads(unseal(path.read_bytes(), self.key, f"{case}/{LOG}", path))
        return [_entry(e) for e in entries]

    def add_message(
        self,
        case: str,
        digest: str,
        received: str,
        raw: bytes,
        text: str,
        attachments: list[tuple[str | None, bytes]],
        max_bytes: int,
    ) -> LoggedMessage:
        """Archive one message (idempotent by digest): raw .eml, its text and each attachment, then the log."""
        entries = self.log(case)
        for entry in entries:
            if entry.digest == digest:
                return entry
        number = len(entries) + 1
        folder = self.folder(case)
        folder.mkdir(parents=True, exist_ok=True)
        files = [
            self._store(case, f"{number:02d}-bericht.eml.enc", "bericht", "bericht.eml", raw, max_bytes),
            self._store(case, f"{number:02d}-tekst.txt.enc", "tekst", "tekst.txt", text.encode("utf-8"), max_bytes * 4),
        ]
        for index, (name, payload) in enumerate(attachments, start=1):
            stored = f"{number:02d}-bijlage-{index}.enc"
            files.append(
                self._store(case, stored, "bijlage", safe_filename(name, f"bijlage-{index}"), payload, max_bytes)
            )
        entry = LoggedMessage(number, received, digest, tuple(files))
        self._write_log(case, [*entries, entry])
        return entry

    def read(self, case: str, stored_as: str) -> bytes:
        path = self.folder(case) / safe_filename(stored_as)
        return unseal(path.read_bytes(), self.key, f"{case}/{path.name}", path)

    def notes(self, case: str) -> list[str]:
        """The handler's notes, oldest first, as 'date, who: text'."""
        path = self.folder(case) / NOTES
        if not path.exists():
            return []
        return json.loads(unseal(path.read_bytes(), self.key, f"{case}/{NOTES}", path))

    def add_note(self, case: str, day: str, actor: str, text: str) -> None:
        notes = [*self.notes(case), f"{day}, {actor}: {text}"]
        self.folder(case).mkdir(parents=True, exist_ok=True)
        data = json.dumps(notes, ensure_ascii=False).encode("utf-8")
        write_atomically(self.folder(case) / NOTES, seal(data, self.key, f"{case}/{NOTES}"))

    def erase_originals(self, case: str) -> int:
        """Delete the sealed original messages (they hold the sender); texts and attachments stay. Returns count."""
        erased = 0
        for path in self.folder(case).glob("*-bericht.eml.enc"):
            path.unlink()
            erased += 1
        return erased

    def _store(self, case: str, stored_as: str, role: str, name: str, payload: bytes, max_bytes: int) -> ArchivedFile:
        digest = hashlib.sha256(payload).hexdigest()
        if len(payload) > max_bytes:
            limit = max_bytes // (1024 * 1024)
            note = (
                f"groter dan {limit} MB: niet bewaard (het origineel staat in de map Verwerkt van de meldingenpostbus)"
            )
            return ArchivedFile(role, name, "", len(payload), digest, note)
        path = self.folder(case) / stored_as
        write_atomically(path, seal(payload, self.key, f"{case}/{stored_as}"))
        return ArchivedFile(role, name, stored_as, len(payload), digest)

    def _write_log(self, case: str, entries: list[LoggedMessage]) -> None:
        data = json.dumps([asdict(e) for e in entries], ensure_ascii=False).encode("utf-8")
        write_atomically(self.folder(case) / LOG, seal(data, self.key, f"{case}/{LOG}"))


def _entry(data: dict[str, Any]) -> LoggedMessage:
    files = tuple(ArchivedFile(**f) for f in data["files"])
    return LoggedMessage(data["number"], data["received"], data["digest"], files)
