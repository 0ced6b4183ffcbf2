"""Outgoing messages: built once, as RFC 5322 bytes, with a Message-ID that follows from the message's key."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from pathlib import Path


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
    save_copy: bool = True  # False: no copy in Sent Items / the outbox (mail to a reporter; its copy is sealed)

    def message_id(self, domain: str) -> str:
        digest = hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:32]
        return f"<{digest}@{domain}>"


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1]


def build_message(mail: OutgoingMail, sender: str, sender_name: str, now: datetime | None = None) -> Message:
    """The MIME message: plain text with an HTML alternative, attachments, Message-ID and Date.

    Built with the stdlib's compat32 MIME classes: the same RFC 5322 output as EmailMessage, about four times
    faster, because no header is parsed back into objects (which matters for mailings of thousands).
    """
    body = _text_part(mail.text, "plain")
    if mail.html:
        body = _multipart("alternative", [body, _text_part(mail.html, "html")])
    message = _multipart("mixed", [body, *map(_attachment_part, mail.attachments)]) if mail.attachments else body
    message["From"] = formataddr((sender_name, sender), charset="utf-8")
    message["To"] = ", ".join(mail.to)
    message["Subject"] = _header(mail.subject)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = mail.message_id(domain_of(sender))
    message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers:
        message[name] = _header(value)
    return message


_QP_UTF8 = Charset("utf-8")
_QP_UTF8.body_encoding = QP
_WIRE = compat32.clone(linesep="\r\n", max_line_length=78)  # RFC 5322 line ends


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


def _text_part(text: str, subtype: str) -> Message:
    if text.isascii():
        return MIMEText(text, subtype, "us-ascii", policy=_WIRE)
    return MIMEText(text, subtype, _QP_UTF8, policy=_WIRE)  # type: ignore[arg-type]


def _multipart(subtype: str, parts: list[Message]) -> Message:
    container = MIMEMultipart(subtype, policy=_WIRE)
    for part in parts:
        container.attach(part)
    return container


def _attachment_part(attachment: Attachment) -> Message:
    maintype, _, subtype = attachment.content_type.partition("/")
    part = MIMEBase(maintype, subtype, policy=_WIRE)
    part.set_payload(attachment.content)
    encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=_filename(attachment.filename))
    return part


def _filename(name: str) -> str | tuple[str, str, str]:
    return name if name.isascii() else ("utf-8", "", name)
