"""The integrity code's rules for gifts and invitations (G1–G7), as pure functions of one register row.

Terms: a gift is *declined or returned* when its decision is 'geweigerd' or 'teruggestuurd'; *kept* means
'aangenomen'. An empty decision is not evidence of a refusal, so it counts as "not declined or returned"
(the register reader reports the empty required cell separately).

Each finding has a weight, which decides who hears of it:

- *in strijd* (against the code): the employee's manager is told, and the integrity officer;
- *ter beoordeling* (for review): the employee did what the code asks or something close to it, but the
  integrity officer should look (an expensive Christmas gift handed in; a small gift from a supplier put at the
  organisation's disposal); managers are not mailed;
- *niet te beoordelen* (cannot be judged): a value the rule needs is missing; for the integrity officer.

- G1 Kind 'geld of cadeaubon', or a description naming money or a voucher (geld, fooi, contant, any word ending
  in 'bon' or 'bonnen' except bonbon, gift cards and shop cards ending in 'kaart' except greeting, Christmas and
  admission cards, and gift-card brands such as bol.com, VVV, Fashioncheque, iTunes), and not declined or returned.
- G2 A known value of at least the limit (default € 25: € 24,99 passes, € 25,00 does not), any kind, and not
  declined or returned: also a trip accepted with consent (the code says invitations follow the same
  principle). Gifts from one giver to one person within `sum_window_days` (default 30) are added up: the gift
  that brings the total to the limit or over it is G2 too. An unknown value, where the value matters (a gift,
  invitation or trip not declined or returned, not money), is G2 *niet te beoordelen*. A Christmas gift handed in
  centrally at or above the limit is G2 *ter beoordeling* (see below).
- G3 Delivered to a private address and not declined or returned.
- G4 A small gift (kind 'geschenk', value below the limit or unknown) kept personally ('aangenomen') instead
  of made available to the organisation ('ter beschikking organisatie' or 'centraal ingeleverd').
- G5 Any gift not declined or returned from a relation in negotiation or under supervision, or from an
  active supplier (tolerant name match). *Ter beoordeling* instead of *in strijd* when the employee put a small
  gift at the organisation's disposal (what the code asks of small gifts) or handed a Christmas gift in.
- G6 A Christmas gift ('kerstgeschenk') whose decision is neither 'centraal ingeleverd' nor declined or
  returned. Decision: refusing or returning a Christmas gift is fine (the code prefers declining over
  accepting); keeping it, or sharing it outside the central raffle, is G6.

Christmas gifts handed in centrally: handing a Christmas gift in is the remedy the code prescribes ("all
Christmas gifts are handed in centrally and raffled or shared"), so the employee did what the code asks and no
manager is mailed. But the code also says "geen (dure) relatiegeschenken", and a gift from a relation in
negotiation should not have been offered at all: an expensive one (G2) or one from such a relation (G5) is *ter
beoordeling* for the integrity officer, who may return it instead of raffling it. G1 (money or a voucher) and
G3 (delivered to a private address) stay *in strijd*, since handing in does not undo those.
- G7 An invitation ('uitnodiging') not declined or returned without consulting the manager, or a trip
  ('reis') not declined or returned without the manager's consent (`Overlegd met leidinggevende` = ja).
  An empty answer counts as not consulted.

Reasons are short Dutch sentences without semicolons (the `Beoordeling` column joins them with '; ').
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

from toolkit.gifts.vouchers import money_word
from toolkit.names import normalise_org_name
from toolkit.values import counted, format_amount_nl

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

IN_BREACH = "in strijd"
FOR_REVIEW = "ter beoordeling"
UNJUDGEABLE = "niet te beoordelen"

# Every rule code this module writes, its meaning in Dutch and the weights it can carry (the Uitleg sheet's legend).
CODES: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType(
    {
        "G1": ("Geld of een cadeaubon is aangenomen (niet geweigerd of teruggestuurd).", (IN_BREACH,)),
        "G2": (
            "Waarde gelijk aan of boven de grens (ook opgeteld per gever binnen de termijn), niet geweigerd of "
            "teruggestuurd. Ter beoordeling: duur kerstgeschenk centraal ingeleverd. Niet te beoordelen: de "
            "waarde ontbreekt.",
            (IN_BREACH, FOR_REVIEW, UNJUDGEABLE),
        ),
        "G3": ("Bezorgd op een privéadres en niet geweigerd of teruggestuurd.", (IN_BREACH,)),
        "G4": ("Klein geschenk persoonlijk aangenomen in plaats van ter beschikking van de organisatie.", (IN_BREACH,)),
        "G5": (
            "Van een relatie in onderhandeling of onder toezicht, of van een actieve leverancier, en niet geweigerd "
            "of teruggestuurd. Ter beoordeling: klein geschenk ter beschikking gesteld of kerstgeschenk ingeleverd.",
            (IN_BREACH, FOR_REVIEW),
        ),
        "G6": ("Kerstgeschenk niet centraal ingeleverd (en niet geweigerd of teruggestuurd).", (IN_BREACH,)),
        "G7": (
            "Uitnodiging zonder overleg met de leidinggevende, of reis zonder diens toestemming, niet geweigerd of "
            "teruggestuurd.",
            (IN_BREACH,),
        ),
    }
)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule of the code that a gift breaks (or may break), with a short Dutch reason and its weight."""

    rule: str  # 'G1'..'G7'
    reason: str
    weight: str = IN_BREACH  # IN_BREACH, FOR_REVIEW or UNJUDGEABLE

    def text(self) -> str:
        label = self.rule if self.weight == IN_BREACH else f"{self.rule} ({self.weight})"
        return f"{label}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Judgement:
    """All violations of one gift, ordered by rule."""

    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def against_code(self) -> bool:
        """At least one rule is broken (not only for review or unjudgeable): the manager hears of it."""
        return any(v.weight == IN_BREACH for v in self.violations)

    @property
    def weight(self) -> str:
        """The heaviest weight: 'OK', IN_BREACH, UNJUDGEABLE or FOR_REVIEW (in that order of precedence)."""
        for weight in (IN_BREACH, UNJUDGEABLE, FOR_REVIEW):
            if any(v.weight == weight for v in self.violations):
                return weight
        return "OK"

    def text(self) -> str:
        """'OK', or 'G2: reason; G5 (ter beoordeling): reason' for the register's `Beoordeling` column."""
        if self.ok:
            return "OK"
        return "; ".join(v.text() for v in self.violations)


