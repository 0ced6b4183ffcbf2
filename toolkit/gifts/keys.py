"""A finding's key: a stable SHA-256 of the gift row and its violations, the name the send ledger knows it by.

Keys already sent are in the ledger, so the text hashed must never change form (a test holds the first form).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring

from toolkit.gifts.rules import Gift, Judgement


def _canonical(value: object) -> object:
    if type(value) is str:
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


_GIFT_FIELDS = tuple(sorted(Gift.__dataclass_fields__))
_KEY_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
_FIELD_PREFIXES = tuple(f'{"{" if i == 0 else ","}"{name}":' for i, name in enumerate(_GIFT_FIELDS))
_LITERALS = {None: "null", True: "true", False: "false"}


def finding_key(nr: int, gift: Gift, judgement: Judgement) -> str:
    """A stable SHA-256 hex key of the row's content and its violations.

    It changes when any field of the row or the judgement changes, and is the same on every run otherwise,
    so a finding that was already notified is notified again only after the row changed. Amounts compare by
    value (25 and 25,00 are the same), text by its Unicode NFC form. The keys are kept in the send ledger, so
    the text hashed never changes: `_key_text` is exactly the JSON of the payload below, sorted keys and no
    spaces (tests/test_gift_rules.py holds that first form).
    """
    text = _key_text(nr, gift, judgement)
    if text is None:  # a value of a type the fast form does not know: the JSON encoder itself
        payload = {
            "nr": nr,
            "gift": {name: _canonical(getattr(gift, name)) for name in _GIFT_FIELDS},
            "violations": [[v.rule, _canonical(v.reason), v.weight] for v in judgement.violations],
        }
        text = _KEY_JSON(payload)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key_text(nr: int, gift: Gift, judgement: Judgement) -> str | None:
    """The payload's JSON written out directly (a finding key per flagged row, each night); None: use the encoder."""
    if type(nr) is not int:
        return None
    parts = []
    for prefix, name in zip(_FIELD_PREFIXES, _GIFT_FIELDS, strict=True):
        value = getattr(gift, name)
        kind = type(value)
        if kind is str:
            parts.append(prefix + encode_basestring(value if value.isascii() else unicodedata.normalize("NFC", value)))
        elif value is None or kind is bool:
            parts.append(prefix + _LITERALS[value])
        elif kind is Decimal or kind is date:
            parts.append(f'{prefix}"{_canonical(value)}"')  # digits, a point, a minus, dashes: nothing to escape
        else:
            return None
    violations = []
    for v in judgement.violations:
        rule, reason, weight = v.rule, _canonical(v.reason), v.weight
        if type(rule) is not str or type(reason) is not str or type(weight) is not str:
            return None
        violations.append(f"[{encode_basestring(rule)},{encode_basestring(reason)},{encode_basestring(weight)}]")
    return f'{{"gift":{"".join(parts)}}},"nr":{nr},"violations":[{",".join(violations)}]}}'
