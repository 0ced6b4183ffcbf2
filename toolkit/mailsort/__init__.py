"""The sorting rules every inbound mail goes through: parse, bounce, automatic reply, own words, confirmation.

Pure functions on raw MIME bytes; no backend, no clock. `sort_mail` applies them in the fixed order
bounce -> automatic reply -> human reply (confirmation or question).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from toolkit.mailsort.autoreply import is_auto_reply
from toolkit.mailsort.bounce import Bounce, detect_bounce
from toolkit.mailsort.parse import Attachment, ParsedMail, parse_mail
from toolkit.mailsort.references import find_case_number, find_supplier_reference
from toolkit.mailsort.reply import ReplyKind, classify_reply, excerpt, own_words

__all__ = [
    "Attachment",
    "Bounce",
    "MailKind",
    "ParsedMail",
    "ReplyKind",
    "SortedMail",
    "classify_reply",
    "detect_bounce",
    "excerpt",
    "find_case_number",
    "find_supplier_reference",
    "is_auto_reply",
    "own_words",
    "parse_mail",
    "sort_mail",
]


class MailKind(Enum):
    """Exactly one of these per inbound mail."""

    BOUNCE = "onbestelbaar"
    AUTOMATIC = "automatisch"
    CONFIRMATION = "bevestigd"
    QUESTION = "vraag"


@dataclass(frozen=True)
class SortedMail:
    """The outcome of the sorting rules for one mail, with what they found on the way."""

    kind: MailKind
    parsed: ParsedMail
    bounce: Bounce | None = None
    auto_reason: str | None = None
    own_text: str = ""


def sort_mail(raw: bytes) -> SortedMail:
    """Sort one raw message: bounce first, then automatic reply, then the reply's own words classified."""
    parsed = parse_mail(raw)
    bounce = detect_bounce(raw, parsed)
    if bounce is not None:
        return SortedMail(MailKind.BOUNCE, parsed, bounce=bounce)
    reason = is_auto_reply(parsed)
    if reason is not None:
        return SortedMail(MailKind.AUTOMATIC, parsed, auto_reason=reason)
    text = own_words(parsed)
    kind = MailKind.CONFIRMATION if classify_reply(text) is ReplyKind.CONFIRMATION else MailKind.QUESTION
    return SortedMail(kind, parsed, own_text=text)
