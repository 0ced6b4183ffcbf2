"""Nightly routing: once the intake officer has filled `Betreft`, assign the handler and notify per the code.

The organisation (director, RvC chair, complaints coordinator) comes from config.toml; staff and their managers
from medewerkers.xlsx. `Betrokkene` may hold an e-mail address or a name from the staff register. The handler and
whoever is informed get only the case number, the register's subject and the deadlines. About an RvC member the
case goes to the external Meldpunt: the intake officer is asked to prepare the referral and the reporter is told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.reports import notify
from toolkit.reports.cases import Case, case_vault, has_register, load_cases
from toolkit.reports.routing import Concerns, Organisation, Person, ReporterKind, Route, route_report
from toolkit.reports.schema import EXTERNAL_HANDLER

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
    return Organisation(
        director=Person(org.director_name, org.director, "directeur-bestuurder"),
        board_chair=Person(org.rvc_chair_name, org.rvc_chair, "voorzitter RvC"),
        complaints_coordinator=coordinator,
        external_meldpunt=org.meldpunt,
        staff=staff,
        tenants_route=ws.config.reports.tenants_route,
    )


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


def route_case(case: Case, org: Organisation) -> Route:
    concerns = Concerns(case.concerns) if case.concerns else Concerns.UNKNOWN
    kind = ReporterKind(case.reporter_kind) if case.reporter_kind else ReporterKind.UNKNOWN
    return route_report(concerns, concerned_email(case.concerned, org), kind, org)


def handler_label(route: Route) -> str:
    if route.handler is None:
        return EXTERNAL_HANDLER
    return f"{route.handler.name} ({route.handler.email})"


def route_mails(ws: Workspace, case: Case, route: Route) -> list[OutgoingMail]:
    """The handler's notice and the informing mails; for the Meldpunt route, the intake officer's task."""
    mails = []
    label = handler_label(route)
    if route.handler is not None:
        key = f"{notify.HANDLER}:{case.number}:{route.handler.email}"
        mails.append(
            notify.to_staff(ws, notify.HANDLER, key, route.handler.email, case, behandelaar_naam=route.handler.name)
        )
    else:
        key = f"{notify.INFORM}:{case.number}:{ws.config.organisation.integrity_officer}"
        mails.append(
            notify.to_staff(ws, notify.INFORM, key, ws.config.organisation.integrity_officer, case, behandelaar=label)
        )
    for person in route.informed:
        key = f"{notify.INFORM}:{case.number}:{person.email}"
        mails.append(notify.to_staff(ws, notify.INFORM, key, person.email, case, behandelaar=label))
    return mails


def meldpunt_mail(ws: Workspace, case: Case) -> OutgoingMail | None:
    """The reporter told of the external route; None here: the nightly holds no key that opens the reporter's address.

    An identity holder sends it: `integrity reports update CASE --tell-reporter melding_meldpunt --key … --send`.
    """
    address = ""
    if notify.is_automated_address(address):
        return None
    context = notify.reporter_context(ws, case.number, case.received, case.feedback_due)
    return notify.to_reporter(ws, notify.MELDPUNT, f"{notify.MELDPUNT}:{case.number}", address, context, "nl")


def routing_step(ws: Workspace) -> StepResult:
    """Nightly: route every open case whose `Betreft` is filled and that has no handler yet."""
    from toolkit.nightly import StepResult

    name = "meldingen toewijzen"
    if not has_register(ws):
        return StepResult(name, True, "nog geen meldingen")
    waiting = [c for c in load_cases(ws) if c.concerns and not c.handler and not c.is_closed]
    if not waiting:
        return StepResult(name, True, "niets toe te wijzen")
    org = organisation(ws)
    mails, changes, details = [], {}, []
    for case in waiting:
        route = route_case(case, org)
        mails += route_mails(ws, case, route)
        if route.external:
            extra = meldpunt_mail(ws, case)
            mails += [extra] if extra else []
        changes[case.number] = {"Behandelaar": handler_label(route)}
        details.append(f"{case.number}: {route.handler.role if route.handler else 'extern (Meldpunt)'}")
    report = ws.mailer().send_all(mails)
    sent_all = report.ok
    if sent_all:
        case_vault(ws).write(changes)
        for number, cells in changes.items():
            ws.audit.record("reports.routed", actor=ws.actor, target=number, handler=cells["Behandelaar"])
    summary = (
        f"{len(changes)} melding(en) toegewezen"
        if sent_all
        else "versturen mislukt; toewijzing volgt bij de volgende run"
    )
    return StepResult(name, sent_all, summary, tuple(details))
