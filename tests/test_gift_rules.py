"""The code's rules for gifts and invitations (G1–G7), the summary, finding keys and the raffle window."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest

from toolkit.gifts.keys import finding_key
from toolkit.gifts.rules import (
    FOR_REVIEW,
    IN_BREACH,
    UNJUDGEABLE,
    Gift,
    GiftPolicy,
    Judgement,
    Violation,
    christmas_gifts_in_window,
    format_euro,
    judge_gift,
    judge_gift_rows,
    money_word,
    summarise,
)
from toolkit.registers.schema import GIFT_DECISIONS, GIFT_KINDS

POLICY = GiftPolicy()


def gift(**changes: object) -> Gift:
    """A harmless row: a € 15 box of chocolates made available to the organisation."""
    base = Gift(
        received=date(2025, 3, 4),
        employee="Anna de Vries",
        giver="Schildersbedrijf Pieters",
        kind="geschenk",
        description="doos bonbons",
        value=Decimal("15"),
        private_address=False,
        negotiating=False,
        decision="ter beschikking organisatie",
        consulted_manager=None,
    )
    return dataclasses.replace(base, **changes)


def rules(g: Gift, policy: GiftPolicy = POLICY) -> list[str]:
    return [v.rule for v in judge_gift(g, policy).violations]


def weights(g: Gift, policy: GiftPolicy = POLICY) -> list[tuple[str, str]]:
    return [(v.rule, v.weight) for v in judge_gift(g, policy).violations]


def test_harmless_gift_is_ok() -> None:
    """A small gift made available to the organisation breaks no rule and reads 'OK'."""
    judgement = judge_gift(gift(), POLICY)
    assert judgement.ok
    assert judgement.text() == "OK"


def test_schema_values_are_the_ones_the_rules_know() -> None:
    """The kinds and decisions the rules use are exactly the register's dropdown values."""
    from toolkit.gifts import rules as module

    assert {module.SMALL_GIFT, module.INVITATION, module.TRIP, module.CHRISTMAS, module.MONEY} == set(GIFT_KINDS)
    assert {module.KEPT, module.FOR_ORGANISATION, module.HANDED_IN, module.DECLINED, module.RETURNED} == set(
        GIFT_DECISIONS
    )


# G1 -----------------------------------------------------------------------------------------------------------


def test_g1_money_kind_kept_or_shared() -> None:
    """Kind 'geld of cadeaubon' is G1 whatever happened to it, unless declined or returned."""
    for decision in ("aangenomen", "ter beschikking organisatie", "centraal ingeleverd", None):
        assert "G1" in rules(gift(kind="geld of cadeaubon", description="", decision=decision)), decision
    for decision in ("geweigerd", "teruggestuurd"):
        assert rules(gift(kind="geld of cadeaubon", description="", decision=decision)) == []


@pytest.mark.parametrize(
    "description",
    ["envelop met contant geld", "VVV-bon", "vvv bon van 20 euro", "cadeaubon Bol", "Waardebon", "tegoedbon",
     "giftcard", "Gift card Zalando", "fooi", "zakgeld", "cadeaukaart", "boekenbon", "20 euro cash"],
)  # fmt: skip
def test_g1_description_names_money(description: str) -> None:
    """A description naming money or a voucher is G1 even when the kind says 'geschenk'."""
    assert rules(gift(description=description)) == ["G1"]


@pytest.mark.parametrize(
    "description", ["doos bonbons", "Gelderse rookworst", "fles wijn", "cashewnoten", "bos bloemen", "geldig tot mei"]
)
def test_g1_ordinary_descriptions_are_not_money(description: str) -> None:
    """Ordinary gifts whose words merely resemble money words are not G1."""
    assert money_word(description) is None
    assert rules(gift(description=description)) == []


def test_g1_reason_names_the_word() -> None:
    """The G1 reason quotes the money word from the description and how the gift was handled."""
    text = judge_gift(gift(description="VVV-bon", decision="aangenomen"), POLICY).text()
    assert text.startswith("G1: ")
    assert "'vvv-bon'" in text
    assert "het geschenk is aangenomen" in text


# G2 -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("24.99"), []), (Decimal("25"), ["G2"]), (Decimal("25.00"), ["G2"]), (Decimal("250"), ["G2"])],
)
def test_g2_limit_boundary(value: Decimal, expected: list[str]) -> None:
    """€ 24,99 is a small gift; 25,- and € 25,00 and more are not."""
    assert rules(gift(value=value)) == expected


