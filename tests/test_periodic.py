"""Periodic jobs without the scheduler: `integrity nightly` runs what is due (same rules, same run log), first-start grace."""

from __future__ import annotations

import email
import email.policy
import logging
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result

from tests.scheduler_helpers import FakeClock
from toolkit.config import load_config
from toolkit.jobs import JobContext, job_specs
from toolkit.mail.templates import MONTHS_NL
from toolkit.scheduler import JobSpec, Scheduler
from toolkit.state import StateStore

AMS = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An aware Amsterdam datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=AMS)


@pytest.fixture
def runlog(tmp_path: Path) -> Iterator[StateStore]:
    """The production state store, whose job_runs table is the run log."""
    with StateStore(tmp_path / ".integrity" / "state.sqlite") as store:
        yield store


def monthly(name: str, calls: list[str]) -> JobSpec:
    return JobSpec(name=name, period="monthly", at=wall(7), day=1, run=lambda: calls.append(name))


def test_first_start_runs_only_what_is_due_within_the_grace_window_and_logs_the_rest(
    runlog: StateStore, caplog: pytest.LogCaptureFixture
) -> None:
    """A never-run job whose slot is 8 days old is skipped, logged and recorded; one 7 days old runs; the next slot runs."""
    calls: list[str] = []
    yearly = JobSpec(name="yearly", period="yearly", at=wall(7), day=1, month=9, run=lambda: calls.append("yearly"))
    clock = FakeClock(local(2026, 11, 8, 7, 0).astimezone(UTC))  # monthly slot exactly 7 days ago
    grace = timedelta(days=7)
    with caplog.at_level(logging.INFO):
        scheduler = Scheduler([monthly("monthly", calls), yearly], runlog, AMS, clock=clock, first_start_grace=grace)
        assert scheduler.run_pending() == ["monthly"]
    assert calls == ["monthly"] and scheduler.skipped == ["yearly"]
    assert "yearly overgeslagen bij eerste start: gepland op 01-09-2026 07:00" in caplog.text
    assert [run.summary.startswith("overgeslagen") for run in runlog.job_runs("yearly")] == [True]
    clock.now = local(2027, 9, 1, 7, 0).astimezone(UTC)
    assert Scheduler([yearly], runlog, AMS, clock=clock, first_start_grace=grace).run_pending() == ["yearly"]

    other = FakeClock(local(2026, 11, 9, 7, 0, 1).astimezone(UTC))  # 7 days and a second: beyond the window
    fresh: list[str] = []
    late = Scheduler([monthly("late", fresh)], runlog, AMS, clock=other, first_start_grace=grace)
    assert late.run_pending() == [] and fresh == [] and late.skipped == ["late"]


@pytest.mark.parametrize(("days", "said"), [(1, "meer dan 1 dag geleden"), (7, "meer dan 7 dagen geleden")])
def test_the_skip_on_first_start_names_the_grace_in_dutch(
    runlog: StateStore, caplog: pytest.LogCaptureFixture, days: int, said: str
) -> None:
    """`[scheduler] first_start_grace_days` = 1 is logged as "meer dan 1 dag geleden", 7 as "meer dan 7 dagen"."""
    clock = FakeClock(local(2026, 11, 20, 7, 0).astimezone(UTC))  # the monthly slot was 19 days ago
    with caplog.at_level(logging.INFO):
        skipping = Scheduler([monthly("monthly", [])], runlog, AMS, clock=clock, first_start_grace=timedelta(days=days))
        assert skipping.run_pending() == [] and skipping.skipped == ["monthly"]
    assert said in caplog.text, caplog.text


def test_a_job_that_ran_before_catches_up_whatever_the_grace(runlog: StateStore) -> None:
    """Grace is for first start only: a job with runs in the log catches up a 30-day-old slot as before."""
    calls: list[str] = []
    runlog.record_run("monthly", local(2026, 10, 1, 7).astimezone(UTC), local(2026, 10, 1, 7).astimezone(UTC), True, "")
    clock = FakeClock(local(2026, 11, 30, 12, 0).astimezone(UTC))
    scheduler = Scheduler([monthly("monthly", calls)], runlog, AMS, clock=clock, first_start_grace=timedelta(days=7))
    assert scheduler.run_pending() == ["monthly"] and calls == ["monthly"]


# --- the real workspace ---------------------------------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path, run_cli) -> Path:
    root = tmp_path / "ws"
    assert run_cli("--as-of", "2026-11-26", "init", str(root), "--demo").exit_code == 0
    return root


