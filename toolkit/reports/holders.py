"""Who may open what of a case: the one place that turns a route into key holders.

Two circles per case:
- identity holders open the reporter's identity, the original messages and the copies of what was sent to the
  reporter: `[reports] identity_holders` (e.g. the integrity officer and the confidential adviser), or the holders of
  the reports address the report came in through (`[reports] routes`, so a reporter can bypass someone);
- content holders open the case content (text, attachments, notes): the identity holders plus the handlers the
  routing gave the case.
The person the report concerns is never in either circle. A circle with fewer than two people with a usable key is
reported by `integrity check` (losing one key must lose nothing).

`holders_for` is pure: it takes the config, the address the report came in through, the routing decision's handler
addresses and the person concerned, and returns the circles. The routing step passes its decision here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.config import Config

_ADDRESS = re.compile(r"[^\s<>(),;:]+@[^\s<>(),;:]+")


@dataclass(frozen=True)
class Holders:
    """E-mail addresses (lower case, sorted) of who may open the identity files and who the content files."""

    identity: tuple[str, ...]
    content: tuple[str, ...]

    def for_role(self, role: str) -> tuple[str, ...]:
        return self.identity if role in IDENTITY_ROLES else self.content


IDENTITY_ROLES = frozenset({"bericht", "identiteit", "verzonden"})


def addresses(text: str | None) -> list[str]:
    """Every e-mail address in a text such as 'Naam (adres)' or 'a@x, b@y', lower case."""
    return [a.lower().strip(".") for a in _ADDRESS.findall(text or "")]


def route_table(config: Config) -> dict[str, tuple[str, ...]]:
    """`[reports] routes`: 'reports-address: holder, holder' -> {reports-address: holders}."""
    table: dict[str, tuple[str, ...]] = {}
    for line in config.reports.routes:
        address, _, holders = line.partition(":")
        found = addresses(address)
        if found:
            table[found[0]] = tuple(addresses(holders))
    return table


def default_identity_holders(config: Config) -> tuple[str, ...]:
    configured = tuple(a.lower() for a in config.reports.identity_holders)
    return configured or (str(config.organisation.integrity_officer).lower(),)


def holders_for(
    config: Config,
    *,
    came_in_through: Iterable[str] = (),
    handlers: Iterable[str] = (),
    concerned: Iterable[str] = (),
) -> Holders:
    """The circles for a case: route holders (or the default), plus handlers for content, never the concerned."""
    table = route_table(config)
    identity: tuple[str, ...] = default_identity_holders(config)
    for address in came_in_through:
        if address.lower() in table:
            identity = table[address.lower()]
            break
    excluded = {a.lower() for a in concerned}
    id_set = sorted({a for a in identity if a not in excluded})
    content = sorted({*id_set, *(h.lower() for h in handlers if h and h.lower() not in excluded)})
    return Holders(tuple(id_set), tuple(content))


def route_handlers(route: Any) -> list[str]:
    """The handler address(es) of a routing decision (`routing.Route`), for `holders_for(handlers=…)`."""
    handler = getattr(route, "handler", None)
    email = getattr(handler, "email", None)
    return [email] if email else []
