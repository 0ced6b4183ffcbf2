"""One mail per recipient and purpose per run: the messages a run has for the same person become one digest.

A digest keeps each message's own text (the staff-edited template, rendered per item) one after the other, so a
manager with five new gift findings gets one mail with five sections instead of five mails. Its ledger key follows
from the items it covers, and the ledger records those items: an item counts as delivered once any sent message
covered it (`StateStore.delivered_among`), so a later run neither repeats it nor needs a second "send once" table.
A message alone for its recipient and purpose is left exactly as it was (same key, same subject).

A digest stays small enough to send: at most `DIGEST_MAX_CHARS` of text and HTML together. A larger group (a first
run over a register with years of history) goes as several digests, "deel 1 van 3", each covering its own items:
Microsoft Graph refuses a sendMail of more than 4 MB and Exchange has its own maximum, and a digest that can never
be sent would leave its items unreported night after night.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from toolkit.mail.message import Attachment, OutgoingMail

RULE = "\n" + "-" * 72 + "\n\n"
# Text and HTML of one digest together; with quoted-printable and Graph's base64 this stays well under 4 MB.
DIGEST_MAX_CHARS = 1_000_000


def recipient_key(mail: OutgoingMail) -> tuple[str, tuple[str, ...]]:
    """Mails with the same purpose to the same addresses (case and order ignored) share a digest."""
    return mail.purpose, tuple(sorted({address.strip().casefold() for address in mail.to}))


def combine(mails: Iterable[OutgoingMail]) -> list[OutgoingMail]:
    """The mails grouped per recipient and purpose, in first-seen order; a group of one stays as it is."""
    groups: dict[tuple[str, tuple[str, ...]], list[OutgoingMail]] = {}
    for mail in mails:
        groups.setdefault(recipient_key(mail), []).append(mail)
    combined: list[OutgoingMail] = []
    for group in groups.values():
        if len(group) == 1:
            combined.append(group[0])
            continue
        parts = sized_parts(group, lambda mail: len(mail.text) + len(mail.html or ""))
        combined += [digest_of(part, part=n, parts=len(parts)) for n, part in enumerate(parts, start=1)]
    return combined


Item = TypeVar("Item")


def sized_parts(items: Sequence[Item], size: Callable[[Item], int], limit: int | None = None) -> list[list[Item]]:
    """The items in order, cut into consecutive parts of at most `limit` (default `DIGEST_MAX_CHARS`) in size; an
    item larger than that goes alone."""
    limit = DIGEST_MAX_CHARS if limit is None else limit
    parts: list[list[Item]] = [[]]
    used = 0
    for item in items:
        cost = size(item)
        if parts[-1] and used + cost > limit:
            parts.append([])
            used = 0
        parts[-1].append(item)
        used += cost
    return parts


def part_label(part: int, parts: int) -> str:
    """' (deel 2 van 3)' for one of several digests of a group; '' when the group went as one."""
    return f" (deel {part} van {parts})" if parts > 1 else ""


def digest_of(group: Sequence[OutgoingMail], *, part: int = 1, parts: int = 1) -> OutgoingMail:
    """One message for the group: every text in order, attachments once, covering every item of the group."""
    first = group[0]
    items = tuple(dict.fromkeys(item for mail in group for item in mail.items))
    digest = hashlib.sha256("\n".join(sorted(items)).encode("utf-8")).hexdigest()[:32]
    html = None
    if all(mail.html for mail in group):
        html = "\n<hr>\n".join(mail.html or "" for mail in group)
    more = f" (en {len(group) - 1} meer)" if len(group) > 1 else ""
    return replace(
        first,
        key=f"{first.purpose}:overzicht:{digest}",
        subject=f"{first.subject}{more}{part_label(part, parts)}",
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
