"""Exactly-once sending under SIGKILL for every backend; pace, stops, limits and how a batch reports itself.

The backends come from tests/killable_sender.py: `WORLDS` (where mail goes and how it is counted) and
`CHILD_BACKENDS` (the backend for a world). A new backend is one entry in each; every test here then covers it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.killable_sender import WORLDS, World, batch, make_backend, recipient, run_trial
from toolkit.audit import AuditTrail
from toolkit.mail.message import domain_of
from toolkit.mail.sender import Mailer, SendReport
from toolkit.render import progress_bar, text
from toolkit.state import StateStore

KINDS = sorted(WORLDS)
TRIALS = 3  # per backend in `make test`; bench/bench_mail.py runs 20 or more
SENDER = "integriteit@woonpartners.example"


@dataclass
class FakeClock:
    """Time that only moves when the mailer sleeps or the test says so; records every wait."""

    now: float = 1000.0
    waits: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


@dataclass
class Setup:
    world: World
    mailer: Mailer
    state: StateStore
    audit: AuditTrail


@pytest.fixture(params=KINDS)
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Setup]:
    with WORLDS[request.param](tmp_path / "world", 12) as world:
        state = StateStore(tmp_path / "state" / "state.sqlite")
        audit = AuditTrail(tmp_path / "state" / "audit.jsonl", head_store=state)
        backend = make_backend(world.spec(), world.env())
        mailer = Mailer(backend, state, audit, SENDER, "Woonpartners Integriteit", actor="test")
        yield Setup(world, mailer, state, audit)
        state.close()


def actions(audit: AuditTrail) -> list[str]:
    return [event["action"] for event in audit.events()]


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
@pytest.mark.parametrize("kind", KINDS)
def test_sigkill_mid_batch_never_duplicates_or_loses(kind: str, trial: int, tmp_path: Path) -> None:
    """A child SIGKILLed twice inside a send (drawn from the seed): each kill lands mid-batch, the last run re-sends exactly the missing ones."""
    count = 120
    result = run_trial(kind, tmp_path, seed=f"{kind}-{trial}", kills=2, count=count)
    assert len(result.kill_points) == 2 and all(kill.running for kill in result.kill_points), result
    assert {kill.where for kill in result.kill_points} == {"after_send", "before_send"}, result
    delivered = 0
    for kill in result.kill_points:
        # the kill landed exactly where the child paused: some of the batch sent, the rest not
        delivered += kill.after if kill.where == "after_send" else kill.after - 1
        assert kill.delivered_before == delivered, result
        assert 0 < kill.delivered_before < count, result
    assert len(result.undelivered_before_final) == count - delivered
    assert list(result.final_sent) == list(result.undelivered_before_final), result
    # the ledger marks 'sent' per group (toolkit/mail/sender.py), so a kill leaves every message of the group that
    # went out in 'sending': the last run finds each of those at the backend and does not send it again
    assert set(result.final_recovered).isdisjoint(result.undelivered_before_final), result
    if result.kill_points[-1].where == "after_send":
        assert result.final_recovered, result
    assert result.recovered >= sum(kill.where == "after_send" for kill in result.kill_points), result
    assert result.duplicates == 0 and result.missing == 0, result
    assert result.ledger_not_sent == 0, result
    assert result.audit_sent_twice == 0 and result.audit_missing == 0, result
    assert result.audit_intact, result  # killed inside the batch's audit session: chain, keys and anchor still verify
    assert result.final_exit == 0, result


def test_sent_before_the_ledger_commit_is_recovered_once(setup: Setup) -> None:
    """A message the backend accepted before the crash (ledger still 'sending') is found, not resent, and audited."""
    mail = batch(1)[0]
    message_id = mail.message_id(domain_of(SENDER))
    setup.state.mark_sending(mail.key, message_id, mail.purpose)
    setup.mailer.backend.send(
        b"Message-ID: " + message_id.encode() + b"\r\nTo: " + mail.to[0].encode() + b"\r\n\r\nx\r\n",
        message_id,
        list(mail.to),
    )
    report = setup.mailer.send_all([mail])
    assert (report.recovered, report.sent) == ([mail.key], [])
    assert setup.world.sent_copies()[message_id] == 1
    assert setup.world.deliveries()[recipient(0)] == 1
    assert actions(setup.audit) == ["mail.recovered"]
    assert setup.mailer.already_sent(mail.key)


def test_sending_mark_without_a_send_is_sent_once(setup: Setup) -> None:
    """A message marked 'sending' that never reached the backend is sent on the next run, exactly once."""
    mail = batch(1)[0]
    setup.state.mark_sending(mail.key, mail.message_id(domain_of(SENDER)), mail.purpose)
    assert setup.mailer.send_all([mail]).sent == [mail.key]
    assert setup.mailer.send_all([mail]).already_sent == [mail.key]
    assert setup.world.deliveries()[recipient(0)] == 1
    assert actions(setup.audit) == ["mail.sent"]


def test_max_per_minute_spaces_the_sends(setup: Setup) -> None:
    """With 30 per minute, sends start 2 s apart: the first never waits, time spent working counts, skips don't wait."""
    clock = FakeClock()
    setup.mailer.max_per_minute = 30
    setup.mailer.clock, setup.mailer.sleep = clock, clock.sleep
    mails = batch(6)
    setup.mailer.send_all(mails[:1])
    assert clock.waits == []

    def half_a_second_of_work(_steps: int) -> None:
        clock.now += 0.5

    report = setup.mailer.send_all(mails, progress=half_a_second_of_work)
    assert report.already_sent == [mails[0].key] and len(report.sent) == 5
    assert clock.waits == [1.5] * 5  # 0.5 s after the skipped message, then 0.5 s of work after each send