def outbox(root: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def subjects(root: Path) -> Counter[str]:
    return Counter(str(m["Subject"]) for m in outbox(root))


def digest_months(root: Path) -> list[str]:
    """The month of every HR digest in the outbox, one entry per mail."""
    found = [re.search(r"Maandoverzicht integriteit (\w+) (\d{4})", str(m["Subject"])) for m in outbox(root)]
    return sorted(f"{m.group(2)}-{MONTHS_NL.index(m.group(1)) + 1:02d}" for m in found if m)  # "december 2026"


def runs(root: Path) -> list[tuple[str, int, str]]:
    with closing(sqlite3.connect(root / ".integrity" / "state.sqlite")) as db:
        return db.execute("SELECT job, ok, summary FROM job_runs ORDER BY id").fetchall()


def nightly(run_cli, root: Path, day: date) -> Result:
    result = run_cli("--config", str(root / "config.toml"), "--as-of", day.isoformat(), "nightly")
    assert "periodieke taken" in result.output, result.output
    return result


def test_nightly_on_a_workspace_that_never_ran_them_skips_old_slots_then_runs_the_next(ws: Path, run_cli) -> None:
    """First nightly on 1 Dec (02:00): November's digest and September's reminder are skipped, and the output says so
    once (one line, nothing on stderr); 2 Dec sends December's."""
    first = nightly(run_cli, ws, date(2026, 12, 1))
    assert digest_months(ws) == []
    shown = first.output + first.stderr
    assert shown.count("overgeslagen") == 1 and shown.count("integriteit op de agenda (MT)") == 1, shown
    skipped = shown.split("overgeslagen bij eerste start (te lang geleden gepland): ", 1)[1].splitlines()[0]
    assert skipped.split(", ") == [
        "maandoverzicht HR",
        "integriteit op de agenda (teamoverleg)",
        "integriteit op de agenda (MT)",
        "integriteit op de agenda (RvC)",
        "integriteit op de agenda (medewerkersbijeenkomst)",
        "jaarvraag belangen",
    ], skipped
    assert {(job, summary.split(":")[0]) for job, _, summary in runs(ws) if job != "nightly"} == {
        (job, "overgeslagen bij eerste start")
        for job in ("monthly", "yearly-agenda", "yearly-interests", "agenda-team", "agenda-mt", "agenda-rvc")
    }
    nightly(run_cli, ws, date(2026, 12, 2))
    assert digest_months(ws) == ["2026-12"]


def sample_days(first: date, last: date) -> list[date]:
    """The 1st, 2nd and 15th of every month, and the days around the yearly (1 Sep) and biennial (1 Jan) slots."""
    days: set[date] = set()
    day = first
    while day <= last:
        if day.day in (1, 2, 15) or (day.month, day.day) in {(8, 31), (9, 3), (12, 31), (1, 3)}:
            days.add(day)
        day += timedelta(days=1)
    return sorted(days)


AGENDA_SUBJECT = re.compile(r"^Integriteit op de agenda: (MT|RvC|medewerkersbijeenkomst), [^(]+$")
TEAM_SUBJECT = re.compile(r"^Dilemma's bespreken in het teamoverleg \((.+), [^,]+\)$")


def fill_discussed(root: Path, seen: set[str], day: date) -> None:
    """What the secretaries do: for each new first agenda reminder in the outbox, a dated row on Besproken."""
    from openpyxl import load_workbook

    new = [str(m["Subject"]) for m in outbox(root) if str(m["Subject"]) not in seen]
    rows = []
    for subject in new:
        seen.add(subject)
        if match := AGENDA_SUBJECT.match(subject):
            rows.append({"Overleg": match.group(1), "Datum": day})
        elif match := TEAM_SUBJECT.match(subject):
            rows.append({"Overleg": "teamoverleg", "Team": match.group(1), "Datum": day})
    if not rows:
        return
    path = root / "registers" / "dilemmas.xlsx"
    book = load_workbook(path)
    sheet = book["Besproken"]
    headers = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(str(h)) for h in headers])
    book.save(path)