@dataclass(frozen=True)
class GiftPolicy:
    """The configurable limit and the active suppliers (names are normalised on construction)."""

    limit: Decimal = Decimal("25")
    active_suppliers: frozenset[str] = frozenset()
    sum_window_days: int = 30

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


@functools.lru_cache(maxsize=1 << 14)  # the limit in every G2 reason, and amounts that come back
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


def _g1(gift: Gift, policy: GiftPolicy) -> Violation | None:
    if _refused(gift):
        return None
    if gift.kind == MONEY:
        return Violation("G1", f"geld of een cadeaubon wordt nooit aangenomen en {_fate(gift)}")
    word = money_word(gift.description)
    if word:
        return Violation("G1", f"de omschrijving noemt geld of een bon ('{word}') en {_fate(gift)}")
    return None


def _value_matters(gift: Gift) -> bool:
    return not _refused(gift) and gift.kind != MONEY and gift.kind is not None


def _g2(gift: Gift, policy: GiftPolicy) -> Violation | None:
    if not _value_matters(gift):
        return None
    if gift.value is None:
        return Violation(
            "G2", f"de waarde ontbreekt: zonder waarde is niet te zeggen of {_what(gift)} klein is "
            f"(minder dan {format_euro(policy.limit)})", UNJUDGEABLE,
        )  # fmt: skip
    if gift.value < policy.limit:
        return None
    if _christmas_handed_in(gift):
        return Violation(
            "G2", f"duur kerstgeschenk (waarde {format_euro(gift.value)}) is centraal ingeleverd, maar de code vraagt "
            "geen dure relatiegeschenken: beoordeel of het terug moet naar de gever", FOR_REVIEW,
        )  # fmt: skip
    return Violation(
        "G2", f"waarde {format_euro(gift.value)} is niet minder dan {format_euro(policy.limit)} en {_fate(gift)}"
    )


def _g3(gift: Gift, policy: GiftPolicy) -> Violation | None:
    if _refused(gift) or gift.private_address is not True:
        return None
    return Violation("G3", f"bezorgd op een privéadres en {_fate(gift)}")


def _g4(gift: Gift, policy: GiftPolicy) -> Violation | None:
    small = gift.value is None or gift.value < policy.limit
    if gift.kind != SMALL_GIFT or gift.decision != KEPT or not small:
        return None
    return Violation(
        "G4", "klein geschenk persoonlijk aangenomen in plaats van ter beschikking van de hele organisatie gesteld"
    )


