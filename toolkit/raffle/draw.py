r"""The Christmas raffle draw ('kerstloting-v1'): uniform, one gift per person until everyone has one, and
reproducible by anyone from the recorded seed and the two input digests.

The algorithm, exactly (so it can be redone by hand or in another language):

1. Text. Every text (seed, keys, descriptions, givers, names, e-mail addresses) is taken in Unicode NFC form
   and encoded as UTF-8. An absent e-mail address is the empty text.

2. Input lines. A gift is the line  key TAB description TAB giver ; a participant is the line
   key TAB name TAB email . Inside a field, a backslash is written as two backslashes, and a tab, line feed
   and carriage return as the two characters backslash-t, backslash-n and backslash-r. Keys must be
   non-empty and unique within their list.

3. Order. Gifts are sorted by key, participants are sorted by key, both in Unicode code point order
   (Python's default string order; UTF-8 byte order gives the same result).

4. Digests. pool_digest is SHA-256 over the sorted gift lines, each followed by a line feed (LF, 0x0A),
   written as 64 lower-case hexadecimal digits. participants_digest is the same over the sorted participant
   lines. An empty list has the digest of zero bytes (e3b0c442...b855).

5. Random stream. Block c (c = 0, 1, 2, ...) is SHA-256 over the UTF-8 text
       'kerstloting-v1' LF seed LF pool_digest LF participants_digest LF c
   with c written in decimal without leading zeros, and no LF after c. The stream is block 0, block 1, ...
   one after the other; it is read as consecutive unsigned 32-bit big-endian words (eight per block).
   The seed must not be empty and must not contain a line break.

6. Uniform integer below k (k >= 2). Let bound = 2^32 - (2^32 mod k). Read the next word w; while
   w >= bound, read the next word instead (rejection sampling, no modulo bias). The result is w mod k.

7. Shuffle (Fisher-Yates, Durstenfeld). Start from the participants in sorted order (step 3),
   positions 0 .. n-1. For i = n-1 down to 1: j = uniform integer below i+1; swap positions i and j.

8. Rounds. With m gifts and n participants (n >= 1 when m >= 1): for round r = 0, 1, ... while r * n < m,
   make a fresh shuffle (step 7, always starting again from the sorted list and continuing the same
   stream), and give the gifts with sorted positions r*n, r*n+1, ... (at most n of them, fewer in the last
   round) to the shuffled participants at positions 0, 1, ... in turn. So nobody gets a second gift before
   everyone has one; when there are fewer gifts than participants, the first m of the one shuffle win.

9. The result lists (gift, winner) in sorted gift order, with the algorithm name, the seed and both digests.

Published test vector (tests/test_raffle_draw.py recomputes it with an independent implementation):
  gifts        K1 'Kerstpakket' 'Bouwbedrijf Jansen B.V.', K2 'Fles wijn' 'Schilders & Zn',
               K3 'Bonbons' 'Installatie De Boer'
  participants P1 'Anna' 'anna@example.nl', P2 'Bram' (no e-mail)
  seed         kerst-2025
  pool_digest          4d4f4b7a490ab0aad594d5113b473647114f610996f49888d6856c4d095322f3
  participants_digest  a658801caa8cc69e272f45446eccdc75d2fcd15fb3f433d9e8c108bc1fcc7cb2
  block 0 starts d4dd13d7 dc58677e ...: round 0, i = 1: 0xd4dd13d7 mod 2 = 1, no swap, so K1 -> P1, K2 -> P2;
  round 1, i = 1: 0xdc58677e mod 2 = 0, swap, order P2 P1, so K3 -> P2.
  Result: K1 -> P1, K2 -> P2, K3 -> P2.
By hand with a shell: printf 'P1\tAnna\tanna@example.nl\nP2\tBram\t\n' | sha256sum  gives participants_digest,
and printf 'kerstloting-v1\nkerst-2025\n<pool_digest>\n<participants_digest>\n0' | sha256sum  gives block 0.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from toolkit.errors import InputError

ALGORITHM_VERSION = "kerstloting-v1"
_WORD = 2**32
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class PoolGift:
    """A Christmas gift in the raffle pool: a stable key (e.g. 'Nr 17'), what it is and who gave it."""

    key: str
    description: str
    giver: str


@dataclass(frozen=True)
class Participant:
    """A member of staff taking part: a stable key (e.g. the personeelsnummer), name and e-mail address."""

    key: str
    name: str
    email: str | None


@dataclass(frozen=True)
class DrawResult:
    """Everything needed to prove the draw: algorithm, seed, the inputs' digests and who won what."""

    algorithm: str
    seed: str
    pool_digest: str
    participants_digest: str
    assignments: tuple[tuple[PoolGift, Participant], ...]


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def _line(*fields: str | None) -> str:
    return "\t".join(_nfc(f).translate(_ESCAPES) for f in fields)


