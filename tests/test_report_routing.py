"""Routing of integrity reports per Stap 2 and 3 of the code: every row of the README's routing table is a test."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from toolkit.reports.routing import (
    TENANTS_TO_DIRECTOR,
    Concerns,
    Decision,
    Entry,
    Organisation,
    Person,
    ReporterKind,
    decide,
    entry_holders,
)

DIRECTOR = Person("Dirk de Vries", "dirk@woonpartners.nl", "directeur-bestuurder")
CHAIR = Person("Rita Bakker", "rita@rvc.example", "RvC-lid")
MEMBER = Person("Roel Smit", "roel@rvc.example", "RvC-lid")
MARIA = Person("Maria Jansen", "maria@woonpartners.nl", "leidinggevende", "dirk@woonpartners.nl")
MILA = Person("Mila Groen", "mila@woonpartners.nl", "leidinggevende", "dirk@woonpartners.nl")
ANNA = Person("Anna Pieters", "anna@woonpartners.nl", "medewerker", "Maria@Woonpartners.nl")
WIM = Person("Wim Berg", "wim@woonpartners.nl", "medewerker", "maria@woonpartners.nl")
IRIS = Person("Iris Intake", "iris@woonpartners.nl", "medewerker", "maria@woonpartners.nl")
KEES = Person("Kees Klaver", "klachten@woonpartners.nl", "medewerker", "maria@woonpartners.nl")
VERA = Person("Vera Vertrouwen", "vp@extern.example", "vertrouwenspersoon")
MELDPUNT = "Meldpunt Integriteit Woningcorporaties"

ORG = Organisation(
    director=DIRECTOR,
    board_chair=CHAIR,
    complaints_coordinator=KEES,
    external_meldpunt=MELDPUNT,
    staff=(MARIA, MILA, ANNA, WIM, IRIS, KEES, MEMBER),
    intake_officer=IRIS,
    confidential_adviser=VERA,
)

# Who reports in the README table: their kind and their own manager (as the intake officer records it).
REPORTERS = {
    "medewerker": (ReporterKind.STAFF, WIM.manager_email),
    "leidinggevende": (ReporterKind.MANAGER, MILA.manager_email),
    "directeur-bestuurder": (ReporterKind.DIRECTOR, None),
    "RvC-lid": (ReporterKind.BOARD, None),
    "huurder": (ReporterKind.TENANT, None),
}
# Whom the report concerns in the README table: role as recorded, and the person named.
CONCERNED = {
    "medewerker": (Concerns.STAFF, ANNA.email),
    "eigen leidinggevende": (Concerns.MANAGER, MARIA.email),
    "leidinggevende": (Concerns.MANAGER, MARIA.email),
    "directeur-bestuurder": (Concerns.DIRECTOR, DIRECTOR.email),
    "RvC-lid": (Concerns.BOARD, MEMBER.email),
    "voorzitter RvC": (Concerns.BOARD_CHAIR, CHAIR.email),
    "intake-functionaris": (Concerns.INTAKE, IRIS.email),
    "onbekend": (Concerns.UNKNOWN, None),
}
LABELS = {
    "leidinggevende melder": MARIA.email,
    "directeur": DIRECTOR.email,
    "voorzitter RvC": CHAIR.email,
    "intake": IRIS.email,
    "klachtencoördinator": KEES.email,
}
README = Path(__file__).resolve().parents[1] / "README.md"


def _emails(cell: str, concerned: str | None) -> set[str]:
    """A README cell ('directeur, intake' or '-') as the addresses it names; 'betrokkene' is the person concerned."""
    names = [n.strip() for n in cell.split(",") if n.strip() and n.strip() not in ("-", "Meldpunt")]
    return {concerned if n == "betrokkene" else LABELS[n] for n in names}  # type: ignore[misc]


def _table_rows() -> list[tuple[str, ...]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- routeringstabel -->")[1].split("<!-- /routeringstabel -->")[0]
    rows = [line for line in table.splitlines() if line.startswith("|") and not line.startswith("|--")]
    return [tuple(c.strip() for c in row.strip("|").split("|")) for row in rows[1:]]


ROWS = _table_rows()


def test_readme_table_covers_every_reporter_and_every_subject():
    """The README table has a row for each reporter (5) times each subject (7): 35 rows, none twice."""
    pairs = {(row[0], row[1].replace("eigen ", "")) for row in ROWS}
    expected = set(itertools.product(REPORTERS, [c for c in CONCERNED if c != "eigen leidinggevende"]))
    assert pairs == expected and len(ROWS) == len(expected)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r[0]}-over-{r[1]}" for r in ROWS])
def test_routing_table_row(row):
    """One README row: who receives, who is informed, who is never told and who holds a key."""
    reporter, subject, receiver, informed, never, keys = row
    kind, manager = REPORTERS[reporter]
    concerns, concerned = CONCERNED[subject]
    decision = decide(kind, concerns, ORG, concerned_email=concerned, reporter_manager=manager)
    if receiver == "Meldpunt":
        assert decision.external and decision.receivers == ()
    else:
        assert {p.email for p in decision.receivers} == _emails(receiver, concerned)
    assert {p.email for p in decision.informed} == _emails(informed, concerned)
    assert {p.email for p in decision.never_told} == _emails(never, concerned)
    assert set(decision.key_holder_emails) == _emails(keys, concerned)


def _everyone_told(decision: Decision) -> set[str]:
    return {p.email for p in (*decision.receivers, *decision.informed, *decision.key_holders)}


def test_intake_officer_gets_nothing_of_a_report_about_themselves():
    """Recorded as concerning the intake officer: no key, not the first reader, never told, whoever reports."""
    for kind in ReporterKind:
        decision = decide(kind, Concerns.STAFF, ORG, concerned_email=IRIS.email, reporter_manager=WIM.manager_email)
        assert IRIS.email not in _everyone_told(decision)
        assert decision.first_reader is None and IRIS in decision.never_told


def test_director_is_told_nothing_of_a_report_about_the_rvc():
    """About an RvC member or the chair: external; the director, the chair and the manager are never told."""
    for concerns, person in ((Concerns.BOARD, MEMBER), (Concerns.BOARD_CHAIR, CHAIR), (Concerns.UNKNOWN, MEMBER)):
        decision = decide(ReporterKind.STAFF, concerns, ORG, concerned_email=person.email, reporter_manager=MARIA.email)
        assert decision.external and decision.informed == ()
        assert {DIRECTOR.email, CHAIR.email, MARIA.email} <= {p.email for p in decision.never_told}
        assert decision.key_holder_emails == (IRIS.email,)  # the first reader prepares the referral
        assert MELDPUNT in decision.explanation


def test_concerned_person_never_receives_is_never_informed_and_holds_no_key():
    """For every subject, named person, reporter and address: the concerned person is never told and holds no key."""
    people = (DIRECTOR, CHAIR, *ORG.staff)
    for concerns, person, kind, entry in itertools.product(Concerns, people, ReporterKind, Entry):
        decision = decide(kind, concerns, ORG, concerned_email=person.email, reporter_manager=MARIA.email, entry=entry)
        assert person.email not in _everyone_told(decision), (concerns, person.name, kind, entry)
        assert person.email in {p.email for p in decision.never_told}


def test_never_told_and_told_never_overlap():
    """Nobody is both told (receiver, informed, key holder) and on the never-told list."""
    for concerns, kind, entry in itertools.product(Concerns, ReporterKind, Entry):
        decision = decide(kind, concerns, ORG, reporter_manager=WIM.manager_email, entry=entry)
        assert not _everyone_told(decision) & {p.email for p in decision.never_told}, (concerns, kind, entry)


@pytest.mark.parametrize(
    ("entry", "holder"),
    [(Entry.CONFIDENTIAL, VERA), (Entry.BOARD, CHAIR), (Entry.DIRECTOR, DIRECTOR), (Entry.COMPLAINTS, KEES)],
)
def test_a_routes_own_address_goes_only_to_that_routes_holder(entry, holder):
    """A report at a route's own address: received and held only by that route's holder; nobody informed, no intake."""
    decision = decide(ReporterKind.STAFF, Concerns.STAFF, ORG, concerned_email=ANNA.email, entry=entry)
    assert decision.receivers == (holder,) and decision.informed == ()
    assert decision.key_holders == (holder,) and entry_holders(entry, ORG) == (holder,)
    assert decision.first_reader is None and IRIS in decision.never_told


def test_a_routes_own_address_whose_holder_is_concerned_goes_one_level_up():
    """The director's own address, report about the director: the RvC chair receives; the director holds nothing."""
    decision = decide(ReporterKind.STAFF, Concerns.DIRECTOR, ORG, entry=Entry.DIRECTOR)
    assert decision.receivers == (CHAIR,) and DIRECTOR.email not in decision.key_holder_emails


