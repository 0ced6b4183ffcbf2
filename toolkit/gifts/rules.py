"""The integrity code's rules for gifts and invitations (G1–G7), as pure functions of one register row.

Terms: a gift is *declined or returned* when its decision is 'geweigerd' or 'teruggestuurd'; *kept* means
'aangenomen'. An empty decision is not evidence of a refusal, so it counts as "not declined or returned"
(the register reader reports the empty required cell separately).

- G1 Kind 'geld of cadeaubon', or a description naming money or a voucher (geld, fooi, contant, cadeaubon,
  waardebon, tegoedbon, VVV-bon, giftcard, ...), and not declined or returned.
- G2 A known value of at least the limit (default € 25: € 24,99 passes, € 25,00 does not), any kind, and not
  declined or returned: also a trip accepted with consent (the code says invitations follow the same
  principle). An unknown value gives no G2. Not for a Christmas gift handed in centrally (see below).
- G3 Delivered to a private address and not declined or returned.
- G4 A small gift (kind 'geschenk', value below the limit or unknown) kept personally ('aangenomen') instead
  of made available to the organisation ('ter beschikking organisatie' or 'centraal ingeleverd').
- G5 Any gift not declined or returned from a relation in negotiation or under supervision, or from an
  active supplier (tolerant name match); not for a Christmas gift handed in centrally (see below).
- G6 A Christmas gift ('kerstgeschenk') whose decision is neither 'centraal ingeleverd' nor declined or
  returned. Decision: refusing or returning a Christmas gift is fine (the code prefers declining over
  accepting); keeping it, or sharing it outside the central raffle, is G6.

Christmas gifts handed in centrally (policy decided by the lead): handing a Christmas gift in is exactly the
remedy the code prescribes ("all Christmas gifts are handed in centrally and raffled or shared"), so such a row
gets neither G2 (its value) nor G5 (its giver): the employee did what the code asks. G1 (money or a voucher)
and G3 (delivered to a private address) still apply, since handing in does not undo those.
- G7 An invitation ('uitnodiging') not declined or returned without consulting the manager, or a trip
  ('reis') not declined or returned without the manager's consent (`Overlegd met leidinggevende` = ja).
  An empty answer counts as not consulted.

Reasons are short Dutch sentences without semicolons (the `Beoordeling` column joins them with '; ').
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

from toolkit.names import normalise_org_name
from toolkit.values import format_amount_nl

RULES = ("G1", "G2", "G3", "G4", "G5", "G6", "G7")

KEPT = "aangenomen"
FOR_ORGANISATION = "ter beschikking organisatie"
HANDED_IN = "centraal ingeleverd"
DECLINED = "geweigerd"
RETURNED = "teruggestuurd"
REFUSALS = frozenset({DECLINED, RETURNED})

SMALL_GIFT = "geschenk"
INVITATION = "uitnodiging"
TRIP = "reis"
CHRISTMAS = "kerstgeschenk"
MONEY = "geld of cadeaubon"

_MONEY_WORDS = re.compile(
    r"\b(?:"
    r"geld|\w+geld|geldbedrag\w*|geldbiljet\w*|geldenvelop\w*"
    r"|fooi\w*|contant\w*|cash"
    r"|(?:cadeau|waarde|tegoed|boeken|diner|geschenk|bioscoop|vvv|kado)[- ]?(?:bon|bonnen|kaart|kaarten|cheque)"
    r"|vvv|gift ?cards?"
    r")\b"
)


@dataclass(frozen=True)
class Gift:
    """One row of the gifts register, already parsed into plain values."""

    received: date | None
    employee: str
    giver: str
    kind: str | None  # one of GIFT_KINDS
    description: str
    value: Decimal | None
    private_address: bool | None
    negotiating: bool | None
    decision: str | None  # one of GIFT_DECISIONS
    consulted_manager: bool | None


@dataclass(frozen=True)
class Violation:
    """One rule of the code that a gift breaks, with a short Dutch reason."""

    rule: str  # 'G1'..'G7'
    reason: str


@dataclass(frozen=True)
class Judgement:
    """All violations of one gift, ordered by rule."""

    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    def text(self) -> str:
        """'OK', or 'G2: reason; G5: reason' for the register's `Beoordeling` column."""
        if self.ok:
            return "OK"
        return "; ".join(f"{v.rule}: {v.reason}" for v in self.violations)


