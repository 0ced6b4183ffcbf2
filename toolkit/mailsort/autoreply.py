"""Is this mail written by a machine on someone's behalf (out of office, auto-responder)? Bounces come first."""

from __future__ import annotations

import re

from toolkit.mailsort.parse import ParsedMail

# Headers that, present with any value, mark an automatic reply on their own.
_MARKER_HEADERS = ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-autoresponder")
_PRECEDENCE_AUTO = frozenset(("auto_reply", "bulk", "junk"))
_SUBJECT_PREFIX = re.compile(
    r"^\s*(automatisch antwoord|automatisch beantwoord|automatic reply|auto(?:matic)?[- ]?reply|auto[- ]?response"
    r"|afwezig|out of (the )?office|abwesend|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique)\b",
    re.IGNORECASE,
)
# Exchange marks mail its own rules generated (OOF, inbox rules) with these; ordinary mail never carries them.
_EXCHANGE_GENERATED = ("x-ms-exchange-generated-message-source", "x-ms-exchange-inbox-rules-loop")


def _auto_submitted(parsed: ParsedMail) -> str | None:
    value = parsed.headers.get("auto-submitted", "").strip().lower()
    if value and not value.startswith("no"):
        return "Auto-Submitted"
    return None


def _header_signal(parsed: ParsedMail) -> str | None:
    for name in _MARKER_HEADERS:
        if name in parsed.headers:
            return name.title()
    precedence = parsed.headers.get("precedence", "").strip().lower()
    if precedence in _PRECEDENCE_AUTO:
        return "Precedence"
    return None


def _subject_signal(parsed: ParsedMail) -> str | None:
    for candidate in (parsed.subject, parsed.headers.get("thread-topic", "")):
        match = _SUBJECT_PREFIX.match(candidate)
        if match:
            return f"onderwerp '{match.group(1)}'"
    return None


def _exchange_signal(parsed: ParsedMail) -> str | None:
    """Exchange OOF replies carry no Auto-Submitted, but its rules agent stamps headers ordinary mail never has."""
    for name in _EXCHANGE_GENERATED:
        if name in parsed.headers:
            return name.title()
    return None


def is_auto_reply(parsed: ParsedMail) -> str | None:
    """The signal that marks the mail as an automatic reply (a header name or the Dutch description), else None.

    X-Auto-Response-Suppress alone is deliberately ignored: Outlook sets it on ordinary mail.
    """
    return _auto_submitted(parsed) or _header_signal(parsed) or _subject_signal(parsed) or _exchange_signal(parsed)
