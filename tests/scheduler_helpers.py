"""Collaborators for the scheduler tests: a clock the test moves by hand (the run log is the production StateStore)."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    """An aware UTC clock that only moves when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, step: timedelta) -> None:
        self.now += step
