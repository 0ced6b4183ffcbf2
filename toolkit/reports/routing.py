"""Who handles an integrity report and who is informed, following Stap 2 and Stap 3 of the integrity code.

The rules, as carried out here:

- About a staff member: that person's manager (from the staff list). Manager unknown: the director.
- About a manager: the director. About the director: the chair of the RvC. About an RvC member: the
  external Meldpunt Integriteit Woningcorporaties (no handler inside Woonpartners).
- The reporter's kind matters only when it is not known whom the report concerns: tenants, applicants,
  contractors and relations then go to the complaints coordinator (or the director, per configuration);
  staff, anonymous and unknown reporters go to the director. When the concerned person is known, the
  chain above applies whoever reports, so that a report never lands with, or above, the wrong person.
- When `concerns` is UNKNOWN but the concerned person's e-mail is in the staff list, their role decides.
- The person a report concerns never handles it and is never informed: when the route lands on them, it
  goes one level up (manager -> director -> RvC chair -> Meldpunt).
- The director is informed of every case; the RvC chair instead when the report concerns the director.
  The handler is not listed as informed (they already have the report).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Concerns(StrEnum):
    """Whom a report is about, by role."""

    STAFF = "medewerker"
    MANAGER = "leidinggevende"
    DIRECTOR = "directeur-bestuurder"
    BOARD = "RvC-lid"
    UNKNOWN = "onbekend"


class ReporterKind(StrEnum):
    """Who made the report."""

    STAFF = "medewerker"
    TENANT = "huurder"
    APPLICANT = "woningzoekende"
    CONTRACTOR = "opdrachtnemer"
    RELATION = "relatie"
    ANONYMOUS = "anoniem"
    UNKNOWN = "onbekend"


EXTERNAL_REPORTERS = frozenset(
    {ReporterKind.TENANT, ReporterKind.APPLICANT, ReporterKind.CONTRACTOR, ReporterKind.RELATION}
)
TENANTS_TO_COORDINATOR = "klachtencoordinator"
TENANTS_TO_DIRECTOR = "directeur"


@dataclass(frozen=True)
class Person:
    """Someone in the organisation who may handle or be informed of a report."""

    name: str
    email: str
    role: str
    manager_email: str | None = None


@dataclass(frozen=True)
class Organisation:
    """The people the routing rules name, and the staff list to find a manager in."""

    director: Person
    board_chair: Person
    complaints_coordinator: Person | None
    external_meldpunt: str  # name and address of the Meldpunt Integriteit Woningcorporaties
    staff: tuple[Person, ...]
    tenants_route: str = TENANTS_TO_COORDINATOR  # or TENANTS_TO_DIRECTOR


@dataclass(frozen=True)
class Route:
    """Where a report goes: a handler inside the organisation, or the external Meldpunt."""

    handler: Person | None
    external: bool
    informed: tuple[Person, ...]
    explanation: str  # Dutch, for the intake officer


NOT_NAMED = "De melder wordt verder in het proces niet bij naam genoemd. Een vertrouwenspersoon blijft altijd mogelijk."

# A step on the route: a person, or None for the external Meldpunt (the last step, which is always allowed).
_Step = Person | None


def _same_email(a: str | None, b: str | None) -> bool:
    """True when both addresses are given and equal, ignoring case and surrounding spaces."""
    if not a or not b:
        return False
    return a.strip().casefold() == b.strip().casefold()


def _everyone(org: Organisation) -> tuple[Person, ...]:
    return (org.director, org.board_chair, *org.staff)


def _find(org: Organisation, email: str | None) -> Person | None:
    return next((p for p in _everyone(org) if _same_email(p.email, email)), None)


def _concerns_from_staff_list(concerns: Concerns, concerned_email: str | None, org: Organisation) -> Concerns:
    if concerns is not Concerns.UNKNOWN:
        return concerns
    person = _find(org, concerned_email)
    if person is None:
        return Concerns.UNKNOWN
    if _same_email(person.email, org.director.email):
        return Concerns.DIRECTOR
    known = {c.value: c for c in Concerns}
    return known.get(person.role, Concerns.UNKNOWN)


def _manager_of(concerned_email: str | None, org: Organisation) -> tuple[Person | None, str]:
    """The concerned staff member's manager, or None with the reason it is unknown."""
    person = _find(org, concerned_email)
    if person is None:
        return None, "de betrokken medewerker staat niet in het medewerkersregister"
    if not person.manager_email:
        return None, f"bij {person.name} is geen leidinggevende ingevuld"
    manager = _find(org, person.manager_email)
    if manager is None:
        return None, f"leidinggevende {person.manager_email} van {person.name} staat niet in het medewerkersregister"
    return manager, ""