_Keyed = TypeVar("_Keyed", "PoolGift", "Participant")


def _sorted_unique(items: Iterable[_Keyed], what: str, plural: str) -> list[_Keyed]:
    ordered = sorted(items, key=lambda item: _nfc(item.key))
    seen: set[str] = set()
    for item in ordered:
        key = _nfc(item.key)
        if not key.strip():
            raise InputError(f"Kerstloting: een {what} zonder sleutel.", hint=f"Vul voor elke {what} de sleutel in.")
        if key in seen:
            raise InputError(
                f"Kerstloting: de sleutel '{key}' komt meer dan eens voor bij de {plural}.",
                hint="Maak de sleutels uniek (Nr in het geschenkenregister, personeelsnummer bij medewerkers).",
            )
        seen.add(key)
    return ordered


def sorted_gifts(gifts: Iterable[PoolGift]) -> list[PoolGift]:
    """The gifts in the draw's order: by key, in Unicode code point order. Keys must be unique."""
    return _sorted_unique(gifts, "geschenk", "geschenken")


def sorted_participants(people: Iterable[Participant]) -> list[Participant]:
    """The participants in the draw's order: by key, in Unicode code point order. Keys must be unique."""
    return _sorted_unique(people, "deelnemer", "deelnemers")


def _gift_line(gift: PoolGift) -> str:
    return _line(gift.key, gift.description, gift.giver)


def _participant_line(person: Participant) -> str:
    return _line(person.key, person.name, person.email)


def _digest(lines: Iterable[str]) -> str:
    sha = hashlib.sha256()
    for line in lines:
        sha.update((line + "\n").encode("utf-8"))
    return sha.hexdigest()


def pool_digest(gifts: Iterable[PoolGift]) -> str:
    """SHA-256 hex over the sorted lines 'key TAB description TAB giver LF' (see the module docstring)."""
    return _digest(_gift_line(g) for g in sorted_gifts(gifts))


def participants_digest(people: Iterable[Participant]) -> str:
    """SHA-256 hex over the sorted lines 'key TAB name TAB email LF' (see the module docstring)."""
    return _digest(_participant_line(p) for p in sorted_participants(people))


def _check_seed(seed: str) -> str:
    seed = _nfc(seed)
    if not seed:
        raise InputError("Kerstloting: de seed (startwaarde) is leeg.", hint="Kies vooraf een seed en maak die bekend.")
    if "\n" in seed or "\r" in seed:
        raise InputError("Kerstloting: de seed (startwaarde) bevat een regeleinde.", hint="Gebruik één regel tekst.")
    return seed


