"""The two files the Christmas raffle publishes, and checking a draw from those two files alone.

Commit, then reveal:

1. The announcement (`kerstloting-2026-aankondiging.txt`) freezes the inputs before the seed exists: every gift
   in the pool (Nr, description, giver) and the participants as lot numbers only (`L001`, `L002`, …, handed out
   at random; each participant is told their own lot number by mail). It names where the seed will come from
   (a public lottery result, a number drawn at the Christmas gathering) and carries both input digests. Its own
   SHA-256 (the *announcement digest*) goes to every participant by mail, so nobody can change it afterwards.
2. The result (`kerstloting-2026-uitslag.txt`) names the announcement digest, the seed (known only at the draw)
   and, per gift, the winning lot number.

Anyone with the two files redoes the draw (`toolkit.raffle.draw`, algorithm `kerstloting-v1`, with the lot
numbers as participant keys and empty names and addresses) and compares: no staff list, no e-mail addresses,
no registers needed, so later HR edits change nothing. `integrity raffle verify --announcement A --result R`
does it without a workspace.

Both files are UTF-8 text with LF line ends: a title line, `key: value` lines, a blank line, then the sections.
Fields inside a section line are separated by a tab and escaped as in the draw's input lines.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from toolkit.errors import InputError
from toolkit.raffle.draw import (
    ALGORITHM_VERSION,
    Participant,
    PoolGift,
    draw,
    participants_digest,
    pool_digest,
)

ANNOUNCEMENT_TITLE = "Kerstloting: aankondiging"
RESULT_TITLE = "Kerstloting: uitslag"
GIFTS_SECTION = "[geschenken: Nr, omschrijving, gever]"
LOTS_SECTION = "[deelnemers: lotnummers]"
ASSIGNMENTS_SECTION = "[uitslag: Nr geschenk, winnend lotnummer]"
_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class Announcement:
    """The frozen inputs of one year's draw, as published before the seed exists."""

    year: int
    organisation: str
    seed_source: str
    announced_at: str
    gifts: tuple[PoolGift, ...]
    lots: tuple[str, ...]

    @property
    def participants(self) -> tuple[Participant, ...]:
        """The lot numbers as the draw's participants: no name, no address."""
        return tuple(Participant(lot, "", None) for lot in self.lots)

    def text(self) -> str:
        head = [
            f"{ANNOUNCEMENT_TITLE} {self.year} van {self.organisation}",
            f"algoritme: {ALGORITHM_VERSION}",
            f"jaar: {self.year}",
            f"seed-bron: {_one_line(self.seed_source)}",
            f"aangekondigd-op: {self.announced_at}",
            f"pool-digest: {pool_digest(self.gifts)}",
            f"deelnemers-digest: {participants_digest(self.participants)}",
        ]
        gifts = [_fields(g.key, g.description, g.giver) for g in sorted(self.gifts, key=lambda g: g.key)]
        return "\n".join([*head, "", GIFTS_SECTION, *gifts, "", LOTS_SECTION, *sorted(self.lots), ""])

    def digest(self) -> str:
        return announcement_digest(self.text())


@dataclass(frozen=True)
class PublishedResult:
    """Which lot won which gift, with the seed and the announcement it belongs to."""

    year: int
    announcement_digest: str
    seed: str
    drawn_at: str
    assignments: tuple[tuple[str, str], ...]  # (gift Nr, winning lot number), in gift order

    def text(self) -> str:
        head = [
            f"{RESULT_TITLE} {self.year}",
            f"algoritme: {ALGORITHM_VERSION}",
            f"jaar: {self.year}",
            f"aankondiging-digest: {self.announcement_digest}",
            f"seed: {_one_line(self.seed)}",
            f"getrokken-op: {self.drawn_at}",
        ]
        rows = [_fields(gift, lot) for gift, lot in self.assignments]
        return "\n".join([*head, "", ASSIGNMENTS_SECTION, *rows, ""])


