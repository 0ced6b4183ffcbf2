"""The scheduler: which slot each job is due for, runs across DST and month ends, catch-up, failures, stop."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.scheduler_helpers import FakeClock
from toolkit.errors import ConfigError
from toolkit.scheduler import JobSpec, Scheduler, is_due, next_slot, period_start
from toolkit.service import setup_log
from toolkit.state import StateStore

AMS = ZoneInfo("Europe/Amsterdam")
REPO = Path(__file__).resolve().parent.parent


def local(*parts: int) -> datetime:
    """An aware Amsterdam datetime (first occurrence when the wall time happens twice)."""
    return datetime(*parts, tzinfo=AMS)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def noop() -> None:
    return None


def daily(name: str, hour: int, minute: int = 0, run: Callable[[], object] = noop) -> JobSpec:
    return JobSpec(name=name, period="daily", at=wall(hour, minute), run=run)


@pytest.fixture
def runlog(tmp_path: Path) -> Iterator[StateStore]:
    """The production state store, whose job_runs table is the scheduler's run log."""
    with StateStore(tmp_path / ".integrity" / "state.sqlite") as store:
        yield store


@pytest.fixture
def toolkit_log(tmp_path: Path) -> Iterator[Path]:
    """The toolkit's log set up in tmp_path; its handlers are closed afterwards."""
    setup_log(tmp_path / "logs", 0)
    yield tmp_path / "logs" / "integrity.log"
    logger = logging.getLogger("toolkit")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def seed(runlog: StateStore, jobs: list[JobSpec], moment: datetime) -> None:
    """Record a success for every job at `moment`, so only slots after it count."""
    for job in jobs:
        runlog.record_run(job.name, moment, moment, True, "seed")


def walk(scheduler: Scheduler, clock: FakeClock, until: datetime, step: timedelta) -> None:
    """Call run_pending at every step of the fake clock until `until`."""
    while clock.now < until:
        scheduler.run_pending()
        clock.advance(step)


def run_times(runlog: StateStore, job: str) -> list[datetime]:
    """Local start times of the runs of `job`, seeds excluded."""
    return [run.started.astimezone(AMS) for run in runlog.job_runs(job) if run.summary != "seed"]


def walk_jobs(runlog: StateStore, jobs: list[JobSpec], start: datetime, until: datetime, step: timedelta) -> None:
    """Seed the jobs at `start` and step a fake clock from there to `until`."""
    seed(runlog, jobs, start)
    clock = FakeClock(start.astimezone(UTC))
    walk(Scheduler(jobs, runlog, AMS, clock=clock), clock, until.astimezone(UTC), step)


# --- period_start and is_due ---------------------------------------------------------------------------


def test_period_start_is_today_after_the_time_and_yesterday_before_it() -> None:
    """The most recent slot of a 02:00 job is today 02:00 after it and yesterday 02:00 before it."""
    spec = daily("nightly", 2)
    assert period_start(spec, local(2026, 5, 10, 2, 0), AMS) == local(2026, 5, 10, 2, 0)
    assert period_start(spec, local(2026, 5, 10, 14, 0), AMS) == local(2026, 5, 10, 2, 0)
    assert period_start(spec, local(2026, 5, 10, 1, 59), AMS) == local(2026, 5, 9, 2, 0)


def test_period_start_of_a_skipped_wall_time_is_the_end_of_the_gap() -> None:
    """On 29 March 2026 02:30 does not exist: the slot is 03:00 CEST (01:00 UTC)."""
    spec = daily("half-two", 2, 30)
    assert period_start(spec, utc(2026, 3, 29, 1, 30), AMS) == utc(2026, 3, 29, 1, 0)
    assert period_start(spec, utc(2026, 3, 29, 0, 59), AMS) == local(2026, 3, 28, 2, 30)


def test_period_start_of_a_doubled_wall_time_is_its_first_occurrence() -> None:
    """On 25 October 2026 02:30 happens twice: during the second pass the slot is still the first one."""
    spec = daily("half-two", 2, 30)
    second_pass = utc(2026, 10, 25, 1, 15)  # 02:15 CET, after the clock went back
    assert second_pass.astimezone(AMS).utcoffset() == timedelta(hours=1)
    assert period_start(spec, second_pass, AMS) == utc(2026, 10, 25, 0, 30)