def test_g2_reason_formats_amounts() -> None:
    """The G2 reason shows both amounts in Dutch notation."""
    text = judge_gift(gift(value=Decimal("30"), decision="aangenomen"), POLICY).text()
    assert text == "G2: waarde € 30,00 is niet minder dan € 25,00 en het geschenk is aangenomen"


def test_g2_declined_returned_or_unknown_value() -> None:
    """An expensive gift declined or returned gives no G2; an unknown value is G2 'niet te beoordelen'."""
    assert rules(gift(value=Decimal("80"), decision="geweigerd")) == []
    assert rules(gift(value=Decimal("80"), decision="teruggestuurd")) == []
    assert weights(gift(value=None)) == [("G2", UNJUDGEABLE)]
    assert "G2 (niet te beoordelen): de waarde ontbreekt" in judge_gift(gift(value=None), POLICY).text()
    assert rules(gift(value=None, decision="geweigerd")) == [], "a declined gift's value does not matter"
    assert rules(gift(value=None, kind="geld of cadeaubon")) == ["G1"], "money is G1 whatever its value"


def test_g2_configurable_limit() -> None:
    """The limit comes from the policy, also when given as a float from config.toml."""
    policy = GiftPolicy(limit=50.0)  # type: ignore[arg-type]
    assert rules(gift(value=Decimal("30")), policy) == []
    assert rules(gift(value=Decimal("50")), policy) == ["G2"]
    assert "€ 50,00" in judge_gift(gift(value=Decimal("50")), policy).text()


def test_format_euro() -> None:
    """Amounts read as Dutch money: comma for cents, dots for thousands, rounded half up."""
    assert format_euro(Decimal("30")) == "€ 30,00"
    assert format_euro(Decimal("24.995")) == "€ 25,00"
    assert format_euro(Decimal("1250.5")) == "€ 1.250,50"
    assert format_euro(Decimal("0")) == "€ 0,00"


# G3 -----------------------------------------------------------------------------------------------------------


def test_g3_private_address() -> None:
    """Delivery to a private address is G3 unless the gift was declined or returned; unknown is no G3."""
    assert rules(gift(private_address=True)) == ["G3"]
    assert rules(gift(private_address=True, decision="teruggestuurd")) == []
    assert rules(gift(private_address=None)) == []


# G4 -----------------------------------------------------------------------------------------------------------


def test_g4_small_gift_kept_personally() -> None:
    """A small or unvalued 'geschenk' kept personally is G4; shared or handed in is fine."""
    assert rules(gift(decision="aangenomen")) == ["G4"]
    assert rules(gift(decision="aangenomen", value=None)) == ["G2", "G4"], "G2: the value cannot be judged"
    assert rules(gift(decision="aangenomen", value=Decimal("24.99"))) == ["G4"]
    assert rules(gift(decision="centraal ingeleverd")) == []


def test_g4_not_for_expensive_gifts_or_other_kinds() -> None:
    """An expensive gift kept is G2, not G4; G4 is about kind 'geschenk' only."""
    assert rules(gift(decision="aangenomen", value=Decimal("25"))) == ["G2"]
    assert "G4" not in rules(gift(kind="uitnodiging", decision="aangenomen", consulted_manager=True))


# G5 -----------------------------------------------------------------------------------------------------------


def test_g5_active_supplier_tolerant_name() -> None:
    """A gift from an active supplier is G5 even when the names differ in case, dots and legal form."""
    policy = GiftPolicy(active_suppliers=frozenset({"bouwbedrijf jansen bv"}))
    judgement = judge_gift(gift(giver="Bouwbedrijf Jansen B.V."), policy)
    assert [v.rule for v in judgement.violations] == ["G5"]
    assert "Bouwbedrijf Jansen B.V. is een actieve leverancier" in judgement.text()
    policy_raw = GiftPolicy(active_suppliers=frozenset({"Bouwbedrijf Jansen B.V."}))
    assert rules(gift(giver="bouwbedrijf jansen bv"), policy_raw) == ["G5"]
    assert rules(gift(giver="Bouwbedrijf Janssen"), policy) == []


