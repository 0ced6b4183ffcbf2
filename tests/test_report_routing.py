"""Routing of integrity reports per Stap 2 and 3 of the code, including the rule that the concerned never handle."""

from __future__ import annotations

import itertools

import pytest

from toolkit.reports.routing import (
    TENANTS_TO_DIRECTOR,
    Concerns,
    Organisation,
    Person,
    ReporterKind,
    route_report,
)

DIRECTOR = Person("Dirk de Vries", "dirk@woonpartners.nl", "directeur-bestuurder")
CHAIR = Person("Rita Bakker", "rita@rvc.example", "RvC-lid")
MEMBER = Person("Roel Smit", "roel@rvc.example", "RvC-lid")
MARIA = Person("Maria Jansen", "maria@woonpartners.nl", "leidinggevende", "dirk@woonpartners.nl")
ANNA = Person("Anna Pieters", "anna@woonpartners.nl", "medewerker", "Maria@Woonpartners.nl")
BERT = Person("Bert Kok", "bert@woonpartners.nl", "medewerker", "vertrokken@woonpartners.nl")
CARL = Person("Carl Mol", "carl@woonpartners.nl", "medewerker", None)
SAM = Person("Sam Visser", "sam@woonpartners.nl", "leidinggevende", "sam@woonpartners.nl")  # filled in himself
KEES = Person("Kees Klaver", "klachten@woonpartners.nl", "medewerker", "maria@woonpartners.nl")
MELDPUNT = "Meldpunt Integriteit Woningcorporaties, Postbus 1, 1000 AA Amsterdam"

ORG = Organisation(
    director=DIRECTOR,
    board_chair=CHAIR,
    complaints_coordinator=KEES,
    external_meldpunt=MELDPUNT,
    staff=(MARIA, ANNA, BERT, CARL, SAM, KEES, MEMBER),
)
EXTERNAL = "MELDPUNT"

TABLE = [
    # concerns, concerned e-mail, reporter, expected handler (e-mail or EXTERNAL), expected informed e-mails
    (Concerns.STAFF, "anna@woonpartners.nl", ReporterKind.STAFF, "maria@woonpartners.nl", ["dirk@woonpartners.nl"]),
    (Concerns.STAFF, "ANNA@woonpartners.nl ", ReporterKind.TENANT, "maria@woonpartners.nl", ["dirk@woonpartners.nl"]),
    (Concerns.STAFF, "bert@woonpartners.nl", ReporterKind.STAFF, "dirk@woonpartners.nl", []),  # manager not in list
    (Concerns.STAFF, "carl@woonpartners.nl", ReporterKind.STAFF, "dirk@woonpartners.nl", []),  # no manager filled in
    (Concerns.STAFF, "nieuw@woonpartners.nl", ReporterKind.STAFF, "dirk@woonpartners.nl", []),  # not in the list
    (Concerns.STAFF, None, ReporterKind.ANONYMOUS, "dirk@woonpartners.nl", []),
    (Concerns.MANAGER, "maria@woonpartners.nl", ReporterKind.STAFF, "dirk@woonpartners.nl", []),
    (Concerns.MANAGER, None, ReporterKind.STAFF, "dirk@woonpartners.nl", []),
    (Concerns.DIRECTOR, "dirk@woonpartners.nl", ReporterKind.STAFF, "rita@rvc.example", []),
    (Concerns.DIRECTOR, None, ReporterKind.TENANT, "rita@rvc.example", []),
    (Concerns.BOARD, "roel@rvc.example", ReporterKind.STAFF, EXTERNAL, ["dirk@woonpartners.nl"]),
    (Concerns.BOARD, "rita@rvc.example", ReporterKind.RELATION, EXTERNAL, ["dirk@woonpartners.nl"]),
    (Concerns.UNKNOWN, None, ReporterKind.TENANT, "klachten@woonpartners.nl", ["dirk@woonpartners.nl"]),
    (Concerns.UNKNOWN, None, ReporterKind.APPLICANT, "klachten@woonpartners.nl", ["dirk@woonpartners.nl"]),
    (Concerns.UNKNOWN, None, ReporterKind.CONTRACTOR, "klachten@woonpartners.nl", ["dirk@woonpartners.nl"]),
    (Concerns.UNKNOWN, None, ReporterKind.RELATION, "klachten@woonpartners.nl", ["dirk@woonpartners.nl"]),
    (Concerns.UNKNOWN, None, ReporterKind.STAFF, "dirk@woonpartners.nl", []),
    (Concerns.UNKNOWN, None, ReporterKind.ANONYMOUS, "dirk@woonpartners.nl", []),
    (Concerns.UNKNOWN, None, ReporterKind.UNKNOWN, "dirk@woonpartners.nl", []),
    # concerns unknown, but the person is in the staff list: their role decides
    (Concerns.UNKNOWN, "anna@woonpartners.nl", ReporterKind.TENANT, "maria@woonpartners.nl", ["dirk@woonpartners.nl"]),
    (Concerns.UNKNOWN, "maria@woonpartners.nl", ReporterKind.STAFF, "dirk@woonpartners.nl", []),
    (Concerns.UNKNOWN, "dirk@woonpartners.nl", ReporterKind.TENANT, "rita@rvc.example", []),
    (Concerns.UNKNOWN, "roel@rvc.example", ReporterKind.STAFF, EXTERNAL, ["dirk@woonpartners.nl"]),
    # a report about the complaints coordinator goes to his manager, never to him
    (Concerns.UNKNOWN, KEES.email, ReporterKind.TENANT, MARIA.email, [DIRECTOR.email]),
]