def test_monthly_day_31_falls_on_the_last_day_of_february() -> None:
    """A monthly job on day 31 has its February slot on the 28th."""
    spec = JobSpec(name="month-end", period="monthly", at=wall(23, 0), day=31, run=noop)
    assert period_start(spec, local(2026, 3, 15, 12, 0), AMS) == local(2026, 2, 28, 23, 0)


def test_is_due_only_when_last_success_is_before_the_slot() -> None:
    """A job is due for a slot it has not succeeded in since; a never-run job is due at once."""
    spec = daily("nightly", 2)
    now = local(2026, 5, 10, 9, 0)
    assert is_due(spec, None, now, AMS)
    assert is_due(spec, local(2026, 5, 9, 2, 0), now, AMS)
    assert not is_due(spec, local(2026, 5, 10, 2, 0), now, AMS)
    assert not is_due(spec, local(2026, 5, 10, 8, 0), now, AMS)


def test_biennial_job_has_no_slot_before_its_first_year() -> None:
    """A never-run biennial job with first_year 2026 is not due in 2025, and is due from 1 March 2026."""
    spec = JobSpec(name="biennial-suppliers", period="biennial", at=wall(2, 0), month=3, first_year=2026, run=noop)
    assert not is_due(spec, None, local(2025, 12, 31, 12, 0), AMS)
    assert is_due(spec, None, local(2026, 3, 1, 2, 0), AMS)
    assert period_start(spec, local(2027, 12, 31, 12, 0), AMS) == local(2026, 3, 1, 2, 0)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"period": "weekly"}, "onbekende periode"),
        ({"period": "biennial"}, "eerste jaar"),
        ({"period": "monthly", "day": 32}, "dag 32"),
        ({"period": "yearly", "month": 13}, "maand 13"),
        ({"at": wall(2, 0, tzinfo=UTC)}, "zonder tijdzone"),
    ],
)
def test_a_wrong_schedule_is_a_config_error_naming_the_job(changes: dict[str, object], words: str) -> None:
    """An impossible schedule is refused at once, naming the job and the problem."""
    fields: dict[str, object] = {"name": "x-job", "period": "daily", "at": wall(2, 0), "run": noop} | changes
    with pytest.raises(ConfigError, match=words) as caught:
        JobSpec(**fields)  # type: ignore[arg-type]
    assert "x-job" in str(caught.value)


def test_two_jobs_with_one_name_are_refused(runlog: StateStore) -> None:
    """The run log keys on the job name, so two jobs with the same name are a config error."""
    with pytest.raises(ConfigError, match="nightly"):
        Scheduler([daily("nightly", 2), daily("nightly", 3)], runlog, AMS)


# --- exactly once per period --------------------------------------------------------------------------


def test_daily_and_monthly_jobs_run_once_per_period_across_month_ends(runlog: StateStore) -> None:
    """Stepping 5 minutes from 30 Jan to 2 Mar 2026: one nightly run per day, monthly on each 1st and last day."""
    jobs = [
        daily("nightly", 2),
        JobSpec(name="monthly", period="monthly", at=wall(3, 0), run=noop),
        JobSpec(name="month-end", period="monthly", at=wall(23, 30), day=31, run=noop),
    ]
    walk_jobs(runlog, jobs, local(2026, 1, 30, 0, 0), local(2026, 3, 2, 0, 0), timedelta(minutes=5))

    days = [date(2026, 1, 30) + timedelta(days=n) for n in range(31)]
    assert run_times(runlog, "nightly") == [local(d.year, d.month, d.day, 2, 0) for d in days]
    assert run_times(runlog, "monthly") == [local(2026, 2, 1, 3, 0), local(2026, 3, 1, 3, 0)]
    assert run_times(runlog, "month-end") == [local(2026, 1, 31, 23, 30), local(2026, 2, 28, 23, 30)]


def test_jobs_run_once_a_day_around_the_spring_dst_change(runlog: StateStore) -> None:
    """28-31 March 2026: 02:00 and 02:30 don't exist on the 29th, so those jobs run once at 03:00 that day."""
    jobs = [daily("two", 2), daily("half-two", 2, 30), daily("three", 3)]
    walk_jobs(runlog, jobs, local(2026, 3, 28, 0, 0), local(2026, 3, 31, 0, 0), timedelta(minutes=5))

    assert run_times(runlog, "two") == [local(2026, 3, 28, 2, 0), local(2026, 3, 29, 3, 0), local(2026, 3, 30, 2, 0)]
    assert run_times(runlog, "half-two") == [
        local(2026, 3, 28, 2, 30),
        local(2026, 3, 29, 3, 0),
        local(2026, 3, 30, 2, 30),
    ]
    assert run_times(runlog, "three") == [local(2026, 3, 28, 3, 0), local(2026, 3, 29, 3, 0), local(2026, 3, 30, 3, 0)]


