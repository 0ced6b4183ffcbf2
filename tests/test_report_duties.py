"""The Wbk's duties and Stap 4 through the real commands: acknowledgement outside the toolkit, who decided, channels."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from tests.reports_helpers import (
    OFFICER,
    PASSPHRASE,
    body_text,
    cli,
    deliver,
    key_file,
    make_workspace,
    outbox,
    report_mail,
    sent_to_reporter,
    staff_types,
    workspace,
)
from toolkit.reports.cases import case_archive, case_register, sealed_holders

KEY = ("--key", str(key_file(OFFICER)))  # the integrity officer: opens content and identity


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test keys' passphrase, as a script would give it (no password of the old setup anywhere)."""
    monkeypatch.setenv("INTEGRITY_KEY_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    return make_workspace(tmp_path / "ws", run_cli)


def register(root: Path) -> dict:
    ws = workspace(root, date(2026, 11, 26))
    try:
        return case_register(ws).read()
    finally:
        ws.close()


def audit(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / ".integrity" / "audit.jsonl").read_text().splitlines()]


def test_acknowledgement_outside_the_toolkit_clears_the_alert(root: Path, run_cli) -> None:
    """A report from a no-reply address gets no acknowledgement; --acknowledged-on --how records one, alert cleared."""
    deliver(root, report_mail("Melding", "Tekst.", sender="noreply@formulier.example"))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    assert cli(run_cli, root, "2026-12-04", "reports", "deadlines").exit_code == 1  # day 8: late
    done = cli(
        run_cli, root, "2026-12-04", "reports", "update", "M-2026-0001", "--acknowledged-on", "2026-12-01",
        "--how", "telefonisch",
    )  # fmt: skip
    assert done.exit_code == 0, done.output + done.stderr
    row = register(root)["M-2026-0001"]
    assert row["Ontvangst bevestigd op"] == date(2026, 12, 1) and row["Terugkoppeling uiterlijk"] == date(2027, 3, 1)
    result = cli(run_cli, root, "2026-12-04", "reports", "deadlines", "--json")
    assert result.exit_code == 0
    assert [d["kind"] for d in json.loads(result.output)["deadlines"]] == ["terugkoppeling"]
    assert "telefonisch" not in (root / ".integrity" / "audit.jsonl").read_text()  # how is kept sealed