@dataclass(frozen=True)
class GiftPolicy:
    """The configurable limit and the active suppliers (names are normalised on construction)."""

    limit: Decimal = Decimal("25")
    active_suppliers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not isinstance(self.limit, Decimal):
            object.__setattr__(self, "limit", Decimal(str(self.limit)))
        names = frozenset(n for n in (normalise_org_name(s) for s in self.active_suppliers) if n)
        object.__setattr__(self, "active_suppliers", names)


@dataclass(frozen=True)
class GiftSummary:
    """Counts over a set of judged rows; `against_code` holds the numbers of the rows with violations."""

    judged: int
    ok: int
    per_rule: Mapping[str, int] = field(default_factory=dict)
    against_code: tuple[int, ...] = ()


def format_euro(amount: Decimal) -> str:
    """Dutch money notation: Decimal('1250.5') -> '€ 1.250,50'."""
    return format_amount_nl(amount)


def _refused(gift: Gift) -> bool:
    return gift.decision in REFUSALS


def _christmas_handed_in(gift: Gift) -> bool:
    """A Christmas gift handed in centrally: the code's own remedy, so no G2 and no G5."""
    return gift.kind == CHRISTMAS and gift.decision == HANDED_IN


def _what(gift: Gift) -> str:
    if gift.kind == INVITATION:
        return "de uitnodiging"
    if gift.kind == TRIP:
        return "de reis"
    return "het geschenk"


def _fate(gift: Gift) -> str:
    """How the gift was handled, as the end of a Dutch sentence: 'het geschenk is aangenomen'."""
    what = _what(gift)
    if gift.decision == KEPT:
        return f"{what} is aangenomen"
    if gift.decision == FOR_ORGANISATION:
        return f"{what} is ter beschikking van de organisatie gesteld"
    if gift.decision == HANDED_IN:
        return f"{what} is centraal ingeleverd"
    if gift.decision:
        return f"{what} is niet geweigerd of teruggestuurd (besluit '{gift.decision}')"
    return "er is niet ingevuld dat het geweigerd of teruggestuurd is"


