"""Collaborators for the scheduler tests: a small SQLite run log and a clock the test moves by hand."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One recorded run of a job."""

    job: str
    started: datetime
    finished: datetime
    ok: bool
    summary: str


class SqliteRunLog:
    """A real run log in a SQLite file: what the scheduler reads and writes between wake-ups."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS runs (job TEXT, started TEXT, finished TEXT, ok INTEGER, summary TEXT)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def last_success(self, job: str) -> datetime | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT max(started) FROM runs WHERE job = ? AND ok = 1", (job,)).fetchone()
        return None if row[0] is None else datetime.fromisoformat(row[0])

    def record_run(self, job: str, started: datetime, finished: datetime, ok: bool, summary: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?)",
                (job, _stamp(started), _stamp(finished), int(ok), summary),
            )

    def runs(self, job: str) -> list[Run]:
        """Every recorded run of `job`, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT job, started, finished, ok, summary FROM runs WHERE job = ? ORDER BY started", (job,)
            ).fetchall()
        return [Run(r[0], datetime.fromisoformat(r[1]), datetime.fromisoformat(r[2]), bool(r[3]), r[4]) for r in rows]


def _stamp(moment: datetime) -> str:
    """A UTC text stamp that sorts like the moment it stands for."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class FakeClock:
    """An aware UTC clock that only moves when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, step: timedelta) -> None:
        self.now += step
