"""Who receives an integrity report, who is informed, who is never told and who holds a key: Stap 2 and 3 of the code.

The rules, as the code states them and as carried out here (the README has the same table, each row a test):

- Stap 2. Staff report to **their own manager**; about that manager, to the **directeur-bestuurder**; about the
  director, to the **RvC** (its chair); about the RvC or one of its members, to the external **Meldpunt Integriteit
  Woningcorporaties** (a prepared referral, the reporter told; nobody inside is informed). Tenants, applicants,
  contractors and relations report to the **complaints coordinator** or directly to the director
  (`[reports] tenants_route`). The **confidential adviser** is always available.
- The director and RvC members have no manager: their reports start at the director; a manager's at his own manager.
  Reporters whose manager is not known (anonymous, unknown, not in the staff list) start at the director.
- The person a report concerns never receives it: the route goes one level up (manager -> director -> RvC chair ->
  Meldpunt). Whoever the route had to go above (the concerned person, and those skipped because of them) is never
  told and never holds a key.
- Stap 3. The receiver records the report and informs the director, or the RvC chair when it concerns the director.
  A report about the RvC leaves the organisation: nobody in the management chain is informed.
- A mailbox's first reader (an intake officer, if the organisation has one) only records and routes. Once a report
  is recorded as concerning the first reader, they lose access and receive nothing further about it.
- Each route has its own reports address ([reports.addresses]). A report that arrives at a route's own address goes
  only to that route's holder (say: straight to the confidential adviser, or to the RvC chair); nobody else is
  informed, and no first reader sees it. Should that holder be the person concerned, the route goes one level up.

`decide` is a pure function of plain data; `Decision.key_holders` is the plain list sealing uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Concerns(StrEnum):
    """Whom a report is about, by role."""

    STAFF = "medewerker"
    MANAGER = "leidinggevende"
    DIRECTOR = "directeur-bestuurder"
    BOARD = "RvC-lid"
    BOARD_CHAIR = "voorzitter RvC"
    INTAKE = "intake-functionaris"
    UNKNOWN = "onbekend"


class ReporterKind(StrEnum):
    """Who made the report."""

    STAFF = "medewerker"
    MANAGER = "leidinggevende"
    DIRECTOR = "directeur-bestuurder"
    BOARD = "RvC-lid"
    TENANT = "huurder"
    APPLICANT = "woningzoekende"
    CONTRACTOR = "opdrachtnemer"
    RELATION = "relatie"
    ANONYMOUS = "anoniem"
    UNKNOWN = "onbekend"


class Entry(StrEnum):
    """The reports address a report arrived at ([reports.addresses]); the general one has a first reader."""

    GENERAL = "algemeen"
    CONFIDENTIAL = "vertrouwenspersoon"
    DIRECTOR = "directeur"
    BOARD = "rvc"
    COMPLAINTS = "klachten"


EXTERNAL_REPORTERS = frozenset(
    {ReporterKind.TENANT, ReporterKind.APPLICANT, ReporterKind.CONTRACTOR, ReporterKind.RELATION}
)
TOP_REPORTERS = frozenset({ReporterKind.DIRECTOR, ReporterKind.BOARD})
TENANTS_TO_COORDINATOR = "klachtencoordinator"
TENANTS_TO_DIRECTOR = "directeur"


@dataclass(frozen=True)
class Person:
    """Someone in the organisation who may receive, be informed of, or be concerned by a report."""

    name: str
    email: str
    role: str
    manager_email: str | None = None


@dataclass(frozen=True)
class Organisation:
    """The people the routing rules name, and the staff list to find managers in."""

    director: Person
    board_chair: Person
    complaints_coordinator: Person | None
    external_meldpunt: str  # name of the Meldpunt Integriteit Woningcorporaties, for the explanation
    staff: tuple[Person, ...]
    tenants_route: str = TENANTS_TO_COORDINATOR  # or TENANTS_TO_DIRECTOR
    intake_officer: Person | None = None  # first reader of the general reports address; None: none
    confidential_adviser: Person | None = None


@dataclass(frozen=True)
class Decision:
    """Where a report goes; `receivers` empty means the external Meldpunt."""

    receivers: tuple[Person, ...]
    informed: tuple[Person, ...]
    never_told: tuple[Person, ...]
    key_holders: tuple[Person, ...]
    first_reader: Person | None  # records and routes; None when there is none, or they are concerned or bypassed
    entry: Entry
    explanation: str  # Dutch, for the first reader and the audit

    @property
    def external(self) -> bool:
        return not self.receivers

    @property
    def handler(self) -> Person | None:
        return self.receivers[0] if self.receivers else None

    @property
    def key_holder_emails(self) -> tuple[str, ...]:
        return tuple(p.email.strip().lower() for p in self.key_holders)


NOT_NAMED = "De melder wordt verder in het proces niet bij naam genoemd. Een vertrouwenspersoon blijft altijd mogelijk."
_MELDPUNT: None = None  # the last step of every chain: the external Meldpunt, always allowed


def same_email(a: str | None, b: str | None) -> bool:
    """True when both addresses are given and equal, ignoring case and surrounding spaces."""
    if not a or not b:
        return False
    return a.strip().casefold() == b.strip().casefold()


def _everyone(org: Organisation) -> tuple[Person, ...]:
    extra = tuple(p for p in (org.intake_officer, org.complaints_coordinator, org.confidential_adviser) if p)
    return (org.director, org.board_chair, *org.staff, *extra)


def find(org: Organisation, email: str | None) -> Person | None:
    return next((p for p in _everyone(org) if same_email(p.email, email)), None)


def _role_of(email: str | None, org: Organisation) -> Concerns:
    """The role a staff-list address stands for; UNKNOWN when it is not in the list."""
    if same_email(email, org.director.email):
        return Concerns.DIRECTOR
    if same_email(email, org.board_chair.email):
        return Concerns.BOARD_CHAIR
    if org.intake_officer and same_email(email, org.intake_officer.email):
        return Concerns.INTAKE
    person = find(org, email)
    known = {c.value: c for c in Concerns}
    return known.get(person.role, Concerns.STAFF) if person else Concerns.UNKNOWN


def _concerned(concerns: Concerns, email: str | None, org: Organisation) -> tuple[Concerns, list[Person]]:
    """The role that decides the route, and the people the report concerns (as far as known)."""
    by_list = _role_of(email, org) if email else Concerns.UNKNOWN
    if by_list in (Concerns.DIRECTOR, Concerns.BOARD_CHAIR, Concerns.INTAKE, Concerns.BOARD):
        concerns = by_list if concerns not in (Concerns.BOARD, Concerns.BOARD_CHAIR) else concerns
    elif concerns is Concerns.UNKNOWN and by_list is not Concerns.UNKNOWN:
        concerns = by_list
    people = [p for p in (find(org, email),) if p] or ([Person(email, email, "betrokkene")] if email else [])
    implied = {
        Concerns.DIRECTOR: org.director,
        Concerns.BOARD_CHAIR: org.board_chair,
        Concerns.INTAKE: org.intake_officer,
    }.get(concerns)
    if implied is not None and not any(same_email(p.email, implied.email) for p in people):
        people.append(implied)
    return concerns, people


def _first_steps(reporter: ReporterKind, reporter_manager: str | None, org: Organisation) -> list[Person | None]:
    """Where a report starts for this reporter, before anyone concerned is skipped."""
    if reporter in EXTERNAL_REPORTERS:
        if org.tenants_route == TENANTS_TO_COORDINATOR and org.complaints_coordinator:
            return [org.complaints_coordinator]
        return []
    if reporter in TOP_REPORTERS:
        return []
    manager = find(org, reporter_manager) if reporter_manager else None
    if manager is not None and not same_email(manager.email, org.director.email):
        return [manager]
    return []


def _is(person: Person | None, people: list[Person]) -> bool:
    return person is not None and any(same_email(person.email, p.email) for p in people)


def _unique(people: list[Person | None]) -> tuple[Person, ...]:
    seen: list[Person] = []
    for person in people:
        if person is not None and not _is(person, seen):
            seen.append(person)
    return tuple(seen)


def _walk(chain: list[Person | None], concerned: list[Person]) -> tuple[Person | None, list[Person]]:
    """The first step not concerned, and the steps skipped on the way (they are never told)."""
    skipped: list[Person] = []
    for step in chain:
        if step is None:
            return None, skipped
        if _is(step, concerned):
            skipped.append(step)
            continue
        return step, skipped
    return None, skipped


_ENTRY_HOLDER = {
    Entry.CONFIDENTIAL: lambda org: org.confidential_adviser,
    Entry.DIRECTOR: lambda org: org.director,
    Entry.BOARD: lambda org: org.board_chair,
    Entry.COMPLAINTS: lambda org: org.complaints_coordinator,
    Entry.GENERAL: lambda org: org.intake_officer,
}


def entry_holders(entry: Entry, org: Organisation) -> tuple[Person, ...]:
    """Who may read a report the moment it arrives at this address (before anyone recorded whom it concerns).

    The general address: its first reader (the intake officer), or the director when there is none. A route's own
    address: only that route's holder.
    """
    holder = _ENTRY_HOLDER[entry](org)
    if holder is None:
        holder = org.director
    return (holder,)


_ENTRY_ORDER = (Entry.CONFIDENTIAL, Entry.BOARD, Entry.DIRECTOR, Entry.COMPLAINTS)


def entry_for(recipients: Iterable[str], addresses: Mapping[Entry, str | None]) -> Entry:
    """The route a message was sent to: a route's own address only when the general address was not among them.

    A message that also went to the general address reached its first reader anyway, so it is a general report.
    """
    sent_to = {r.strip().casefold() for r in recipients if r and r.strip()}
    general = addresses.get(Entry.GENERAL)
    if general and general.casefold() in sent_to:
        return Entry.GENERAL
    for entry in _ENTRY_ORDER:
        address = addresses.get(entry)
        if address and address.casefold() in sent_to:
            return entry
    return Entry.GENERAL


def _chain(entry: Entry, start: list[Person], concerns: Concerns, org: Organisation) -> list[Person | None]:
    """The steps from the first choice upwards; the Meldpunt (None) is always the last."""
    if entry is not Entry.GENERAL:
        holder = entry_holders(entry, org)[0]
        if holder is org.board_chair:
            return [holder, _MELDPUNT]
        if holder is org.director:
            return [holder, org.board_chair, _MELDPUNT]
        return [holder, org.director, org.board_chair, _MELDPUNT]
    if concerns in (Concerns.BOARD, Concerns.BOARD_CHAIR):
        return [_MELDPUNT]
    if concerns is Concerns.DIRECTOR:
        return [org.board_chair, _MELDPUNT]
    return [*start, org.director, org.board_chair, _MELDPUNT]


def decide(
    reporter: ReporterKind,
    concerns: Concerns,
    org: Organisation,
    *,
    concerned_email: str | None = None,
    reporter_manager: str | None = None,
    entry: Entry = Entry.GENERAL,
) -> Decision:
    """Who receives, who is informed, who is never told and who holds a key; never the person concerned."""
    concerns, concerned = _concerned(concerns, concerned_email, org)
    about_board = concerns in (Concerns.BOARD, Concerns.BOARD_CHAIR)
    notes: list[str] = []
    start = [p for p in _first_steps(reporter, reporter_manager, org) if p]
    if concerns is Concerns.MANAGER and not concerned_email and start and start[0] is not org.complaints_coordinator:
        notes.append("Betreft een leidinggevende zonder naam: niet de eigen leidinggevende, maar de directeur.")
        concerned = [*concerned, *start]
    chain = _chain(entry, start, concerns, org)
    receiver, skipped = _walk(chain, concerned)
    about_director = concerns is Concerns.DIRECTOR or _is(org.director, concerned)
    informed = _informed(entry, receiver, about_board, about_director, org, concerned)
    bypassed: list[Person | None] = list(skipped)
    if entry is Entry.GENERAL and about_board:
        bypassed += [*start, org.director, org.board_chair]  # the report leaves the organisation
    elif entry is Entry.GENERAL and about_director:
        bypassed += [*start, org.director]  # straight to the RvC, above the manager and the director
    if org.intake_officer is not None and (entry is not Entry.GENERAL or _is(org.intake_officer, concerned)):
        bypassed.append(org.intake_officer)
        if entry is Entry.GENERAL:
            notes.append("De melding betreft de intake-functionaris: die heeft geen toegang meer en krijgt niets.")
    told = [receiver, *informed]
    never = tuple(p for p in _unique([*concerned, *bypassed]) if not _is(p, [t for t in told if t]))
    first_reader = org.intake_officer if entry is Entry.GENERAL and not _is(org.intake_officer, list(never)) else None
    receivers = (receiver,) if receiver is not None else ()
    holders = _unique([first_reader, *receivers, *informed])
    explanation = _explain(concerns, receiver, informed, never, org, notes)
    return Decision(receivers, informed, never, holders, first_reader, entry, explanation)


def _informed(
    entry: Entry,
    receiver: Person | None,
    about_board: bool,
    about_director: bool,
    org: Organisation,
    concerned: list[Person],
) -> tuple[Person, ...]:
    """Stap 3: the director, or the RvC chair when it concerns the director; nobody for the RvC or a route's own address."""
    if about_board or receiver is None or entry is not Entry.GENERAL:
        return ()
    candidate = org.board_chair if about_director else org.director
    if _is(candidate, concerned) or same_email(candidate.email, receiver.email):
        return ()
    return (candidate,)