def test_g5_negotiating_relation() -> None:
    """A gift from a relation in negotiation or under supervision is G5, also a small gift made available."""
    assert rules(gift(negotiating=True)) == ["G5"]
    assert rules(gift(negotiating=True, decision="centraal ingeleverd")) == ["G5"]
    assert rules(gift(negotiating=True, decision="geweigerd")) == []
    assert rules(gift(negotiating=None)) == []


def test_christmas_gift_handed_in_is_the_remedy() -> None:
    """A Christmas gift handed in: an expensive one or one from a relation in negotiation is only for review."""
    policy = GiftPolicy(active_suppliers=frozenset({"Bouwbedrijf Jansen"}))
    xmas = gift(kind="kerstgeschenk", description="kerstpakket", giver="Bouwbedrijf Jansen B.V.",
                value=Decimal("350"), negotiating=True, decision="centraal ingeleverd")  # fmt: skip
    assert weights(xmas, policy) == [("G2", FOR_REVIEW), ("G5", FOR_REVIEW)]
    assert not judge_gift(xmas, policy).against_code, "the employee did what the code asks: no manager mail"
    assert "geen dure relatiegeschenken" in judge_gift(xmas, policy).text()
    small = dataclasses.replace(xmas, value=Decimal("20"), negotiating=False, giver="Bakkerij Klein")
    assert rules(small, policy) == []
    assert weights(dataclasses.replace(small, private_address=True), policy) == [("G3", IN_BREACH)]
    assert weights(dataclasses.replace(small, description="kerstpakket met cadeaubon"), policy) == [("G1", IN_BREACH)]
    kept = dataclasses.replace(xmas, decision="aangenomen")
    assert rules(kept, policy) == ["G2", "G5", "G6"]
    assert rules(dataclasses.replace(xmas, kind="geschenk"), policy) == ["G2", "G5"]


# G6 -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("centraal ingeleverd", []),
        ("geweigerd", []),
        ("teruggestuurd", []),
        ("aangenomen", ["G6"]),
        ("ter beschikking organisatie", ["G6"]),
        (None, ["G6"]),
    ],
)
def test_g6_christmas_gifts_are_handed_in(decision: str | None, expected: list[str]) -> None:
    """A Christmas gift must be handed in centrally; declining or returning it is also fine."""
    assert rules(gift(kind="kerstgeschenk", description="kerstpakket", decision=decision)) == expected


# G7 -----------------------------------------------------------------------------------------------------------


def test_g7_invitation_needs_consultation() -> None:
    """An accepted invitation needs the manager consulted; empty counts as not consulted; declining is fine."""
    invitation = gift(kind="uitnodiging", description="lunch", value=Decimal("20"), decision="aangenomen")
    assert rules(dataclasses.replace(invitation, consulted_manager=False)) == ["G7"]
    assert rules(dataclasses.replace(invitation, consulted_manager=None)) == ["G7"]
    assert rules(dataclasses.replace(invitation, consulted_manager=True)) == []
    assert rules(dataclasses.replace(invitation, decision="geweigerd")) == []
    text = judge_gift(dataclasses.replace(invitation, consulted_manager=False), POLICY).text()
    assert text == "G7: er is niet met de leidinggevende overlegd en de uitnodiging is aangenomen"


def test_g7_trip_always_needs_consent() -> None:
    """An accepted trip without the manager's consent is G7; with consent only its value can still count."""
    trip = gift(kind="reis", description="studiereis Kopenhagen", value=Decimal("0"), decision="aangenomen")
    assert rules(dataclasses.replace(trip, consulted_manager=None)) == ["G7"]
    assert "een reis vraagt altijd toestemming" in judge_gift(trip, POLICY).text()
    assert rules(dataclasses.replace(trip, consulted_manager=True)) == []
    assert rules(dataclasses.replace(trip, consulted_manager=True, value=Decimal("900"))) == ["G2"]
    assert rules(dataclasses.replace(trip, decision="geweigerd")) == []


# Combinations -------------------------------------------------------------------------------------------------


