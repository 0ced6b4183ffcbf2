"""The protocol every mail backend (folder, Exchange, Graph) implements; everything above it works on raw MIME."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class InboundRef:
    """A handle on one inbound message: the backend's own id plus the mailbox it sits in."""

    mailbox: str  # "inbox" (the shared mailbox) or "reports" (the reports mailbox)
    backend_id: str  # folder: file name; Exchange: item id; Graph: message id


class MailBackend(Protocol):
    """Send, list new, fetch raw MIME, move to the processed folder. Never delete."""

    name: str

    def send(self, raw: bytes, message_id: str, recipients: list[str], *, save_copy: bool = True) -> None:
        """Send one RFC 5322 message (already carrying Message-ID and Date), keeping a copy in Sent Items
        unless `save_copy` is False (mail to a reporter: no copy anywhere in the mailbox)."""

    def was_sent(self, message_id: str) -> bool:
        """True when a message with this Message-ID is in Sent Items (or the outbox): used after a crash."""

    def list_new(self, mailbox: str = "inbox") -> list[InboundRef]:
        """Inbound messages not yet moved to the processed folder, oldest first."""

    def fetch_raw(self, ref: InboundRef) -> bytes:
        """The message exactly as received, as raw MIME bytes."""

    def move_processed(self, ref: InboundRef, *, folder: str | None = None) -> None:
        """Move the message to the processed folder, or to `folder` (both created if missing). Never deletes."""

    def check(self) -> str:
        """Raise MailError naming the setting at fault if the backend can't be used; else a one-line description."""