def announcement_digest(text: str) -> str:
    """SHA-256 of the announcement file's bytes (UTF-8): what every participant received by mail."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw_from(announcement: Announcement, seed: str, drawn_at: str) -> PublishedResult:
    """The draw over the frozen inputs with the seed given at draw time."""
    result = draw(announcement.gifts, announcement.participants, seed)
    pairs = tuple((gift.key, person.key) for gift, person in result.assignments)
    return PublishedResult(announcement.year, announcement.digest(), result.seed, drawn_at, pairs)


# -- reading the files back ----------------------------------------------------------------------------------------


def parse_announcement(text: str, source: str = "aankondiging") -> Announcement:
    """The announcement from its text; an InputError naming the line when it is not one."""
    head, sections = _split(text, source, ANNOUNCEMENT_TITLE)
    gifts = []
    for number, line in sections.get(GIFTS_SECTION, []):
        fields = _unfields(line)
        if len(fields) != 3:
            raise InputError(f"{source}, regel {number}: een geschenk heeft drie velden (Nr, omschrijving, gever).")
        gifts.append(PoolGift(*fields))
    lots = tuple(line for _, line in sections.get(LOTS_SECTION, []))
    year = _year(head, source)
    announcement = Announcement(year, _title_rest(text), head.get("seed-bron", ""), head.get("aangekondigd-op", ""),
                                tuple(gifts), lots)  # fmt: skip
    _check_digest(head, "pool-digest", pool_digest(announcement.gifts), source)
    _check_digest(head, "deelnemers-digest", participants_digest(announcement.participants), source)
    return announcement


def parse_result(text: str, source: str = "uitslag") -> PublishedResult:
    head, sections = _split(text, source, RESULT_TITLE)
    pairs = []
    for number, line in sections.get(ASSIGNMENTS_SECTION, []):
        fields = _unfields(line)
        if len(fields) != 2:
            raise InputError(f"{source}, regel {number}: een toewijzing heeft twee velden (Nr geschenk, lotnummer).")
        pairs.append((fields[0], fields[1]))
    for key in ("aankondiging-digest", "seed"):
        if not head.get(key):
            raise InputError(f"{source}: de regel '{key}: …' ontbreekt.")
    return PublishedResult(_year(head, source), head["aankondiging-digest"], head["seed"],
                           head.get("getrokken-op", ""), tuple(pairs))  # fmt: skip


def verify_published(announcement_text: str, result_text: str) -> list[str]:
    """[] when the result is exactly the draw over the announced inputs; else Dutch differences, first one first."""
    try:
        announcement = parse_announcement(announcement_text)
        result = parse_result(result_text)
    except InputError as exc:
        return [exc.message]
    differences = []
    if result.announcement_digest != announcement_digest(announcement_text):
        differences.append(
            "de uitslag hoort niet bij deze aankondiging: de aankondiging is gewijzigd of het is een andere "
            f"(digest {announcement_digest(announcement_text)[:12]}…, de uitslag noemt "
            f"{result.announcement_digest[:12]}…)"
        )
    if result.year != announcement.year:
        differences.append(f"de uitslag is van {result.year}, de aankondiging van {announcement.year}")
    expected = draw_from(announcement, result.seed, result.drawn_at)
    given = dict(result.assignments)
    for gift, lot in expected.assignments:
        if gift not in given:
            differences.append(f"geschenk {gift} ontbreekt in de uitslag")
        elif given.pop(gift) != lot:
            differences.append(f"geschenk {gift} hoort bij lot {lot}, de uitslag noemt een ander lot")
    differences += [f"geschenk {gift} staat in de uitslag maar niet in de aankondiging" for gift in given]
    return differences


def _split(text: str, source: str, title: str) -> tuple[dict[str, str], dict[str, list[tuple[int, str]]]]:
    lines = text.split("\n")
    if not lines or not lines[0].startswith(title):
        raise InputError(f"{source}: dit is geen '{title}'-bestand van de toolkit (eerste regel: {lines[0][:60]!r}).")
    head: dict[str, str] = {}
    sections: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line, [])
        elif current is not None:
            if line:
                current.append((number, line))
        elif ": " in line:
            key, value = line.split(": ", 1)
            head[key] = value
    if head.get("algoritme", ALGORITHM_VERSION) != ALGORITHM_VERSION:
        raise InputError(
            f"{source}: algoritme '{head['algoritme']}' is onbekend; deze toolkit kent {ALGORITHM_VERSION}."
        )
    return head, sections


def _title_rest(text: str) -> str:
    first = text.split("\n", 1)[0]
    return first.split(" van ", 1)[1] if " van " in first else ""


def _year(head: dict[str, str], source: str) -> int:
    try:
        return int(head.get("jaar", ""))
    except ValueError:
        raise InputError(f"{source}: de regel 'jaar: …' ontbreekt of is geen jaartal.") from None


def _check_digest(head: dict[str, str], key: str, actual: str, source: str) -> None:
    if head.get(key) != actual:
        raise InputError(
            f"{source}: de {key} klopt niet met de lijst eronder: het bestand is na het aankondigen gewijzigd."
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fields(*fields: str) -> str:
    return "\t".join(field.translate(_ESCAPES) for field in fields)


def _unfields(line: str) -> list[str]:
    out = []
    for field in line.split("\t"):
        value, i = [], 0
        while i < len(field):
            pair = field[i : i + 2]
            if pair in _UNESCAPES:
                value.append(_UNESCAPES[pair])
                i += 2
            else:
                value.append(field[i])
                i += 1
        out.append("".join(value))
    return out