def test_several_rules_in_rule_order() -> None:
    """One row can break several rules; they come in rule order, joined by '; ' without stray semicolons."""
    policy = GiftPolicy(active_suppliers=frozenset({"Installatiebedrijf De Boer"}))
    row = gift(
        kind="kerstgeschenk",
        giver="Installatiebedrijf De Boer B.V.",
        description="kerstpakket met cadeaubon",
        value=Decimal("60"),
        private_address=True,
        decision="aangenomen",
    )
    judgement = judge_gift(row, policy)
    assert [v.rule for v in judgement.violations] == ["G1", "G2", "G3", "G5", "G6"]
    parts = judgement.text().split("; ")
    assert [p.split(":")[0] for p in parts] == ["G1", "G2", "G3", "G5", "G6"]


def test_declined_exempts_from_everything() -> None:
    """The same row declined or returned breaks no rule at all."""
    policy = GiftPolicy(active_suppliers=frozenset({"Installatiebedrijf De Boer"}))
    for decision in ("geweigerd", "teruggestuurd"):
        row = gift(
            kind="reis",
            giver="Installatiebedrijf De Boer",
            description="reis plus fooi",
            value=Decimal("600"),
            private_address=True,
            negotiating=True,
            consulted_manager=False,
            decision=decision,
        )
        assert judge_gift(row, policy).ok


def test_reasons_have_no_semicolons() -> None:
    """No reason contains '; ', so the Beoordeling text splits back into its violations."""
    policy = GiftPolicy(active_suppliers=frozenset({"X"}))
    for kind in GIFT_KINDS:
        for decision in (*GIFT_DECISIONS, None, "weggegeven"):
            row = gift(kind=kind, giver="X", description="geld", value=Decimal("99"), private_address=True,
                       negotiating=True, decision=decision, consulted_manager=False)  # fmt: skip
            for violation in judge_gift(row, policy).violations:
                assert ";" not in violation.reason


# Summary ------------------------------------------------------------------------------------------------------


def test_summarise_counts() -> None:
    """The summary counts judged and OK rows, each rule once per row, and lists the rows against the code."""
    ok = Judgement(())
    g2 = Judgement((Violation("G2", "x"),))
    g2g5 = Judgement((Violation("G2", "x"), Violation("G5", "y")))
    summary = summarise([(3, ok), (7, g2), (9, g2g5), (12, ok)])
    assert (summary.judged, summary.ok) == (4, 2)
    assert summary.against_code == (7, 9)
    assert dict(summary.per_rule) == {"G1": 0, "G2": 2, "G3": 0, "G4": 0, "G5": 1, "G6": 0, "G7": 0}
    assert summarise([]).judged == 0


# Finding keys -------------------------------------------------------------------------------------------------


def test_finding_key_stable_and_sensitive() -> None:
    """The key is the same for the same row and changes when any field, the Nr or the judgement changes."""
    row = gift(value=Decimal("30"), decision="aangenomen")
    key = finding_key(5, row, judge_gift(row, POLICY))
    assert key == finding_key(5, gift(value=Decimal("30"), decision="aangenomen"), judge_gift(row, POLICY))
    assert key == finding_key(5, dataclasses.replace(row, value=Decimal("30.00")), judge_gift(row, POLICY))
    assert len(key) == 64
    changes = {
        "received": date(2025, 3, 5),
        "employee": "Anna de Vries-Bakker",
        "giver": "Schildersbedrijf Pieter",
        "kind": "kerstgeschenk",
        "description": "doos bonbons groot",
        "value": Decimal("31"),
        "private_address": True,
        "negotiating": None,
        "decision": "centraal ingeleverd",
        "consulted_manager": True,
    }
    assert set(changes) == {f.name for f in dataclasses.fields(Gift)}
    keys = {key}
    for name, value in changes.items():
        changed = dataclasses.replace(row, **{name: value})
        keys.add(finding_key(5, changed, judge_gift(row, POLICY)))
    keys.add(finding_key(6, row, judge_gift(row, POLICY)))
    keys.add(finding_key(5, row, judge_gift(row, GiftPolicy(limit=Decimal("20")))))
    assert len(keys) == len(changes) + 3


