"""Who may open what of a case: the one place that turns the routing (`routing.py`) into key holders.

Two circles per case:
- identity holders open the reporter's identity, the original messages and the copies of what was sent to the
  reporter;
- content holders open the case content (text, attachments, notes, the record of an oral report).

Both follow from the routing, never from a list of their own:
- at intake, before anyone knows whom a report concerns, the case is sealed to the holders of the address it came in
  through (`routing.entry_holders`): for the general address its first reader (the intake officer), for a route's
  own address (`[reports.addresses]`) that route's holder only, so a reporter can bypass the first reader. Each has a
  second key holder who is told nothing (`second_holder`: the confidential adviser; for the adviser's own address
  the RvC chair), because every case needs two keys;
- once the routing decided (`Betreft`/`Betrokkene` recorded): the content goes to the decision's `key_holders` as
  well (receiver, informed, first reader), and everyone the decision keeps out (`never_told`: the person concerned and
  whoever the route had to go above) is taken out of both circles. `reports reseal` seals the files again to this.
The person concerned is never in either circle. A circle with fewer than two people with a usable key is reported
by `integrity check` (losing one key must lose nothing).

Pure functions of plain data: `holders_at_entry(org, entry)` and `holders_for(org, entry, decision, handlers)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.reports.routing import Entry, entry_holders

if TYPE_CHECKING:
    from toolkit.reports.routing import Decision, Organisation, Person

_ADDRESS = re.compile(r"[^\s<>(),;:]+@[^\s<>(),;:]+")
IDENTITY_ROLES = frozenset({"bericht", "identiteit", "verzonden"})


@dataclass(frozen=True)
class Holders:
    """E-mail addresses (lower case, sorted) of who may open the identity files and who the content files."""

    identity: tuple[str, ...]
    content: tuple[str, ...]

    def for_role(self, role: str) -> tuple[str, ...]:
        return self.identity if role in IDENTITY_ROLES else self.content


def addresses(text: str | None) -> list[str]:
    """Every e-mail address in a text such as 'Naam (adres)' or 'a@x, b@y', lower case."""
    return [a.lower().strip(".") for a in _ADDRESS.findall(text or "")]


def _emails(people: Iterable[Person | None]) -> list[str]:
    return [p.email.strip().lower() for p in people if p is not None and p.email]


def second_holder(org: Organisation, entry: Entry) -> Person | None:
    """Every case needs two keys (a lost key must lose nothing): beside the address's own holder, someone outside
    the line who is told nothing and only holds a key — the confidential adviser, or for the adviser's own address
    the RvC chair."""
    return org.board_chair if entry is Entry.CONFIDENTIAL else org.confidential_adviser


def identity_holders(org: Organisation, entry: Entry) -> tuple[str, ...]:
    """Who opens the identity of a report that came in at this address: the address's holder (for the general
    address its first reader) and the second holder."""
    people: list[Person | None] = [*entry_holders(entry, org), second_holder(org, entry)]
    return tuple(sorted(set(_emails(people))))


def holders_at_entry(org: Organisation, entry: Entry) -> Holders:
    """At intake: both circles are the holders of the address the report came in through."""
    identity = identity_holders(org, entry)
    return Holders(identity, identity)


def holders_for(
    org: Organisation, entry: Entry, decision: Decision | None = None, handlers: Iterable[str] = ()
) -> Holders:
    """Who should hold the case now: the entry's holders, plus the decision's key holders and any handler typed in
    the register for the content; never anyone the decision keeps out (the person concerned, those skipped)."""
    identity = set(identity_holders(org, entry))
    content = set(identity) | {h.strip().lower() for h in handlers if h}
    if decision is not None:
        out = set(_emails(decision.never_told))
        identity -= out
        content = (content | set(decision.key_holder_emails)) - out
    return Holders(tuple(sorted(identity)), tuple(sorted(content)))