def _g5(gift: Gift, policy: GiftPolicy) -> Violation | None:
    if _refused(gift):
        return None
    if gift.negotiating is True:
        reason = f"de gever is een relatie in onderhandeling of onder toezicht en {_fate(gift)}"
    elif normalise_org_name(gift.giver) in policy.active_suppliers:
        reason = f"de gever {(gift.giver or '').strip()} is een actieve leverancier en {_fate(gift)}"
    else:
        return None
    shared_small = gift.decision == FOR_ORGANISATION and gift.value is not None and gift.value < policy.limit
    if _christmas_handed_in(gift) or shared_small:
        return Violation("G5", reason, FOR_REVIEW)
    return Violation("G5", reason)


def _g6(gift: Gift, policy: GiftPolicy) -> Violation | None:
    if gift.kind != CHRISTMAS or gift.decision == HANDED_IN or _refused(gift):
        return None
    if gift.decision:
        return Violation("G6", f"een kerstgeschenk wordt centraal ingeleverd, maar het besluit is '{gift.decision}'")
    return Violation("G6", "een kerstgeschenk wordt centraal ingeleverd, maar er is geen besluit ingevuld")


def _not_consulted(gift: Gift) -> str:
    if gift.consulted_manager is False:
        return "er is niet met de leidinggevende overlegd"
    return "er is niet ingevuld dat met de leidinggevende is overlegd"


def _g7(gift: Gift, policy: GiftPolicy) -> Violation | None:
    if _refused(gift) or gift.consulted_manager is True:
        return None
    if gift.kind == TRIP:
        return Violation(
            "G7",
            f"een reis vraagt altijd toestemming van de leidinggevende, maar {_not_consulted(gift)} en {_fate(gift)}",
        )
    if gift.kind == INVITATION:
        return Violation("G7", f"{_not_consulted(gift)} en {_fate(gift)}")
    return None


_CHECKS = (_g1, _g2, _g3, _g4, _g5, _g6, _g7)


def judge_gift(gift: Gift, policy: GiftPolicy, earlier: Sequence[Gift] = ()) -> Judgement:
    """Every rule the gift breaks, in rule order; `earlier`: gifts from the same giver to the same person before it."""
    violations = [v for check in _CHECKS if (v := check(gift, policy)) is not None]
    summed = _summed_g2(gift, policy, earlier)
    if summed is not None and not any(v.rule == "G2" for v in violations):
        violations.append(summed)
        violations.sort(key=lambda v: RULES.index(v.rule))
    return Judgement(tuple(violations))


def _counts_towards_sum(gift: Gift) -> bool:
    return (
        _value_matters(gift) and gift.value is not None and not _christmas_handed_in(gift) and gift.received is not None
    )


def _summed_g2(gift: Gift, policy: GiftPolicy, earlier: Sequence[Gift]) -> Violation | None:
    if not _counts_towards_sum(gift) or not earlier:
        return None
    assert gift.value is not None and gift.received is not None
    total = gift.value + sum((g.value for g in earlier if g.value is not None), Decimal(0))
    if total < policy.limit:
        return None
    return Violation(
        "G2", f"samen met {counted(len(earlier), 'eerder geschenk', 'eerdere geschenken')} van {gift.giver.strip()} binnen {policy.sum_window_days} "
        f"dagen is de waarde {format_euro(total)}, niet minder dan {format_euro(policy.limit)}, en {_fate(gift)}",
    )  # fmt: skip


def judge_gift_rows(items: Sequence[tuple[int, Gift]], policy: GiftPolicy) -> dict[int, Judgement]:
    """Judge many rows at once (key: the caller's row id), adding up gifts from one giver to one person.

    Per employee and giver (names compared without case, spaces or legal form), in order of date received and
    then row id, a gift is summed with the earlier ones received at most `sum_window_days` days before it.
    """
    groups: dict[tuple[str, str], list[tuple[int, Gift]]] = {}
    for key, gift in items:
        if _counts_towards_sum(gift):
            who = " ".join(gift.employee.split()).casefold()
            groups.setdefault((who, normalise_org_name(gift.giver) or gift.giver.casefold()), []).append((key, gift))
    earlier: dict[int, list[Gift]] = {}
    for members in groups.values():
        members.sort(key=lambda item: (item[1].received, item[0]))
        start = 0  # the window slides: sorted by date, the gifts within it are the ones just before this one
        for index, (key, gift) in enumerate(members):
            assert gift.received is not None
            while (gift.received - members[start][1].received).days > policy.sum_window_days:  # type: ignore[operator]
                start += 1
            earlier[key] = [g for _, g in members[start:index]]
    return {key: judge_gift(gift, policy, earlier.get(key, ())) for key, gift in items}


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