def _reference_key(nr: int, row: Gift, judgement: Judgement) -> str:
    """finding_key as first written (keys in the send ledger were made this way)."""
    import hashlib
    import json
    import unicodedata

    def canonical(value: object) -> object:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        return value

    payload = {
        "nr": nr,
        "gift": {f.name: canonical(getattr(row, f.name)) for f in dataclasses.fields(Gift)},
        "violations": [[v.rule, unicodedata.normalize("NFC", v.reason), v.weight] for v in judgement.violations],
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def test_finding_key_is_the_key_the_ledger_holds() -> None:
    """Keys stay what they were when first stored: text in any Unicode form, quotes, empty values, amounts."""
    rows = [
        gift(value=Decimal("30"), decision="aangenomen"),
        gift(employee="Rene\u0301 Boe\u0308r", giver='Café "De Gouden Leeuw"\t\\', value=Decimal("25.000")),
        gift(description="kerstpakket 🎄 met wijn", kind="kerstgeschenk", decision="centraal ingeleverd"),
        gift(received=None, kind=None, value=None, decision=None, private_address=True, consulted_manager=False),
        gift(giver="Ｆｕｌｌｗｉｄｔｈ BV\u0000", negotiating=True, value=Decimal("1E+2")),
        gift(received=datetime(2025, 3, 4, 10, 30), value=30),  # not what the reader gives: the same key still
        gift(value=Decimal("-0.50"), description="\u2028regel\r\nnog een"),
    ]
    judgements = [
        Judgement(()),
        Judgement((Violation("G2", "waarde € 30,00 is niet minder dan € 25,00"),)),
        Judgement((Violation("G5", "gever is actief leverancier ('Cafe\u0301')", FOR_REVIEW), Violation("G3", "x"))),
    ]
    for nr, row in enumerate(rows, start=1):
        for judgement in [*judgements, judge_gift(row, POLICY)]:
            assert finding_key(nr, row, judgement) == _reference_key(nr, row, judgement)


# Raffle window ------------------------------------------------------------------------------------------------


def test_christmas_window() -> None:
    """The pool for Christmas 2025 holds handed-in Christmas gifts from 1 November 2025 to 31 January 2026."""
    xmas = gift(kind="kerstgeschenk", decision="centraal ingeleverd")
    rows = [
        (1, dataclasses.replace(xmas, received=date(2025, 10, 31))),
        (2, dataclasses.replace(xmas, received=date(2025, 11, 1))),
        (3, dataclasses.replace(xmas, received=date(2025, 12, 20))),
        (4, dataclasses.replace(xmas, received=date(2026, 1, 31))),
        (5, dataclasses.replace(xmas, received=date(2026, 2, 1))),
        (6, dataclasses.replace(xmas, received=None)),
        (7, dataclasses.replace(xmas, received=date(2025, 12, 20), decision="aangenomen")),
        (8, dataclasses.replace(xmas, received=date(2025, 12, 20), kind="geschenk")),
    ]
    assert [nr for nr, _ in christmas_gifts_in_window(rows, 2025)] == [2, 3, 4]
    assert christmas_gifts_in_window([g for _, g in rows], 2025) == [rows[1][1], rows[2][1], rows[3][1]]
    assert [nr for nr, _ in christmas_gifts_in_window(rows, 2025, start=(12, 1), end=(1, 15))] == [3]


# Vouchers in free text, weights, and gifts added up ---------------------------------------------------------


@pytest.mark.parametrize(
    "description",
    ["Bol.com-bon", "bol.com-bon van 20 euro", "iTunes-kaart", "cadeaukaart Hema", "Fashioncheque", "VVV",
     "waardebonnen", "Nationale Bioscoopbon", "giftcard Zalando", "tegoed bij de slager", "cadeaucode"],
)  # fmt: skip
def test_vouchers_typed_as_a_gift_are_g1(description: str) -> None:
    """Any '…bon', a gift or shop '…kaart', gift cards and voucher brands are money-like, whatever the kind says."""
    assert rules(gift(description=description, kind="geschenk")) == ["G1"]


@pytest.mark.parametrize(
    "description", ["doos bonbons", "kerstkaart met bloemen", "fles bourbon", "boeket met ribbon", "wenskaart",
                    "boek over Lisbon", "speelkaarten", "wijnkaart van het restaurant"],
)  # fmt: skip
def test_ordinary_gifts_are_not_vouchers(description: str) -> None:
    """Bonbons, greeting and Christmas cards, bourbon and the like are not money."""
    assert money_word(description) is None


def test_small_supplier_gift_shared_with_the_organisation_is_for_review() -> None:
    """Flowers from an active supplier put at everyone's disposal: for review; kept personally: against the code."""
    policy = GiftPolicy(active_suppliers=frozenset({"Bloemenhuis Flora"}))
    flowers = gift(description="bos bloemen", giver="Bloemenhuis Flora B.V.", value=Decimal("20"))
    assert weights(flowers, policy) == [("G5", FOR_REVIEW)]
    assert not judge_gift(flowers, policy).against_code
    assert judge_gift(flowers, policy).weight == FOR_REVIEW
    kept = dataclasses.replace(flowers, decision="aangenomen")
    assert ("G5", IN_BREACH) in weights(kept, policy)
    assert judge_gift(kept, policy).against_code
    expensive = dataclasses.replace(flowers, value=Decimal("60"))
    assert weights(expensive, policy) == [("G2", IN_BREACH), ("G5", IN_BREACH)]


def test_judgement_weight_takes_the_heaviest() -> None:
    """In breach outweighs unjudgeable, which outweighs for review; no findings reads OK."""
    judged = Judgement((Violation("G5", "x", FOR_REVIEW), Violation("G2", "y", UNJUDGEABLE)))
    assert judged.weight == UNJUDGEABLE and not judged.against_code
    assert Judgement((*judged.violations, Violation("G3", "z"))).weight == IN_BREACH
    assert Judgement(()).weight == "OK"


def _two(first: Gift, second: Gift, policy: GiftPolicy = POLICY) -> tuple[list[str], list[str]]:
    judged = judge_gift_rows([(1, first), (2, second)], policy)
    return [v.rule for v in judged[1].violations], [v.rule for v in judged[2].violations]


def test_gifts_from_one_giver_are_added_up_within_the_window() -> None:
    """Two € 20 gifts from one giver to one person on one day: the second brings the total to € 40, G2."""
    one = gift(value=Decimal("20"), giver="Bakkerij Jansen B.V.", decision="aangenomen", kind="uitnodiging",
               consulted_manager=True, description="lunch")  # fmt: skip
    other = dataclasses.replace(one, giver="bakkerij jansen", description="taart")
    assert _two(one, other) == ([], ["G2"])
    text = judge_gift_rows([(1, one), (2, other)], POLICY)[2].text()
    assert "samen met 1 eerder geschenk van bakkerij jansen binnen 30 dagen is de waarde € 40,00" in text


@pytest.mark.parametrize(
    ("days_apart", "window", "second"),
    [(30, 30, ["G2"]), (31, 30, []), (60, 90, ["G2"])],
)
def test_the_sum_window_boundary_is_configurable(days_apart: int, window: int, second: list[str]) -> None:
    """Gifts received at most `sum_window_days` apart are added up; one day more and they are not."""
    from datetime import timedelta

    policy = GiftPolicy(sum_window_days=window)
    one = gift(value=Decimal("20"), received=date(2025, 1, 1))
    later = dataclasses.replace(one, received=date(2025, 1, 1) + timedelta(days=days_apart))
    assert _two(one, later, policy) == ([], second)


def test_sums_are_per_person_and_per_giver() -> None:
    """The same giver to two people, or two givers to one person, are not added up."""
    one = gift(value=Decimal("20"))
    assert _two(one, dataclasses.replace(one, employee="Bram Jansen")) == ([], [])
    assert _two(one, dataclasses.replace(one, giver="Drukkerij Vos")) == ([], [])
    declined = dataclasses.replace(one, decision="geweigerd")
    assert _two(declined, one) == ([], []), "a declined gift does not count towards the sum"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_window_of_earlier_gifts_matches_its_definition_over_a_long_series(seed: int) -> None:
    """Sixty € 5 gifts from one giver to one person on random days (some on the same day): each gift is summed
    with exactly the gifts received before it (same day: the lower row first) at most 30 days earlier."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    days = [rng.randint(0, 200) for _ in range(60)]
    rows = [(n, gift(value=Decimal("5"), received=date(2025, 1, 1) + timedelta(days=d))) for n, d in enumerate(days)]
    judged = judge_gift_rows(rng.sample(rows, len(rows)), POLICY)
    for n, day in enumerate(days):
        earlier = sum(1 for m, other in enumerate(days) if (other, m) < (day, n) and day - other <= 30)
        summed = [v.reason for v in judged[n].violations if v.rule == "G2"]
        if earlier >= 4:  # € 5 + 4 × € 5 reaches the € 25 limit
            (reason,) = summed
            assert f"samen met {earlier} eerdere geschenken" in reason
        else:
            assert summed == []