def test_jobs_run_once_a_day_around_the_autumn_dst_change(runlog: StateStore) -> None:
    """24-27 October 2026: 02:30 happens twice on the 25th; the job runs once, at the first 02:30 (CEST)."""
    jobs = [daily("two", 2), daily("half-two", 2, 30), daily("three", 3)]
    walk_jobs(runlog, jobs, local(2026, 10, 24, 0, 0), local(2026, 10, 27, 0, 0), timedelta(minutes=5))

    half_two = run_times(runlog, "half-two")
    assert [t.astimezone(UTC) for t in half_two] == [
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]
    assert [t.utcoffset() for t in half_two] == [timedelta(hours=2), timedelta(hours=2), timedelta(hours=1)]
    assert [t.date() for t in run_times(runlog, "two")] == [date(2026, 10, d) for d in (24, 25, 26)]
    assert [t.date() for t in run_times(runlog, "three")] == [date(2026, 10, d) for d in (24, 25, 26)]


def test_yearly_and_biennial_jobs_run_once_per_cycle_over_five_years(runlog: StateStore) -> None:
    """Stepping a day at a time from mid-2025 to mid-2030: yearly every 15 Jan, biennial on 1 Mar 2026/28/30."""
    yearly = JobSpec(name="yearly-agenda", period="yearly", at=wall(2, 0), day=15, run=noop)
    biennial = JobSpec(name="biennial-suppliers", period="biennial", at=wall(2, 0), month=3, first_year=2026, run=noop)
    seed(runlog, [yearly], utc(2025, 6, 1, 12, 0))  # the biennial job has never run
    clock = FakeClock(utc(2025, 6, 1, 12, 0))
    walk(Scheduler([yearly, biennial], runlog, AMS, clock=clock), clock, utc(2030, 6, 1, 0, 0), timedelta(days=1))

    assert [t.date() for t in run_times(runlog, "yearly-agenda")] == [date(y, 1, 15) for y in range(2026, 2031)]
    assert [t.date() for t in run_times(runlog, "biennial-suppliers")] == [date(y, 3, 1) for y in (2026, 2028, 2030)]


# --- catch-up after downtime --------------------------------------------------------------------------


def test_after_three_days_down_each_missed_job_runs_once(runlog: StateStore) -> None:
    """After three nights and two month starts missed, nightly and monthly each run once, then wait again."""
    nightly = daily("nightly", 2)
    monthly = JobSpec(name="monthly", period="monthly", at=wall(3, 0), run=noop)
    runlog.record_run("nightly", local(2026, 4, 6, 2, 0), local(2026, 4, 6, 2, 5), True, "seed")
    runlog.record_run("monthly", local(2026, 2, 1, 3, 0), local(2026, 2, 1, 3, 5), True, "seed")
    clock = FakeClock(local(2026, 4, 9, 10, 0).astimezone(UTC))
    scheduler = Scheduler([nightly, monthly], runlog, AMS, clock=clock)

    assert scheduler.run_pending() == ["nightly", "monthly"]
    assert scheduler.run_pending() == []
    clock.advance(timedelta(hours=15, minutes=59))  # 10 April 01:59
    assert scheduler.run_pending() == []
    clock.advance(timedelta(minutes=1))
    assert scheduler.run_pending() == ["nightly"]
    assert len(run_times(runlog, "nightly")) == 2
    assert len(run_times(runlog, "monthly")) == 1


def test_a_job_that_never_ran_runs_once_at_start(runlog: StateStore) -> None:
    """With an empty run log every job is due once for its most recent slot, then not again."""
    clock = FakeClock(local(2026, 4, 9, 10, 0).astimezone(UTC))
    scheduler = Scheduler([daily("nightly", 2)], runlog, AMS, clock=clock)
    assert scheduler.run_pending() == ["nightly"]
    assert scheduler.run_pending() == []


# --- a failing job ------------------------------------------------------------------------------------


def broken_register() -> None:
    raise ValueError("register kapot")


