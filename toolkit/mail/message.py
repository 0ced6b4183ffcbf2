"""Outgoing messages: built once, as RFC 5322 bytes, with a Message-ID that follows from the message's key."""

from __future__ import annotations

import base64
import copy
import hashlib
import mimetypes
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email._policybase import Compat32
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    @classmethod
    def from_path(cls, path: Path) -> Attachment:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(path.name, path.read_bytes(), kind)

    @cached_property
    def encoded(self) -> str:
        """The content in base64 (76-character lines), computed once however many messages carry it."""
        return base64.encodebytes(self.content).decode("ascii")


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
    covers: tuple[str, ...] = ()  # the items this message is about (a digest covers several); see the ledger
    save_copy: bool = True  # False: no copy in Sent Items / the outbox (mail to a reporter; its copy is sealed)
    sender_name: str = ""  # the role that sends it ("Mens & Organisatie"); "" = the mailbox's own name

    @property
    def items(self) -> tuple[str, ...]:
        """What the ledger records as delivered with this message: its covered items, or else its key."""
        return self.covers or (self.key,)

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
    message["From"] = formataddr((mail.sender_name or sender_name, sender), charset="utf-8")
    message["To"] = ", ".join(mail.to)
    message["Subject"] = _header(mail.subject)  # type: ignore[assignment]  # compat32 takes a Header object
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = mail.message_id(domain_of(sender))
    message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers:
        message[name] = _header(value)  # type: ignore[assignment]  # compat32 takes a Header object
    return message


_QP_UTF8 = Charset("utf-8")
_QP_UTF8.body_encoding = QP


class _Wire(Compat32):
    """compat32 with RFC 5322 line ends, and a short cut for the common header: short, ASCII, one line.

    compat32 folds every header through email.header.Header, most of a message's build time; a header that needs
    no folding or encoding comes out the same without it.
    """

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + len(value) + 2 <= (self.max_line_length or 78)
            and "\n" not in value
            and "\r" not in value
            and "  " not in value
            and value == value.strip()
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


_WIRE = _Wire(linesep="\r\n", max_line_length=78)  # RFC 5322 line ends


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


def _text_part(text: str, subtype: str) -> Message:
    """A text part as MIMEText makes it: headers copied from a part made once, the body encoded as MIMEText does.

    Plain text: 7bit when it is ASCII with lines within RFC 5322's 998 characters, else quoted-printable (readable
    in the raw message). HTML: always base64, whatever its characters or line lengths (encoded in C: quoted-
    printable in pure Python would cost a mailing of thousands more than the rest of building its messages).
    """
    if subtype == "html":
        encoding = "base64"
    elif text.isascii() and all(len(line) <= 998 for line in text.split("\n")):
        encoding = "7bit"
    else:
        encoding = "qp"
    prototype = _TEXT_PARTS.get((subtype, encoding))
    if prototype is None:
        charset: Any = {"7bit": "us-ascii", "qp": _QP_UTF8, "base64": "utf-8"}[encoding]
        prototype = _TEXT_PARTS[(subtype, encoding)] = MIMEText("", subtype, charset, policy=_WIRE)
    part = copy.copy(prototype)
    part._headers = list(prototype._headers)  # type: ignore[attr-defined]
    if encoding == "7bit":
        payload = text
    elif encoding == "qp":
        payload = _QP_UTF8.body_encode(text)
    else:
        payload = base64.encodebytes(text.encode("utf-8")).decode("ascii")
    part._payload = payload  # type: ignore[attr-defined]
    return part


_TEXT_PARTS: dict[tuple[str, str], Message] = {}


def _multipart(subtype: str, parts: list[Message]) -> Message:
    # A random boundary chosen here, as the generator would: set up front, it spares the generator compiling a
    # regular expression per message to check its own boundary (a third of the build time in a mailing).
    container = MIMEMultipart(subtype, boundary=f"{'=' * 15}{secrets.randbelow(10**19):019d}==", policy=_WIRE)
    for part in parts:
        container.attach(part)
    return container


def _attachment_part(attachment: Attachment) -> Message:
    maintype, _, subtype = attachment.content_type.partition("/")
    part = MIMEBase(maintype, subtype, policy=_WIRE)
    part.set_payload(attachment.encoded)  # encoded once per attachment, not once per message
    part["Content-Transfer-Encoding"] = "base64"
    part.add_header("Content-Disposition", "attachment", filename=_filename(attachment.filename))
    return part


def _filename(name: str) -> str | tuple[str, str, str]:
    return name if name.isascii() else ("utf-8", "", name)
