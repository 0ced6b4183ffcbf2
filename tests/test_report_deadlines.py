"""Legal deadlines for integrity reports (Wet bescherming klokkenluiders): 7 days, 3 months, reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from toolkit.reports.deadlines import (
    ACKNOWLEDGEMENT,
    FEEDBACK,
    PROGRESS,
    acknowledgement_due,
    add_months,
    deadline_states,
    feedback_due,
    feedback_due_for,
    progress_due,
    reminders_due,
)


def _state(states, kind):
    matches = [s for s in states if s.kind == kind]
    assert len(matches) == 1, states
    return matches[0]


def test_acknowledgement_day_7_is_on_time():
    """Receipt acknowledged on day 7 is on time: the deadline is the 7th day after receipt, not overdue then."""
    received = date(2025, 3, 3)
    assert acknowledgement_due(received) == date(2025, 3, 10)
    state = _state(deadline_states(received, None, None, None, date(2025, 3, 10)), ACKNOWLEDGEMENT)
    assert state.days_left == 0
    assert not state.overdue


def test_acknowledgement_day_8_is_late():
    """On day 8 without acknowledgement the acknowledgement deadline is overdue by one day."""
    state = _state(deadline_states(date(2025, 3, 3), None, None, None, date(2025, 3, 11)), ACKNOWLEDGEMENT)
    assert state.overdue
    assert state.days_left == -1


@pytest.mark.parametrize(
    ("acknowledged", "expected"),
    [
        (date(2025, 1, 31), date(2025, 4, 30)),  # April has 30 days
        (date(2025, 11, 30), date(2026, 2, 28)),  # over the year end, into a short February
        (date(2023, 11, 30), date(2024, 2, 29)),  # leap year
        (date(2025, 10, 31), date(2026, 1, 31)),  # over the year end, same day exists
        (date(2025, 3, 15), date(2025, 6, 15)),  # ordinary mid-month date
        (date(2025, 12, 1), date(2026, 3, 1)),
    ],
)
def test_feedback_due_is_three_calendar_months_end_of_month_safe(acknowledged, expected):
    """Feedback is due 3 calendar months after acknowledgement, clamped to the month's last day."""
    assert feedback_due(acknowledged) == expected


def test_add_months_clamps_each_step_from_the_original_day():
    """Adding 1 and 2 months to 31 January gives 29 February (leap year) and 31 March, not 29 March."""
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 2) == date(2024, 3, 31)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_feedback_deadline_without_acknowledgement_counts_from_end_of_seven_days():
    """Without an acknowledgement, feedback is due 3 months after the 7-day period (received 24 Jan -> 30 Apr)."""
    assert feedback_due_for(date(2025, 1, 24), None) == date(2025, 4, 30)
    state = _state(deadline_states(date(2025, 1, 24), None, None, None, date(2025, 2, 1)), FEEDBACK)
    assert state.due == date(2025, 4, 30)


def test_feedback_deadline_is_on_time_on_due_day_and_late_the_day_after():
    """Feedback on the due day itself is on time; the next day it is overdue."""
    on_due = _state(deadline_states(date(2025, 1, 27), date(2025, 1, 31), None, None, date(2025, 4, 30)), FEEDBACK)
    after = _state(deadline_states(date(2025, 1, 27), date(2025, 1, 31), None, None, date(2025, 5, 1)), FEEDBACK)
    assert (on_due.overdue, after.overdue) == (False, True)


def test_acknowledged_report_only_has_the_feedback_deadline():
    """Once acknowledged, only the feedback deadline remains open."""
    states = deadline_states(date(2025, 3, 3), date(2025, 3, 5), None, None, date(2025, 3, 6))
    assert [s.kind for s in states] == [FEEDBACK]
    assert states[0].due == date(2025, 6, 5)


def test_feedback_given_leaves_only_the_next_progress_update_and_closing_leaves_nothing():
    """After substantive feedback only the next progress update is open (never overdue); a closed case has none."""
    states = deadline_states(date(2025, 3, 3), date(2025, 3, 5), date(2025, 4, 1), None, date(2025, 8, 1))
    assert [(s.kind, s.due, s.overdue) for s in states] == [(PROGRESS, date(2025, 8, 5), False)]
    assert deadline_states(date(2025, 3, 3), None, None, date(2025, 3, 4), date(2025, 8, 1)) == []
    assert (
        deadline_states(date(2025, 3, 3), date(2025, 3, 5), date(2025, 4, 1), date(2025, 5, 1), date(2025, 8, 1)) == []
    )


def test_progress_reminders_every_six_weeks_after_feedback_until_closed():
    """Progress reminders come 6, 12, 18 weeks after the feedback, once each, and stop when the case is closed."""
    received, acknowledged, feedback = date(2026, 11, 26), date(2026, 11, 27), date(2027, 1, 15)
    sent: list[tuple[str, date]] = []
    for offset in range(0, 140):
        today = feedback + timedelta(days=offset)
        closed = date(2027, 5, 1) if today >= date(2027, 5, 1) else None
        for reminder in reminders_due("M-1", received, acknowledged, feedback, closed, today):
            if reminder.key not in [key for key, _ in sent]:
                sent.append((reminder.key, today))
    assert [r.split(":")[1] for r, _ in sent] == [PROGRESS, PROGRESS]
    assert [day for _, day in sent] == [feedback + timedelta(weeks=6), feedback + timedelta(weeks=12)]


