"""When each unattended job is due, and the loop that runs it.

The jobs (nightly, monthly, quarterly, yearly, biennial) are due at a local wall-clock time in the configured zone
(Europe/Amsterdam). Whether a job runs is decided here, by `is_due`, from an injectable clock and the run
log, never by the `schedule` library:

- `schedule` only serves as the wake-up timer of `Scheduler.run_forever` (every `poll_seconds`). It counts
  in the machine's naive local time, needs pytz for time zones and deliberately never catches up missed
  runs, so it cannot be trusted with DST or downtime. A due job starts within `poll_seconds` of its slot.
- A *slot* is one scheduled moment (e.g. 2026-03-01 02:00 Europe/Amsterdam). A job is due when its most
  recent slot is at or before now and its last success is before that slot. After downtime, however many
  slots were missed, the job runs once: only the most recent slot counts.
- A job that has never succeeded is due at once for its most recent slot (catch-up on first start); a
  biennial job has no slot before its `first_year`, so it waits for that. With a `first_start_grace`
  (config `[scheduler] first_start_grace_days`), a job that has *no run at all* in the log runs on first
  start only when its most recent slot lies within the grace window; an older slot is skipped, logged and
  recorded in the run log as handled ("overgeslagen"), so last month's digest or September's yearly task
  does not fire on the day the toolkit comes into use. The next slot runs as usual.
- DST: a wall-clock time that does not exist (02:30 on the last Sunday of March) means the first valid
  moment after the gap (03:00); a time that happens twice (02:30 on the last Sunday of October) means the
  first occurrence. Either way the job runs once that day.
- Day 29-31 in a shorter month means the last day of that month.
- A quarterly job is due on `day` of the first month of each quarter (January, April, July, October).
- A job that raises is logged with its cause and fix in Dutch (`failure_cause`; the traceback goes under it in
  the log file only, never on the console or in the admin's mail), recorded as failed and reported through
  `on_error`; the other jobs still run. It is not retried for the same slot by this process (no failure storm
  every poll); the next slot runs it again, and so does a restart of the scheduler.
- What it says at the default verbosity (INFO, so `journalctl -u integrity` shows it): start with the next run
  of every job, each run with its result and the job's next run, first-start skips, and stop.
"""

from __future__ import annotations

import calendar
import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import schedule

from toolkit.errors import ConfigError, ToolkitError
from toolkit.runlock import RunLockBusy
from toolkit.values import counted

PERIODS = ("daily", "monthly", "quarterly", "yearly", "biennial")


@dataclass(frozen=True, kw_only=True)
class JobSpec:
    """One unattended job and when it is due, in local wall-clock time of the configured zone."""

    name: str
    period: str
    at: time
    day: int = 1
    month: int = 1
    first_year: int | None = None
    run: Callable[[], object]

    def __post_init__(self) -> None:
        problem = _spec_problem(self)
        if problem:
            raise ConfigError(
                f"Planner, taak '{self.name}': {problem}",
                hint="Pas de planning van deze taak aan in config.toml.",
            )


def _spec_problem(spec: JobSpec) -> str | None:
    """What is wrong with a job's schedule, or None."""
    if spec.period not in PERIODS:
        return f"onbekende periode '{spec.period}' (kies uit {', '.join(PERIODS)})"
    if spec.at.tzinfo is not None:
        return "het tijdstip moet een kloktijd zonder tijdzone zijn"
    if not 1 <= spec.day <= 31:
        return f"dag {spec.day} bestaat niet (1 t/m 31)"
    if not 1 <= spec.month <= 12:
        return f"maand {spec.month} bestaat niet (1 t/m 12)"
    if spec.period == "biennial" and spec.first_year is None:
        return "een tweejaarlijkse taak heeft een eerste jaar nodig (first_year)"
    return None


class RunLog(Protocol):
    """Where the scheduler reads the last success of a job and records every run (aware UTC datetimes)."""

    def last_success(self, job: str) -> datetime | None: ...

    def job_runs(self, job: str) -> Sequence[object]: ...

    def record_run(self, job: str, started: datetime, finished: datetime, ok: bool, summary: str) -> None: ...


def utc_now() -> datetime:
    """The real clock: an aware UTC datetime."""
    return datetime.now(UTC)


# --- when a job is due ---------------------------------------------------------------------------------


