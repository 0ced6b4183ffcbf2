"""Tolerant comparison of organisation names: case, punctuation, accents and legal forms don't matter."""

from __future__ import annotations

import functools
import re
import unicodedata

LEGAL_FORMS = frozenset(
    {
        "bv",
        "nv",
        "vof",
        "cv",
        "bva",
        "ltd",
        "llc",
        "gmbh",
        "inc",
        "sa",
        "stichting",
        "vereniging",
        "holding",
        "en",
        "co",
    }
)
_SEPARATORS = re.compile(r"[^\w]+")
_DOTTED_INITIALS = re.compile(r"\b((?:\w\.){2,})")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _undotted(match: re.Match[str]) -> str:
    return match.group(1).replace(".", "")


def normalise_org_name(name: str | None) -> str:
    """'Bouwbedrijf Jansen B.V.' and 'bouwbedrijf jansen bv' both become 'bouwbedrijf jansen'."""
    if not name:
        return ""
    return _normalised(str(name))


@functools.lru_cache(maxsize=1 << 16)  # a register names the same few thousand givers and suppliers over and over
def _normalised(name: str) -> str:
    # ASCII (nearly every name) has no accents to strip: NFKD leaves it as it is
    text = (name if name.isascii() else _strip_accents(name)).casefold()
    if "&" in text:
        text = text.replace("&", " en ")
    if "." in text:
        text = _DOTTED_INITIALS.sub(_undotted, text)
    words = [w for w in _SEPARATORS.split(text) if w and w != "_"]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in LEGAL_FORMS:
        words.pop(0)
    return " ".join(words)


def same_organisation(a: str | None, b: str | None) -> bool:
    """True when two names denote the same organisation, ignoring case, punctuation and legal form."""
    na, nb = normalise_org_name(a), normalise_org_name(b)
    return bool(na) and na == nb


class NameIndex:
    """Normalised name -> the first name (in the given order) that has it: a match costs one lookup, not a scan.

    `NameIndex(names).match(x)` is exactly `next((n for n in names if same_organisation(x, n)), None)`.
    """

    def __init__(self, names: tuple[str, ...]) -> None:
        self._first: dict[str, str] = {}
        for name in names:
            key = normalise_org_name(name)
            if key:
                self._first.setdefault(key, name)

    def match(self, name: str | None) -> str | None:
        key = normalise_org_name(name)
        return self._first.get(key) if key else None


_INDEXES: dict[int, tuple[tuple[str, ...], NameIndex]] = {}


def index_of(names: tuple[str, ...]) -> NameIndex:
    """The index of this very tuple, built once however many rows are matched against it (kept for a few tuples)."""
    hit = _INDEXES.get(id(names))
    if hit is not None and hit[0] is names:
        return hit[1]
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    index = NameIndex(names)
    _INDEXES[id(names)] = (names, index)  # holding the tuple keeps its id from being reused while cached
    return index
