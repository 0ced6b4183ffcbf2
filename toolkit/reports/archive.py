"""The case archive: every message of a case, its attachments, notes and the mails sent to the reporter, sealed.

Layout under `.integrity/meldingen/` (folders 0700, files 0600): per case a folder `M-2026-0001/` holding, per
message NN, `NN-bericht.eml.age` and `NN-identiteit.json.age` (sealed to the identity holders), `NN-tekst.txt.age`,
`NN-bijlage-K.age` and `NN-log.json.age` (sealed to the content holders); `notitie-NNN.json.age` (content) and
`verzonden-HASH.eml.age` (copies of what was sent to the reporter, identity holders). Every file is written once and
never read back by the unattended job, so intake needs no key; `reseal` (with an identity holder's key) seals a case
again to its current holders. File names on disk are neutral;
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
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError
from toolkit.reports.crypto import private_dir, seal, unseal, write_private
from toolkit.reports.holders import Holders

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")
SUFFIX = ".age"
_CASE = re.compile(r"M-\d{4}-\d{4,}")


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
    """Sealed files per case. `public_keys` (email -> age public key) is all that sealing needs."""

    def __init__(self, root: Path, public_keys: Mapping[str, str]) -> None:
        self.root = root
        self.public_keys = dict(public_keys)

    def folder(self, case: str) -> Path:
        if not _CASE.fullmatch(case):
            raise ValueError(f"not a case number: {case!r}")
        return self.root / case

    def cases(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _CASE.fullmatch(p.name))

    def files(self, case: str) -> list[Path]:
        folder = self.folder(case)
        return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []

    def recipients(self, people: tuple[str, ...], label: str) -> list[str]:
        keys = [self.public_keys[p] for p in people if p in self.public_keys]
        if not keys:
            raise ConfigError(
                f"{label}: niemand van {', '.join(people) or '(niemand)'} heeft een publieke sleutel; er is niets geschreven.",
                hint="maak sleutels met 'integrity keys new ADRES --out BESTAND' (zie 'integrity check').",
            )
        return keys

    # -- writing (no key needed) ------------------------------------------------------------------------------

    def add_message(
        self,
        case: str,
        number: int,
        holders: Holders,
        received: str,
        raw: bytes,
        text: str,
        attachments: list[tuple[str | None, bytes]],
        max_bytes: int,
        identity: dict[str, Any],
    ) -> LoggedMessage:
        """Seal one message as message NN of the case (a redo after a kill writes the same files again)."""
        private_dir(self.folder(case))
        files = [
            self._store(case, f"{number:02d}-bericht.eml{SUFFIX}", "bericht", "bericht.eml", raw, max_bytes, holders),
            self._store(
                case,
                f"{number:02d}-tekst.txt{SUFFIX}",
                "tekst",
                "tekst.txt",
                text.encode("utf-8"),
                max_bytes * 4,
                holders,
            ),
        ]
        for index, (name, payload) in enumerate(attachments, start=1):
            stored = f"{number:02d}-bijlage-{index}{SUFFIX}"
            files.append(
                self._store(
                    case, stored, "bijlage", safe_filename(name, f"bijlage-{index}"), payload, max_bytes, holders
                )
            )
        self._seal_json(case, f"{number:02d}-identiteit.json{SUFFIX}", identity, holders.identity)
        entry = LoggedMessage(number, received, "", tuple(files))
        self._seal_json(case, f"{number:02d}-log.json{SUFFIX}", asdict(entry), holders.content)
        return entry

    def add_sent_copy(self, case: str, key: str, raw: bytes, holders: Holders) -> Path:
        """The sealed copy of a mail to the reporter (identity holders only), named after the mail's ledger key."""
        name = f"verzonden-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.eml{SUFFIX}"
        path = self.folder(case) / name
        private_dir(path.parent)
        write_private(path, seal(raw, self.recipients(holders.identity, case), f"{case}/{name}"))
        return path

    def add_note(self, case: str, holders: Holders, day: str, actor: str, text: str) -> None:
        existing = sorted(self.folder(case).glob(f"notitie-*.json{SUFFIX}")) if self.folder(case).is_dir() else []
        name = f"notitie-{len(existing) + 1:03d}.json{SUFFIX}"
        self._seal_json(case, name, {"date": day, "by": actor, "text": text}, holders.content)

    def erase_originals(self, case: str) -> int:
        """Delete the sealed originals, identities and sent copies (they hold the reporter). Returns the count."""
        erased = 0
        for path in self.files(case):
            if role_of(path.name) in ("bericht", "identiteit", "verzonden"):
                path.unlink()
                erased += 1
        return erased

    # -- reading (a private key) ------------------------------------------------------------------------------

    def open_file(self, case: str, name: str, key: PrivateKey) -> bytes:
        path = self.folder(case) / safe_filename(name)
        if not path.is_file():
            raise ConfigError(
                f"{path} ontbreekt in het archief van zaak {case}.", hint="zet het terug uit een back-up."
            )
        return unseal(path.read_bytes(), key, f"{case}/{path.name}", path)

    def log(self, case: str, key: PrivateKey) -> list[LoggedMessage]:
        return [
            _entry(json.loads(self.open_file(case, p.name, key)))
            for p in self.files(case)
            if p.name.endswith(f"-log.json{SUFFIX}")
        ]

    def identity(self, case: str, key: PrivateKey) -> dict[str, Any]:
        """The reporter as the messages of the case give them: first name/address/language, every Message-ID."""
        merged: dict[str, Any] = {}
        ids: list[str] = []
        for path in self.files(case):
            if role_of(path.name) == "identiteit":
                data = json.loads(self.open_file(case, path.name, key))
                for field in ("Naam", "E-mail", "Taal"):
                    merged.setdefault(field, data.get(field) or None)
                    merged[field] = merged[field] or data.get(field) or None
                ids += [m for m in (data.get("Berichten") or "").split() if m not in ids]
        if merged:
            merged["Berichten"] = " ".join(ids)
        return merged

    def read(self, case: str, stored_as: str, key: PrivateKey) -> bytes:
        return self.open_file(case, stored_as, key)

    def notes(self, case: str, key: PrivateKey) -> list[str]:
        """The handlers' notes, oldest first, as 'date, who: text'."""
        notes = []
        for path in self.files(case):
            if path.name.startswith("notitie-"):
                data = json.loads(self.open_file(case, path.name, key))
                notes.append(f"{data['date']}, {data['by']}: {data['text']}")
        return notes

    def sent_copies(self, case: str, key: PrivateKey) -> list[bytes]:
        return [self.open_file(case, p.name, key) for p in self.files(case) if role_of(p.name) == "verzonden"]

    def reseal(self, case: str, key: PrivateKey, holders: Holders) -> int:
        """Open every file with `key` and seal it again to the current holders; first all opened, then all written."""
        opened = [(p, self.open_file(case, p.name, key)) for p in self.files(case)]
        for path, data in opened:
            people = holders.for_role(role_of(path.name))
            write_private(path, seal(data, self.recipients(people, case), f"{case}/{path.name}"))
        return len(opened)

    # -- helpers ----------------------------------------------------------------------------------------------

    def _seal_json(self, case: str, name: str, data: Any, people: tuple[str, ...]) -> None:
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
        write_private(self.folder(case) / name, seal(payload, self.recipients(people, case), f"{case}/{name}"))

    def _store(
        self, case: str, stored_as: str, role: str, name: str, payload: bytes, max_bytes: int, holders: Holders
    ) -> ArchivedFile:
        digest = hashlib.sha256(payload).hexdigest()
        if len(payload) > max_bytes:
            limit = max_bytes // (1024 * 1024)
            note = (
                f"groter dan {limit} MB: niet bewaard (het origineel staat in de map Verwerkt van de meldingenpostbus)"
            )
            return ArchivedFile(role, name, "", len(payload), digest, note)
        people = holders.for_role(role)
        path = self.folder(case) / stored_as
        write_private(path, seal(payload, self.recipients(people, case), f"{case}/{stored_as}"))
        return ArchivedFile(role, name, stored_as, len(payload), digest)


def role_of(name: str) -> str:
    """The role of an archive file from its neutral name."""
    if name.startswith("verzonden-"):
        return "verzonden"
    if name.startswith("notitie-"):
        return "notitie"
    match = re.match(r"\d+-(bericht|identiteit|tekst|bijlage|log)", name)
    return match.group(1) if match else "onbekend"


def _entry(data: dict[str, Any]) -> LoggedMessage:
    files = tuple(ArchivedFile(**f) for f in data["files"])
    return LoggedMessage(data["number"], data["received"], data.get("digest", ""), files)