_SUBJECT = {
    Concerns.STAFF: "een medewerker",
    Concerns.MANAGER: "een leidinggevende",
    Concerns.DIRECTOR: "de directeur-bestuurder",
    Concerns.BOARD: "een lid van de RvC",
    Concerns.BOARD_CHAIR: "de voorzitter van de RvC",
    Concerns.INTAKE: "de intake-functionaris",
    Concerns.UNKNOWN: "een niet nader genoemde persoon of zaak",
}


def _explain(
    concerns: Concerns,
    receiver: Person | None,
    informed: tuple[Person, ...],
    never: tuple[Person, ...],
    org: Organisation,
    notes: list[str],
) -> str:
    lines = [f"Melding over {_SUBJECT[concerns]}.", *notes]
    if receiver is None:
        lines.append(
            f"Behandeling extern: {org.external_meldpunt}. Geen ontvanger binnen Woonpartners; de doorverwijzing "
            "wordt voorbereid en de melder krijgt bericht. Niemand in de organisatie wordt geïnformeerd."
        )
    else:
        lines.append(f"Ontvanger: {receiver.name} ({receiver.role}, {receiver.email}).")
    if informed:
        lines.append("Te informeren: " + ", ".join(f"{p.name} ({p.role})" for p in informed) + ".")
    if never:
        lines.append("Krijgt nooit bericht: " + ", ".join(p.role for p in never) + ".")
    lines.append(NOT_NAMED)
    return " ".join(lines)
