"""The monthly HR digest and the scheduler as a process: one instance, catch-up at start, admin mail on failure, clean stop."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def ws(tmp_path: Path, run_cli) -> Path:
    root = tmp_path / "ws"
    assert run_cli("--as-of", "2026-11-26", "init", str(root), "--demo").exit_code == 0
    return root


def outbox(root: Path) -> list:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def test_monthly_digest_previews_then_mails_hr_once(ws: Path, run_cli) -> None:
    """monthly shows the digest without sending; --send mails HR once; a rerun the same month sends nothing new."""
    preview = run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-01", "monthly")
    assert (
        preview.exit_code == 0
        and "Maandoverzicht december 2026" in preview.output
        and "monthly --send" in preview.output
    )
    assert outbox(ws) == []
    run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-01", "monthly", "--send")
    run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-12-01", "monthly", "--send")
    mails = [m for m in outbox(ws) if m["To"] == "hr@woonpartners.example"]
    assert len(mails) == 1 and "Maandoverzicht integriteit december 2026" in mails[0]["Subject"]
    assert "Nieuwe medewerkers" in mails[0].get_body(("plain",)).get_content()


def start_scheduler(ws: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [
        sys.executable,
        "-m",
        "toolkit",
        "--config",
        str(ws / "config.toml"),
        "--as-of",
        "2026-12-01",
        "scheduler",
        "--poll",
        "1",
    ]
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def job_runs(ws: Path) -> list[tuple[str, int]]:
    with closing(sqlite3.connect(ws / ".integrity" / "state.sqlite")) as db:
        return db.execute("SELECT job, ok FROM job_runs ORDER BY id").fetchall()


def test_scheduler_catches_up_refuses_a_second_instance_mails_failures_and_stops_cleanly(ws: Path, run_cli) -> None:
    """At start every missed job runs once; a failing nightly mails the admin; a second scheduler is refused; SIGTERM exits 0."""
    config = ws / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("first_year = 2027", "first_year = 2026"), encoding="utf-8"
    )
    with closing(sqlite3.connect(ws / ".integrity" / "state.sqlite")) as db:
        db.execute("INSERT INTO kv (key, value, updated_at) VALUES ('suppliers.cycle.2026.started', '2026-11-01', 'x')")
        db.commit()
    (ws / "registers" / "leveranciers.xlsx").write_bytes(b"kapot")  # makes the supplier steps fail
    process = start_scheduler(ws)
    try:
        assert wait_for(lambda: {"nightly", "monthly"} <= {job for job, _ in job_runs(ws)})
        second = run_cli("--config", str(config), "scheduler", "--poll", "1")
        assert second.exit_code == 7 and "draait al" in second.stderr
        assert wait_for(lambda: any(m["To"] == "ict@woonpartners.example" for m in outbox(ws)))
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    runs = job_runs(ws)
    assert ("nightly", 0) in runs and ("monthly", 1) in runs
    assert [job for job, _ in runs].count("nightly") == 1
    admin = [str(m["Subject"]) for m in outbox(ws) if m["To"] == "ict@woonpartners.example"]
    failed = [job for job, ok in runs if not ok]
    assert len(admin) == len(failed) and any("'nightly'" in subject for subject in admin)
    log = (ws / ".integrity" / "logs" / "integrity.log").read_text(encoding="utf-8")
    assert "Taak nightly mislukt" in log


def test_a_job_failing_under_the_scheduler_mails_and_logs_the_dutch_cause_without_traceback(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The nightly job with an unreadable register, run by the scheduler: the admin's mail and the log name the cause
    and the fix in Dutch; the mail and the console carry no traceback; the log file has it under the cause."""
    import logging
    import threading
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from tests.scheduler_helpers import FakeClock
    from toolkit.config import load_config
    from toolkit.jobs import JobContext, error_mailer, job_specs
    from toolkit.runlock import workspace_lock
    from toolkit.scheduler import Scheduler
    from toolkit.service import setup_log
    from toolkit.state import StateStore

    (ws / "registers" / "leveranciers.xlsx").write_bytes(b"kapot")
    config = load_config(ws / "config.toml")
    context = JobContext(config, lambda: date(2026, 11, 27), threading.Event())
    clock = FakeClock(datetime(2026, 11, 27, 3, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(UTC))
    logger = setup_log(ws / ".integrity" / "logs", 0)
    try:
        with StateStore(config.state_dir / "state.sqlite") as runlog:
            nightly = [spec for spec in job_specs(context) if spec.name == "nightly"]
            scheduler = Scheduler(
                nightly,
                runlog,
                ZoneInfo("Europe/Amsterdam"),
                clock=clock,
                on_error=error_mailer(context),
                logger=logger,
                run_lock=lambda job: workspace_lock(config, f"integrity scheduler ({job})"),
            )
            assert scheduler.run_pending() == ["nightly"]
    finally:
        for handler in list(logging.getLogger("toolkit").handlers):
            logging.getLogger("toolkit").removeHandler(handler)
            handler.close()

    cause = "leveranciers.xlsx is geen leesbaar Excel-bestand"
    admin = [m for m in outbox(ws) if m["To"] == "ict@woonpartners.example"]
    assert len(admin) == 1 and "'nightly' mislukt op 27 november 2026" in str(admin[0]["Subject"])
    body = admin[0].get_body(("plain",)).get_content()
    assert "Mislukte stap: post verwerken" in body and cause in body
    assert "Oplossing: sla het op als Excel-werkmap (.xlsx)" in body
    assert "Traceback" not in body and 'File "' not in body
    console = capsys.readouterr().err
    assert "Taak nightly mislukt: De nachtelijke taak liep" in console and cause in console
    assert "Traceback" not in console
    log = (ws / ".integrity" / "logs" / "integrity.log").read_text(encoding="utf-8")
    failed_at = log.index("Taak nightly mislukt")
    assert cause in log[failed_at:] and log.index("Traceback", failed_at) > log.index(cause, failed_at)


def test_nightly_from_cron_or_task_scheduler_logs_and_mails_the_cause_too(ws: Path, run_cli) -> None:
    """`integrity nightly` (what cron and Windows Task Scheduler run) with an unreadable register: exit 1, the cause and
    fix in integrity.log and in one mail to the admin (none on a rerun the same day), no traceback in that mail."""
    (ws / "registers" / "leveranciers.xlsx").write_bytes(b"kapot")
    args = ("--config", str(ws / "config.toml"), "--as-of", "2026-11-27", "nightly")
    assert run_cli(*args).exit_code == 1
    assert run_cli(*args).exit_code == 1
    admin = [m for m in outbox(ws) if m["To"] == "ict@woonpartners.example"]
    assert len(admin) == 1
    body = admin[0].get_body(("plain",)).get_content()
    assert "leveranciers.xlsx is geen leesbaar Excel-bestand" in body and "Oplossing:" in body
    assert "Traceback" not in body
    log = (ws / ".integrity" / "logs" / "integrity.log").read_text(encoding="utf-8")
    assert "Taak nightly gestart (integrity nightly, datum 27-11-2026)" in log
    assert "Taak nightly mislukt: De nachtelijke taak liep" in log and "leveranciers.xlsx" in log
