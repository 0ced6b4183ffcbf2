"""Side-function rules (S1, S2, decision term, personnel file, supplier conflict, reconfirmation, S3 publication)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from toolkit.sidejobs.rules import (
    SideJob,
    SideJobPolicy,
    is_published,
    reconfirm_by,
    review_side_job,
    should_remind,
)

TODAY = date(2025, 6, 2)
POLICY = SideJobPolicy(suppliers=("bouwbedrijf jansen bv", "Schildersbedrijf De Kwast"))

# An approved, unpaid function decided recently and filed: nothing to act on.
BASE = SideJob(
    employee="Anna Pieters",
    role="medewerker",
    function="penningmeester",
    organisation="Voetbalvereniging Oranje",
    paid=False,
    hours_per_month=4,
    start=date(2025, 1, 1),
    end=None,
    reported_on=date(2024, 12, 1),
    status="goedgekeurd",
    decided_by="Maria Jansen",
    decided_on=date(2024, 12, 10),
    risk="geen",
    filed_on=date(2024, 12, 12),
    reminded_on=None,
)


def job(**changes) -> SideJob:
    return replace(BASE, **changes)


def codes(side_job: SideJob, today: date = TODAY, policy: SideJobPolicy = POLICY) -> list[str]:
    return [f.code for f in review_side_job(side_job, policy, today).findings]


def test_approved_filed_function_is_ok():
    """An approved, filed, unpaid function without conflict gives no findings and the text 'OK'."""
    review = review_side_job(BASE, POLICY, TODAY)
    assert review.findings == ()
    assert review.text() == "OK"
    assert review.suggested_risk is None


@pytest.mark.parametrize("status", ["gemeld", "toestemming gevraagd", "afgewezen", None])
def test_s2_paid_active_function_without_approval(status):
    """S2: a paid function that runs today without status 'goedgekeurd' is a finding."""
    assert "S2" in codes(job(paid=True, status=status, decided_on=None))


def test_s2_not_for_approved_paid_function():
    """S2 is satisfied when the paid function is approved."""
    assert "S2" not in codes(job(paid=True))


@pytest.mark.parametrize(
    ("start", "end", "flagged"),
    [
        (None, None, True),  # no start date counts as started
        (TODAY, None, True),  # starts today
        (TODAY + timedelta(days=1), None, False),  # not started yet
        (date(2024, 1, 1), TODAY, True),  # ends today: still active
        (date(2024, 1, 1), TODAY - timedelta(days=1), False),  # ended yesterday
    ],
)
def test_s2_only_while_active(start, end, flagged):
    """S2 applies from the start date up to and including the end date."""
    side_job = job(paid=True, status="gemeld", decided_on=None, reported_on=TODAY, start=start, end=end)
    assert ("S2" in codes(side_job)) is flagged


def test_unknown_paid_on_unapproved_active_function_is_asked():
    """An active, unapproved function with 'Betaald' empty asks for it (S2 can't be judged)."""
    assert "BETAALD" in codes(job(paid=None, status="gemeld", decided_on=None, reported_on=TODAY))
    assert "BETAALD" not in codes(job(paid=None))


def test_refused_unpaid_function_still_running():
    """A refused unpaid function still running by the register is flagged AFGEWEZEN."""
    assert codes(job(status="afgewezen")) == ["AFGEWEZEN"]


def test_decision_day_14_on_time_day_15_late():
    """A request reported 1 March waits 14 days on 15 March (on time) and is late on 16 March."""
    request = job(status="toestemming gevraagd", reported_on=date(2025, 3, 1), decided_on=None, start=date(2025, 4, 1))
    on_time = review_side_job(request, POLICY, date(2025, 3, 15))
    late = review_side_job(request, POLICY, date(2025, 3, 16))
    assert (on_time.days_waiting, on_time.overdue) == (14, False)
    assert (late.days_waiting, late.overdue) == (15, True)
    assert [f.code for f in on_time.findings] == ["BESLUIT-OPEN"]
    assert [f.code for f in late.findings] == ["BESLUIT-TE-LAAT"]
    assert "15-03-2025" in late.text()


def test_decision_term_follows_policy():
    """A shorter configured term makes the request late sooner."""
    request = job(status="gemeld", reported_on=date(2025, 3, 1), decided_on=None, start=date(2025, 4, 1))
    review = review_side_job(request, SideJobPolicy(decision_days=7), date(2025, 3, 9))
    assert review.overdue


def test_request_without_reported_on_cannot_be_timed():
    """A request without 'Gemeld op' asks for it and has no waiting time."""
    review = review_side_job(job(status="gemeld", reported_on=None, decided_on=None), POLICY, TODAY)
    assert "GEMELD-OP" in [f.code for f in review.findings]
    assert review.days_waiting is None and not review.overdue


def test_decision_date_with_open_status_is_inconsistent():
    """A decision date with status still 'gemeld' asks to fill in the decision."""
    assert "STATUS" in codes(job(status="gemeld"))


@pytest.mark.parametrize("status", ["goedgekeurd", "afgewezen"])
def test_decision_not_in_personnel_file(status):
    """A decision without 'Vastgelegd in personeelsdossier op' gives DOSSIER."""
    assert "DOSSIER" in codes(job(status=status, filed_on=None))


def test_decision_without_decision_date():
    """Status 'goedgekeurd' without a decision date asks for the date."""
    assert "BESLUITDATUM" in codes(job(decided_on=None))


def test_ended_function_only_reports_missing_filing():
    """An ended function gives no findings but a missing personnel-file record, whatever else is wrong."""
    messy = job(paid=True, risk="laag", organisation="Bouwbedrijf Jansen B.V.", status="beëindigd", filed_on=None)
    assert codes(messy) == ["DOSSIER"]
    assert codes(replace(messy, filed_on=date(2025, 1, 1))) == []
    past_end = job(paid=True, status="gemeld", decided_on=None, end=TODAY - timedelta(days=1), risk="hoog")
    assert codes(past_end) == []


def test_conflict_with_supplier_matched_tolerantly():
    """'Bouwbedrijf Jansen B.V.' matches supplier 'bouwbedrijf jansen bv': CONFLICT, suggested risk 'hoog'."""
    review = review_side_job(job(organisation="Bouwbedrijf Jansen B.V.", risk="laag"), POLICY, TODAY)
    assert [f.code for f in review.findings] == ["CONFLICT"]
    assert review.suggested_risk == "hoog"
    assert "bouwbedrijf jansen bv" in review.text()


def test_no_conflict_when_risk_already_high_or_other_name():
    """No CONFLICT when the risk is already 'hoog', nor for a different organisation ('Janssen')."""
    assert "CONFLICT" not in codes(job(organisation="Bouwbedrijf Jansen B.V.", risk="hoog", paid=True))
    review = review_side_job(job(organisation="Bouwbedrijf Janssen"), POLICY, TODAY)
    assert review.findings == () and review.suggested_risk is None


def test_s1_unpaid_high_risk_active():
    """S1: an unpaid function with risk 'hoog' that still runs is a finding; not once ended."""
    assert "S1" in codes(job(risk="hoog"))
    assert "S1" not in codes(job(risk="hoog", end=TODAY - timedelta(days=1)))
    assert "S1" not in codes(job(risk="hoog", paid=True))


def test_reconfirmation_due_on_first_anniversary():
    """An approved function is due for reconfirmation on the anniversary of the decision, not the day before."""
    approved = job(decided_on=date(2024, 3, 1))
    before = review_side_job(approved, POLICY, date(2025, 2, 28))
    on_day = review_side_job(approved, POLICY, date(2025, 3, 1))
    assert before.reconfirm_by == date(2025, 3, 1) and not before.reconfirm_due
    assert on_day.reconfirm_due and "HERBEVESTIGEN" in [f.code for f in on_day.findings]
    assert should_remind(approved, POLICY, date(2025, 3, 1))


def test_should_remind_once_per_period():
    """After a reminder is recorded, no reminder again until the next anniversary; then one more."""
    reminded = job(decided_on=date(2024, 3, 1), reminded_on=date(2025, 3, 1))
    assert not should_remind(reminded, POLICY, date(2025, 3, 2))
    assert not should_remind(reminded, POLICY, date(2026, 2, 28))
    assert reconfirm_by(reminded, POLICY, date(2025, 3, 2)) == date(2026, 3, 1)
    assert should_remind(reminded, POLICY, date(2026, 3, 1))


def test_nightly_reminders_over_three_years():
    """Simulating a daily run that records each reminder gives exactly one reminder per year, on the anniversary."""
    current = job(decided_on=date(2024, 2, 29), start=date(2024, 3, 1))
    sent = []
    day = date(2024, 3, 1)
    while day <= date(2028, 3, 1):
        if should_remind(current, POLICY, day):
            sent.append(day)
            current = replace(current, reminded_on=day)
        day += timedelta(days=1)
    assert sent == [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_late_first_reminder_then_back_on_anniversaries():
    """A reminder missed for years is asked once, then the next one falls on the following anniversary."""
    old = job(decided_on=date(2020, 5, 10))
    assert should_remind(old, POLICY, TODAY)
    after = replace(old, reminded_on=TODAY)
    assert reconfirm_by(after, POLICY, TODAY) == date(2026, 5, 10)
    assert not should_remind(after, POLICY, date(2026, 5, 9))


def test_no_reconfirmation_for_ended_or_unapproved_functions():
    """Only active approved functions are reconfirmed."""
    assert reconfirm_by(job(decided_on=date(2020, 1, 1), status="beëindigd"), POLICY, TODAY) is None
    assert not should_remind(job(decided_on=date(2020, 1, 1), status="afgewezen"), POLICY, TODAY)
    assert not should_remind(job(decided_on=date(2020, 1, 1), end=TODAY - timedelta(days=1)), POLICY, TODAY)


def test_reconfirmation_interval_follows_policy():
    """With a 24-month interval the first reconfirmation falls two years after the decision."""
    assert reconfirm_by(job(decided_on=date(2024, 3, 1)), SideJobPolicy(reconfirm_months=24), TODAY) == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("changes", "published"),
    [
        ({"role": "directeur-bestuurder"}, True),
        ({"role": "RvC-lid", "status": "gemeld", "decided_on": None}, True),
        ({"role": "RvC-lid", "start": TODAY + timedelta(days=30)}, True),
        ({"role": "medewerker"}, False),
        ({"role": "leidinggevende"}, False),
        ({"role": None}, False),
        ({"role": "directeur-bestuurder", "end": TODAY - timedelta(days=1)}, False),
        ({"role": "directeur-bestuurder", "end": TODAY}, True),
        ({"role": "RvC-lid", "status": "beëindigd"}, False),
        ({"role": "RvC-lid", "status": "afgewezen"}, False),
    ],
)
def test_publication_of_director_and_board_functions(changes, published):
    """S3: the director's and RvC members' current, not refused functions are published; staff rows never."""
    assert is_published(job(**changes), TODAY) is published


def test_text_joins_findings_with_codes():
    """The review text lists each finding as 'CODE: text', separated by '; '."""
    review = review_side_job(
        job(paid=True, status="gemeld", decided_on=None, reported_on=TODAY, filed_on=None), POLICY, TODAY
    )
    parts = review.text().split("; ")
    assert [p.split(":")[0] for p in parts] == [f.code for f in review.findings]
    assert parts[0].startswith("S2: Betaalde nevenfunctie")


# Governance: who decides on the director's and the RvC's side functions ---------------------------------------

BOARD = SideJobPolicy(board_members=("Els Visser", "Joost de Wit", "Ria Bos"), board_chair="Els Visser",
                      board_vice_chair="Joost de Wit")  # fmt: skip


@pytest.mark.parametrize(
    ("role", "employee", "decided_by", "finding"),
    [
        ("directeur-bestuurder", "Karel Stam", "RvC", False),
        ("directeur-bestuurder", "Karel Stam", "Raad van Commissarissen, vergadering 3 maart", False),
        ("directeur-bestuurder", "Karel Stam", "Els Visser (voorzitter)", False),
        ("directeur-bestuurder", "Karel Stam", "Maria Jansen (HR)", True),
        ("directeur-bestuurder", "Karel Stam", "Karel Stam", True),
        ("RvC-lid", "Ria Bos", "voorzitter RvC", False),
        ("RvC-lid", "Ria Bos", "Els Visser", False),
        ("RvC-lid", "Ria Bos", "Karel Stam", True),
        ("RvC-lid", "Ria Bos", "vicevoorzitter", True),
        ("RvC-lid", "Els Visser", "Joost de Wit", False),
        ("RvC-lid", "Els Visser", "vice-voorzitter RvC", False),
        ("RvC-lid", "Els Visser", "Els Visser", True),
        ("medewerker", "Anna Pieters", "Maria Jansen", False),
    ],
)
def test_who_decides_follows_the_governance(role, employee, decided_by, finding):
    """Director: the RvC decides; an RvC member: the chair; the chair: the vice-chair; anyone else is a finding."""
    side_job = job(role=role, employee=employee, decided_by=decided_by)
    assert ("BESLUIT-DOOR" in codes(side_job, policy=BOARD)) is finding


def test_who_decided_must_be_recorded_for_the_director():
    """An approved side function of the director without 'Besluit door' asks for it, naming the RvC."""
    review = review_side_job(job(role="directeur-bestuurder", decided_by=None), BOARD, TODAY)
    assert [f.text for f in review.findings if f.code == "BESLUIT-DOOR"] == [
        "Vul bij 'Besluit door' in wie besliste; dat hoort de RvC te zijn."
    ]


def test_an_open_request_of_the_director_is_not_yet_a_governance_finding():
    """Before a decision there is nothing to check about who decided."""
    request = job(role="directeur-bestuurder", status="gemeld", decided_by=None, decided_on=None, filed_on=None,
                  reported_on=TODAY - timedelta(days=3))  # fmt: skip
    assert "BESLUIT-DOOR" not in codes(request, policy=BOARD)