class RandomStream:
    """The draw's random words: SHA-256 in counter mode over the seed and both digests (docstring step 5)."""

    def __init__(self, seed: str, pool: str, participants: str) -> None:
        self._prefix = f"{ALGORITHM_VERSION}\n{_check_seed(seed)}\n{pool}\n{participants}\n"
        self._words = self._generate()

    def _generate(self) -> Iterator[int]:
        counter = 0
        while True:
            block = hashlib.sha256(f"{self._prefix}{counter}".encode()).digest()
            for offset in range(0, 32, 4):
                yield int.from_bytes(block[offset : offset + 4], "big")
            counter += 1

    def below(self, k: int) -> int:
        """A uniform integer 0 <= x < k (2 <= k <= 2^32), by rejection sampling (docstring step 6)."""
        if not 2 <= k <= _WORD:
            raise ValueError(f"bereik {k} valt buiten 2 .. 2^32")
        bound = _WORD - _WORD % k
        word = next(self._words)
        while word >= bound:
            word = next(self._words)
        return word % k


def shuffle(people: Sequence[Participant], stream: RandomStream) -> list[Participant]:
    """A Fisher–Yates shuffle of a copy of `people` (docstring step 7)."""
    order = list(people)
    for i in range(len(order) - 1, 0, -1):
        j = stream.below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def draw(gifts: Iterable[PoolGift], participants: Iterable[Participant], seed: str) -> DrawResult:
    """Raffle the gifts among the participants with the announced seed (docstring steps 1–9)."""
    pool = sorted_gifts(gifts)
    people = sorted_participants(participants)
    if pool and not people:
        raise InputError(
            "Kerstloting: er zijn geschenken maar geen deelnemers.",
            hint="Controleer medewerkers.xlsx: wie in dienst is doet mee.",
        )
    digests = (pool_digest(pool), participants_digest(people))
    stream = RandomStream(seed, *digests)
    assignments: list[tuple[PoolGift, Participant]] = []
    for start in range(0, len(pool), max(len(people), 1)):
        winners = shuffle(people, stream)
        assignments.extend(zip(pool[start : start + len(people)], winners, strict=False))
    return DrawResult(ALGORITHM_VERSION, _nfc(seed), digests[0], digests[1], tuple(assignments))


def _short(digest: str) -> str:
    return f"{digest[:12]}…"


def _who(person: Participant) -> str:
    return f"{person.name} ({person.key})"


def _what(gift: PoolGift) -> str:
    return f"geschenk {gift.key} ({gift.description})"


def _gift_at_start(gift: PoolGift) -> str:
    return f"Geschenk {gift.key} ({gift.description})"


def _pool_changes(recorded: Sequence[PoolGift], current: Sequence[PoolGift]) -> list[str]:
    before = {_nfc(g.key): g for g in recorded}
    now = {_nfc(g.key): g for g in current}
    changes = [f"{_what(g)} is na de trekking toegevoegd" for key, g in now.items() if key not in before]
    changes += [f"{_what(g)} is na de trekking verwijderd" for key, g in before.items() if key not in now]
    for key, g in now.items():
        old = before.get(key)
        if old is not None and _gift_line(old) != _gift_line(g):
            changes.append(f"{_what(old)} is na de trekking gewijzigd in '{g.description}' van {g.giver}")
    return changes


def _pool_digest_or_none(gifts: Sequence[PoolGift]) -> str | None:
    """The pool digest, or None when the gifts can't form a pool (a key missing or repeated)."""
    try:
        return pool_digest(gifts)
    except InputError:
        return None


def _pool_messages(recorded: DrawResult, gifts: Sequence[PoolGift]) -> list[str]:
    messages = []
    recorded_pool = [g for g, _ in recorded.assignments]
    if _pool_digest_or_none(recorded_pool) != recorded.pool_digest:
        messages.append(
            "De geschenken in de vastgelegde uitslag passen niet bij de vastgelegde pool-digest "
            f"{_short(recorded.pool_digest)}: de uitslag is na de trekking met de hand gewijzigd"
        )
    current = pool_digest(gifts)
    if current != recorded.pool_digest:
        messages.append(
            f"De geschenkenpool is na de trekking gewijzigd: digest {_short(current)} "
            f"in plaats van de vastgelegde {_short(recorded.pool_digest)}"
        )
        messages += [f"Pool: {change}" for change in _pool_changes(recorded_pool, gifts)]
    return messages