def period_start(spec: JobSpec, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The most recent slot of `spec` at or before `now` (aware, UTC), or None if it has none yet."""
    _require_aware(now, "now")
    for slot_date in _candidate_dates(spec, now.astimezone(zone).date()):
        slot = wall_time_instant(slot_date, spec.at, zone)
        if slot <= now:
            return slot
    return None


def is_due(spec: JobSpec, last_success: datetime | None, now: datetime, zone: ZoneInfo) -> bool:
    """True when the most recent slot is at or before `now` and the last success came before it."""
    slot = period_start(spec, now, zone)
    if slot is None:
        return False
    if last_success is None:
        return True
    _require_aware(last_success, "last_success")
    return last_success < slot


def next_slot(spec: JobSpec, now: datetime, zone: ZoneInfo) -> datetime:
    """The first slot of `spec` after `now` (aware, UTC): when the job will next be due."""
    _require_aware(now, "now")
    today = now.astimezone(zone).date()
    for slot_date in _upcoming_dates(spec, today):
        slot = wall_time_instant(slot_date, spec.at, zone)
        if slot > now:
            return slot
    raise AssertionError(f"no slot after {now} for {spec.name}")  # _upcoming_dates always reaches past now


def _upcoming_dates(spec: JobSpec, today: date) -> Iterator[date]:
    """Slot dates from the current period on, earliest first (enough of them to pass any moment of `today`)."""
    if spec.period == "daily":
        yield from (today + timedelta(days=n) for n in range(3))
    elif spec.period == "monthly":
        for n in range(3):
            year, month = divmod(today.month - 1 + n, 12)
            yield _clamped_date(today.year + year, month + 1, spec.day)
    elif spec.period == "quarterly":
        first = (today.month - 1) // 3 * 3  # the quarter's first month, counted from 0
        for n in range(3):
            year, month = divmod(first + 3 * n, 12)
            yield _clamped_date(today.year + year, month + 1, spec.day)
    else:
        step = 2 if spec.period == "biennial" else 1
        first = spec.first_year if spec.first_year is not None else today.year
        year = max(first, today.year - (today.year - first) % step)
        yield from (_clamped_date(year + n * step, spec.month, spec.day) for n in range(3))


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as people read it: dd-mm-jjjj uu:mm in the configured zone."""
    return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M")


def failure_cause(exc: BaseException) -> str:
    """Why a job failed, in Dutch with the fix: the message of a ToolkitError (and its 'Oplossing'), a disk fault
    as one sentence naming the file, and for a bug in the toolkit what it was and where its details are."""
    if isinstance(exc, ToolkitError):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:
        from toolkit.files import resource_error

        return str(resource_error(Path(str(exc.filename)), exc))
    return (
        f"interne fout in de toolkit ({type(exc).__name__}: {exc}).\n  Oplossing: dit is geen fout in de invoer; "
        "de volledige foutmelding (traceback) staat in het logbestand. Draai de taak opnieuw met 'integrity "
        "--debug nightly' of meld het aan wie de toolkit onderhoudt, met dat logbestand."
    )


def wall_time_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time: first occurrence if doubled, end of the gap if skipped."""
    local = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    return _gap_end(local, zone)


def _gap_end(local: datetime, zone: ZoneInfo) -> datetime:
    """The instant a DST gap that swallows `local` ends (the clock jumps forward there)."""
    before = local.replace(fold=1).astimezone(UTC)  # read with the later offset: lies before the jump
    after = local.replace(fold=0).astimezone(UTC)  # read with the earlier offset: lies after the jump
    offset_after = after.astimezone(zone).utcoffset()
    while after - before > timedelta(microseconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after


def _candidate_dates(spec: JobSpec, today: date) -> Iterator[date]:
    """The slot date of the current period and of the one before it, latest first."""
    if spec.period == "daily":
        yield today
        yield today - timedelta(days=1)
    elif spec.period == "monthly":
        previous = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        yield _clamped_date(today.year, today.month, spec.day)
        yield _clamped_date(*previous, spec.day)
    elif spec.period == "quarterly":
        first_month = today.month - (today.month - 1) % 3
        before = (today.year, first_month - 3) if first_month > 1 else (today.year - 1, 10)
        yield _clamped_date(today.year, first_month, spec.day)
        yield _clamped_date(*before, spec.day)
    else:
        yield from _yearly_dates(spec, today.year)


def _yearly_dates(spec: JobSpec, year: int) -> Iterator[date]:
    """Slot dates of a yearly or biennial job in `year` or before, latest first (two at most)."""
    step = 2 if spec.period == "biennial" else 1
    first = spec.first_year if spec.first_year is not None else year - step
    latest = year - (year - first) % step
    for cycle_year in (latest, latest - step):
        if cycle_year >= first:
            yield _clamped_date(cycle_year, spec.month, spec.day)


def _clamped_date(year: int, month: int, day: int) -> date:
    """The date, with a day past the month's end moved to its last day (31 February → 28/29 February)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")


# --- running the jobs ----------------------------------------------------------------------------------

ErrorReporter = Callable[[str, BaseException, str], None]


class Scheduler:
    """Runs every due job once per slot, records each run, and keeps going when a job fails."""

    def __init__(
        self,
        jobs: Iterable[JobSpec],
        runlog: RunLog,
        zone: ZoneInfo,
        clock: Callable[[], datetime] = utc_now,
        on_error: ErrorReporter | None = None,
        logger: logging.Logger | None = None,
        run_lock: Callable[[str], AbstractContextManager[object]] | None = None,
        first_start_grace: timedelta | None = None,
    ) -> None:
        self.jobs = tuple(jobs)
        names = [job.name for job in self.jobs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ConfigError(f"Planner: taak {', '.join(duplicates)} staat meer dan eens in de planning.")
        self._runlog = runlog
        self._zone = zone
        self._clock = clock
        self._on_error = on_error
        self._log = logger or logging.getLogger(__name__)
        self._run_lock = run_lock
        self._attempted: dict[str, datetime] = {}
        self._grace = first_start_grace
        self.skipped: list[str] = []  # names skipped on first start (slot outside the grace window)

    def due_slot(self, spec: JobSpec) -> datetime | None:
        """The slot `spec` is due for now, or None when it is not due."""
        slot = period_start(spec, self._clock(), self._zone)
        if slot is None:
            return None
        attempted = self._attempted.get(spec.name)
        if attempted is not None and attempted >= slot:
            return None
        last = self._runlog.last_success(spec.name)
        return slot if last is None or last < slot else None

    def run_pending(self, stop: threading.Event | None = None) -> list[str]:
        """Run each due job once, in order; stop early between jobs when `stop` is set. Returns names run."""
        ran: list[str] = []
        for spec in self.jobs:
            if stop is not None and stop.is_set():
                break
            slot = self.due_slot(spec)
            if slot is None:
                continue
            if self._beyond_first_start_grace(spec, slot):
                self._skip_first_start(spec, slot)
            elif self._run_one(spec, slot):
                ran.append(spec.name)
        return ran

    def _beyond_first_start_grace(self, spec: JobSpec, slot: datetime) -> bool:
        """True when `spec` never ran at all and its due slot is older than the first-start grace window."""
        if self._grace is None or self._clock() - slot <= self._grace:
            return False
        return not self._runlog.job_runs(spec.name)

    def _skip_first_start(self, spec: JobSpec, slot: datetime) -> None:
        """Record the old slot as handled without running it, and say so in the log (once)."""
        planned = local_text(slot, self._zone)
        days = self._grace.days if self._grace is not None else 0
        summary = (
            f"overgeslagen bij eerste start: gepland op {planned}, meer dan {counted(days, 'dag', 'dagen')} geleden"
        )
        self._log.info("Taak %s %s. %s", spec.name, summary, self._next_text(spec))
        self._attempted[spec.name] = slot
        self.skipped.append(spec.name)
        now = self._clock()
        self._record(spec.name, now, True, summary)

    def _next_at(self, spec: JobSpec) -> str:
        return local_text(next_slot(spec, self._clock(), self._zone), self._zone)

    def _next_text(self, spec: JobSpec) -> str:
        """'Volgende run dd-mm-jjjj uu:mm.' for the log."""
        return f"Volgende run {self._next_at(spec)}."

    def log_plan(self) -> None:
        """One log line per job: when it runs next ('nu' when it is due now)."""
        for spec in self.jobs:
            slot = self.due_slot(spec)
            when = f"nu (gepland {local_text(slot, self._zone)})" if slot is not None else self._next_at(spec)
            self._log.info("Taak %s: volgende run %s.", spec.name, when)

    def run_forever(self, stop: threading.Event, poll_seconds: float = 30) -> None:
        """Run due jobs now and then every `poll_seconds`, until `stop` is set (a running job finishes first)."""
        timer = schedule.Scheduler()
        timer.every(poll_seconds).seconds.do(self._tick, stop)  # type: ignore[arg-type]  # schedule takes float seconds
        self._log.info(
            "Planner gestart met %d taken (tijdzone %s); controle elke %s s.", len(self.jobs), self._zone, poll_seconds
        )
        self.log_plan()
        self._tick(stop)
        while not stop.wait(_wait_seconds(timer, poll_seconds)):
            idle = timer.idle_seconds
            if idle is None or idle > poll_seconds:
                timer.run_all()  # the machine's wall clock went back (e.g. end of DST): don't sleep an hour
            else:
                timer.run_pending()
        self._log.info("Planner gestopt.")

    def _tick(self, stop: threading.Event) -> None:
        """One wake-up: run what is due; a fault outside a job (e.g. the run log) is logged, not fatal."""
        try:
            self.run_pending(stop)
        except Exception:
            self._log.exception("Planner: fout buiten een taak; volgende poging bij de volgende controle.")

    def _run_one(self, spec: JobSpec, slot: datetime) -> bool:
        """Run one job under the workspace's run lock; when another run holds it, False: try at the next poll."""
        lock = self._run_lock(spec.name) if self._run_lock is not None else nullcontext()
        try:
            lock.__enter__()
        except RunLockBusy as busy:
            self._log.warning("Taak %s wacht: %s", spec.name, busy.message)
            return False
        except ToolkitError as exc:  # e.g. state or audit trail missing or read-only: the job can't start
            self._attempted[spec.name] = slot
            self._fail(spec, self._clock(), exc, str(exc))
            return True
        try:
            self._run_locked(spec, slot)
        finally:
            lock.__exit__(None, None, None)
        return True

    def _run_locked(self, spec: JobSpec, slot: datetime) -> None:
        self._attempted[spec.name] = slot
        started = self._clock()
        self._log.info("Taak %s gestart (gepland %s).", spec.name, local_text(slot, self._zone))
        try:
            result = spec.run()
        except Exception as exc:
            self._fail(spec, started, exc, traceback.format_exc())
            return
        summary = "" if result is None else str(result)
        self._log.info("Taak %s klaar%s. %s", spec.name, f": {summary}" if summary else "", self._next_text(spec))
        self._record(spec.name, started, True, summary)

    def _fail(self, spec: JobSpec, started: datetime, exc: BaseException, trace: str) -> None:
        """Log the Dutch cause and fix (the traceback under it, in the log file only), record it, tell the admin."""
        cause = failure_cause(exc)
        self._log.error("Taak %s mislukt: %s\n%s", spec.name, cause, self._next_text(spec), exc_info=exc)
        self._record(spec.name, started, False, " ".join(cause.split())[:500])  # the run log: one line
        self._report(spec.name, exc, trace)

    def _record(self, name: str, started: datetime, ok: bool, summary: str) -> None:
        try:
            self._runlog.record_run(name, started, self._clock(), ok, summary)
        except Exception:
            self._log.exception("Planner: run van taak %s kon niet in het runlogboek worden vastgelegd.", name)

    def _report(self, name: str, exc: BaseException, trace: str) -> None:
        if self._on_error is None:
            return
        try:
            self._on_error(name, exc, trace)
        except Exception:
            self._log.exception("Planner: de foutmelding over taak %s kon niet worden verstuurd.", name)


# A stop signal that lands just before the wait blocks (or on another thread) does not interrupt it: CPython runs
# the Python handler only when the main thread runs again. Waking this often bounds how late a stop is noticed.
STOP_CHECK_SECONDS = 1.0


def _wait_seconds(timer: schedule.Scheduler, poll_seconds: float) -> float:
    """How long to sleep until the timer's next wake-up: never longer than one poll interval, nor than
    `STOP_CHECK_SECONDS` (the timer runs nothing before it is due, so an early wake-up only looks at `stop`)."""
    idle = timer.idle_seconds
    if idle is None:
        return min(poll_seconds, STOP_CHECK_SECONDS)
    return min(max(idle, 0.01), poll_seconds, STOP_CHECK_SECONDS)
