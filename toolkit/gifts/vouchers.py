"""G1's eye for money in free text: words for cash, tips, vouchers, gift cards and voucher brands.

Any word ending in 'bon' or 'bonnen' (not bonbon, bourbon, ribbon, …), a gift or shop card ending in 'kaart' (not
a greeting, Christmas or admission card), gift cards, credit ('tegoed'), cheques and voucher brands (VVV,
Fashioncheque, paysafecard). Matching ignores case and accents.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NOT_VOUCHER_CARDS = (
    "kerst|wens|ansicht|felicitatie|toegangs|visite|post|verjaardags|condoleance|bedank|uitnodigings|speel|"
    "land|menu|wijn|plaats|zee|kaas"
)
_MONEY_WORDS = re.compile(
    r"\b(?:"
    r"geld|\w+geld|geldbedrag\w*|geldbiljet\w*|geldenvelop\w*"
    r"|fooi\w*|contant\w*|cash"
    r"|(?:cadeau|waarde|tegoed|boeken|diner|geschenk|bioscoop|vvv|kado)[- ]?(?:bon|bonnen|kaart|kaarten|cheque)"
    r"|[\w.]+-(?:bon|bonnen|kaart|kaarten)"
    r"|(?!(?:bonbon|ribbon|carbon|bourbon|lisbon|gibbon|jambon)\b)\w*bon(?:nen)?"
    rf"|(?!(?:{_NOT_VOUCHER_CARDS})kaart)\w+kaart(?:en)?"
    r"|\w*cheques?|gift ?cards?|giftcards?|cadeaucards?|gift ?vouchers?|vouchers?|\w*tegoed\w*"
    r"|(?:cadeau|kado|gift|waarde)codes?|vvv|fashioncheque|paysafecard"
    r")\b"
)


@functools.lru_cache(maxsize=1 << 14)  # a register repeats its descriptions
def money_word(description: str | None) -> str | None:
    """The first word in a description that names money or a voucher (lower case, no accents), or None."""
    if not description:
        return None
    folded = unicodedata.normalize("NFKD", description.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    match = _MONEY_WORDS.search(folded)
    return match.group(0) if match else None
