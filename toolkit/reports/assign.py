"""Nightly routing: once the intake officer has filled `Betreft`, assign the receiver and inform per the code.

The organisation (director, RvC chair, complaints coordinator, intake officer, confidential adviser) comes from
config.toml; staff and their managers from medewerkers.xlsx. `Betrokkene` and `Leidinggevende melder` may hold an
e-mail address or a name from the staff register. The receiver and whoever is informed get only the case number,
the register's subject and the deadlines. About the RvC the case goes to the external Meldpunt: the first reader is
asked to prepare the referral, an identity holder tells the reporter with their key (the nightly holds none), and
nobody in the management chain hears of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.reports import notify
from toolkit.reports.cases import Case, case_register, has_register, load_cases
from toolkit.reports.routing import (
    Concerns,
    Decision,
    Entry,
    Organisation,
    Person,
    ReporterKind,
    decide,
    entry_for,
    entry_holders,
)
from toolkit.reports.schema import ENTRY_COLUMN, EXTERNAL_HANDLER, REPORTER_MANAGER_COLUMN
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace


def organisation(ws: Workspace) -> Organisation:
    """The routing rules' view of the organisation: config plus the staff register (rows with an address)."""
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import STAFF

    org = ws.config.organisation
    staff: tuple[Person, ...] = ()
    path = ws.register_path(STAFF)
    if path.exists():
        table = read_register(path, STAFF)
        staff = tuple(
            Person(row.get("Naam") or "", row.get("E-mail"), row.get("Rol") or "", row.get("Leidinggevende"))
            for row in table.rows
            if row.get("E-mail") and not row.get("Uit dienst per")
        )
    coordinator = (
        Person("de klachtencoördinator", org.complaints_coordinator, "klachtencoördinator")
        if org.complaints_coordinator
        else None
    )
    reports = ws.config.reports
    intake = reports.intake_officer or org.integrity_officer
    adviser = reports.confidential_adviser
    return Organisation(
        director=Person(org.director_name, org.director, "directeur-bestuurder"),
        board_chair=Person(org.rvc_chair_name, org.rvc_chair, "voorzitter RvC"),
        complaints_coordinator=coordinator,
        external_meldpunt=reports.meldpunt.name,
        staff=staff,
        tenants_route=reports.tenants_route,
        intake_officer=_staff_or(staff, intake, "de intake-functionaris", "intake-functionaris"),
        confidential_adviser=Person("de vertrouwenspersoon", adviser, "vertrouwenspersoon") if adviser else None,
    )


def _staff_or(staff: tuple[Person, ...], email: str, name: str, role: str) -> Person:
    """The staff-list entry for this address (so their manager is known), else a person with only that role."""
    found = next((p for p in staff if p.email and p.email.strip().lower() == email), None)
    return Person(found.name, email, role, found.manager_email) if found else Person(name, email, role)


def addresses_by_entry(ws: Workspace) -> dict[Entry, str | None]:
    """The general `[reports] address` and each route's own address from [reports.addresses], keyed by route."""
    configured = ws.config.reports.addresses
    found: dict[Entry, str | None] = {Entry.GENERAL: ws.config.reports.address}
    for entry in Entry:
        if entry is not Entry.GENERAL:
            found[entry] = getattr(configured, entry.value, None)
    return found


def entry_of(ws: Workspace, mail: Any) -> Entry:
    """Which route's address a message was sent to (To, Cc, Delivered-To, X-Original-To)."""
    from email.utils import getaddresses

    headers = getattr(mail, "headers", None) or {}
    extra = (
        [str(headers.get(h) or "") for h in ("Cc", "Delivered-To", "X-Original-To")] if hasattr(headers, "get") else []
    )
    recipients = [address for _, address in getaddresses([*(mail.to or ()), *extra])]
    return entry_for(recipients, addresses_by_entry(ws))


def first_reader_address(ws: Workspace, entry: Entry, *, org: Organisation | None = None) -> str:
    """Who is told of a new case at this address: the general address's first reader, else the route's holder
    (`org`: as the run read it once; None reads it now)."""
    return entry_holders(entry, org or organisation(ws))[0].email


def staff_contact(
    ws: Workspace, case: Case, *, org: Organisation | None = None, row: dict[str, Any] | None = None
) -> str | None:
    """Whom to tell that a case has news: its receiver, else its first reader, never someone the code keeps out
    (`org` and the case's register `row` as the run read them once; None reads them now)."""
    from toolkit.reports.cases import handler_address

    if row is None:
        row = case_register(ws).read().get(case.number, {})
    decision = decide_case(case, row, org or organisation(ws))
    never = {p.email.strip().lower() for p in decision.never_told}
    handler = handler_address(case)
    if handler and handler not in never:
        return handler
    for person in (decision.first_reader, decision.handler):
        if person is not None:
            return person.email
    return None


