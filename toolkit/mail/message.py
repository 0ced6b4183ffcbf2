"""Outgoing messages: built once, as RFC 5322 bytes, with a Message-ID that follows from the message's key."""

from __future__ import annotations

import functools
import hashlib
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP as _SMTP
from email.utils import format_datetime, formataddr
from pathlib import Path


class _CachedHeaderRegistry(HeaderRegistry):
    """The stdlib registry builds a new header class on every lookup (about 0.8 ms of every message); cache them."""

    @functools.cache  # noqa: B019 - one registry for the whole process; the cache is what we want
    def __getitem__(self, name: str) -> type:
        return super().__getitem__(name)


SMTP = _SMTP.clone(header_factory=_CachedHeaderRegistry())


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    @classmethod
    def from_path(cls, path: Path) -> Attachment:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(path.name, path.read_bytes(), kind)


@dataclass(frozen=True)
class OutgoingMail:
    """One message to send. `key` is stable (purpose + recipient + cycle or case): it makes sending exactly-once.

    The key and audit_ref are stored unencrypted: for confidential mail they carry a case number, never an address.
    """

    key: str
    purpose: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=())
    audit_ref: str = ""  # non-identifying reference for the audit trail: a register row or case number

    def message_id(self, domain: str) -> str:
        digest = hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:32]
        return f"<{digest}@{domain}>"


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1]


def build_message(mail: OutgoingMail, sender: str, sender_name: str, now: datetime | None = None) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, attachments, Message-ID and Date."""
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((sender_name, sender))
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = mail.message_id(domain_of(sender))
    message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message
