"""The loopback servers' mail store: DIR/<mailbox address>/<folder name>/ as Maildirs holding raw MIME."""

from __future__ import annotations

import email
import email.policy
import mailbox
import threading
from pathlib import Path

INBOX = "Inbox"
SENT = "Sent Items"


class MailStore:
    """Mailboxes as folders of Maildirs; thread-safe enough for a test server."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()

    def _maildir(self, address: str, folder: str, create: bool = True) -> mailbox.Maildir:
        path = self.root / address.lower() / folder
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)  # Maildir creates only the last level
        return mailbox.Maildir(path, factory=None, create=create)

    def mailboxes(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def folders(self, address: str) -> list[str]:
        base = self.root / address.lower()
        if not base.exists():
            return []
        return sorted(p.name for p in base.iterdir() if (p / "cur").is_dir())

    def has_folder(self, address: str, folder: str) -> bool:
        return (self.root / address.lower() / folder / "cur").is_dir()

    def create_folder(self, address: str, folder: str) -> None:
        with self._lock:
            self._maildir(address, folder)

    def deliver(self, address: str, raw: bytes, folder: str = INBOX) -> str:
        """Put raw MIME into a folder; returns its key."""
        with self._lock:
            return self._maildir(address, folder).add(raw)

    def keys(self, address: str, folder: str) -> list[str]:
        """Keys of the messages in a folder, oldest first (by delivery time, then key)."""
        with self._lock:
            box = self._maildir(address, folder)
            keyed = []
            for key in box.iterkeys():
                path = Path(box._path) / box._lookup(key)  # noqa: SLF001 - stdlib Maildir keeps paths private
                keyed.append((path.stat().st_mtime_ns, key))
            return [key for _, key in sorted(keyed)]

    def get(self, address: str, folder: str, key: str) -> bytes:
        with self._lock:
            return self._maildir(address, folder).get_bytes(key)

    def move(self, address: str, key: str, source: str, target: str) -> str:
        """Move a message between folders (never deletes content); returns its new key."""
        with self._lock:
            src = self._maildir(address, source)
            raw = src.get_bytes(key)
            new_key = self._maildir(address, target).add(raw)
            src.discard(key)
            return new_key

    def delete(self, address: str, folder: str, key: str) -> None:
        """Remove a message for good (a hard delete); KeyError when it is not there."""
        with self._lock:
            box = self._maildir(address, folder)
            box.get_bytes(key)
            box.discard(key)

    def find_message_id(self, address: str, folder: str, message_id: str) -> str | None:
        """The key of the message carrying this Message-ID header, if any."""
        for key in self.keys(address, folder):
            if header_message_id(self.get(address, folder, key)) == message_id.strip():
                return key
        return None

    def all_messages(self, address: str, folder: str) -> list[bytes]:
        return [self.get(address, folder, key) for key in self.keys(address, folder)]


def header_message_id(raw: bytes) -> str:
    """The Message-ID header of raw MIME, stripped; empty if absent."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    return (msg.get("Message-ID") or "").strip()