def test_cron_only_nightly_over_two_years_runs_each_periodic_job_once_per_period(ws: Path, run_cli) -> None:
    """nightly alone, 2026-12 to 2028-12: one digest a month, the 2027 round started once, the interests question once
    a year, and every agenda reminder (team per quarter, MT per month, RvC per quarter, staff meeting per year) exactly
    once: no follow-up once filled."""
    days = sample_days(date(2026, 12, 1), date(2028, 12, 31))
    seen: set[str] = set()
    for day in days:
        nightly(run_cli, ws, day)
        fill_discussed(ws, seen, day)
    months = sorted({d.strftime("%Y-%m") for d in days if d >= date(2026, 12, 2)})
    assert digest_months(ws) == months
    sent = subjects(ws)
    agenda = {s: n for s, n in sent.items() if "Integriteit op de agenda" in s or "teamoverleg" in s}
    assert not [s for s in agenda if s.endswith("(nog niet besproken)")]
    assert set(agenda.values()) == {1}
    assert {s for s in agenda if "medewerkersbijeenkomst" in s} == {
        f"Integriteit op de agenda: medewerkersbijeenkomst, {y}" for y in (2027, 2028)
    }
    assert len([s for s in agenda if ": MT," in s]) == len(months)
    assert len([s for s in agenda if ": RvC," in s]) == 8
    teams = {TEAM_SUBJECT.match(s).group(1) for s in agenda if TEAM_SUBJECT.match(s)}  # type: ignore[union-attr]
    assert teams and len([s for s in agenda if TEAM_SUBJECT.match(s)]) == 8 * len(teams)
    rounds = {s: n for s, n in sent.items() if s.startswith("Nieuwe verzendronde")}
    assert rounds == {"Nieuwe verzendronde integriteitscode leveranciers 2027": 1}
    ok = Counter(job for job, good, summary in runs(ws) if good and not summary.startswith("overgeslagen"))
    assert ok["monthly"] == len(months) and ok["yearly-agenda"] == 2 and ok["biennial-suppliers"] == 1
    assert ok["agenda-team"] == 8 and ok["agenda-rvc"] == 8 and ok["agenda-mt"] == len(months)
    assert ok["yearly-interests"] == 2
    asked = interests_questions(ws)
    assert {year for year, _ in asked} == {2027, 2028} and set(asked.values()) == {1}, asked
    for year in (2027, 2028):
        assert {to for y, to in asked if y == year} >= in_service_with_address(ws, date(year, 1, 2))


def test_cron_only_without_dates_sends_one_follow_up_per_open_period(ws: Path, run_cli) -> None:
    """Nobody fills Besproken: the K1 team reminder on 2 Jan is followed by exactly one follow-up (from 22 Jan on)."""
    for day in (date(2027, 1, 2), date(2027, 1, 22), date(2027, 1, 23), date(2027, 2, 15)):
        nightly(run_cli, ws, day)
    team = {s: n for s, n in subjects(ws).items() if "teamoverleg" in s}
    firsts = [s for s in team if not s.endswith("(nog niet besproken)")]
    assert firsts and all(team[f"{s} (nog niet besproken)"] == 1 for s in firsts) and set(team.values()) == {1}


def interests_questions(root: Path) -> Counter[tuple[int, str]]:
    """(year, recipient) of every yearly interests question in the outbox, one entry per mail."""
    found = Counter()
    for message in outbox(root):
        match = re.match(r"Heb je \(nieuwe\) belangen te melden\? (\d{4}) \[BV-", str(message["Subject"]))
        if match:
            found[(int(match.group(1)), str(message["To"]))] += 1
    return found


def in_service_with_address(root: Path, day: date) -> set[str]:
    from toolkit.interests.attest import in_service
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import STAFF

    rows = read_register(root / "registers" / STAFF.filename, STAFF).rows
    return {str(row.get("E-mail")) for row in rows if in_service(row, day) and row.get("E-mail")}


def test_the_scheduler_running_nightly_does_not_run_a_periodic_job_twice(ws: Path) -> None:
    """Scheduler at 1 Feb 08:00: its nightly job leaves January's done digest alone, the monthly job sends February's once."""
    config = load_config(ws / "config.toml")
    with StateStore(ws / ".integrity" / "state.sqlite") as state:
        jan = local(2027, 1, 1, 7).astimezone(UTC)
        for job in ("monthly", "yearly-agenda", "biennial-suppliers", "agenda-team", "agenda-mt", "agenda-rvc"):
            state.record_run(job, jan, jan, True, "seed")
        state.record_run("nightly", local(2027, 1, 31, 2).astimezone(UTC), jan, True, "seed")
        clock = FakeClock(local(2027, 2, 1, 8, 0).astimezone(UTC))
        context = JobContext(config, lambda: clock.now.astimezone(AMS).date(), threading.Event())
        scheduler = Scheduler(job_specs(context), state, AMS, clock=clock, first_start_grace=timedelta(days=7))
        assert scheduler.run_pending() == ["nightly", "monthly", "agenda-mt"]
        clock.now = local(2027, 2, 2, 2, 0).astimezone(UTC)
        assert scheduler.run_pending() == ["nightly"]
        monthly_runs = [r for r in state.job_runs("monthly") if r.summary != "seed"]
    assert len(monthly_runs) == 1
    assert digest_months(ws) == ["2027-02"]
