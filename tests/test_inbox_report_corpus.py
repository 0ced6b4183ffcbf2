"""The reports mailbox on a generated corpus (tests/corpus/generate.py) through `integrity reports intake`:
every report becomes a case, no machine mail does, no acknowledgement goes to a machine, the counts add up."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from tests.corpus.generate import machine, reports
from tests.reports_helpers import deliver, make_workspace, outbox, sent_to_reporter, workspace
from toolkit.mailsort.machine import is_machine_address
from toolkit.reports.cases import case_register
from toolkit.reports.intake import ack_undelivered

REPORTS = reports()
MACHINE = machine()


def intake(run_cli, root: Path) -> dict:
    result = run_cli("--config", str(root / "config.toml"), "--as-of", "2026-11-26", "reports", "intake", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.output)


def folder(root: Path, name: str) -> list[Path]:
    return [p for part in ("new", "cur") for p in (root / "mail" / "meldingen" / f".{name}" / part).glob("*")]


def test_corpus_is_big_and_varied_enough() -> None:
    """At least 60 reports and 100 machine messages, of every kind the issue names."""
    assert len(REPORTS) >= 60 and len(MACHINE) >= 100
    names = " ".join(s.name for s in REPORTS)
    for kind in ("report-nl", "report-en", "webform", "forwarded", "attachment-only", "same-id", "delivered-twice"):
        assert kind in names
    reasons = Counter(s.reason for s in MACHINE)
    assert set(reasons) == {"afleverbericht", "automatisch antwoord", "klacht- of misbruikrapport (ARF)",
                            "DMARC-rapport", "TLS-rapport"}  # fmt: skip
    assert reasons["afleverbericht"] >= 50


def test_reports_become_cases_and_machine_mail_does_not(tmp_path: Path, run_cli) -> None:
    """Reports → cases 100 %, machine mail → cases 0, acks to machines 0, counts add up; replies/bounces of acks join."""
    root = make_workspace(tmp_path / "ws", run_cli)
    for sample in [*REPORTS, *MACHINE]:
        deliver(root, sample.raw)
    summary = intake(run_cli, root)

    twice = [s for s in REPORTS if s.same_case_as]
    assert summary["read"] == len(REPORTS) + len(MACHINE)
    assert summary["new_cases"] == len(REPORTS) - len(twice)
    assert summary["already_processed"] == len(twice)
    assert summary["added"] == summary["ack_undelivered"] == summary["waiting"] == 0
    assert summary["not_a_report"] == dict(Counter(s.reason for s in MACHINE))
    parts = ("new_cases", "added", "ack_undelivered", "already_processed", "waiting")
    assert sum(summary[k] for k in parts) + sum(summary["not_a_report"].values()) == summary["read"]
    ws = workspace(root, date(2026, 11, 26))
    assert len(case_register(ws).read()) == len(REPORTS) - len(twice)
    ws.close()
    assert len(folder(root, "Geen melding")) == len(MACHINE)
    assert len(folder(root, "Verwerkt")) == len(REPORTS)

    sent = outbox(root)  # mails to reporters leave only a stub here: their sealed copies are in the case archive
    acks = sorted(
        (m for m in sent_to_reporter(root) if "Ontvangstbevestiging" in str(m["Subject"])),
        key=lambda m: str(m["Subject"]),
    )
    machine_senders = {s.sender.lower() for s in MACHINE}
    assert not [m for m in sent if is_machine_address(str(m["To"])) or str(m["To"]).lower() in machine_senders]
    people = {s.sender for s in REPORTS if s.sender and not s.same_case_as}
    assert {str(m["To"]).strip("<>") for m in acks} == people

    # second night: replies to three acknowledgements, a bounce of one, an out-of-office on one
    first, second, third, fourth, fifth = acks[:5]
    for index, ack in enumerate((first, second, third)):
        deliver(root, _reply_to(ack, f"Aanvulling {index}: het ging om 500 euro.", f"<reply-{index}@thuis.example>"))
    deliver(root, _bounce_of(fourth))
    deliver(root, _out_of_office(fifth))
    again = intake(run_cli, root)
    assert again["read"] == 5 and again["added"] == 3 and again["ack_undelivered"] == 1 and again["new_cases"] == 0
    assert again["not_a_report"] == {"automatisch antwoord": 1}
    case = str(fourth["Subject"]).rsplit(" ", 1)[-1].strip("[]")
    ws = workspace(root, date(2026, 11, 26))
    assert ack_undelivered(ws, case) == "2026-11-26"
    assert len(case_register(ws).read()) == len(REPORTS) - len(twice)
    ws.close()
    assert not [m for m in outbox(root) if is_machine_address(str(m["To"]))]


def _reply_to(ack: EmailMessage, text: str, msgid: str) -> bytes:
    reply = EmailMessage(policy=SMTP)
    reply["From"] = ack["To"]
    reply["To"] = ack["From"]
    reply["Subject"] = "Re: uw bericht"  # the case number removed by the reporter: found by In-Reply-To
    reply["Message-ID"] = msgid
    reply["In-Reply-To"] = ack["Message-ID"]
    reply.set_content(text)
    return reply.as_bytes()


def _bounce_of(ack: EmailMessage) -> bytes:
    """A Postfix DSN returning our acknowledgement: the reporter never got it."""
    failed = str(ack["To"]).strip("<>")
    bounce = EmailMessage(policy=SMTP)
    bounce["From"] = "MAILER-DAEMON@mx.thuis.example (Mail Delivery System)"
    bounce["To"] = ack["From"]
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = "<bounce-of-ack@mx.thuis.example>"
    bounce.set_content(
        f"I'm sorry to have to inform you that your message could not be delivered.\n\n<{failed}>: 550 5.1.1"
    )
    bounce.make_mixed()
    bounce.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    headers = EmailMessage(policy=SMTP)
    headers["Content-Type"] = "text/rfc822-headers"
    headers.set_payload("".join(f"{k}: {v}\n" for k, v in ack.items()))
    bounce.attach(headers)
    return bounce.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _out_of_office(ack: EmailMessage) -> bytes:
    reply = EmailMessage(policy=SMTP)
    reply["From"] = ack["To"]
    reply["To"] = ack["From"]
    reply["Subject"] = f"Automatisch antwoord: {ack['Subject']}"
    reply["Message-ID"] = "<oof-on-ack@thuis.example>"
    reply["In-Reply-To"] = ack["Message-ID"]
    reply["Auto-Submitted"] = "auto-replied"
    reply.set_content("Ik ben afwezig tot 7 december en lees mijn mail daarna.")
    return reply.as_bytes()


def test_the_nightly_job_runs_the_same_intake(tmp_path: Path, run_cli) -> None:
    """`nightly` takes in the reports mailbox with the same outcomes and the same counting line."""
    root = make_workspace(tmp_path / "ws", run_cli)
    report = next(s for s in REPORTS if s.name.startswith("report-nl"))
    dmarc = next(s for s in MACHINE if s.reason == "DMARC-rapport")
    deliver(root, report.raw)
    deliver(root, dmarc.raw)
    result = run_cli("--config", str(root / "config.toml"), "--as-of", "2026-11-26", "nightly")
    assert result.exit_code == 0, result.output
    assert "meldingen binnenhalen: 2 berichten: 1 nieuwe zaak, 0 aanvullingen op een zaak" in result.output
    assert "1 geen melding (1 DMARC-rapport)" in result.output
    assert len(folder(root, "Geen melding")) == 1
