"""Is this mail a bounce (non-delivery report)? If so, which of our recipients failed, and for good or for now."""

from __future__ import annotations

import email
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from email.message import Message

from flufl.bounce import all_failures

from toolkit.mailsort.parse import ParsedMail, decode_header_value, part_text

_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_STATUS = re.compile(r"(?<![\d.])([245])\.\d{1,3}\.\d{1,3}(?![\d.])")
_DAEMON = re.compile(r"^(?:mailer-?daemon|mail-?daemon|postmaster|microsoftexchange[0-9a-f]*|bounces?)$", re.I)
_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|onbestelbaar|niet bezorgd|kan niet worden bezorgd|undelivered mail"
    r"|delivery status notification|mail delivery failed|returned mail|failure notice|delivery failure"
    r"|message not delivered|delayed mail|delivery delayed|bezorging vertraagd|vertraagd)",
    re.IGNORECASE,
)
_BODY = re.compile(
    r"delivery has failed to these recipients or groups|kan niet worden bezorgd|couldn't be delivered"
    r"|could not be delivered|niet bezorgd|address not found|undelivered mail returned",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(r"^\s*(?:re|antw|aw|fw|fwd|doorst|wg)\s*:", re.IGNORECASE)
_DELAY = re.compile(r"\bdelay(?:ed)?\b|vertraagd|vertraging|will (?:continue to )?retry|nog niet bezorgd", re.I)
# Where the copy of the original message starts in a text-only NDR: addresses below are not the failed ones.
_ORIGINAL_STARTS = re.compile(
    r"^\s*(?:original message headers|oorspronkelijke berichtkoppen|oorspronkelijke berichtheaders"
    r"|-+ ?(?:original message|oorspronkelijk bericht|this is a copy of the message)"
    r"|-{3,}.*(?:forwarded message|original message))",
    re.IGNORECASE,
)
_HEAD_LINES = 12

# flufl.bounce logs a traceback when one of its heuristics trips over odd mail; that is no concern of the user.
logging.getLogger("flufl.bounce").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Bounce:
    """A non-delivery report: the failed recipients (lower case), permanent (5.x.x) or not (4.x.x delayed)."""

    recipients: tuple[str, ...]
    permanent: bool
    reason: str
    signal: str = ""  # what showed it: "dsn" (flufl.bounce or a delivery-status part), a header, sender, subject, text


@dataclass(frozen=True)
class _Recipient:
    address: str
    action: str
    status: str
    diagnostic: str

    @property
    def failed(self) -> bool:
        return self.action.startswith("failed") or self.status.startswith("5")


def _clean(address: str) -> str:
    address = address.strip().strip("<>").strip().lower()
    if ";" in address:  # 'rfc822; jan@example.com'
        address = address.split(";", 1)[1].strip().strip("<>")
    return address


def _flufl(msg: Message) -> tuple[set[str], set[str]]:
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # noqa: BLE001 - a heuristic detector crashing must not stop the run
        return set(), set()
    decode = lambda values: {_clean(v.decode("utf-8", "replace")) for v in values if v}  # noqa: E731
    return decode(temporary), decode(permanent)


def _status_blocks(msg: Message) -> Iterator[Message]:
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            yield from (block for block in payload if isinstance(block, Message))
        elif isinstance(payload, str):
            yield from (email.message_from_string(block) for block in re.split(r"\n\s*\n", payload.strip()))


def _dsn_recipients(msg: Message) -> list[_Recipient]:
    found = []
    for block in _status_blocks(msg):
        raw_address = block.get("final-recipient") or block.get("original-recipient") or ""
        address = _clean(decode_header_value(raw_address))
        if "@" in address:
            status = _STATUS.search(str(block.get("status", "")))
            found.append(
                _Recipient(
                    address=address,
                    action=str(block.get("action", "")).strip().lower(),
                    status=status.group(0) if status else "",
                    diagnostic=decode_header_value(block.get("diagnostic-code", "")),
                )
            )
    return found


def _readable_text(msg: Message) -> str:
    """The human-readable parts of the NDR, without the returned original (message/rfc822, headers)."""
    texts = []
    stack = [msg]
    while stack:
        part = stack.pop(0)
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/delivery-status"):
            continue
        if part.is_multipart():
            payload = part.get_payload()
            stack.extend(sub for sub in (payload if isinstance(payload, list) else []) if isinstance(sub, Message))
        elif ctype == "text/plain":
            texts.append(part_text(part))
    return "\n".join(texts)


def _above_original(text: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if _ORIGINAL_STARTS.match(line):
            return "\n".join(lines[:index])
    return text


def _is_daemon(address: str) -> bool:
    return bool(address) and bool(_DAEMON.match(address.split("@", 1)[0]))


def _head(text: str) -> str:
    return "\n".join([line for line in text.splitlines() if line.strip()][:_HEAD_LINES])


def _heuristic_signal(parsed: ParsedMail, text: str) -> str | None:
    """The header, sender or subject that marks a mail as an NDR when flufl.bounce and the DSN found nothing."""
    for header in ("x-ms-exchange-message-is-ndr", "x-failed-recipients"):
        if header in parsed.headers:
            return header
    if _is_daemon(parsed.from_address):
        return "afzender " + parsed.from_address
    if _SUBJECT.match(parsed.subject):
        return "onderwerp"
    if not _REPLY_PREFIX.match(parsed.subject) and _BODY.search(_head(text)):
        return "tekst"
    return None


def _unique(addresses: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for a in addresses if a))


def _text_recipients(parsed: ParsedMail, text: str) -> tuple[str, ...]:
    failed = parsed.headers.get("x-failed-recipients", "")
    if failed:
        return _unique(_clean(a) for a in _ADDRESS.findall(failed))
    ours = {parsed.from_address, parsed.reply_to, *parsed.to}
    found = (a.lower().rstrip(".") for a in _ADDRESS.findall(_above_original(text)))
    return _unique(a for a in found if a not in ours and not _is_daemon(a))


def _reason(permanent: bool, detail: str) -> str:
    label = "onbestelbaar" if permanent else "vertraagd (tijdelijke fout, wordt opnieuw geprobeerd)"
    detail = " ".join(detail.split())[:160]
    return f"{label}: {detail}" if detail else label


def _text_detail(text: str) -> str:
    for line in _above_original(text).splitlines():
        if _STATUS.search(line):
            return line
    return ""


def _from_dsn(recipients: list[_Recipient]) -> Bounce:
    failed = [r for r in recipients if r.failed]
    chosen = failed or recipients
    first = chosen[0]
    return Bounce(
        recipients=_unique(r.address for r in chosen),
        permanent=bool(failed),
        reason=_reason(bool(failed), " ".join(p for p in (first.status, first.diagnostic) if p)),
    )


def _from_flufl(temporary: set[str], permanent: set[str], dsn: list[_Recipient], text: str) -> Bounce:
    chosen = sorted(permanent or temporary)
    known = {r.address: r for r in dsn}
    first = known.get(chosen[0])
    detail = " ".join(p for p in (first.status, first.diagnostic) if p) if first else _text_detail(text)
    return Bounce(recipients=tuple(chosen), permanent=bool(permanent), reason=_reason(bool(permanent), detail))


def _from_text(parsed: ParsedMail, text: str) -> Bounce:
    codes = {match.group(1) for match in _STATUS.finditer(_above_original(text))}
    delayed = "5" not in codes and ("4" in codes or bool(_DELAY.search(f"{parsed.subject}\n{_head(text)}")))
    return Bounce(
        recipients=_text_recipients(parsed, text),
        permanent=not delayed,
        reason=_reason(not delayed, _text_detail(text)),
    )


_MAYBE = re.compile(
    r"undeliver|deliver|bounce|returned|failure|failed|niet bezorgd|onbestelbaar|bezorging|vertraagd|not delivered"
    r"|zustellung|unzustellbar|non remis|retour",
    re.IGNORECASE,
)


def _may_be_bounce(msg: Message, parsed: ParsedMail) -> bool:
    """Cheap gate before flufl.bounce's detectors (costly, and run on every message otherwise)."""
    if (
        msg.get_content_type() == "multipart/report"
        or msg.is_multipart()
        and any(
            part.get_content_type() in ("message/delivery-status", "message/rfc822", "text/rfc822-headers")
            for part in msg.walk()
        )
    ):
        return True
    return (
        _is_daemon(parsed.from_address)
        or bool(_MAYBE.search(parsed.subject))
        or bool({"x-failed-recipients", "x-ms-exchange-message-is-ndr"} & set(parsed.headers))
    )


def detect_bounce(raw: bytes, parsed: ParsedMail, msg: Message | None = None) -> Bounce | None:
    """A Bounce when the mail is a non-delivery report, else None.

    flufl.bounce first; then the RFC 3464 delivery-status report it may have missed (delayed 4.x.x included);
    then the NDRs without one: Exchange/Office 365 text-only reports, Postfix and Gmail, recognised by header
    (X-MS-Exchange-Message-Is-Ndr, X-Failed-Recipients), a MAILER-DAEMON/postmaster sender, the subject, or the
    opening lines of the text.
    """
    msg = msg if msg is not None else email.message_from_bytes(raw)
    text = _readable_text(msg)
    dsn = _dsn_recipients(msg)
    temporary, permanent = _flufl(msg) if _may_be_bounce(msg, parsed) else (set(), set())
    if temporary or permanent:
        return replace(_from_flufl(temporary, permanent, dsn, text), signal="dsn")
    if dsn:
        return replace(_from_dsn(dsn), signal="dsn")
    signal = _heuristic_signal(parsed, text)
    if signal:
        return replace(_from_text(parsed, text), signal=signal)
    return None


@dataclass(frozen=True)
class Returned:
    """The headers of our own message as a bounce returns it (attached, as text/rfc822-headers, or quoted)."""

    to: tuple[str, ...] = ()
    subject: str = ""
    message_id: str = ""
    references: tuple[str, ...] = ()


_HEADERS_QUOTED = re.compile(
    r"^\s*(?:original message headers|oorspronkelijke berichtkoppen|oorspronkelijke berichtheaders)\s*:?\s*$", re.I
)
_MSGID = re.compile(r"<[^<>\s]+>")


def _header_block(msg: Message) -> Message | None:
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822" and part is not msg:
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
        if ctype == "text/rfc822-headers":
            return email.message_from_string(part_text(part))
    text = _readable_text(msg)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if _HEADERS_QUOTED.match(line):
            return email.message_from_string("\n".join(item.strip() for item in lines[index + 1 :] if item.strip()))
    return None


def returned_message(raw: bytes) -> Returned:
    """Who our returned message was addressed to, its subject and its ids ('' and () when the bounce has none)."""
    block = _header_block(email.message_from_bytes(raw))
    if block is None:
        return Returned()
    to = " ".join(decode_header_value(block.get(name, "")) for name in ("to", "cc"))
    ids = " ".join(decode_header_value(block.get(name, "")) for name in ("in-reply-to", "references"))
    message_id = _MSGID.search(decode_header_value(block.get("message-id", "")))
    return Returned(
        to=_unique(_clean(a) for a in _ADDRESS.findall(to)),
        subject=decode_header_value(block.get("subject", "")),
        message_id=message_id.group(0) if message_id else "",
        references=tuple(_MSGID.findall(ids)),
    )