def test_general_address_is_read_first_by_the_intake_officer_or_else_the_director():
    """The general address: the intake officer reads it first; without one, the director."""
    assert entry_holders(Entry.GENERAL, ORG) == (IRIS,)
    without = Organisation(DIRECTOR, CHAIR, KEES, MELDPUNT, ORG.staff)
    assert entry_holders(Entry.GENERAL, without) == (DIRECTOR,)
    assert decide(ReporterKind.STAFF, Concerns.STAFF, without, concerned_email=ANNA.email).first_reader is None


def test_unnamed_manager_is_not_sent_to_the_reporters_own_manager():
    """'About a manager' without a name: it may be the reporter's own manager, so the director receives it."""
    decision = decide(ReporterKind.STAFF, Concerns.MANAGER, ORG, reporter_manager=MARIA.email)
    assert decision.receivers == (DIRECTOR,) and MARIA in decision.never_told


def test_reporter_without_known_manager_goes_to_the_director():
    """Anonymous or unknown reporters (no manager recorded) start at the director."""
    for kind in (ReporterKind.ANONYMOUS, ReporterKind.UNKNOWN, ReporterKind.STAFF):
        assert decide(kind, Concerns.STAFF, ORG, concerned_email=ANNA.email).receivers == (DIRECTOR,)


