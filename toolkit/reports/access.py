"""Who may open what of a case: a handler's key opens the content of the cases routed to them, an identity holder's
key also who reported. What a key may not open is refused in one Dutch sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.errors import InputError, RefusedError
from toolkit.reports.cases import Case, load_cases, sealed_holders, wanted_holders
from toolkit.reports.holders import Holders

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey
    from toolkit.workspace import Workspace


def find_case(ws: Workspace, number: str) -> Case:
    for case in load_cases(ws):
        if case.number == number.strip().upper():
            return case
    raise InputError(
        f"meldingen.xlsx: zaak {number} bestaat niet.", hint="zie 'integrity reports list' voor de zaaknummers."
    )


def holders_of(ws: Workspace, case: Case) -> Holders:
    """What the case is sealed to now (as recorded), else who should hold it."""
    return sealed_holders(ws, case.number) or wanted_holders(ws, case)


def require_content(ws: Workspace, case: Case, key: PrivateKey | None, what: str) -> PrivateKey:
    """The key, if it belongs to someone who may read this case's content; otherwise one Dutch sentence."""
    if key is None:
        raise InputError(f"{what} vraagt om een sleutel.", hint="geef je sleutelbestand met --key BESTAND.")
    from toolkit.keys import public_keys

    if public_keys(ws).get(key.email) != str(key.identity.to_public()):
        raise RefusedError(
            f"de sleutel voor {key.email} hoort niet bij de publieke sleutel van {key.email} in deze werkmap.",
            hint="gebruik uw huidige sleutelbestand; na 'keys new --replace' opent alleen de nieuwe sleutel.",
        )
    holders = holders_of(ws, case)
    if key.email not in holders.content:
        raise RefusedError(
            f"de sleutel van {key.email} geeft geen toegang tot zaak {case.number}.",
            hint="alleen de behandelaars van de zaak en de beheerders van de identiteit kunnen hem openen.",
        )
    return key


def require_identity(ws: Workspace, case: Case, key: PrivateKey | None, what: str) -> PrivateKey:
    key = require_content(ws, case, key, what)
    if key.email not in holders_of(ws, case).identity:
        raise RefusedError(
            f"de sleutel van {key.email} opent de identiteit van de melder van zaak {case.number} niet.",
            hint="alleen wie de identiteit beheert (de intake-functionaris en de vertrouwenspersoon, of de houder van het route-adres) kan dit.",
        )
    return key