def money_word(description: str | None) -> str | None:
    """The first word in a description that names money or a voucher (lower case, no accents), or None."""
    if not description:
        return None
    folded = unicodedata.normalize("NFKD", description.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    match = _MONEY_WORDS.search(folded)
    return match.group(0) if match else None


def _g1(gift: Gift, policy: GiftPolicy) -> str | None:
    if _refused(gift):
        return None
    if gift.kind == MONEY:
        return f"geld of een cadeaubon wordt nooit aangenomen en {_fate(gift)}"
    word = money_word(gift.description)
    if word:
        return f"de omschrijving noemt geld of een bon ('{word}') en {_fate(gift)}"
    return None


def _g2(gift: Gift, policy: GiftPolicy) -> str | None:
    if _refused(gift) or _christmas_handed_in(gift) or gift.value is None or gift.value < policy.limit:
        return None
    return f"waarde {format_euro(gift.value)} is niet minder dan {format_euro(policy.limit)} en {_fate(gift)}"


def _g3(gift: Gift, policy: GiftPolicy) -> str | None:
    if _refused(gift) or gift.private_address is not True:
        return None
    return f"bezorgd op een privéadres en {_fate(gift)}"


def _g4(gift: Gift, policy: GiftPolicy) -> str | None:
    small = gift.value is None or gift.value < policy.limit
    if gift.kind != SMALL_GIFT or gift.decision != KEPT or not small:
        return None
    return "klein geschenk persoonlijk aangenomen in plaats van ter beschikking van de hele organisatie gesteld"


def _g5(gift: Gift, policy: GiftPolicy) -> str | None:
    if _refused(gift) or _christmas_handed_in(gift):
        return None
    if gift.negotiating is True:
        return f"de gever is een relatie in onderhandeling of onder toezicht en {_fate(gift)}"
    if normalise_org_name(gift.giver) in policy.active_suppliers:
        return f"de gever {(gift.giver or '').strip()} is een actieve leverancier en {_fate(gift)}"
    return None


def _g6(gift: Gift, policy: GiftPolicy) -> str | None:
    if gift.kind != CHRISTMAS or gift.decision == HANDED_IN or _refused(gift):
        return None
    if gift.decision:
        return f"een kerstgeschenk wordt centraal ingeleverd, maar het besluit is '{gift.decision}'"
    return "een kerstgeschenk wordt centraal ingeleverd, maar er is geen besluit ingevuld"


def _not_consulted(gift: Gift) -> str:
    if gift.consulted_manager is False:
        return "er is niet met de leidinggevende overlegd"
    return "er is niet ingevuld dat met de leidinggevende is overlegd"


def _g7(gift: Gift, policy: GiftPolicy) -> str | None:
    if _refused(gift) or gift.consulted_manager is True:
        return None
    if gift.kind == TRIP:
        return f"een reis vraagt altijd toestemming van de leidinggevende, maar {_not_consulted(gift)} en {_fate(gift)}"
    if gift.kind == INVITATION:
        return f"{_not_consulted(gift)} en {_fate(gift)}"
    return None


_CHECKS = (("G1", _g1), ("G2", _g2), ("G3", _g3), ("G4", _g4), ("G5", _g5), ("G6", _g6), ("G7", _g7))


def judge_gift(gift: Gift, policy: GiftPolicy) -> Judgement:
    """Every rule the gift breaks, in rule order."""
    violations = []
    for rule, check in _CHECKS:
        reason = check(gift, policy)
        if reason:
            violations.append(Violation(rule, reason))
    return Judgement(tuple(violations))


def summarise(judgements: Sequence[tuple[int, Judgement]]) -> GiftSummary:
    """How many rows were judged, how many are OK, counts per rule (all of G1–G7), and the rows against the code."""
    per_rule = dict.fromkeys(RULES, 0)
    against: list[int] = []
    for nr, judgement in judgements:
        if not judgement.ok:
            against.append(nr)
        for rule in {v.rule for v in judgement.violations}:
            per_rule[rule] = per_rule.get(rule, 0) + 1
    return GiftSummary(
        judged=len(judgements),
        ok=len(judgements) - len(against),
        per_rule=MappingProxyType(per_rule),
        against_code=tuple(against),
    )


def _canonical(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def finding_key(nr: int, gift: Gift, judgement: Judgement) -> str:
    """A stable SHA-256 hex key of the row's content and its violations.

    It changes when any field of the row or the judgement changes, and is the same on every run otherwise,
    so a finding that was already notified is notified again only after the row changed. Amounts compare by
    value (25 and 25,00 are the same), text by its Unicode NFC form.
    """
    payload = {
        "nr": nr,
        "gift": {name: _canonical(getattr(gift, name)) for name in Gift.__dataclass_fields__},
        "violations": [[v.rule, unicodedata.normalize("NFC", v.reason)] for v in judgement.violations],
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


Item = TypeVar("Item", Gift, tuple[int, Gift])


def _gift_of(item: Gift | tuple[int, Gift]) -> Gift:
    return item[1] if isinstance(item, tuple) else item


def christmas_gifts_in_window(
    gifts: Iterable[Item], year: int, start: tuple[int, int] = (11, 1), end: tuple[int, int] = (1, 31)
) -> list[Item]:
    """The raffle pool for Christmas `year`: Christmas gifts handed in centrally, received from `start`
    (month, day) of `year` up to and including `end` of `year + 1`.

    Items are Gift objects or (Nr, Gift) pairs; they are returned as given, in input order.
    """
    first = date(year, *start)
    last = date(year + 1, *end)
    chosen = []
    for item in gifts:
        gift = _gift_of(item)
        if gift.kind != CHRISTMAS or gift.decision != HANDED_IN or gift.received is None:
            continue
        if first <= gift.received <= last:
            chosen.append(item)
    return chosen
