"""The embedded default backend: outbox as a folder of .eml files, inbox as a Maildir, processed mail moved to a sub-folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from toolkit.errors import MailError
from toolkit.mail.backend import InboundRef

MAILDIR_PARTS = ("cur", "new", "tmp")


def ensure_maildir(path: Path) -> None:
    for part in MAILDIR_PARTS:
        (path / part).mkdir(parents=True, exist_ok=True)


def outbox_name(message_id: str) -> str:
    return hashlib.sha256(message_id.strip().encode("utf-8")).hexdigest()[:32] + ".eml"


def _stub(raw: bytes, message_id: str) -> bytes:
    """What the outbox keeps of a mail sent without a copy: that it went, never to whom or what it said."""
    from email import message_from_bytes
    from email.policy import default

    original = message_from_bytes(raw, policy=default)
    return (
        f"Message-ID: {message_id}\r\nDate: {original.get('Date', '')}\r\nX-Integrity-No-Copy: ja\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Verstuurd zonder kopie; een versleutelde kopie staat in het archief van de zaak.\r\n"
    ).encode()


class FolderBackend:
    """Mail as files: what a test, a demo or an air-gapped trial needs, with the same guarantees as Exchange."""

    name = "folder"

    def __init__(self, outbox: Path, inboxes: dict[str, Path], processed_folder: str = "Verwerkt") -> None:
        self.outbox = outbox
        self.inboxes = inboxes
        self.processed_folder = processed_folder
        self._outbox_ready = False  # made once per backend, not once per message

    def _inbox(self, mailbox: str) -> Path:
        try:
            return self.inboxes[mailbox]
        except KeyError as exc:
            raise MailError(f"onbekende postbus '{mailbox}' voor de map-backend") from exc

    def processed_dir(self, mailbox: str, folder: str | None = None) -> Path:
        """Maildir++ sub-folder of the inbox, e.g. mail/inbox/.Verwerkt (or .Geen melding for `folder`)"""
        return self._inbox(mailbox) / f".{folder or self.processed_folder}"

    def send(self, raw: bytes, message_id: str, recipients: list[str], *, save_copy: bool = True) -> None:
        """Write the message to the outbox; without `save_copy` only a stub (no recipient, no body) is kept."""
        if not self._outbox_ready:
            self.outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._outbox_ready = True
        target = os.path.join(self.outbox, outbox_name(message_id))  # strings, not Path: this runs per message
        temp = target[: -len(".eml")] + ".tmp"
        data = raw if save_copy else _stub(raw, message_id)
        try:
            descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except FileNotFoundError:  # the outbox was removed during the run: made again, as on the first send
            self.outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
        # write then rename: a killed process leaves no half message in the outbox. No fsync: like the trail line
        # after it, the message is in the OS's hands once written, which is what a killed process needs
        os.replace(temp, target)

    def was_sent(self, message_id: str) -> bool:
        return (self.outbox / outbox_name(message_id)).exists()

    def list_new(self, mailbox: str = "inbox") -> list[InboundRef]:
        inbox = self._inbox(mailbox)
        # a name starting with a dot is no message (Maildir convention; e.g. the .gitkeep of the repository's workspace)
        files = [p for part in ("new", "cur") for p in (inbox / part).glob("*") if p.is_file() and p.name[0] != "."]
        files.sort(key=lambda p: (p.stat().st_mtime_ns, p.name))
        return [InboundRef(mailbox, f"{p.parent.name}/{p.name}") for p in files]

    def fetch_raw(self, ref: InboundRef) -> bytes:
        return (self._inbox(ref.mailbox) / ref.backend_id).read_bytes()

    def move_processed(self, ref: InboundRef, *, folder: str | None = None) -> None:
        source = self._inbox(ref.mailbox) / ref.backend_id
        target_dir = self.processed_dir(ref.mailbox, folder)
        ensure_maildir(target_dir)
        os.replace(source, target_dir / "cur" / source.name)

    def list_processed(self, mailbox: str) -> list[InboundRef]:
        """Messages in the processed folder (only the reports' purge of originals uses this)."""
        folder = self.processed_dir(mailbox)
        files = sorted(p for part in ("new", "cur") for p in (folder / part).glob("*") if p.is_file())
        return [InboundRef(mailbox, f"{p.parent.name}/{p.name}") for p in files]

    def fetch_processed(self, ref: InboundRef) -> bytes:
        return (self.processed_dir(ref.mailbox) / ref.backend_id).read_bytes()

    def delete_processed(self, ref: InboundRef) -> None:
        """Delete a processed original for good: only for issue 12's purge of report originals."""
        (self.processed_dir(ref.mailbox) / ref.backend_id).unlink()

    def check(self) -> str:
        for mailbox, path in self.inboxes.items():
            if not (path / "new").is_dir() or not (path / "cur").is_dir():
                raise MailError(
                    f"postbus '{mailbox}' ({path}) is geen Maildir (mappen new/ en cur/ ontbreken).",
                    hint="maak de mappen aan of zet [mail.folder] goed in config.toml.",
                )
        if not os.access(self.outbox if self.outbox.exists() else self.outbox.parent, os.W_OK):
            raise MailError(f"uitbak {self.outbox} is niet schrijfbaar.", hint="geef schrijfrechten op de map.")
        return f"map-backend: uitbak {self.outbox}, postbus {', '.join(str(p) for p in self.inboxes.values())}"