def _handler_email(route) -> str:
    return EXTERNAL if route.handler is None else route.handler.email


@pytest.mark.parametrize(("concerns", "concerned", "reporter", "handler", "informed"), TABLE)
def test_routing_table(concerns, concerned, reporter, handler, informed):
    """Each row of the code's routing table gives the expected handler and the people to inform."""
    route = route_report(concerns, concerned, reporter, ORG)
    assert _handler_email(route) == handler
    assert route.external is (handler == EXTERNAL)
    assert [p.email for p in route.informed] == informed


def test_named_manager_who_manages_himself_goes_to_director():
    """Level manager -> director: when the manager found is the concerned person, the director handles."""
    route = route_report(Concerns.STAFF, "sam@woonpartners.nl", ReporterKind.STAFF, ORG)
    assert route.handler == DIRECTOR
    assert "Sam Visser is zelf betrokken" in route.explanation


def test_director_named_as_manager_goes_to_rvc_chair_who_is_not_informed_twice():
    """Level director -> RvC chair: a 'manager' report naming the director goes to the chair; director not told."""
    route = route_report(Concerns.MANAGER, "dirk@woonpartners.nl", ReporterKind.STAFF, ORG)
    assert route.handler == CHAIR
    assert DIRECTOR not in route.informed


def test_chair_acting_as_director_goes_to_meldpunt():
    """Level RvC chair -> Meldpunt: a report about the director role naming the chair (acting) goes external."""
    route = route_report(Concerns.DIRECTOR, "rita@rvc.example", ReporterKind.STAFF, ORG)
    assert route.handler is None and route.external
    assert CHAIR not in route.informed
    assert MELDPUNT in route.explanation


def test_coordinator_not_in_staff_list_is_skipped_for_director():
    """Level coordinator -> director: an unknown-role report naming the coordinator is never handled by him."""
    org = Organisation(DIRECTOR, CHAIR, KEES, MELDPUNT, staff=(MARIA, ANNA))
    route = route_report(Concerns.UNKNOWN, "klachten@woonpartners.nl", ReporterKind.TENANT, org)
    assert route.handler == DIRECTOR


def test_tenants_route_to_director_by_configuration():
    """With tenants_route 'directeur', tenants' reports of unknown subject go straight to the director."""
    org = Organisation(DIRECTOR, CHAIR, KEES, MELDPUNT, staff=ORG.staff, tenants_route=TENANTS_TO_DIRECTOR)
    assert route_report(Concerns.UNKNOWN, None, ReporterKind.TENANT, org).handler == DIRECTOR


def test_tenants_go_to_director_when_no_coordinator_is_configured():
    """Without a complaints coordinator, tenants' reports of unknown subject go to the director."""
    org = Organisation(DIRECTOR, CHAIR, None, MELDPUNT, staff=ORG.staff)
    assert route_report(Concerns.UNKNOWN, None, ReporterKind.APPLICANT, org).handler == DIRECTOR


def _everyone_emails() -> list[str | None]:
    people = (DIRECTOR, CHAIR, *ORG.staff)
    return [None, "onbekend@example.org", *(p.email for p in people), "DIRK@WOONPARTNERS.NL"]


def test_concerned_person_never_handles_and_is_never_informed():
    """For every subject, named person and reporter, the concerned person is neither handler nor informed."""
    for concerns, concerned, reporter in itertools.product(Concerns, _everyone_emails(), ReporterKind):
        route = route_report(concerns, concerned, reporter, ORG)
        named = (concerned or "").strip().casefold()
        if concerns is Concerns.DIRECTOR and concerned is None:
            named = DIRECTOR.email
        assert _handler_email(route).casefold() != named, (concerns, concerned, reporter)
        assert named not in [p.email.casefold() for p in route.informed], (concerns, concerned, reporter)
        assert route.external is (route.handler is None)


def test_director_or_chair_is_always_involved():
    """Every route has the director as handler or informed, except reports about the director (then the chair)."""
    for concerns, concerned, reporter in itertools.product(Concerns, _everyone_emails(), ReporterKind):
        route = route_report(concerns, concerned, reporter, ORG)
        involved = {p.email for p in route.informed} | ({route.handler.email} if route.handler else set())
        about_director = concerns is Concerns.DIRECTOR or (concerned or "").casefold() == DIRECTOR.email
        if about_director:
            assert DIRECTOR.email not in involved
            assert CHAIR.email in involved or route.external
        else:
            assert DIRECTOR.email in involved, (concerns, concerned, reporter)


def test_explanation_is_dutch_and_names_the_handler_and_confidentiality():
    """The explanation names the subject, the handler and that the reporter is not named again."""
    route = route_report(Concerns.STAFF, "anna@woonpartners.nl", ReporterKind.STAFF, ORG)
    assert "Melding over een medewerker" in route.explanation
    assert "Maria Jansen" in route.explanation
    assert "niet bij naam genoemd" in route.explanation
    assert "Anna" not in route.explanation