def _participant_messages(recorded: DrawResult, people: Sequence[Participant]) -> list[str]:
    current = participants_digest(people)
    if current == recorded.participants_digest:
        return []
    messages = [
        f"De deelnemerslijst is na de trekking gewijzigd: digest {_short(current)} "
        f"in plaats van de vastgelegde {_short(recorded.participants_digest)}"
    ]
    now = {_nfc(p.key): p for p in people}
    for _, winner in recorded.assignments:
        person = now.get(_nfc(winner.key))
        if person is None:
            messages.append(f"Winnaar {_who(winner)} staat niet meer in de deelnemerslijst")
        elif _participant_line(person) != _participant_line(winner):
            messages.append(f"De gegevens van winnaar {_who(winner)} wijken af van de deelnemerslijst")
    return messages


def _assignment_messages(recorded: DrawResult, expected: DrawResult) -> list[str]:
    given = {_nfc(g.key): (g, p) for g, p in recorded.assignments}
    messages = []
    if len(recorded.assignments) != len(expected.assignments):
        counts = len(recorded.assignments), len(expected.assignments)
        messages.append("De uitslag telt {} toewijzingen, de trekking geeft er {}".format(*counts))
    for gift, winner in expected.assignments:
        found = given.pop(_nfc(gift.key), None)
        if found is None:
            messages.append(f"{_gift_at_start(gift)} ontbreekt in de vastgelegde uitslag")
        elif _nfc(found[1].key) != _nfc(winner.key):
            given_to, drawn = _who(found[1]), _who(winner)
            messages.append(f"{_gift_at_start(gift)} is vastgelegd voor {given_to}, maar de trekking geeft {drawn}")
        elif _participant_line(found[1]) != _participant_line(winner):
            messages.append(f"De gegevens van de winnaar van {_what(gift)} zijn na de trekking gewijzigd")
    messages += [f"{_gift_at_start(g)} staat in de uitslag maar hoort niet bij de trekking" for g, _ in given.values()]
    return messages


def _reproducible_pool(recorded: DrawResult, gifts: Sequence[PoolGift]) -> Sequence[PoolGift] | None:
    recorded_pool = [g for g, _ in recorded.assignments]
    for pool in (recorded_pool, gifts):
        if _pool_digest_or_none(pool) == recorded.pool_digest:
            return pool
    return None


def verify(
    recorded: DrawResult,
    gifts: Iterable[PoolGift],
    participants: Iterable[Participant],
    announced_seed: str | None = None,
) -> list[str]:
    """[] when the recorded draw is exactly what the algorithm gives; else Dutch descriptions, first one first.

    Checked in this order: the algorithm name, the seed (and, when given, that it is the seed announced before
    the draw), the gifts in the result against its own pool digest,
    the current gifts against it, the current participants against the participants digest, and then the draw
    is redone (with the recorded gifts, or the current ones, whichever still match the digest) and compared
    gift by gift.
    """
    if recorded.algorithm != ALGORITHM_VERSION:
        return [
            f"De uitslag is getrokken met algoritme '{recorded.algorithm}'; deze toolkit kent '{ALGORITHM_VERSION}'"
        ]
    try:
        _check_seed(recorded.seed)
    except InputError as error:
        return [error.message]
    messages = []
    if announced_seed is not None and _nfc(announced_seed) != _nfc(recorded.seed):
        messages.append(
            f"De vastgelegde seed '{recorded.seed}' is niet de vooraf bekendgemaakte seed '{announced_seed}'"
        )
    gifts, people = list(gifts), list(participants)
    messages += _pool_messages(recorded, gifts) + _participant_messages(recorded, people)
    pool = _reproducible_pool(recorded, gifts)
    if pool is not None and participants_digest(people) == recorded.participants_digest:
        messages += _assignment_messages(recorded, draw(pool, people, recorded.seed))
    return messages
