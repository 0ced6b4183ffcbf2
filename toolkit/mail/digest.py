"""One mail per recipient and purpose per run: the messages a run has for the same person become one digest.

A digest keeps each message's own text (the staff-edited template, rendered per item) one after the other, so a
manager with five new gift findings gets one mail with five sections instead of five mails. Its ledger key follows
from the items it covers, and the ledger records those items: an item counts as delivered once any sent message
covered it (`StateStore.delivered_among`), so a later run neither repeats it nor needs a second "send once" table.
A message alone for its recipient and purpose is left exactly as it was (same key, same subject).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from toolkit.mail.message import Attachment, OutgoingMail

RULE = "\n" + "-" * 72 + "\n\n"


def recipient_key(mail: OutgoingMail) -> tuple[str, tuple[str, ...]]:
    """Mails with the same purpose to the same addresses (case and order ignored) share a digest."""
    return mail.purpose, tuple(sorted({address.strip().casefold() for address in mail.to}))


def combine(mails: Iterable[OutgoingMail]) -> list[OutgoingMail]:
    """The mails grouped per recipient and purpose, in first-seen order; a group of one stays as it is."""
    groups: dict[tuple[str, tuple[str, ...]], list[OutgoingMail]] = {}
    for mail in mails:
        groups.setdefault(recipient_key(mail), []).append(mail)
    return [group[0] if len(group) == 1 else digest_of(group) for group in groups.values()]


def digest_of(group: Sequence[OutgoingMail]) -> OutgoingMail:
    """One message for the group: every text in order, attachments once, covering every item of the group."""
    first = group[0]
    items = tuple(dict.fromkeys(item for mail in group for item in mail.items))
    digest = hashlib.sha256("\n".join(sorted(items)).encode("utf-8")).hexdigest()[:32]
    html = None
    if all(mail.html for mail in group):
        html = "\n<hr>\n".join(mail.html or "" for mail in group)
    return replace(
        first,
        key=f"{first.purpose}:overzicht:{digest}",
        subject=f"{first.subject} (en {len(group) - 1} meer)",
        text=RULE.join(mail.text.rstrip() + "\n" for mail in group),
        html=html,
        attachments=_attachments(group),
        audit_ref="; ".join(dict.fromkeys(mail.audit_ref for mail in group if mail.audit_ref)),
        covers=items,
    )


def _attachments(group: Sequence[OutgoingMail]) -> tuple[Attachment, ...]:
    seen: dict[tuple[str, bytes], Attachment] = {}
    for mail in group:
        for attachment in mail.attachments:
            seen.setdefault((attachment.filename, attachment.content), attachment)
    return tuple(seen.values())
