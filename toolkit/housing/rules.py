"""The rules for staff who rent or buy a home from the corporation, as the code's *Verdeling van woonruimte* says.

The code (Bijlage 1, "Verdeling van woonruimte"):
- "De procedure van woningtoewijzing is leidend, hier wijken we nooit van af. Dit geldt eveneens voor ons
  urgentiereglement." and "Bij het zoeken naar een woning gelden voor onze medewerkers dezelfde regels als voor
  andere woningzoekenden."  -> W1: not allocated or sold through the allocation procedure.
- "Medewerkers krijgen geen korting als ze een woning van ons huren of kopen."  -> W2: a discount.
And from *(Privé)transacties*: "In je functie mag je geen transacties aangaan waarbij je zelf bent betrokken of
waarbij je naasten zijn betrokken."  -> W3: the employee had a part in the allocation or sale of this home (the
register says so, or `Toegewezen door` names the employee).

A row with a required cell empty or unreadable is not judged ("Niet te beoordelen: ..."). Pure: plain data in,
text out; no workbook, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CODES: dict[str, str] = {
    "W1": "Niet via de procedure van woningtoewijzing (of het urgentiereglement): daar wijken we nooit van af; "
    "voor medewerkers gelden dezelfde regels als voor andere woningzoekenden.",
    "W2": "Korting op huur of koop: medewerkers krijgen geen korting als ze een woning van de corporatie huren of "
    "kopen.",
    "W3": "Eigen betrokkenheid: de medewerker had zelf een rol in de toewijzing of verkoop van deze woning; in je "
    "functie ga je geen transacties aan waarbij je zelf of je naasten betrokken zijn.",
}
OK = "OK"


@dataclass(frozen=True)
class Housing:
    """One row of woonruimte.xlsx as the rules see it."""

    employee: str
    through_procedure: bool
    discount: Decimal
    own_involvement: bool
    allocated_by: str = ""
    relative: bool = False


def _same_person(a: str, b: str) -> bool:
    return bool(a.strip()) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def findings(home: Housing) -> list[tuple[str, str]]:
    """(code, reason) for every rule the row breaks, in code order; empty when it keeps them all."""
    whose = "een naaste van de medewerker" if home.relative else "de medewerker"
    found: list[tuple[str, str]] = []
    if not home.through_procedure:
        found.append(("W1", f"de woning is niet via de toewijzingsprocedure aan {whose} gegaan"))
    if home.discount > 0:
        found.append(("W2", f"korting van € {home.discount:.2f}".replace(".", ",")))
    if home.own_involvement:
        found.append(("W3", "de medewerker was zelf betrokken bij de toewijzing of verkoop"))
    elif _same_person(home.allocated_by, home.employee):
        found.append(("W3", "de medewerker heeft de woning zelf toegewezen ('Toegewezen door')"))
    return found


def verdict(home: Housing) -> str:
    """The `Beoordeling` text: OK, or each finding as 'CODE: reason' joined by '; '."""
    found = findings(home)
    return "; ".join(f"{code}: {why}" for code, why in found) if found else OK