def test_tenants_route_to_director_by_configuration():
    """With tenants_route 'directeur', tenants' reports go straight to the director; the coordinator is not told."""
    org = Organisation(DIRECTOR, CHAIR, KEES, MELDPUNT, ORG.staff, tenants_route=TENANTS_TO_DIRECTOR)
    decision = decide(ReporterKind.TENANT, Concerns.UNKNOWN, org)
    assert decision.receivers == (DIRECTOR,) and KEES.email not in _everyone_told(decision)


def test_tenants_go_to_director_when_no_coordinator_is_configured():
    """Without a complaints coordinator, applicants' reports go to the director."""
    org = Organisation(DIRECTOR, CHAIR, None, MELDPUNT, ORG.staff)
    assert decide(ReporterKind.APPLICANT, Concerns.UNKNOWN, org).receivers == (DIRECTOR,)


def test_role_in_staff_list_overrides_a_lower_recorded_role():
    """Recorded as 'medewerker' but naming the director: it is a report about the director (to the RvC chair)."""
    decision = decide(ReporterKind.STAFF, Concerns.STAFF, ORG, concerned_email="DIRK@woonpartners.nl ")
    assert decision.receivers == (CHAIR,) and DIRECTOR in decision.never_told


def test_explanation_is_dutch_and_names_the_receiver_and_confidentiality():
    """The explanation names the subject, the receiver and that the reporter is not named again; never the concerned."""
    decision = decide(ReporterKind.STAFF, Concerns.STAFF, ORG, concerned_email=ANNA.email, reporter_manager=MARIA.email)
    assert "Melding over een medewerker" in decision.explanation
    assert "Maria Jansen" in decision.explanation
    assert "niet bij naam genoemd" in decision.explanation
    assert "Anna" not in decision.explanation


def test_readme_table_labels_are_all_known():
    """Every name used in the README table's cells is one the tests understand (no silently ignored label)."""
    known = {*LABELS, "betrokkene", "Meldpunt", "-"}
    for row in ROWS:
        for cell in row[2:]:
            assert {n.strip() for n in cell.split(",")} <= known, row
    assert all(re.fullmatch(r"[\w\- ]+", row[0]) for row in ROWS)
