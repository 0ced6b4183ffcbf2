"""Onboarding rules: when a new employee gets the code, what is behind, and who is employed on a day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from toolkit.onboarding.rules import Employee, behind, due_for_welcome, employed_on, welcome_address, welcome_kind

TODAY = date(2025, 6, 2)

NEW = Employee(
    number="1042",
    name="Fatima el Amrani",
    email="fatima@woonpartners.nl",
    role="medewerker",
    manager_email="maria@woonpartners.nl",
    start=TODAY + timedelta(days=10),
    end=None,
    conversation_on=None,
    code_sent_on=None,
    confirmed_on=None,
)


def employee(**changes) -> Employee:
    return replace(NEW, **changes)


@pytest.mark.parametrize(
    ("days_until_start", "due"),
    [(15, False), (14, False), (1, False), (0, True), (-30, True)],
)
def test_business_address_only_from_the_first_working_day(days_until_start, due):
    """Without a private address the code goes to the business address on the first working day, not before."""
    assert due_for_welcome(employee(start=TODAY + timedelta(days=days_until_start)), TODAY) is due


@pytest.mark.parametrize(
    ("days_until_start", "address"),
    [(15, None), (14, "fatima@example.org"), (1, "fatima@example.org"), (0, "fatima@woonpartners.nl")],
)
def test_private_address_from_14_days_ahead_business_address_from_the_start(days_until_start, address):
    """With a private address: 15 days ahead nothing, 14 days ahead to the private address, on the first day to work."""
    person = employee(start=TODAY + timedelta(days=days_until_start), private_email="fatima@example.org")
    assert welcome_address(person, TODAY) == address
    assert due_for_welcome(person, TODAY) is (address is not None)


def test_private_only_still_goes_after_the_start():
    """Someone with only a private address gets the code there after the first working day too."""
    person = employee(start=TODAY - timedelta(days=3), email=None, private_email="fatima@example.org")
    assert welcome_address(person, TODAY) == "fatima@example.org"


def test_welcome_window_follows_days_ahead():
    """A configured window of 7 days leaves a start 10 days ahead for later, even with a private address."""
    person = employee(private_email="fatima@example.org")
    assert not due_for_welcome(person, TODAY, days_ahead=7)
    assert due_for_welcome(person, TODAY, days_ahead=10)


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("medewerker", "welkom"),
        ("leidinggevende", "welkom"),
        ("directeur-bestuurder", "welkom_directeur"),
        ("RvC-lid", "welkom_rvc"),
    ],
)
def test_each_role_gets_its_own_welcome(role, kind):
    """Staff and managers get 'welkom', the director 'welkom_directeur', an RvC member 'welkom_rvc'."""
    assert welcome_kind(employee(role=role)) == kind


def test_no_welcome_for_leaver():
    """Someone whose last working day has passed gets no code; someone leaving today still does."""
    assert not due_for_welcome(employee(start=date(2025, 5, 1), end=TODAY - timedelta(days=1)), TODAY)
    assert due_for_welcome(employee(start=date(2025, 5, 1), end=TODAY), TODAY)


def test_no_welcome_when_already_sent():
    """A code already sent is not sent again."""
    assert not due_for_welcome(employee(code_sent_on=TODAY - timedelta(days=1)), TODAY)


@pytest.mark.parametrize("email", [None, "", "   "])
def test_no_welcome_without_email(email):
    """Without an e-mail address (business or private) there is nothing to send to, also after the start."""
    assert not due_for_welcome(employee(email=email, start=TODAY - timedelta(days=1)), TODAY)


def test_no_welcome_without_start_date():
    """Without a start date the window can't be judged, so nothing is sent."""
    assert not due_for_welcome(employee(start=None), TODAY)


def test_joined_since_leaves_out_staff_from_before_the_toolkit():
    """With joined_since, staff who started before that day get no welcome mail; those from that day on do."""
    since = date(2025, 1, 1)
    assert not due_for_welcome(employee(start=date(2024, 12, 31)), TODAY, joined_since=since)
    assert due_for_welcome(employee(start=since), TODAY, joined_since=since)


def test_conversation_six_weeks_boundary():
    """No M&O conversation: on time through day 42 after the start, behind from day 43."""
    started = employee(start=date(2025, 1, 6), code_sent_on=date(2024, 12, 23), confirmed_on=date(2024, 12, 24))
    assert behind(started, date(2025, 2, 17)) == []
    reasons = behind(started, date(2025, 2, 18))
    assert len(reasons) == 1
    assert "gesprek" in reasons[0] and "17-02-2025" in reasons[0]
    assert behind(replace(started, conversation_on=date(2025, 2, 20)), date(2025, 3, 1)) == []


def test_conversation_weeks_follow_parameter():
    """A 4-week term makes the missing conversation late after day 28."""
    started = employee(start=date(2025, 1, 6), code_sent_on=date(2025, 1, 1), confirmed_on=date(2025, 1, 2))
    assert behind(started, date(2025, 2, 3), conversation_weeks=4) == []
    assert len(behind(started, date(2025, 2, 4), conversation_weeks=4)) == 1


def test_unconfirmed_receipt_after_14_days():
    """Receipt not confirmed: fine through day 14 after sending, behind from day 15."""
    started = employee(start=date(2025, 1, 1), conversation_on=date(2025, 1, 2), code_sent_on=date(2025, 1, 1))
    assert behind(started, date(2025, 1, 15)) == []
    reasons = behind(started, date(2025, 1, 16))
    assert reasons == ["Ontvangst van de integriteitscode niet bevestigd (verzonden op 01-01-2025)."]
    assert behind(replace(started, confirmed_on=date(2025, 1, 20)), date(2025, 2, 1)) == []


def test_started_without_email_is_behind():
    """A started employee without e-mail and no code sent is behind: the code can't be sent."""
    reasons = behind(employee(email=None, start=TODAY, conversation_on=TODAY), TODAY)
    assert reasons == ["Geen e-mailadres ingevuld: de integriteitscode kan niet worden verstuurd."]


def test_not_behind_before_start_or_after_leaving():
    """Nothing is behind for someone who hasn't started or has left."""
    assert behind(employee(email=None), TODAY) == []
    assert behind(employee(start=date(2024, 1, 1), end=date(2025, 1, 1)), TODAY) == []


@pytest.mark.parametrize(
    ("start", "end", "employed"),
    [
        (None, None, True),  # long-standing staff often have no start date
        (TODAY, None, True),
        (TODAY + timedelta(days=1), None, False),
        (date(2020, 1, 1), TODAY, True),  # last working day still counts
        (date(2020, 1, 1), TODAY - timedelta(days=1), False),
    ],
)
def test_employed_on_day(start, end, employed):
    """Employed from the start date through the last working day; an empty start counts as employed."""
    assert employed_on(employee(start=start, end=end), TODAY) is employed
