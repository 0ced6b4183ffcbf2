"""Tolerant comparison of organisation names: case, punctuation, accents and legal forms don't matter."""

from __future__ import annotations

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


def normalise_org_name(name: str | None) -> str:
    """'Bouwbedrijf Jansen B.V.' and 'bouwbedrijf jansen bv' both become 'bouwbedrijf jansen'."""
    if not name:
        return ""
    text = _strip_accents(str(name)).casefold().replace("&", " en ")
    text = _DOTTED_INITIALS.sub(lambda m: m.group(1).replace(".", ""), text)
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
