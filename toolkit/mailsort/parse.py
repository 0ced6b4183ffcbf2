"""Raw MIME bytes to a ParsedMail: headers decoded, best plain-text body, attachments. Never raises on bad input."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from types import MappingProxyType

FALLBACK_CHARSET = "windows-1252"

_MSGID = re.compile(r"<[^<>\s]+>")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "tr",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "hr",
        "address",
        "section",
        "article",
        "header",
        "footer",
    ]
)
_SKIP_TAGS = frozenset(("style", "script", "head", "title"))
_VOID_TAGS = frozenset(["br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"])


@dataclass(frozen=True)
class Attachment:
    """One attached file exactly as sent; the filename is NOT sanitised (never use it as a path as is)."""

    filename: str
    content_type: str
    payload: bytes


@dataclass(frozen=True)
class ParsedMail:
    """The parts of an inbound message the sorting rules need, all decoded to text."""

    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_address: str
    from_name: str
    reply_to: str
    to: tuple[str, ...]
    subject: str
    date: datetime | None
    text: str
    html: str | None
    headers: Mapping[str, str]
    attachments: tuple[Attachment, ...]


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes to text in the declared charset; unknown charsets and bad bytes never raise."""
    if charset:
        try:
            return data.decode(charset.strip().strip('"'), errors="replace")
        except (LookupError, ValueError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(FALLBACK_CHARSET, errors="replace")


def _raw_header_text(value: str) -> str:
    """Undo the surrogate escapes the stdlib leaves for 8-bit bytes in headers."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return decode_bytes(value.encode("utf-8", errors="surrogateescape"), None)
    return value


def decode_header_value(value: object) -> str:
    """An RFC 2047 header value decoded to one line of text (bad charsets decode with replacement)."""
    if value is None:
        return ""
    text = _raw_header_text(str(value))
    try:
        pieces = decode_header(text)
    except Exception:  # noqa: BLE001 - the stdlib raises assorted errors on broken encoded words
        return " ".join(text.split())
    out = []
    for piece, charset in pieces:
        out.append(decode_bytes(piece, charset) if isinstance(piece, bytes) else piece)
    return " ".join("".join(out).split())


def _header_map(msg: Message) -> Mapping[str, str]:
    headers: dict[str, str] = {}
    for name, value in msg.items():
        headers.setdefault(name.lower(), decode_header_value(value))
    return MappingProxyType(headers)


def _addresses(value: str) -> list[tuple[str, str]]:
    try:
        pairs = getaddresses([value])
    except Exception:  # noqa: BLE001
        return []
    return [(name.strip(), addr.strip().lower()) for name, addr in pairs if "@" in addr]


def _first_address(value: str) -> tuple[str, str]:
    pairs = _addresses(value)
    return pairs[0] if pairs else ("", "")


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("content-disposition", "")).lower()
    return disposition.startswith("attachment") or bool(
        part.get_param("name") or part.get_param("filename", header="content-disposition")
    )


def _leaf_parts(msg: Message) -> Iterator[Message]:
    """Non-multipart parts, not descending into attached messages (message/rfc822)."""
    if msg.is_multipart():
        if msg.get_content_type() == "message/rfc822":
            return
        payload = msg.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, Message):
                yield from _leaf_parts(sub)
    else:
        yield msg


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", errors="surrogateescape") if isinstance(raw, str) else b""


def part_text(part: Message) -> str:
    """The decoded text of one text/* part."""
    return decode_bytes(_payload_bytes(part), part.get_content_charset())


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:  # noqa: BLE001
        name = ""
    if isinstance(name, tuple):  # RFC 2231 value the stdlib could not collapse
        name = decode_bytes(str(name[2]).encode("latin-1", errors="replace"), name[0])
    return decode_header_value(name)


def _bodies(msg: Message) -> tuple[str | None, str | None, tuple[Attachment, ...]]:
    plain: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    for part in _leaf_parts(msg):
        ctype = part.get_content_type()
        if _is_attachment(part) and part is not msg:
            attachments.append(Attachment(_filename(part), ctype, _payload_bytes(part)))
        elif ctype == "text/plain" and plain is None:
            plain = part_text(part)
        elif ctype == "text/html" and html is None:
            html = part_text(part)
    return plain, html, tuple(attachments)


class _TextExtractor(HTMLParser):
    """HTML to plain text keeping line breaks; optionally stops where a quoted original begins."""

    def __init__(self, stop_at_quote: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.stop_at_quote = stop_at_quote
        self.stopped = False
        self.skip_depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if self.stop_at_quote and is_quote_start(tag, dict(attrs)):
            self.stopped = True
            return
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TAGS and not self.stopped:
            self.skip_depth = max(0, self.skip_depth - 1)

    def handle_endtag(self, tag: str) -> None:
        if self.stopped or tag in _VOID_TAGS:
            return
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.stopped and not self.skip_depth:
            self.chunks.append(" ".join(data.split("\n")).replace("\r", "").replace("\xa0", " "))

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.chunks).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def is_quote_start(tag: str, attrs: Mapping[str, str | None]) -> bool:
    """True for the element where mail clients put the quoted original (blockquote, Outlook's reply header)."""
    if tag == "blockquote":
        return True
    ident = (attrs.get("id") or "").lower()
    classes = (attrs.get("class") or "").lower()
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return (
        ident in ("divrplyfwdmsg", "appendonsend")
        or "gmail_quote" in classes
        or "moz-cite-prefix" in classes
        or (tag == "div" and "border-top:solid" in style)
    )


def html_to_text(html: str, *, stop_at_quote: bool = False) -> str:
    """Plain text of an HTML body: line breaks kept, <style>/<script> dropped; optionally cut at the quote."""
    extractor = _TextExtractor(stop_at_quote)
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient, but never let a body crash the run
        pass
    return extractor.text()


def _message_ids(value: str) -> tuple[str, ...]:
    return tuple(_MSGID.findall(value))


def _from_fields(headers: Mapping[str, str]) -> tuple[str, str, str, tuple[str, ...]]:
    from_name, from_address = _first_address(headers.get("from", ""))
    _, reply_to = _first_address(headers.get("reply-to", ""))
    to = tuple(addr for _, addr in _addresses(headers.get("to", "")))
    return from_name, from_address, reply_to, to


def parse_mail(raw: bytes, msg: Message | None = None) -> ParsedMail:
    """Parse raw MIME bytes (or the Message already parsed from them); malformed input yields a ParsedMail with
    whatever could be read, never an error."""
    msg = msg if msg is not None else email.message_from_bytes(raw)
    headers = _header_map(msg)
    from_name, from_address, reply_to, to = _from_fields(headers)
    plain, html, attachments = _bodies(msg)
    if plain is None and html is None and not msg.is_multipart() and not attachments:
        plain = part_text(msg)  # e.g. a broken Content-Type: treat the body as text
    text = plain if plain is not None else html_to_text(html or "")
    in_reply_to = _message_ids(headers.get("in-reply-to", ""))
    return ParsedMail(
        message_id=(_message_ids(headers.get("message-id", "")) or (headers.get("message-id", "").strip(),))[0],
        in_reply_to=in_reply_to[0] if in_reply_to else headers.get("in-reply-to", "").strip(),
        references=_message_ids(headers.get("references", "")),
        from_address=from_address,
        from_name=from_name,
        reply_to=reply_to,
        to=to,
        subject=headers.get("subject", ""),
        date=_parse_date(headers.get("date", "")),
        text=text.replace("\r\n", "\n"),
        html=html,
        headers=headers,
        attachments=attachments,
    )