def test_acknowledgement_needs_how_and_a_plausible_date(root: Path, run_cli) -> None:
    """--acknowledged-on without --how, or in the future, is refused in Dutch and nothing is written."""
    deliver(root, report_mail("Melding", "Tekst."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    before = (root / "registers" / "meldingen.xlsx").read_bytes()
    update = ("reports", "update", "M-2026-0001", "--acknowledged-on")
    no_how = cli(run_cli, root, "2026-11-27", *update, "2026-11-27")
    future = cli(run_cli, root, "2026-11-27", *update, "2026-12-27", "--how", "brief")
    assert no_how.exit_code != 0 and "hoe de ontvangst" in no_how.stderr
    assert future.exit_code != 0 and "niet tussen ontvangst en vandaag" in future.stderr
    assert (root / "registers" / "meldingen.xlsx").read_bytes() == before


def test_measure_without_deciding_role_is_refused(root: Path, run_cli) -> None:
    """A measure or serious-breach decision without --role is refused in Dutch; nothing is recorded."""
    deliver(root, report_mail("Melding", "Tekst."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    before = (root / "registers" / "meldingen.xlsx").read_bytes()
    refused = cli(run_cli, root, "2026-12-01", "reports", "update", "M-2026-0001", "--measure", "schorsing")
    assert refused.exit_code != 0 and "zonder besluitvormer" in refused.stderr and "Traceback" not in refused.stderr
    assert (root / "registers" / "meldingen.xlsx").read_bytes() == before


def test_report_about_director_is_decided_by_the_rvc_and_audit_names_os_user(root: Path, run_cli) -> None:
    """About the director only --role RvC may decide; the register names role and person, the audit the OS user."""
    import getpass

    deliver(root, report_mail("Melding", "Tekst."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    staff_types(root, "M-2026-0001", {"Betreft": "directeur-bestuurder"})
    update = ("reports", "update", "M-2026-0001", "--serious", "ja", "--by", "R. Commissaris")
    wrong = cli(run_cli, root, "2026-12-01", *update, "--role", "directeur-bestuurder")
    assert wrong.exit_code != 0 and "besluit RvC" in wrong.stderr
    right = cli(run_cli, root, "2026-12-01", *update, "--role", "RvC")
    assert right.exit_code == 0, right.output + right.stderr
    assert register(root)["M-2026-0001"]["Besluit door"] == "RvC: R. Commissaris (01-12-2026)"
    line = [e for e in audit(root) if e["action"] == "reports.updated"][-1]
    assert line["actor"] == getpass.getuser() and line["details"]["decided_by"] == "RvC: R. Commissaris"


def test_reporter_mails_name_meldpunt_and_huis_voor_klokkenluiders_with_contact_details(root: Path, run_cli) -> None:
    """The acknowledgement names the Meldpunt, the Huis voor Klokkenluiders (with phone), the disputes committee and
    the routes' own addresses, all from config."""
    deliver(root, report_mail("Melding", "Tekst."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    (ack,) = sent_to_reporter(root)  # its sealed copy in the case archive (no copy in the outbox)
    text = " ".join(body_text(ack).split())
    assert "Meldpunt Integriteit Woningcorporaties" in text and "www.ilent.nl" in text
    assert "Huis voor Klokkenluiders" in text and "088 - 133 10 30" in text and "huisvoorklokkenluiders.nl" in text
    assert "geschillencommissie" in text
    assert "vertrouwenspersoon@woonpartners.example" in text and "melding.rvc@woonpartners.example" in text
    assert "alleen voor die persoon" in text


def test_channels_come_from_config(root: Path, run_cli) -> None:
    """Changing [reports.klokkenluiders] how in config.toml changes what the reporter reads."""
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^how = "www.huisvoorklokkenluiders.nl.*$', 'how = "telefoon 000-TEST"', text)
    config.write_text(text, encoding="utf-8")
    deliver(root, report_mail("Melding", "Tekst."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    (ack,) = sent_to_reporter(root)
    assert "000-TEST" in body_text(ack) and "088 - 133 10 30" not in body_text(ack)


def _report_file(tmp_path: Path, text: str = "Karel neemt cadeaubonnen aan van aannemer Zwart.") -> str:
    path = tmp_path / "melding.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_oral_report_gets_its_clocks_from_the_conversation_date(root: Path, run_cli, tmp_path: Path) -> None:
    """reports new --channel telefonisch: a case received on the conversation's date; day 8 without ack is late."""
    made = cli(
        run_cli, root, "2026-11-30", "reports", "new", "--channel", "telefonisch", "--date", "2026-11-27",
        "--text-file", _report_file(tmp_path), "--name", "Piet Beller", "--phone", "0612345678", "--consent",
    )  # fmt: skip
    assert made.exit_code == 0, made.output + made.stderr
    row = register(root)["M-2026-0001"]
    assert row["Kanaal"] == "telefonisch" and row["Ontvangen op"] == date(2026, 11, 27)
    day7 = json.loads(cli(run_cli, root, "2026-12-04", "reports", "deadlines", "--json").output)["deadlines"]
    ack = next(d for d in day7 if d["kind"] == "ontvangstbevestiging")
    assert ack["days_left"] == 0 and not ack["overdue"]
    assert cli(run_cli, root, "2026-12-05", "reports", "deadlines").exit_code == 1
    assert cli(
        run_cli, root, "2026-12-05", "reports", "update", "M-2026-0001", "--acknowledged-on", "2026-11-27",
        "--how", "in het telefoongesprek",
    ).exit_code == 0  # fmt: skip
    assert cli(run_cli, root, "2026-12-05", "reports", "deadlines").exit_code == 0
    for secret in ("Piet Beller", "0612345678", "cadeaubonnen"):
        assert secret not in (root / ".integrity" / "audit.jsonl").read_text()
        assert secret not in made.output
        assert all(secret not in str(m) for m in outbox(root))
        for path in root.rglob("*"):  # stored like a mail report: sealed, nowhere in plaintext (templates aside)
            if path.is_file() and "templates" not in path.relative_to(root).parts:
                assert secret.encode() not in path.read_bytes(), (secret, path)
    ws = workspace(root, date(2026, 12, 5))
    from toolkit.keys import load_private_key

    officer = load_private_key(key_file(OFFICER), PASSPHRASE)
    sealed = sealed_holders(ws, "M-2026-0001")
    assert sealed is not None and OFFICER in sealed.identity  # the general address's holders, as at mail intake
    assert case_archive(ws).identity("M-2026-0001", officer)["Naam"].startswith("Piet Beller")
    ws.close()


def test_oral_report_record_is_produced_for_signing_and_its_confirmation_recorded(
    root: Path, run_cli, tmp_path: Path
) -> None:
    """The record of the conversation holds the report for the reporter to sign; --record-confirmed clears the duty."""
    args = ("reports", "new", "--channel", "gesprek", "--text-file", _report_file(tmp_path), "--consent")
    assert cli(run_cli, root, "2026-11-30", *args, "--name", "Piet Beller").exit_code == 0
    keyless = cli(run_cli, root, "2026-11-30", "reports", "record", "M-2026-0001")
    assert keyless.exit_code != 0 and "sleutel" in keyless.stderr and "cadeaubonnen" not in keyless.output
    shown = cli(run_cli, root, "2026-11-30", "reports", "record", "M-2026-0001", *KEY)
    assert shown.exit_code == 0 and "cadeaubonnen" in shown.output and "Handtekening" in shown.output
    assert "reports.record_shown" in (root / ".integrity" / "audit.jsonl").read_text()
    pending = json.loads(cli(run_cli, root, "2026-11-30", "reports", "deadlines", "--json").output)["deadlines"]
    assert "verslag tekenen" in [d["kind"] for d in pending]
    done = cli(run_cli, root, "2026-12-02", "reports", "update", "M-2026-0001", "--record-confirmed", "2026-12-01")
    assert done.exit_code == 0, done.output + done.stderr
    after = json.loads(cli(run_cli, root, "2026-12-02", "reports", "deadlines", "--json").output)["deadlines"]
    assert "verslag tekenen" not in [d["kind"] for d in after]


def test_oral_report_without_consent_or_anonymous_with_name_is_refused(root: Path, run_cli, tmp_path: Path) -> None:
    """No consent for an oral record, or a name on an anonymous report: refused in Dutch, no register written."""
    text = _report_file(tmp_path)
    no_consent = cli(run_cli, root, "2026-11-30", "reports", "new", "--channel", "gesprek", "--text-file", text)
    named = cli(
        run_cli, root, "2026-11-30", "reports", "new", "--channel", "anoniem", "--text-file", text, "--name", "X"
    )
    assert no_consent.exit_code != 0 and "toestemming" in no_consent.stderr
    assert named.exit_code != 0 and "anonieme melding" in named.stderr
    assert not (root / "registers" / "meldingen.xlsx").exists()


def test_anonymous_letter_keeps_no_identity(root: Path, run_cli, tmp_path: Path) -> None:
    """An anonymous report opens a case marked 'anoniem' whose sealed identity is empty."""
    made = cli(
        run_cli, root, "2026-11-30", "reports", "new", "--channel", "anoniem", "--text-file", _report_file(tmp_path)
    )
    assert made.exit_code == 0, made.output + made.stderr
    assert register(root)["M-2026-0001"]["Melder is"] == "anoniem"
    from toolkit.keys import load_private_key

    ws = workspace(root, date(2026, 11, 30))
    identity = case_archive(ws).identity("M-2026-0001", load_private_key(key_file(OFFICER), PASSPHRASE))
    assert not any(identity.get(field) for field in ("Naam", "E-mail", "Taal"))
    ws.close()


def test_reporter_is_told_of_the_closing(root: Path, run_cli) -> None:
    """Closing without telling the reporter says what is owed; --tell-reporter --send then sends the closing mail."""
    deliver(root, report_mail("Melding", "Tekst."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    closed = cli(run_cli, root, "2027-01-10", "reports", "update", "M-2026-0001", "--status", "afgesloten")
    assert closed.exit_code == 0 and "--tell-reporter --key … --send" in closed.output
    told = cli(
        run_cli, root, "2027-01-10", "reports", "update", "M-2026-0001", "--status", "afgesloten",
        "--tell-reporter", "--send", *KEY,
    )  # fmt: skip
    assert told.exit_code == 0, told.output + told.stderr
    closing = [m for m in sent_to_reporter(root, date(2027, 1, 10)) if "afgesloten" in str(m["Subject"])]
    assert len(closing) == 1 and "Huis voor Klokkenluiders" in body_text(closing[0])
    assert register(root)["M-2026-0001"]["Terugkoppeling gegeven op"] is None  # closing is no feedback


def test_progress_weeks_below_one_is_refused(root: Path, run_cli) -> None:
    """[reports] progress_weeks = 0 is a configuration error naming the key; no traceback."""
    config = root / "config.toml"
    config.write_text(re.sub(r"(?m)^progress_weeks = .*$", "progress_weeks = 0", config.read_text()), encoding="utf-8")
    result = cli(run_cli, root, "2026-11-26", "reports", "deadlines")
    assert result.exit_code != 0 and "reports.progress_weeks" in result.stderr and "Traceback" not in result.stderr


def test_config_without_the_new_report_sections_still_loads(root: Path, run_cli) -> None:
    """An older config.toml without [reports.addresses] and the channel sections loads with the built-in contacts."""
    from toolkit.config import load_config

    config = root / "config.toml"
    text = config.read_text(encoding="utf-8")
    text = text[: text.index("[reports.addresses]")] + text[text.index("[scheduler]") :]
    config.write_text(text, encoding="utf-8")
    loaded = load_config(config)
    assert loaded.reports.addresses.rvc is None and "088 - 133 10 30" in loaded.reports.klokkenluiders.how