def test_no_limit_never_sleeps(setup: Setup) -> None:
    """max_per_minute = 0 sends without waiting."""
    clock = FakeClock()
    setup.mailer.clock, setup.mailer.sleep = clock, clock.sleep
    assert len(setup.mailer.send_all(batch(4)).sent) == 4
    assert clock.waits == []


def test_limit_spreads_a_mailing_over_runs(setup: Setup) -> None:
    """limit=5 sends 5 new messages per run; three runs finish 12, each recipient once, and say what is left."""
    mails = batch(12)
    first = setup.mailer.send_all(mails, limit=5)
    assert (len(first.sent), first.limit_reached, first.not_attempted, first.ok) == (5, True, 7, True)
    second = setup.mailer.send_all(mails, limit=5)
    assert (len(second.sent), len(second.already_sent), second.not_attempted) == (5, 5, 2)
    third = setup.mailer.send_all(mails, limit=5)
    assert (len(third.sent), third.limit_reached, third.not_attempted) == (2, False, 0)
    assert setup.world.deliveries() == {recipient(i): 1 for i in range(12)}


def test_failures_stop_the_batch_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    """A refusing server (401 on every send) stops the batch after 3 failures; once it accepts, a rerun sends the rest once."""
    with WORLDS["exchange"](tmp_path / "world", 8) as world:
        server = world.server  # type: ignore[attr-defined]
        state = StateStore(tmp_path / "state.sqlite")
        audit = AuditTrail(tmp_path / "audit.jsonl", head_store=state)
        mailer = Mailer(
            make_backend(world.spec(), world.env()), state, audit, SENDER, "W", "test", max_consecutive_failures=3
        )
        mails = batch(8)
        assert mailer.send_all(mails[:2]).sent == [m.key for m in mails[:2]]
        server.faults.push("http_401", count=3, operation="CreateItem")
        stopped = mailer.send_all(mails)
        assert (len(stopped.already_sent), len(stopped.failed), stopped.not_attempted) == (2, 3, 3)
        assert (
            "3 mislukte berichten op rij" in stopped.stopped_early
            and "INTEGRITY_EXCHANGE_PASSWORD" in stopped.stopped_early
        )
        assert not stopped.ok and "opnieuw" in stopped.resume_hint
        resumed = mailer.send_all(mails)
        assert (len(resumed.sent), len(resumed.already_sent), resumed.ok) == (6, 2, True)
        assert world.deliveries() == {recipient(i): 1 for i in range(8)}
        state.close()


def test_report_text_names_the_stop_and_how_to_resume() -> None:
    """A stopped batch's text gives the counts, each failure, the reason and the rerun instruction."""
    report = SendReport(
        total=10, sent=["a", "b"], failed=[("c", "Exchange weigert")], stopped_early="gestopt na 1", not_attempted=7
    )
    lines = text(report)
    assert lines[0].startswith("✗ 2 verstuurd, 0 al eerder verstuurd, 1 mislukt (van 10)")
    assert "    - c: Exchange weigert" in lines
    assert "Gestopt: gestopt na 1." in lines
    assert any(line.startswith("Hervatten: voer dezelfde opdracht opnieuw uit") for line in lines)


def test_report_text_for_a_limited_run_says_the_rest_follows() -> None:
    """A run that reached its limit is not a failure and says how many follow next run."""
    lines = text(SendReport(total=9, sent=["a", "b"], limit_reached=True, not_attempted=7))
    assert lines[0].startswith("✓ 2 verstuurd")
    assert "Limiet van deze run bereikt: 7 berichten volgen bij de volgende run." in lines
    assert not any(line.startswith("Hervatten") for line in lines)


def test_progress_bar_stays_silent_when_stderr_is_not_a_terminal() -> None:
    """Under CliRunner (stderr not a TTY) the progress bar writes nothing but still accepts updates."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        with progress_bar(50) as progress:
            for _ in range(50):
                progress(1)
        assert out.getvalue() == b"" and (err is None or err.getvalue() == b"")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_draws_on_a_terminal() -> None:
    """With stderr on a terminal the bar is drawn there and reaches the total."""
    import subprocess
    import sys

    code = (
        "from toolkit.render import progress_bar\n"
        "with progress_bar(4, 'Versturen') as p:\n"
        "    [p(1) for _ in range(4)]\n"
    )
    leader, follower = os.openpty()
    subprocess.run(
        [sys.executable, "-c", code],
        stderr=follower,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    os.close(follower)
    drawn = os.read(leader, 4096).decode()
    os.close(leader)
    assert "Versturen" in drawn and "4/4" in drawn