def _intake_steps(reporter_kind: ReporterKind, org: Organisation) -> list[_Step]:
    if reporter_kind in EXTERNAL_REPORTERS and org.tenants_route == TENANTS_TO_COORDINATOR:
        return [org.complaints_coordinator, org.director] if org.complaints_coordinator else [org.director]
    return [org.director]


def _chain(
    concerns: Concerns, concerned_email: str | None, reporter_kind: ReporterKind, org: Organisation
) -> tuple[list[_Step], list[str]]:
    """The steps from the first choice upwards, plus notes explaining any fallback."""
    notes: list[str] = []
    if concerns is Concerns.STAFF:
        manager, why = _manager_of(concerned_email, org)
        if manager is None:
            notes.append(f"Leidinggevende onbekend ({why}); daarom de directeur-bestuurder.")
        first: list[_Step] = [manager] if manager else []
        return [*first, org.director, org.board_chair, None], notes
    if concerns is Concerns.MANAGER:
        return [org.director, org.board_chair, None], notes
    if concerns is Concerns.DIRECTOR:
        return [org.board_chair, None], notes
    if concerns is Concerns.BOARD:
        return [None], notes
    return [*_intake_steps(reporter_kind, org), org.board_chair, None], notes


_SUBJECT = {
    Concerns.STAFF: "een medewerker",
    Concerns.MANAGER: "een leidinggevende",
    Concerns.DIRECTOR: "de directeur-bestuurder",
    Concerns.BOARD: "een lid van de RvC",
    Concerns.UNKNOWN: "een niet nader genoemde persoon of zaak",
}


def _explain(
    concerns: Concerns, handler: Person | None, informed: tuple[Person, ...], org: Organisation, notes: list[str]
) -> str:
    lines = [f"Melding over {_SUBJECT[concerns]}."]
    lines.extend(notes)
    if handler is None:
        lines.append(f"Behandeling extern: {org.external_meldpunt}. Geen behandelaar binnen Woonpartners.")
    else:
        lines.append(f"Behandelaar: {handler.name} ({handler.role}, {handler.email}).")
    if informed:
        names = ", ".join(f"{p.name} ({p.role})" for p in informed)
        lines.append(f"Te informeren: {names}.")
    lines.append(NOT_NAMED)
    return " ".join(lines)


def _informed(
    concerns_director: bool, concerned: str | None, handler: Person | None, org: Organisation
) -> tuple[Person, ...]:
    candidate = org.board_chair if concerns_director else org.director
    if _same_email(candidate.email, concerned) or (handler is not None and _same_email(candidate.email, handler.email)):
        return ()
    return (candidate,)


def route_report(
    concerns: Concerns, concerned_email: str | None, reporter_kind: ReporterKind, org: Organisation
) -> Route:
    """Who handles the report, who is informed, and why; never the person the report is about."""
    concerns = _concerns_from_staff_list(concerns, concerned_email, org)
    concerned = concerned_email or (org.director.email if concerns is Concerns.DIRECTOR else None)
    steps, notes = _chain(concerns, concerned, reporter_kind, org)
    handler: Person | None = None
    for step in steps:
        if step is not None and _same_email(step.email, concerned):
            notes.append(f"{step.name} is zelf betrokken en behandelt de melding niet; één niveau hoger.")
            continue
        handler = step
        break
    concerns_director = concerns is Concerns.DIRECTOR or _same_email(concerned, org.director.email)
    informed = _informed(concerns_director, concerned, handler, org)
    explanation = _explain(concerns, handler, informed, org, notes)
    return Route(handler=handler, external=handler is None, informed=informed, explanation=explanation)
