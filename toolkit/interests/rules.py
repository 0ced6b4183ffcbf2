"""Pure rules of the interests register (belangen.xlsx): what a declaration still needs, and the yearly round.

The code (Vermenging zakelijke en privébelangen): "je bent verplicht potentiële vermenging van zakelijke met
privébelangen meteen te melden aan je leidinggevende en HR"; (Privé)transacties: no transactions with relations
that could lead to undue influence, none in which you or your relatives ("naasten") are involved. What the code
does not say, and these rules therefore only ask as Woonpartners' own arrangement: a decision within
`[interests] decision_days` and a review on the date the manager set.

Codes in `Beoordeling` (the legend on the Uitleg sheet comes from CODES):
- B1 besluit ontbreekt: no decision `decision_days` after `Gemeld op`;
- B2 herbeoordeling verlopen: `Herbeoordelen op` has passed;
- OK otherwise (also while a decision is still within its term: then "OK, wacht op besluit tot …").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from toolkit.values import counted

CODES = MappingProxyType(
    {
        "B1": "Besluit ontbreekt: de leidinggevende heeft niet binnen de termijn (config: [interests] "
        "decision_days) besloten.",
        "B2": "Herbeoordeling verlopen: de datum in 'Herbeoordelen op' is voorbij.",
    }
)
UNJUDGEABLE = "Niet te beoordelen"
REQUIRED = ("Medewerker", "Soort", "Omschrijving", "Gemeld op")


@dataclass(frozen=True)
class Declaration:
    """One row of belangen.xlsx as the rules read it."""

    nr: int | None
    employee: str
    kind: str
    what: str
    relation: str
    relative: str
    declared_on: date | None
    decision: str
    decided_on: date | None
    measures: str
    review_on: date | None


@dataclass(frozen=True)
class Verdict:
    text: str  # what goes into `Beoordeling`
    codes: tuple[str, ...] = ()
    unjudgeable: bool = False

    @property
    def ok(self) -> bool:
        return not self.codes and not self.unjudgeable


def _day(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def declaration_of(values: Mapping[str, Any], nr: int | None) -> Declaration:
    return Declaration(
        nr=nr,
        employee=_text(values.get("Medewerker")),
        kind=_text(values.get("Soort")),
        what=_text(values.get("Omschrijving")),
        relation=_text(values.get("Relatie of leverancier")),
        relative=_text(values.get("Betrokken naaste")),
        declared_on=_day(values.get("Gemeld op")),
        decision=_text(values.get("Besluit")),
        decided_on=_day(values.get("Besluitdatum")),
        measures=_text(values.get("Maatregelen")),
        review_on=_day(values.get("Herbeoordelen op")),
    )


def judge(item: Declaration, today: date, decision_days: int, problems: tuple[str, ...] = ()) -> Verdict:
    """The verdict for one declaration on `today`; `problems` are unreadable cells (then: niet te beoordelen)."""
    named = " ".join(problems)  # an unreadable cell is also empty here: say it once, as unreadable
    missing = [
        column
        for column, value in zip(REQUIRED, _required(item), strict=True)
        if not value and f"'{column}'" not in named
    ]
    if problems or missing:
        what = [*problems, *(f"'{column}' is leeg" for column in missing)]
        return Verdict(f"{UNJUDGEABLE}: {'; '.join(what)}", unjudgeable=True)
    assert item.declared_on is not None
    found: list[tuple[str, str]] = []
    due = item.declared_on + timedelta(days=decision_days)
    if not item.decision and today > due:
        found.append(
            ("B1", f"gemeld op {item.declared_on:%d-%m-%Y}, geen besluit na {counted(decision_days, 'dag', 'dagen')}")
        )
    if item.review_on is not None and today > item.review_on:
        found.append(("B2", f"herbeoordelen op {item.review_on:%d-%m-%Y} is voorbij"))
    if found:
        return Verdict("; ".join(f"{code}: {why}" for code, why in found), tuple(code for code, _ in found))
    if not item.decision:
        return Verdict(f"OK, wacht op besluit tot {due:%d-%m-%Y}")
    return Verdict("OK")


def _required(item: Declaration) -> tuple[Any, ...]:
    return (item.employee, item.kind, item.what, item.declared_on)


def attestation_year(today: date, month: int) -> int:
    """The attestation round running on `today`: this year's from its month on, else last year's."""
    return today.year if today.month >= month else today.year - 1


def attestation_reference(year: int, nr: int) -> str:
    """The reference in the subject of the yearly question, e.g. [BV-2027-0042] (Nr in medewerkers.xlsx)."""
    return f"[BV-{year}-{nr:04d}]"


NO_INTERESTS = "geen belangen"
FOR_HR = "ter beoordeling HR"
_NO_INTERESTS = re.compile(
    r"(?<!\w)(?:geen\s+(?:(?:nieuwe|andere|verdere|te\s+melden)\s+)?(?:privé)?belang(?:en)?"
    r"|niets\s+(?:nieuws\s+)?te\s+melden|no\s+(?:new\s+|other\s+)?interests?|nothing\s+(?:new\s+)?to\s+declare)(?!\w)"
)
_BUT = re.compile(r"(?<!\w)(?:maar|echter|wel|behalve|except|but|however|vraag|vragen|question)(?!\w)")


def attestation_answer(own_text: str) -> str:
    """'geen belangen' only for a plain "geen (nieuwe) belangen" without a question, 'maar' or 'wel';
    anything else (a declared interest, a question, an empty reply) is for HR to read."""
    text = " ".join(own_text.lower().split())
    if text and "?" not in text and _NO_INTERESTS.search(text) and not _BUT.search(text):
        return NO_INTERESTS
    return FOR_HR
