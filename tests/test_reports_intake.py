"""Intake of integrity reports from the reports mailbox: cases, sealed archive, acknowledgement, idempotency, keys."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.reports_helpers import (
    OFFICER,
    PASSPHRASE,
    REPORTER_ADDRESS,
    REPORTER_NAME,
    body_text,
    deliver,
    key_file,
    make_workspace,
    outbox,
    report_mail,
    sent_to_reporter,
    staff_types,
    to_reporter,
    waiting,
    workspace,
)
from toolkit.keys import PrivateKey, load_private_key
from toolkit.reports.cases import case_archive, case_register
from toolkit.reports.schema import NEW_SUBJECT


@pytest.fixture(autouse=True)
def no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Intake runs with no secret at all: no password, no passphrase, no keyring."""
    for name in ("INTEGRITY_REPORTS_PASSWORD", "INTEGRITY_IDENTITY_PASSWORD", "INTEGRITY_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def officer() -> PrivateKey:
    return load_private_key(key_file(OFFICER), PASSPHRASE)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    return make_workspace(tmp_path / "ws", run_cli, max_attachment_mb=1)


def nightly(run_cli, root: Path, as_of: str = "2026-11-26"):
    return run_cli("--config", str(root / "config.toml"), "--as-of", as_of, "nightly")


def cases(root: Path, today: date = date(2026, 11, 26)) -> dict:
    ws = workspace(root, today)
    try:
        return case_register(ws).read()
    finally:
        ws.close()


def test_plain_text_report_opens_a_case_and_is_acknowledged(root: Path, run_cli) -> None:
    """A plain report opens M-2026-0001 with pseudonym and neutral subject, is acknowledged, recorded and moved."""
    deliver(root, report_mail("Melding over Karel", "Karel neemt cadeaubonnen aan van een aannemer."))
    result = nightly(run_cli, root)
    assert result.exit_code == 0, result.output
    row = cases(root)["M-2026-0001"]
    assert row["Kanaal"] == "e-mail" and row["Onderwerp"] == NEW_SUBJECT and row["Status"] == "ontvangen"
    assert row["Melder"].startswith("R-") and len(row["Melder"]) == 6
    assert row["Ontvangen op"] == date(2026, 11, 26)
    assert row["Ontvangst bevestigd op"] == date(2026, 11, 26)
    assert row["Terugkoppeling uiterlijk"] == date(2027, 2, 26)
    ack = sent_to_reporter(root)
    assert len(ack) == 1 and to_reporter(ack[0]) and "M-2026-0001" in ack[0]["Subject"]
    stubs = [m for m in outbox(root) if m["Message-ID"] == ack[0]["Message-ID"]]
    assert len(stubs) == 1 and stubs[0]["To"] is None and REPORTER_ADDRESS not in body_text(stubs[0])
    text = body_text(ack[0])
    assert "vertrouwenspersoon" in text and "Meldpunt Integriteit Woningcorporaties" in text
    assert "26 februari 2027" in text
    assert waiting(root) == []


def test_html_only_report_keeps_its_text(root: Path, run_cli) -> None:
    """An HTML-only report opens a case and its text (without markup) is in the sealed archive."""
    deliver(root, report_mail("Melding", None, html="<p>Er worden <b>offertes</b> vervalst.</p>"))
    assert nightly(run_cli, root).exit_code == 0
    ws = workspace(root, date(2026, 11, 26))
    archive = case_archive(ws)
    entry = archive.log("M-2026-0001", officer())[0]
    text_file = next(f for f in entry.files if f.role == "tekst")
    assert "offertes worden vervalst" in archive.read("M-2026-0001", text_file.stored_as, officer()).decode().replace(
        "Er worden offertes", "offertes worden"
    )
    ws.close()


def test_attachments_are_sanitised_sealed_and_limited(root: Path, run_cli) -> None:
    """../../evil.sh is stored inside the case under a neutral name; one over the limit is kept out, the case opens."""
    evil = b"#!/bin/sh\nrm -rf /\n"
    big = b"x" * (1024 * 1024 + 10)
    deliver(
        root,
        report_mail(
            "Melding", "Zie bijlagen.", attachments=(("../../evil.sh", evil), ("CON.txt", b"a"), ("groot.bin", big))
        ),
    )
    assert nightly(run_cli, root).exit_code == 0
    ws = workspace(root, date(2026, 11, 26))
    archive = case_archive(ws)
    files = {f.name: f for f in archive.log("M-2026-0001", officer())[0].files if f.role == "bijlage"}
    assert set(files) == {"evil.sh", "_CON.txt", "groot.bin"}
    assert files["evil.sh"].sha256 == hashlib.sha256(evil).hexdigest()
    assert archive.read("M-2026-0001", files["evil.sh"].stored_as, officer()) == evil
    assert files["groot.bin"].stored_as == "" and "niet bewaard" in files["groot.bin"].note
    assert files["groot.bin"].sha256 == hashlib.sha256(big).hexdigest()
    assert not list(root.rglob("evil.sh")) and not (root.parent / "evil.sh").exists()
    stored = (archive.folder("M-2026-0001") / files["evil.sh"].stored_as).read_bytes()
    assert b"rm -rf" not in stored  # sealed at rest
    ws.close()


def test_non_utf8_report_is_read_correctly(root: Path, run_cli) -> None:
    """A report in ISO-8859-1 keeps its accents in the archived text."""
    deliver(root, report_mail("Melding", "Één collega krijgt vaak privé-cadeaus.", charset="iso-8859-1"))
    assert nightly(run_cli, root).exit_code == 0
    key = str(key_file(OFFICER))
    show = ("--config", str(root / "config.toml"), "reports", "show", "M-2026-0001", "--reveal", "--key", key)
    result = run_cli(*show, env={"INTEGRITY_KEY_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    assert "Één collega krijgt vaak privé-cadeaus." in result.output


def test_formula_subject_never_reaches_the_register(root: Path, run_cli) -> None:
    """A formula-looking subject is not copied: the register holds the neutral subject and no cell is a formula."""
    deliver(root, report_mail('=HYPERLINK("http://evil.example","klik")', "Tekst."))
    assert nightly(run_cli, root).exit_code == 0
    sheet = openpyxl.load_workbook(root / "registers" / "meldingen.xlsx")["Meldingen"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any(isinstance(v, str) and "HYPERLINK" in v for v in values)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_reply_with_case_number_joins_the_case(root: Path, run_cli) -> None:
    """A reply carrying [M-2026-0001] adds to that case's log and tells the intake officer, without its content."""
    deliver(root, report_mail("Melding", "Eerste bericht."))
    assert nightly(run_cli, root).exit_code == 0
    deliver(
        root,
        report_mail(
            "RE: Ontvangstbevestiging [M-2026-0001]",
            "Nog een detail: het ging om 500 euro.",
            message_id="<melding-2@thuis.example>",
        ),
    )
    assert nightly(run_cli, root).exit_code == 0
    assert list(cases(root)) == ["M-2026-0001"]
    ws = workspace(root, date(2026, 11, 26))
    assert len(case_archive(ws).log("M-2026-0001", officer())) == 2
    ws.close()
    notices = [m for m in outbox(root) if "Nieuwe informatie" in str(m["Subject"])]
    assert len(notices) == 1 and "500 euro" not in body_text(notices[0])


def test_reply_by_in_reply_to_joins_the_case(root: Path, run_cli) -> None:
    """A reply whose In-Reply-To is our acknowledgement's Message-ID joins the case even without the number."""
    deliver(root, report_mail("Melding", "Eerste bericht."))
    assert nightly(run_cli, root).exit_code == 0
    ack = sent_to_reporter(root)[0]
    deliver(
        root,
        report_mail(
            "Re: uw bericht", "Aanvulling.", message_id="<melding-3@thuis.example>", In_Reply_To=ack["Message-ID"]
        ),
    )
    assert nightly(run_cli, root).exit_code == 0
    assert list(cases(root)) == ["M-2026-0001"]


def test_bounce_and_automatic_reply_open_no_case(root: Path, run_cli) -> None:
    """An out-of-office and a delivery failure are moved without opening a case or sending anything."""
    deliver(root, report_mail("Automatisch antwoord: afwezig", "Ik ben afwezig.", Auto_Submitted="auto-replied"))
    bounce = report_mail(
        "Undelivered Mail Returned to Sender",
        "This is the mail system at host mail.example.\n\nI'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n\n<iemand@elders.example>: host said: 550 5.1.1 User unknown\n",
        sender="MAILER-DAEMON@mail.example",
        message_id="<bounce-1@mail.example>",
    )
    deliver(root, bounce)
    result = nightly(run_cli, root)
    assert result.exit_code == 0, result.output
    assert not (root / "registers" / "meldingen.xlsx").exists()
    assert outbox(root) == [] and waiting(root) == []


def test_no_acknowledgement_to_a_no_reply_sender(root: Path, run_cli) -> None:
    """A report from a no-reply address opens a case, but no acknowledgement goes out and none is recorded."""
    deliver(root, report_mail("Melding", "Anoniem formulier.", sender="noreply@formulier.example"))
    assert nightly(run_cli, root).exit_code == 0
    row = cases(root)["M-2026-0001"]
    assert row["Ontvangst bevestigd op"] is None
    assert not any("formulier.example" in str(m["To"]) for m in outbox(root))
    assert sent_to_reporter(root) == []


def test_intake_twice_and_after_a_kill_keeps_one_case(root: Path, run_cli) -> None:
    """Run twice, and a run killed after opening the case but before moving the mail: still one case, one ack."""
    raw = report_mail("Melding", "Eén keer.")
    deliver(root, raw)
    assert nightly(run_cli, root).exit_code == 0
    assert nightly(run_cli, root).exit_code == 0
    # the kill: the message is back in the inbox and not marked processed, the case and the ack already exist
    ws = workspace(root, date(2026, 11, 26))
    ws.state.execute("DELETE FROM processed_messages")
    ws.close()
    deliver(root, raw)
    assert nightly(run_cli, root).exit_code == 0
    assert list(cases(root)) == ["M-2026-0001"]
    assert len(sent_to_reporter(root)) == 1
    assert len([m for m in outbox(root) if m["X-Integrity-No-Copy"]]) == 1
    assert waiting(root) == []


def test_intake_needs_no_secret_at_all(root: Path, run_cli) -> None:
    """With no password, passphrase or keyring in the environment intake opens, seals and acknowledges the case."""
    import os

    assert not any(k.startswith("INTEGRITY_") and k != "INTEGRITY_ANCHOR_DIR" for k in os.environ)  # no secret
    deliver(root, report_mail("Melding", "Er verdwijnt geld uit de kas."))
    result = nightly(run_cli, root)
    assert result.exit_code == 0, result.output
    assert list(cases(root)) == ["M-2026-0001"] and waiting(root) == []
    ws = workspace(root, date(2026, 11, 26))
    assert case_archive(ws).identity("M-2026-0001", officer())["E-mail"] == REPORTER_ADDRESS
    ws.close()


def test_without_any_public_key_nothing_is_taken_in(tmp_path: Path, run_cli) -> None:
    """No holder has a public key: the step fails with a Dutch sentence, nothing is written and the mail waits."""
    root = make_workspace(tmp_path / "ws", run_cli, keys=())
    deliver(root, report_mail("Melding", "Eerste."))
    result = nightly(run_cli, root)
    assert result.exit_code == 1
    assert "geen publieke sleutel" in result.output and "integrity keys new" in result.output
    assert not (root / "registers" / "meldingen.xlsx").exists()
    assert not (root / ".integrity" / "meldingen").exists()
    assert len(waiting(root)) == 1


def test_register_holds_no_identity_and_no_words(root: Path, run_cli) -> None:
    """meldingen.xlsx is an ordinary workbook without the reporter or the report's words; the archive is sealed."""
    deliver(root, report_mail("Melding over Karel", "Karel vervalst offertes van Bouwvast."))
    assert nightly(run_cli, root).exit_code == 0
    register = root / "registers" / "meldingen.xlsx"
    sheet = openpyxl.load_workbook(register)["Meldingen"]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    for secret in (REPORTER_NAME, REPORTER_ADDRESS, "Bouwvast", "Karel"):
        assert secret not in text
    for path in (root / ".integrity" / "meldingen").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert data.startswith(b"age-encryption.org/v1")
            assert b"Bouwvast" not in data and REPORTER_NAME.encode() not in data
    ws = workspace(root, date(2026, 11, 26))
    identity = case_archive(ws).identity("M-2026-0001", officer())
    assert identity["Naam"] == REPORTER_NAME and identity["E-mail"] == REPORTER_ADDRESS
    ws.close()


def test_intake_officer_cells_survive_a_rewrite(root: Path, run_cli) -> None:
    """Cells the intake officer filled (Melder is, Betreft, Betrokkene, Onderwerp) stay when the toolkit writes again."""
    deliver(root, report_mail("Melding", "Eerste."))
    assert nightly(run_cli, root).exit_code == 0
    human = {"Melder is": "huurder", "Betreft": "onbekend", "Betrokkene": "iemand", "Onderwerp": "Toewijzing woning"}
    staff_types(root, "M-2026-0001", human)
    deliver(root, report_mail("Nog een", "Tweede.", message_id="<melding-5@thuis.example>"))
    assert nightly(run_cli, root).exit_code == 0
    rows = cases(root)
    assert {k: rows["M-2026-0001"][k] for k in human} == human
    assert "M-2026-0002" in rows


def test_shared_inbox_takes_reports_in_and_leaves_other_mail(tmp_path: Path, run_cli) -> None:
    """In the shared inbox a message reading like a report becomes a case (shared_mailbox or not); other unclaimed
    mail becomes a case only with shared_mailbox = true; an automatic reply never does."""
    from toolkit.inbox.pipeline import process_mailbox
    from toolkit.reports.intake import case_reply_handler, shared_inbox_report_handler

    handlers = [case_reply_handler, shared_inbox_report_handler]
    for shared, expected in ((False, ["M-2026-0001"]), (True, ["M-2026-0001", "M-2026-0002"])):
        root = make_workspace(tmp_path / str(shared), run_cli, shared_mailbox=shared)
        deliver(root, report_mail("Melding", "Tekst."), folder="inbox")
        deliver(root, report_mail("Factuur 2026-118", "Zie bijlage.", message_id="<f@x.example>"), folder="inbox")
        deliver(
            root,
            report_mail("Out of office", "Weg.", message_id="<ooo@x.example>", Auto_Submitted="auto-replied"),
            folder="inbox",
        )
        ws = workspace(root, date(2026, 11, 26))
        report = process_mailbox(ws, "inbox", handlers, show_subjects=False)
        found = sorted(case_register(ws).read()) if (root / "registers" / "meldingen.xlsx").exists() else []
        ws.close()
        assert found == expected
        assert report.counts["niet herkend"] == (1 if shared else 2)
