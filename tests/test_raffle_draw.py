"""The Christmas raffle draw: deterministic, fair, one gift per person per round, verifiable, documented."""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from collections import Counter

import pytest

from toolkit.errors import InputError
from toolkit.raffle.draw import (
    ALGORITHM_VERSION,
    DrawResult,
    Participant,
    PoolGift,
    draw,
    participants_digest,
    pool_digest,
    verify,
)

GIFTS = [PoolGift(f"Nr {i}", f"Kerstpakket {i}", f"Leverancier {i}") for i in range(1, 8)]
PEOPLE = [Participant(f"P{i:03d}", f"Medewerker {i}", f"m{i}@woonpartners.nl") for i in range(1, 6)]


# An independent, deliberately plain re-implementation of the documented algorithm -----------------------------


def reference_draw(gifts: list[tuple[str, str, str]], people: list[tuple[str, str, str]], seed: str) -> dict:
    """Follows the module docstring literally, with tuples, bytes and struct; shares no code with draw()."""

    def field(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def digest(rows: list[tuple[str, str, str]]) -> tuple[str, list[tuple[str, str, str]]]:
        rows = sorted(rows, key=lambda row: row[0].encode("utf-8"))
        text = "".join("\t".join(field(f) for f in row) + "\n" for row in rows)
        return hashlib.sha256(text.encode("utf-8")).hexdigest(), rows

    pool_hex, gifts = digest(gifts)
    people_hex, people = digest(people)
    words: list[int] = []
    block_number = [0]

    def next_word() -> int:
        if not words:
            message = "\n".join([ALGORITHM_VERSION, seed, pool_hex, people_hex, str(block_number[0])])
            words.extend(struct.unpack(">8I", hashlib.sha256(message.encode("utf-8")).digest()))
            block_number[0] += 1
        return words.pop(0)

    def uniform(k: int) -> int:
        limit = 4294967296 - 4294967296 % k
        while True:
            w = next_word()
            if w < limit:
                return w % k

    result = []
    remaining = list(gifts)
    while remaining:
        order = list(people)
        i = len(order) - 1
        while i >= 1:
            j = uniform(i + 1)
            order[i], order[j] = order[j], order[i]
            i -= 1
        for person in order:
            if not remaining:
                break
            result.append((remaining.pop(0)[0], person[0]))
    return {"pool": pool_hex, "people": people_hex, "assignments": result}


VECTOR_GIFTS = [
    ("K1", "Kerstpakket", "Bouwbedrijf Jansen B.V."),
    ("K2", "Fles wijn", "Schilders & Zn"),
    ("K3", "Bonbons", "Installatie De Boer"),
]
VECTOR_PEOPLE = [("P1", "Anna", "anna@example.nl"), ("P2", "Bram", "")]
VECTOR_SEED = "kerst-2025"
# Published with the module docstring; computed once with reference_draw and the digests with `sha256sum`.
VECTOR_POOL_DIGEST = "4d4f4b7a490ab0aad594d5113b473647114f610996f49888d6856c4d095322f3"
VECTOR_PEOPLE_DIGEST = "a658801caa8cc69e272f45446eccdc75d2fcd15fb3f433d9e8c108bc1fcc7cb2"
VECTOR_ASSIGNMENTS = [("K1", "P1"), ("K2", "P2"), ("K3", "P2")]


def pairs(result: DrawResult) -> list[tuple[str, str]]:
    return [(g.key, p.key) for g, p in result.assignments]


def test_published_test_vector() -> None:
    """The tiny published vector comes out of both the independent re-implementation and draw()."""
    reference = reference_draw(VECTOR_GIFTS, VECTOR_PEOPLE, VECTOR_SEED)
    assert reference == {"pool": VECTOR_POOL_DIGEST, "people": VECTOR_PEOPLE_DIGEST, "assignments": VECTOR_ASSIGNMENTS}
    gifts = [PoolGift(*row) for row in VECTOR_GIFTS]
    people = [Participant(key, name, email or None) for key, name, email in VECTOR_PEOPLE]
    result = draw(gifts, people, VECTOR_SEED)
    assert (result.algorithm, result.seed) == (ALGORITHM_VERSION, VECTOR_SEED)
    assert (result.pool_digest, result.participants_digest) == (VECTOR_POOL_DIGEST, VECTOR_PEOPLE_DIGEST)
    assert pairs(result) == VECTOR_ASSIGNMENTS


@pytest.mark.parametrize(("n_gifts", "n_people"), [(1, 1), (3, 7), (7, 3), (12, 5), (5, 5), (0, 4)])
def test_draw_matches_reference_implementation(n_gifts: int, n_people: int) -> None:
    """draw() agrees with the independent re-implementation on varied sizes and awkward texts."""
    gifts = [PoolGift(f"Nr {i}", f"pakket\t{i} \\ é", "Café Ö") for i in range(1, n_gifts + 1)]
    people = [Participant(f"{i:04d}", f"Naam {i}\nx", f"p{i}@x.nl") for i in range(n_people, 0, -1)]
    for seed in ("a", "kerst 2025 — loting", "12345"):
        reference = reference_draw(
            [(g.key, g.description, g.giver) for g in gifts], [(p.key, p.name, p.email or "") for p in people], seed
        )
        result = draw(gifts, people, seed)
        assert (result.pool_digest, result.participants_digest) == (reference["pool"], reference["people"])
        assert pairs(result) == reference["assignments"]


def test_digests_are_documented_sha256() -> None:
    """The digest is SHA-256 over sorted, tab-separated, LF-terminated lines; an empty list hashes zero bytes."""
    gifts = [PoolGift("B", "wijn", "X"), PoolGift("A", "kaas", "Y")]
    assert pool_digest(gifts) == hashlib.sha256(b"A\tkaas\tY\nB\twijn\tX\n").hexdigest()
    assert participants_digest([Participant("7", "Jo", None)]) == hashlib.sha256(b"7\tJo\t\n").hexdigest()
    assert pool_digest([]) == hashlib.sha256(b"").hexdigest()


def test_digest_uses_nfc() -> None:
    """A name typed with a combining accent gives the same digest as the precomposed one."""
    composed = Participant("1", "Ren\u00e9", None)
    decomposed = Participant("1", "Rene\u0301", None)
    assert participants_digest([composed]) == participants_digest([decomposed])


# Determinism and the one-gift-per-round rule -------------------------------------------------------------------


def test_deterministic_and_order_independent() -> None:
    """The same inputs and seed give the same result, whatever order the inputs come in."""
    first = draw(GIFTS, PEOPLE, "kerst-2025")
    again = draw(list(reversed(GIFTS)), PEOPLE[2:] + PEOPLE[:2], "kerst-2025")
    assert first == again
    assert [g.key for g, _ in first.assignments] == sorted(g.key for g in GIFTS)


def test_different_seed_gives_different_result() -> None:
    """Another seed gives another assignment (for these inputs and seeds)."""
    assert pairs(draw(GIFTS, PEOPLE, "kerst-2025")) != pairs(draw(GIFTS, PEOPLE, "kerst-2026"))


@pytest.mark.parametrize("n_gifts", [1, 3, 5, 6, 7, 11, 15])
def test_one_gift_per_person_until_everyone_has_one(n_gifts: int) -> None:
    """Each round of n gifts (in sorted order) goes to n different people; totals differ by at most one."""
    gifts = [PoolGift(f"G{i:02d}", "pakket", "gever") for i in range(n_gifts)]
    for seed in (f"s{i}" for i in range(20)):
        winners = [p.key for _, p in draw(gifts, PEOPLE, seed).assignments]
        assert len(winners) == n_gifts
        for start in range(0, n_gifts, len(PEOPLE)):
            chunk = winners[start : start + len(PEOPLE)]
            assert len(set(chunk)) == len(chunk)
        counts = Counter(winners)
        if n_gifts >= len(PEOPLE):
            assert set(counts) == {p.key for p in PEOPLE}
        assert max(counts.values()) - min(counts.values()) <= 1


def test_no_gifts_and_no_participants() -> None:
    """No gifts gives an empty result; gifts without participants is an input error; so is an empty seed."""
    assert draw([], PEOPLE, "x").assignments == ()
    with pytest.raises(InputError, match="geen deelnemers"):
        draw(GIFTS, [], "x")
    with pytest.raises(InputError, match="seed"):
        draw(GIFTS, PEOPLE, "")
    with pytest.raises(InputError, match="regeleinde"):
        draw(GIFTS, PEOPLE, "a\nb")


def test_duplicate_keys_refused() -> None:
    """Two participants with the same key (personeelsnummer) are refused with a message naming the key."""
    with pytest.raises(InputError, match="'P001' komt meer dan eens voor bij de deelnemers"):
        draw(GIFTS, [*PEOPLE, Participant("P001", "Dubbel", None)], "x")


# Uniformity -------------------------------------------------------------------------------------------------------


def chi_square(counts: list[int], expected: float) -> float:
    return sum((c - expected) ** 2 / expected for c in counts)


def test_uniform_winner_of_first_gift() -> None:
    """Over 2,000 fixed seeds each of 5 people wins gift #1 equally often (chi-square, df 4, p = 0.001)."""
    seeds = 2000
    first = Counter(draw(GIFTS[:2], PEOPLE, f"seed-{i}").assignments[0][1].key for i in range(seeds))
    counts = [first[p.key] for p in PEOPLE]
    assert chi_square(counts, seeds / len(PEOPLE)) < 18.467  # critical value of chi-square, df = 4, p = 0.001


def test_uniform_positions_over_rounds() -> None:
    """With 7 gifts and 3 people every person is equally likely to win every gift (chi-square per gift)."""
    people = PEOPLE[:3]
    seeds = 1500
    wins = Counter()
    for i in range(seeds):
        for gift, person in draw(GIFTS, people, f"seed-{i}").assignments:
            wins[gift.key, person.key] += 1
    for gift in GIFTS:
        counts = [wins[gift.key, p.key] for p in people]
        assert chi_square(counts, seeds / 3) < 13.816  # critical value of chi-square, df = 2, p = 0.001


def test_every_complete_assignment_is_equally_likely() -> None:
    """With 3 gifts and 3 people each of the 6 ways to hand them out comes up equally often (chi-square, df 5).

    The per-gift tests above look at one gift at a time; this one looks at the whole outcome, so a draw whose
    choices depend on each other (a biased shuffle) fails here even when every single gift looks fair.
    """
    gifts, people = GIFTS[:3], PEOPLE[:3]
    seeds = 3000
    outcomes = Counter(tuple(p.key for _, p in draw(gifts, people, f"perm-{i}").assignments) for i in range(seeds))
    assert len(outcomes) == 6  # every permutation of the three people occurs
    assert chi_square(list(outcomes.values()), seeds / 6) < 20.515  # critical value of chi-square, df = 5, p = 0.001


# Verification --------------------------------------------------------------------------------------------------


def test_verify_untouched_result() -> None:
    """A result that nobody touched verifies with no differences, also with the inputs in another order."""
    result = draw(GIFTS, PEOPLE, "kerst-2025")
    assert verify(result, GIFTS, PEOPLE) == []
    assert verify(result, list(reversed(GIFTS)), list(reversed(PEOPLE))) == []


def test_verify_detects_hand_edited_winner() -> None:
    """Replacing a winner by hand is reported for that gift, naming both people."""
    result = draw(GIFTS, PEOPLE, "kerst-2025")
    gift, winner = result.assignments[2]
    other = next(p for p in PEOPLE if p != winner)
    edited = dataclasses.replace(result, assignments=result.assignments[:2] + ((gift, other),) + result.assignments[3:])
    messages = verify(edited, GIFTS, PEOPLE)
    assert len(messages) == 1
    assert gift.key in messages[0]
    assert f"vastgelegd voor {other.name} ({other.key})" in messages[0]
    assert f"de trekking geeft {winner.name} ({winner.key})" in messages[0]


def test_verify_detects_gift_added_after_the_draw() -> None:
    """A gift added to the pool after the draw changes the digest and is named; the winners still check out."""
    result = draw(GIFTS, PEOPLE, "kerst-2025")
    late = PoolGift("Nr 99", "Late kerstbox", "Leverancier 99")
    messages = verify(result, [*GIFTS, late], PEOPLE)
    assert messages[0].startswith("De geschenkenpool is na de trekking gewijzigd")
    assert result.pool_digest[:12] in messages[0]
    assert any("Nr 99" in m and "toegevoegd" in m for m in messages)
    assert len(messages) == 2


def test_verify_detects_changed_gift_and_participant_list() -> None:
    """A gift description edited in the result, and a winner gone from the staff list, are reported."""
    result = draw(GIFTS, PEOPLE, "kerst-2025")
    gift, winner = result.assignments[0]
    edited = dataclasses.replace(
        result, assignments=((dataclasses.replace(gift, description="iets anders"), winner),) + result.assignments[1:]
    )
    messages = verify(edited, GIFTS, PEOPLE)
    assert messages[0].startswith("De geschenken in de vastgelegde uitslag passen niet")
    gone = [p for p in PEOPLE if p != winner]
    messages = verify(result, GIFTS, gone)
    assert messages[0].startswith("De deelnemerslijst is na de trekking gewijzigd")
    assert any(f"{winner.name} ({winner.key}) staat niet meer" in m for m in messages)


def test_verify_detects_other_seed_algorithm_and_missing_row() -> None:
    """A different recorded seed, an unknown algorithm and a deleted result row are all reported."""
    result = draw(GIFTS, PEOPLE, "kerst-2025")
    other_seed = dataclasses.replace(result, seed="kerst-2026")
    assert verify(other_seed, GIFTS, PEOPLE) != []
    messages = verify(other_seed, GIFTS, PEOPLE, announced_seed="kerst-2025")
    assert messages[0] == "De vastgelegde seed 'kerst-2026' is niet de vooraf bekendgemaakte seed 'kerst-2025'"
    assert verify(result, GIFTS, PEOPLE, announced_seed="kerst-2025") == []
    assert "kerstloting-v0" in verify(dataclasses.replace(result, algorithm="kerstloting-v0"), GIFTS, PEOPLE)[0]
    shortened = dataclasses.replace(result, assignments=result.assignments[:-1])
    messages = verify(shortened, GIFTS, PEOPLE)
    assert messages[0].startswith("De geschenken in de vastgelegde uitslag passen niet")
    assert any(m.startswith("Geschenk Nr 7 (Kerstpakket 7) ontbreekt in de vastgelegde uitslag") for m in messages)
    duplicated = dataclasses.replace(result, assignments=result.assignments + result.assignments[:1])
    assert verify(duplicated, GIFTS, PEOPLE) != []


def test_verify_tolerates_empty_email_but_not_an_edited_name() -> None:
    """A winner read back with e-mail '' instead of None still verifies; a winner's name edited by hand does not."""
    people = [dataclasses.replace(p, email=None) for p in PEOPLE]
    result = draw(GIFTS, people, "kerst-2025")
    read_back = tuple((g, dataclasses.replace(p, email="")) for g, p in result.assignments)
    assert verify(dataclasses.replace(result, assignments=read_back), GIFTS, people) == []
    gift, winner = result.assignments[0]
    renamed = ((gift, dataclasses.replace(winner, name="Iemand Anders")),) + result.assignments[1:]
    messages = verify(dataclasses.replace(result, assignments=renamed), GIFTS, people)
    assert messages == [
        f"De gegevens van de winnaar van geschenk {gift.key} ({gift.description}) zijn na de trekking gewijzigd"
    ]


def test_rejection_sampling_skips_words_at_or_above_the_bound() -> None:
    """With k = 3·2^30 a quarter of the words are rejected; the draws match the documented stream word by word."""
    from toolkit.raffle.draw import RandomStream

    k = 3 * 2**30
    pool, people = "a" * 64, "b" * 64
    raw: list[int] = []
    for block in range(40):
        text = f"{ALGORITHM_VERSION}\nseed-x\n{pool}\n{people}\n{block}"
        raw.extend(struct.unpack(">8I", hashlib.sha256(text.encode()).digest()))
    accepted = [w % k for w in raw if w < k]
    assert len(accepted) < len(raw) - 20  # rejections really happened
    stream = RandomStream("seed-x", pool, people)
    assert [stream.below(k) for _ in range(200)] == accepted[:200]