def test_a_failing_job_is_logged_reported_and_does_not_stop_the_others(
    runlog: StateStore, toolkit_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A raising job: its cause in Dutch on the console and in the log file, the traceback only in the file under it
    and to on_error, recorded as failed; others run; next day again."""
    setup_log(toolkit_log.parent, 0)  # its console handler writes to the stderr capsys captures
    reports: list[tuple[str, BaseException, str]] = []
    clock = FakeClock(local(2026, 6, 1, 2, 0).astimezone(UTC))
    jobs = [daily("broken", 2, run=broken_register), daily("nightly", 2)]
    seed(runlog, jobs, local(2026, 5, 31, 2, 0))
    scheduler = Scheduler(jobs, runlog, AMS, clock=clock, on_error=lambda *report: reports.append(report))

    assert scheduler.run_pending() == ["broken", "nightly"]
    assert scheduler.run_pending() == []  # not retried every poll within the same slot
    clock.advance(timedelta(days=1))
    assert scheduler.run_pending() == ["broken", "nightly"]

    assert [(name, type(exc)) for name, exc, _ in reports] == [("broken", ValueError)] * 2
    assert "in broken_register" in reports[0][2] and "ValueError: register kapot" in reports[0][2]
    text = toolkit_log.read_text(encoding="utf-8")
    cause = "Taak broken mislukt: interne fout in de toolkit (ValueError: register kapot)."
    assert cause in text and "Oplossing:" in text and "Volgende run 02-06-2026 02:00." in text
    assert text.index("Traceback (most recent call last)") > text.index(cause)  # under it
    console = capsys.readouterr().err
    assert cause in console and "Oplossing:" in console and "Traceback" not in console
    summaries = [(r.ok, r.summary.split(" Oplossing:")[0]) for r in runlog.job_runs("broken")][1:]
    assert summaries == [(False, "interne fout in de toolkit (ValueError: register kapot).")] * 2
    assert [r.ok for r in runlog.job_runs("nightly")][1:] == [True, True]


def test_the_default_verbosity_logs_start_next_runs_each_result_and_stop(
    runlog: StateStore, toolkit_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without -v the console (journalctl) and the log file show start, each job's next run, each run with its result
    and next run, and stop; the clock is the test's, and the loop ends because the job sets stop."""
    setup_log(toolkit_log.parent, 0)
    stop = threading.Event()
    clock = FakeClock(local(2026, 12, 1, 9, 0).astimezone(UTC))

    def nightly() -> str:
        stop.set()
        return "14 stappen in orde"

    monthly = JobSpec(name="monthly", period="monthly", at=wall(7), day=1, run=noop)
    yearly = JobSpec(name="yearly", period="biennial", at=wall(7), day=1, month=1, first_year=2027, run=noop)
    seed(runlog, [monthly], local(2026, 12, 1, 7, 0))
    Scheduler([daily("nightly", 2, run=nightly), monthly, yearly], runlog, AMS, clock=clock).run_forever(stop, 0.01)

    expected = [
        "Planner gestart met 3 taken (tijdzone Europe/Amsterdam)",
        "Taak nightly: volgende run nu (gepland 01-12-2026 02:00).",
        "Taak monthly: volgende run 01-01-2027 07:00.",
        "Taak yearly: volgende run 01-01-2027 07:00.",
        "Taak nightly gestart (gepland 01-12-2026 02:00).",
        "Taak nightly klaar: 14 stappen in orde. Volgende run 02-12-2026 02:00.",
        "Planner gestopt.",
    ]
    for shown in (capsys.readouterr().err, toolkit_log.read_text(encoding="utf-8")):
        positions = [shown.find(line) for line in expected]
        assert -1 not in positions and positions == sorted(positions), shown


@pytest.mark.parametrize(
    ("spec", "now", "expected"),
    [
        (daily("n", 2), local(2026, 3, 29, 1, 0), local(2026, 3, 29, 3, 0)),  # 02:00 does not exist that night
        (daily("n", 2), local(2026, 12, 1, 2, 0), local(2026, 12, 2, 2, 0)),  # at the slot: the next one
        (
            JobSpec(name="m", period="monthly", at=wall(7), day=31, run=noop),
            local(2027, 1, 31, 8),
            local(2027, 2, 28, 7),
        ),
        (JobSpec(name="m", period="monthly", at=wall(7), day=1, run=noop), local(2026, 12, 5), local(2027, 1, 1, 7)),
        (JobSpec(name="y", period="yearly", at=wall(7), month=9, run=noop), local(2026, 9, 1, 8), local(2027, 9, 1, 7)),
        (JobSpec(name="q", period="quarterly", at=wall(7), day=2, run=noop), local(2026, 11, 5), local(2027, 1, 2, 7)),
        (
            JobSpec(name="q", period="quarterly", at=wall(7), day=2, run=noop),
            local(2027, 4, 1, 9),
            local(2027, 4, 2, 7),
        ),
        (
            JobSpec(name="b", period="biennial", at=wall(7), month=1, first_year=2027, run=noop),
            local(2027, 1, 1, 8),
            local(2029, 1, 1, 7),
        ),
    ],
)
def test_next_slot_is_the_first_slot_after_now(spec: JobSpec, now: datetime, expected: datetime) -> None:
    """next_slot: the next scheduled moment, across a DST gap, a short month, a quarter, a year and a biennial
    cycle."""
    assert next_slot(spec, now.astimezone(UTC), AMS) == expected.astimezone(UTC)


def test_a_failing_error_report_does_not_stop_the_scheduler(runlog: StateStore, toolkit_log: Path) -> None:
    """When on_error itself raises (e.g. the mail is down), the next job still runs and the fault is logged."""

    def mail_down(name: str, exc: BaseException, trace: str) -> None:
        raise ConnectionError("mailserver onbereikbaar")

    clock = FakeClock(local(2026, 6, 1, 9, 0).astimezone(UTC))
    jobs = [daily("broken", 2, run=broken_register), daily("nightly", 2)]
    scheduler = Scheduler(jobs, runlog, AMS, clock=clock, on_error=mail_down)
    assert scheduler.run_pending() == ["broken", "nightly"]
    assert "mailserver onbereikbaar" in toolkit_log.read_text(encoding="utf-8")


# --- the loop, the log and stopping -------------------------------------------------------------------


def test_run_forever_catches_up_at_start_keeps_polling_and_returns_on_stop(tmp_path: Path) -> None:
    """run_forever runs a due job at once, runs it again when the next slot comes, and returns after stop."""
    clock = FakeClock(local(2026, 6, 1, 9, 0).astimezone(UTC))
    ran = threading.Semaphore(0)
    stop = threading.Event()
    path = tmp_path / ".integrity" / "state.sqlite"

    def planner() -> None:
        with StateStore(path) as store:  # a SQLite connection belongs to the thread that opened it
            Scheduler([daily("nightly", 2, run=ran.release)], store, AMS, clock=clock).run_forever(stop, 0.02)

    loop = threading.Thread(target=planner)
    loop.start()
    try:
        assert ran.acquire(timeout=30)  # the catch-up run at start
        assert not ran.acquire(timeout=0.2)  # polling again on the same day runs nothing
        clock.advance(timedelta(days=1))
        assert ran.acquire(timeout=30)  # the next slot
    finally:
        stop.set()
        loop.join(timeout=30)
    assert not loop.is_alive()
    with StateStore(path) as store:
        assert [run.ok for run in store.job_runs("nightly")] == [True, True]


def test_setup_log_rotates_and_does_not_double_handlers(tmp_path: Path) -> None:
    """The log file rotates past about 1 MB, and setting the log up twice writes each line once."""
    log_dir = tmp_path / "logs"
    try:
        setup_log(log_dir, 0)
        logger = setup_log(log_dir, 1)
        logging.getLogger("toolkit.scheduler").info("een enkele regel")
        assert (log_dir / "integrity.log").read_text(encoding="utf-8").count("een enkele regel") == 1
        for n in range(1200):
            logger.info("regel %d %s", n, "x" * 1000)
        assert (log_dir / "integrity.log.1").exists()
        assert (log_dir / "integrity.log").stat().st_size <= 1_000_000
    finally:
        logger = logging.getLogger("toolkit")
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()


SLOW_JOB_SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from datetime import time as wall
    from pathlib import Path
    from zoneinfo import ZoneInfo
    from toolkit.scheduler import JobSpec, Scheduler
    from toolkit.service import install_signal_handlers, setup_log
    from toolkit.state import StateStore

    work = Path(sys.argv[1])
    poll = float(sys.argv[2])
    stop = threading.Event()

    def job_until_stopped():
        print("gestart", flush=True)
        stop.wait()  # the job is still running when the stop signal arrives, and goes on after it
        (work / "finished").write_text("ja")
        return "klaar"

    def quick_job():
        print("gestart", flush=True)
        return "klaar"

    def signal_from_another_thread():
        # The kernel may hand a signal to any thread; then the main thread's wait is not interrupted. Aim it at
        # this thread once the main thread is blocked in the wait between polls.
        import signal, time
        main = threading.main_thread().ident
        while (frame := sys._current_frames().get(main)) is None or frame.f_code.co_name != "wait":
            time.sleep(0.01)
        time.sleep(0.2)  # from the frame's last line into the blocking lock
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

    def job_then_signal_on_another_thread():
        threading.Thread(target=signal_from_another_thread, daemon=True).start()
        return quick_job()

    install_signal_handlers(stop)
    setup_log(work / "logs", 0)
    body = {"lang": job_until_stopped, "kort": quick_job, "ander": job_then_signal_on_another_thread}[sys.argv[3]]
    job = JobSpec(name="nightly", period="daily", at=wall(2, 0), run=body)
    state = StateStore(work / ".integrity" / "state.sqlite")
    Scheduler([job], state, ZoneInfo("Europe/Amsterdam")).run_forever(stop, poll)
    """
)


def start_scheduler_process(work: Path, poll_seconds: float, job: str) -> subprocess.Popen[str]:
    """A scheduler process whose job prints 'gestart' on stdout when it begins."""
    script = work / "planner.py"
    script.write_text(SLOW_JOB_SCRIPT, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), str(work), str(poll_seconds), job],
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "gestart"  # blocks until the job runs: no polling, no sleep
    return process


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def recorded_runs(work: Path) -> list[tuple[bool, str]]:
    with StateStore(work / ".integrity" / "state.sqlite") as store:
        return [(run.ok, run.summary) for run in store.job_runs("nightly")]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_during_a_job_lets_it_finish_and_exits_0(tmp_path: Path, signum: int) -> None:
    """SIGTERM/SIGINT while a job runs: the job finishes and is recorded, the process exits with code 0."""
    process = start_scheduler_process(tmp_path, 0.1, "lang")
    try:
        assert not (tmp_path / "finished").exists()
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        process.communicate()
    assert (tmp_path / "finished").read_text() == "ja"
    assert recorded_runs(tmp_path) == [(True, "klaar")]
    assert "Planner gestopt" in (tmp_path / "logs" / "integrity.log").read_text(encoding="utf-8")


def test_a_stop_signal_while_idle_ends_the_wait_at_once(tmp_path: Path) -> None:
    """SIGTERM between polls an hour apart ends the process (it would otherwise sleep the hour), with exit code 0."""
    process = start_scheduler_process(tmp_path, 3600, "kort")
    try:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == 0
    finally:
        process.kill()
        process.communicate()
    assert recorded_runs(tmp_path) == [(True, "klaar")]


def test_a_stop_signal_that_reaches_another_thread_still_ends_the_wait(tmp_path: Path) -> None:
    """A SIGTERM handled on another thread does not interrupt the main thread's wait between polls an hour apart;
    the planner still notices it within seconds (it looks at the stop flag at least every STOP_CHECK_SECONDS)."""
    process = start_scheduler_process(tmp_path, 3600, "ander")
    try:
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        process.communicate()
    assert recorded_runs(tmp_path) == [(True, "klaar")]
    assert "Stopsignaal ontvangen" in (tmp_path / "logs" / "integrity.log").read_text(encoding="utf-8")


def test_a_job_waits_while_another_run_holds_the_workspace_lock_and_runs_at_the_next_poll(
    tmp_path: Path, runlog: StateStore
) -> None:
    """A manual run holds the run lock: the due job is not run nor recorded; once released, the next poll runs it."""
    from toolkit.runlock import RunLock

    lock_path = tmp_path / ".integrity" / "run.lock"
    ran: list[str] = []
    clock = FakeClock(local(2026, 6, 1, 9, 0).astimezone(UTC))
    scheduler = Scheduler(
        [daily("nightly", 2, run=lambda: ran.append("nightly"))],
        runlog,
        AMS,
        clock=clock,
        run_lock=lambda job: RunLock(lock_path, wait_seconds=0, command=f"integrity scheduler ({job})"),
    )
    with RunLock(lock_path, command="integrity reports update"):
        assert scheduler.run_pending() == [] and ran == []
        assert runlog.job_runs("nightly") == []
    clock.advance(timedelta(seconds=30))
    assert scheduler.run_pending() == ["nightly"]
    assert ran == ["nightly"] and [run.ok for run in runlog.job_runs("nightly")] == [True]
