"""Intake of integrity reports from the reports mailbox: cases, archive, acknowledgement, idempotency, passwords."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.reports_helpers import (
    IDENTITY_PW,
    REPORTER_ADDRESS,
    REPORTER_NAME,
    REPORTS_PW,
    body_text,
    deliver,
    make_workspace,
    outbox,
    report_mail,
    to_reporter,
    waiting,
    workspace,
)
from toolkit.reports.cases import case_archive, case_vault, identity_vault
from toolkit.reports.crypto import decrypt_workbook
from toolkit.reports.schema import NEW_SUBJECT


@pytest.fixture(autouse=True)
def passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRITY_REPORTS_PASSWORD", REPORTS_PW)
    monkeypatch.setenv("INTEGRITY_IDENTITY_PASSWORD", IDENTITY_PW)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    return make_workspace(tmp_path / "ws", run_cli, max_attachment_mb=1)


def nightly(run_cli, root: Path, as_of: str = "2026-11-26"):
    return run_cli("--config", str(root / "config.toml"), "--as-of", as_of, "nightly")


def cases(root: Path, today: date = date(2026, 11, 26)) -> dict:
    ws = workspace(root, today)
    try:
        return case_vault(ws).read()
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
    ack = [m for m in outbox(root) if to_reporter(m)]
    assert len(ack) == 1 and "M-2026-0001" in ack[0]["Subject"]
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
    entry = archive.log("M-2026-0001")[0]
    text_file = next(f for f in entry.files if f.role == "tekst")
    assert "offertes worden vervalst" in archive.read("M-2026-0001", text_file.stored_as).decode().replace(
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
    files = {f.name: f for f in archive.log("M-2026-0001")[0].files if f.role == "bijlage"}
    assert set(files) == {"evil.sh", "_CON.txt", "groot.bin"}
    assert files["evil.sh"].sha256 == hashlib.sha256(evil).hexdigest()
    assert archive.read("M-2026-0001", files["evil.sh"].stored_as) == evil
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
    result = run_cli("--config", str(root / "config.toml"), "reports", "show", "M-2026-0001", "--reveal")
    assert result.exit_code == 0, result.output
    assert "Één collega krijgt vaak privé-cadeaus." in result.output


def test_formula_subject_never_reaches_the_register(root: Path, run_cli) -> None:
    """A formula-looking subject is not copied: the register holds the neutral subject and no cell is a formula."""
    deliver(root, report_mail('=HYPERLINK("http://evil.example","klik")', "Tekst."))
    assert nightly(run_cli, root).exit_code == 0
    plain = decrypt_workbook((root / "registers" / "meldingen.xlsx").read_bytes(), REPORTS_PW, Path("x"), "X")
    sheet = openpyxl.load_workbook(io.BytesIO(plain))["Meldingen"]
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
    assert len(case_archive(ws).log("M-2026-0001")) == 2
    ws.close()
    notices = [m for m in outbox(root) if "Nieuwe informatie" in str(m["Subject"])]
    assert len(notices) == 1 and "500 euro" not in body_text(notices[0])


def test_reply_by_in_reply_to_joins_the_case(root: Path, run_cli) -> None:
    """A reply whose In-Reply-To is our acknowledgement's Message-ID joins the case even without the number."""
    deliver(root, report_mail("Melding", "Eerste bericht."))
    assert nightly(run_cli, root).exit_code == 0
    ack = next(m for m in outbox(root) if to_reporter(m))
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
    assert len([m for m in outbox(root) if to_reporter(m)]) == 1
    assert waiting(root) == []


def test_wrong_password_changes_nothing_and_keeps_the_mail(
    root: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a wrong register password the step fails clearly, the register's bytes are equal and the mail waits."""
    deliver(root, report_mail("Melding", "Eerste."))
    assert nightly(run_cli, root).exit_code == 0
    path = root / "registers" / "meldingen.xlsx"
    before = path.read_bytes()
    deliver(root, report_mail("Melding", "Tweede.", message_id="<melding-9@thuis.example>"))
    monkeypatch.setenv("INTEGRITY_REPORTS_PASSWORD", "fout")
    result = nightly(run_cli, root)
    assert result.exit_code == 1
    assert "INTEGRITY_REPORTS_PASSWORD klopt niet" in result.output
    assert path.read_bytes() == before
    assert len(waiting(root)) == 1


def test_missing_identity_password_writes_nothing(root: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without INTEGRITY_IDENTITY_PASSWORD no store is created and the report stays in the mailbox."""
    monkeypatch.delenv("INTEGRITY_IDENTITY_PASSWORD")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    deliver(root, report_mail("Melding", "Tekst."))
    result = nightly(run_cli, root)
    assert result.exit_code == 1 and "INTEGRITY_IDENTITY_PASSWORD" in result.output
    assert not (root / "registers" / "meldingen.xlsx").exists()
    assert not (root / "registers" / "meldingen-identiteit.xlsx").exists()
    assert len(waiting(root)) == 1


def test_registers_cannot_be_read_without_their_passwords(root: Path, run_cli) -> None:
    """Both stores are encrypted: openpyxl and calamine fail, each password opens only its own file."""
    from python_calamine import CalamineWorkbook

    from toolkit.errors import ConfigError

    deliver(root, report_mail("Melding", "Tekst."))
    assert nightly(run_cli, root).exit_code == 0
    for name in ("meldingen.xlsx", "meldingen-identiteit.xlsx"):
        path = root / "registers" / name
        with pytest.raises(Exception):  # noqa: B017, PT011 - any failure to open is the point
            openpyxl.load_workbook(path)
        with pytest.raises(Exception):  # noqa: B017, PT011
            CalamineWorkbook.from_path(str(path))
        assert REPORTER_ADDRESS.encode() not in path.read_bytes()
    with pytest.raises(ConfigError):
        decrypt_workbook((root / "registers" / "meldingen-identiteit.xlsx").read_bytes(), REPORTS_PW, Path("x"), "X")
    ws = workspace(root, date(2026, 11, 26))
    identity = identity_vault(ws).read()["M-2026-0001"]
    assert identity["Naam"] == REPORTER_NAME and identity["E-mail"] == REPORTER_ADDRESS
    ws.close()


def test_intake_officer_cells_survive_a_rewrite(root: Path, run_cli) -> None:
    """Cells the intake officer filled (Melder is, Betreft, Betrokkene, Onderwerp) stay when the toolkit writes again."""
    deliver(root, report_mail("Melding", "Eerste."))
    assert nightly(run_cli, root).exit_code == 0
    ws = workspace(root, date(2026, 11, 26))
    human = {"Melder is": "huurder", "Betreft": "onbekend", "Betrokkene": "iemand", "Onderwerp": "Toewijzing woning"}
    case_vault(ws).write({"M-2026-0001": human})
    ws.close()
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
        found = sorted(case_vault(ws).read()) if (root / "registers" / "meldingen.xlsx").exists() else []
        ws.close()
        assert found == expected
        assert report.counts["niet herkend"] == (1 if shared else 2)