def test_progress_weeks_is_configurable():
    """With progress_weeks=2 the first progress reminder comes 14 days after the feedback, not 13."""
    feedback = date(2027, 1, 15)
    args = ("M-1", date(2026, 11, 26), date(2026, 11, 27), feedback, None)
    assert reminders_due(*args, feedback + timedelta(days=13), progress_weeks=2) == []
    assert [r.kind for r in reminders_due(*args, feedback + timedelta(days=14), progress_weeks=2)] == [PROGRESS]
    assert progress_due(feedback, None, feedback + timedelta(days=14), 2) == (1, feedback + timedelta(days=14))
    assert progress_due(feedback, None, feedback + timedelta(days=15), 2) == (2, feedback + timedelta(days=28))


def test_status_only_leaves_the_feedback_deadline_open():
    """Without recorded feedback (a status change records none) the 3-month feedback deadline stays open and turns late."""
    received, acknowledged = date(2026, 11, 30), date(2026, 11, 30)
    day10 = deadline_states(received, acknowledged, None, None, date(2026, 12, 10))
    assert _state(day10, FEEDBACK).due == date(2027, 2, 28)
    after = deadline_states(received, acknowledged, None, None, date(2027, 3, 1))
    assert _state(after, FEEDBACK).overdue


@pytest.mark.parametrize(
    ("days_before", "remind"), [(15, False), (14, True), (13, False), (4, False), (3, True), (2, False)]
)
def test_state_remind_flag_exactly_14_and_3_days_before(days_before, remind):
    """The state's remind flag is set exactly 14 and 3 days before the deadline, not on neighbouring days."""
    acknowledged = date(2025, 3, 5)
    today = date(2025, 6, 5) - timedelta(days=days_before)
    state = _state(deadline_states(date(2025, 3, 3), acknowledged, None, None, today), FEEDBACK)
    assert state.remind is remind


def test_reminders_for_feedback_stages_and_stable_keys():
    """Feedback reminders: none before 14 days, then 14-day, 3-day and overdue stages, each with its own key."""
    received, acknowledged, due = date(2025, 3, 3), date(2025, 3, 5), date(2025, 6, 5)

    def on(day):
        return [r for r in reminders_due("M-2025-007", received, acknowledged, None, None, day) if r.kind == FEEDBACK]

    assert on(due - timedelta(days=15)) == []
    first = on(due - timedelta(days=14))
    next_day = on(due - timedelta(days=13))
    assert [r.stage for r in first] == ["14-dagen"]
    assert first[0].key == next_day[0].key  # same reminder on a later run: caller skips the key it sent
    three = on(due - timedelta(days=3))
    late = on(due + timedelta(days=1))
    assert [r.stage for r in three] == ["3-dagen"]
    assert [r.stage for r in late] == ["verlopen"]
    assert len({first[0].key, three[0].key, late[0].key}) == 3
    assert "05-06-2025" in three[0].text and "M-2025-007" in three[0].text


def test_acknowledgement_has_no_14_day_reminder_but_a_3_day_one():
    """The 7-day acknowledgement gets a reminder 3 days before (day 4), none on the day of receipt."""
    received = date(2025, 3, 3)
    ack = [r for r in reminders_due("M-1", received, None, None, None, received) if r.kind == ACKNOWLEDGEMENT]
    assert ack == []
    day3 = [r for r in reminders_due("M-1", received, None, None, None, date(2025, 3, 6)) if r.kind == ACKNOWLEDGEMENT]
    day4 = [r for r in reminders_due("M-1", received, None, None, None, date(2025, 3, 7)) if r.kind == ACKNOWLEDGEMENT]
    assert day3 == []
    assert [r.stage for r in day4] == ["3-dagen"]


def _run_nightly(received: date, days: range, step: int) -> list[str]:
    sent: list[str] = []
    for offset in days[::step]:
        for reminder in reminders_due("M-9", received, None, None, None, received + timedelta(days=offset)):
            if reminder.key not in sent:
                sent.append(reminder.key)
    return sent


@pytest.mark.parametrize("step", [1, 2, 5])
def test_each_reminder_is_sent_once_even_when_runs_skip_days(step):
    """A nightly run keeping sent keys sends each stage at most once, also when it misses days."""
    sent = _run_nightly(date(2025, 1, 6), range(0, 130), step)
    assert len(sent) == len(set(sent))
    stages = [key.split(":")[1:3] for key in sent]
    assert [ACKNOWLEDGEMENT, "verlopen"] in stages
    assert [FEEDBACK, "verlopen"] in stages
    if step == 1:  # a run every day sees every stage
        assert stages == [
            [ACKNOWLEDGEMENT, "3-dagen"],
            [ACKNOWLEDGEMENT, "verlopen"],
            [FEEDBACK, "14-dagen"],
            [FEEDBACK, "3-dagen"],
            [FEEDBACK, "verlopen"],
        ]