def concerned_email(text: str | None, org: Organisation) -> str | None:
    """`Betrokkene` as an address: typed as one, or the address of the staff member with that name."""
    if not text:
        return None
    value = text.strip()
    if "@" in value:
        return value.lower()
    wanted = " ".join(value.casefold().split())
    for person in (org.director, org.board_chair, *org.staff):
        if " ".join(person.name.casefold().split()) == wanted:
            return person.email
    return None


def case_entry(row: dict[str, Any]) -> Entry:
    """The address a case came in through, as recorded in the register (`Meldingsadres`); the general one if unknown."""
    value = row.get(ENTRY_COLUMN) or Entry.GENERAL.value
    return Entry(value) if value in set(Entry) else Entry.GENERAL


def decide_case(case: Case, row: dict[str, Any], org: Organisation) -> Decision:
    """The code's decision for one case, from what the intake officer recorded in the register."""
    concerns = Concerns(case.concerns) if case.concerns in set(Concerns) else Concerns.UNKNOWN
    kind = ReporterKind(case.reporter_kind) if case.reporter_kind in set(ReporterKind) else ReporterKind.UNKNOWN
    entry = case_entry(row)
    return decide(
        kind,
        concerns,
        org,
        concerned_email=concerned_email(case.concerned, org),
        reporter_manager=concerned_email(row.get(REPORTER_MANAGER_COLUMN), org),
        entry=entry,
    )


def handler_label(decision: Decision) -> str:
    if decision.handler is None:
        return EXTERNAL_HANDLER
    return f"{decision.handler.name} ({decision.handler.email})"


def route_mails(ws: Workspace, case: Case, decision: Decision) -> list[OutgoingMail]:
    """The receiver's notice and the informing mails; for the Meldpunt route, the first reader's referral task."""
    mails = []
    label = handler_label(decision)
    for receiver in decision.receivers:
        key = f"{notify.HANDLER}:{case.number}:{receiver.email}"
        mails.append(notify.to_staff(ws, notify.HANDLER, key, receiver.email, case, behandelaar_naam=receiver.name))
    if decision.external and decision.first_reader is not None:
        address = decision.first_reader.email
        key = f"{notify.INFORM}:{case.number}:{address}"
        mails.append(notify.to_staff(ws, notify.INFORM, key, address, case, behandelaar=label))
    for person in decision.informed:
        key = f"{notify.INFORM}:{case.number}:{person.email}"
        mails.append(notify.to_staff(ws, notify.INFORM, key, person.email, case, behandelaar=label))
    return mails


def meldpunt_referral(ws: Workspace, case: Case, address: str, lang: str) -> OutgoingMail:
    """The reporter told of the external route: the Meldpunt, how to reach it, and that nobody inside is informed.

    Never sent by the nightly (it holds no key that opens the reporter's address): an identity holder sends it with
    `integrity reports update CASE --tell-reporter --key … --send` (see manage.reporter_template)."""
    context = notify.reporter_context(ws, case.number, case.received, case.feedback_due)
    key = f"{notify.MELDPUNT}:{case.number}"
    return notify.to_reporter(ws, notify.MELDPUNT, key, address, context, lang, remember=False)


def routing_step(ws: Workspace) -> StepResult:
    """Nightly: route every open case whose `Betreft` is filled and that has no handler yet."""
    from toolkit.nightly import StepResult

    name = "meldingen toewijzen"
    if not has_register(ws):
        return StepResult(name, True, "nog geen meldingen")
    rows = case_register(ws).read()
    waiting = [c for c in load_cases(ws) if c.concerns and not c.handler and not c.is_closed]
    if not waiting:
        return StepResult(name, True, "niets toe te wijzen")
    org = organisation(ws)
    mails, changes, details = [], {}, []
    for case in waiting:
        decision = decide_case(case, rows.get(case.number, {}), org)
        mails += route_mails(ws, case, decision)
        changes[case.number] = {"Behandelaar": handler_label(decision)}
        if decision.external:
            details.append(
                f"{case.number}: extern (Meldpunt); melder informeren: integrity reports update {case.number} "
                "--tell-reporter --key … --send"
            )
        else:
            details.append(f"{case.number}: {decision.receivers[0].role}")
    report = ws.mailer().send_all(mails)
    sent_all = report.ok
    if sent_all:
        case_register(ws).write(changes)
        for number, cells in changes.items():
            ws.audit.record("reports.routed", actor=ws.actor, target=number, handler=cells["Behandelaar"])
    summary = (
        f"{counted(len(changes), 'melding', 'meldingen')} toegewezen"
        if sent_all
        else "versturen mislukt; toewijzing volgt bij de volgende run"
    )
    return StepResult(name, sent_all, summary, tuple(details))
