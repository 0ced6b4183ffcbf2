"""The rules the one sorter (toolkit/inbox/classify.py) is built from: parse, bounce, machine reports, automatic
reply, own words, confirmation. Pure functions on raw MIME bytes; no backend, no clock.
"""

from __future__ import annotations

from toolkit.mailsort.autoreply import is_auto_reply
from toolkit.mailsort.bounce import Bounce, Returned, detect_bounce, returned_message
from toolkit.mailsort.machine import is_machine_address, machine_report, reads_away, reads_like_report
from toolkit.mailsort.parse import Attachment, ParsedMail, parse_mail
from toolkit.mailsort.references import find_case_number, find_supplier_reference
from toolkit.mailsort.reply import ReplyKind, classify_reply, excerpt, own_words

__all__ = [
    "Attachment",
    "Bounce",
    "ParsedMail",
    "ReplyKind",
    "Returned",
    "classify_reply",
    "detect_bounce",
    "excerpt",
    "find_case_number",
    "find_supplier_reference",
    "is_auto_reply",
    "is_machine_address",
    "machine_report",
    "own_words",
    "parse_mail",
    "reads_away",
    "reads_like_report",
    "returned_message",
]
