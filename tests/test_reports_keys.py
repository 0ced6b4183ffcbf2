"""Keys for the reports: who opens what, refusals in one Dutch sentence, queued register changes, migration."""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.reports_helpers import (
    ADVISER,
    OFFICER,
    PASSPHRASE,
    REPORTER_ADDRESS,
    REPORTER_NAME,
    deliver,
    give_keys,
    key_file,
    make_workspace,
    report_mail,
    staff_types,
    waiting,
    workspace,
)
from toolkit.errors import RefusedError
from toolkit.keys import load_private_key
from toolkit.reports.cases import case_archive
from toolkit.reports.crypto import unseal

PETRA = "petra@woonpartners.example"
KAREL = "karel@woonpartners.example"
DIRECTOR = "directeur@woonpartners.example"
FIXTURE = Path(__file__).parent / "corpus" / "reports-v1" / "workspace.tar.gz"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INTEGRITY_REPORTS_PASSWORD", "INTEGRITY_IDENTITY_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("INTEGRITY_KEY_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    root = make_workspace(tmp_path / "ws", run_cli)
    give_keys(root, PETRA, KAREL, DIRECTOR)
    return root


def cli(run_cli, root: Path, as_of: str, *args: str, env: dict[str, str] | None = None):
    return run_cli("--config", str(root / "config.toml"), "--as-of", as_of, *args, env=env)


def with_key(person: str) -> tuple[str, str]:
    return ("--key", str(key_file(person)))


def fill(root: Path, case: str, **cells: str) -> None:
    """What the intake officer types into meldingen.xlsx."""
    staff_types(root, case, {k.replace("_", " "): v for k, v in cells.items()})


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def one_sentence(result) -> str:
    """The error as the user sees it: 'Fout: …' on one line, then at most a hint line."""
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[0].startswith("Fout: ") and "Traceback" not in result.output, result.output
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].strip().startswith("Oplossing:")), result.output
    return lines[0]


def two_cases_routed(run_cli, root: Path) -> None:
    """M-2026-0001 about Karel (received by the reporter's own manager Petra), M-2026-0002 about Petra (the route
    goes above her: the director receives); resealed to the routing decision's key holders."""
    deliver(root, report_mail("Melding", "Karel vervalst offertes van Bouwvast."))
    deliver(root, report_mail("Melding 2", "Petra kijkt weg bij Bouwvast.", message_id="<melding-2@thuis.example>"))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    manager = {"Leidinggevende_melder": PETRA}
    fill(root, "M-2026-0001", Melder_is="medewerker", Betreft="medewerker", Betrokkene=KAREL, **manager)
    fill(root, "M-2026-0002", Melder_is="medewerker", Betreft="leidinggevende", Betrokkene=PETRA, **manager)
    assert cli(run_cli, root, "2026-11-27", "nightly").exit_code == 0
    resealed = cli(run_cli, root, "2026-11-27", "reports", "reseal", *with_key(OFFICER))
    assert resealed.exit_code == 0, resealed.output


def test_keys_new_writes_a_protected_private_key_and_a_public_key(tmp_path: Path, run_cli) -> None:
    """keys new: private key 0600 encrypted with the passphrase, public key in keys/; a second run refuses."""
    root = make_workspace(tmp_path / "ws", run_cli, keys=())
    out = tmp_path / "eigen" / "hr.key"
    result = cli(run_cli, root, "2026-11-26", "keys", "new", "HR@woonpartners.example", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"age-encryption.org/v1") and b"AGE-SECRET-KEY" not in data
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    public = (root / "keys" / "hr@woonpartners.example.pub").read_text()
    key = load_private_key(out, PASSPHRASE)
    assert key.email == "hr@woonpartners.example" and str(key.identity.to_public()) in public
    before = snapshot(root)
    again = cli(run_cli, root, "2026-11-26", "keys", "new", "hr@woonpartners.example", "--out", str(out))
    assert again.exit_code == 4 and "bestaat al" in one_sentence(again)
    assert snapshot(root) == before and out.read_bytes() == data


def test_handler_key_opens_their_case_only_and_never_identity(root: Path, run_cli) -> None:
    """Petra's key opens the case she handles, not the one about her, and never who reported."""
    two_cases_routed(run_cli, root)
    own = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0001", *with_key(PETRA))
    assert own.exit_code == 0 and "Karel vervalst offertes" in own.output
    assert REPORTER_ADDRESS not in own.output and REPORTER_NAME not in own.output
    reveal = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0001", "--reveal", *with_key(PETRA))
    assert reveal.exit_code == 7 and "identiteit" in one_sentence(reveal)
    about_her = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0002", *with_key(PETRA))
    assert about_her.exit_code == 7 and "geen toegang tot zaak M-2026-0002" in one_sentence(about_her)
    listed = cli(run_cli, root, "2026-11-27", "reports", "list", *with_key(PETRA))
    assert "M-2026-0001" in listed.output and "M-2026-0002" not in listed.output
    director = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0002", *with_key(DIRECTOR))
    assert director.exit_code == 0 and "Petra kijkt weg" in director.output
    # not only the toolkit's check: the sealed files themselves do not open with her key
    ws = workspace(root, date(2026, 11, 27))
    petra = load_private_key(key_file(PETRA), PASSPHRASE)
    folder = case_archive(ws).folder("M-2026-0002")
    for path in folder.iterdir():
        with pytest.raises(RefusedError):
            unseal(path.read_bytes(), petra, f"M-2026-0002/{path.name}", path)
    for path in case_archive(ws).folder("M-2026-0001").glob("*identiteit*"):
        with pytest.raises(RefusedError):
            unseal(path.read_bytes(), petra, f"M-2026-0001/{path.name}", path)
    ws.close()


@pytest.mark.parametrize("written_as", [PETRA, "Petra Leiding"])
def test_a_handler_recorded_as_concerned_loses_access_after_reseal(root: Path, run_cli, written_as: str) -> None:
    """Once the register names Petra (address or staff name) as concerned, reseal takes her key off every file."""
    two_cases_routed(run_cli, root)
    assert cli(run_cli, root, "2026-11-28", "reports", "show", "M-2026-0001", *with_key(PETRA)).exit_code == 0
    fill(root, "M-2026-0001", Betrokkene=written_as)
    check = cli(run_cli, root, "2026-11-28", "check")
    assert "M-2026-0001: moet opnieuw versleuteld worden" in check.output
    assert cli(run_cli, root, "2026-11-28", "reports", "reseal", *with_key(OFFICER)).exit_code == 0
    ws = workspace(root, date(2026, 11, 28))
    petra = load_private_key(key_file(PETRA), PASSPHRASE)
    officer = load_private_key(key_file(OFFICER), PASSPHRASE)
    for path in case_archive(ws).folder("M-2026-0001").iterdir():
        with pytest.raises(RefusedError):
            unseal(path.read_bytes(), petra, f"M-2026-0001/{path.name}", path)
        assert unseal(path.read_bytes(), officer, f"M-2026-0001/{path.name}", path) is not None
    ws.close()
    refused = cli(run_cli, root, "2026-11-28", "reports", "show", "M-2026-0001", *with_key(PETRA))
    assert refused.exit_code == 7


def test_reseal_needs_an_identity_holder(root: Path, run_cli) -> None:
    """A handler can't reseal (they can't open the identity): refused, nothing written."""
    two_cases_routed(run_cli, root)
    fill(root, "M-2026-0001", Betrokkene=PETRA)
    before = snapshot(root)
    result = cli(run_cli, root, "2026-11-28", "reports", "reseal", "M-2026-0001", *with_key(DIRECTOR))
    assert result.exit_code == 7 and "M-2026-0001" in one_sentence(result)
    assert snapshot(root) == before


def _wrong_passphrase(root: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    return ("reports", "show", "M-2026-0001", *with_key(OFFICER)), {"INTEGRITY_KEY_PASSPHRASE": "niet-de-goede"}


def _someone_elses_key(root: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    return ("reports", "show", "M-2026-0001", *with_key(KAREL)), {}


def _truncated_file(root: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    path = next((root / ".integrity" / "meldingen" / "M-2026-0001").glob("01-tekst*"))
    path.write_bytes(path.read_bytes()[:-40])
    return ("reports", "show", "M-2026-0001", *with_key(OFFICER)), {}


def _deleted_key(root: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    return ("reports", "show", "M-2026-0001", "--key", str(root / "weg.key")), {}


def _deleted_register(root: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    (root / "registers" / "meldingen.xlsx").unlink()
    return ("reports", "update", "M-2026-0001", "--status", "onderzoek"), {}


def _deleted_archive(root: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    shutil.rmtree(root / ".integrity" / "meldingen")
    return ("reports", "show", "M-2026-0001", *with_key(OFFICER)), {}


BAD_INPUT = [
    (_wrong_passphrase, 3, "wachtzin klopt niet"),
    (_someone_elses_key, 7, "geen toegang tot zaak M-2026-0001"),
    (_truncated_file, 4, "beschadigd of onvolledig"),
    (_deleted_key, 3, "bestaat niet"),
    (_deleted_register, 3, "meldingen.xlsx ontbreekt"),
    (_deleted_archive, 3, "archief van de meldingen"),
]


@pytest.mark.parametrize(("damage", "code", "words"), BAD_INPUT, ids=[b[0].__name__[1:] for b in BAD_INPUT])
def test_bad_input_is_one_dutch_sentence_and_writes_nothing(root: Path, run_cli, damage, code, words) -> None:
    """Wrong passphrase, someone else's key, a truncated file, a deleted key/register/archive: one sentence, no write."""
    deliver(root, report_mail("Melding", "Karel vervalst offertes."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    args, env = damage(root)
    before = snapshot(root)
    result = cli(run_cli, root, "2026-11-27", *args, env=env)
    assert result.exit_code == code, result.output
    assert words in one_sentence(result)
    assert snapshot(root) == before


def test_missing_register_stops_intake_and_is_named_by_check(root: Path, run_cli) -> None:
    """A deleted meldingen.xlsx is never made anew: intake keeps the mail, check names the file."""
    deliver(root, report_mail("Melding", "Eerste."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    (root / "registers" / "meldingen.xlsx").unlink()
    deliver(root, report_mail("Melding", "Tweede.", message_id="<melding-2@thuis.example>"))
    assert cli(run_cli, root, "2026-11-27", "nightly").exit_code == 1
    assert not (root / "registers" / "meldingen.xlsx").exists() and len(waiting(root)) == 1
    check = cli(run_cli, root, "2026-11-27", "check")
    assert check.exit_code == 1 and "meldingen.xlsx ontbreekt" in check.output


def test_update_with_the_register_open_is_queued_and_applied_by_the_next_nightly(root: Path, run_cli) -> None:
    """With meldingen.xlsx open in Excel the change waits (listed as pending); the next nightly writes it."""
    deliver(root, report_mail("Melding", "Eerste."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    register = root / "registers" / "meldingen.xlsx"
    lock = register.with_name("~$meldingen.xlsx")
    lock.write_bytes(b"excel")
    before = register.read_bytes()
    update = cli(run_cli, root, "2026-11-27", "reports", "update", "M-2026-0001", "--status", "onderzoek")
    assert update.exit_code == 0 and "volgende run" in update.output, update.output
    assert register.read_bytes() == before
    listed = cli(run_cli, root, "2026-11-27", "reports", "list")
    assert "wacht op de volgende run" in listed.output and "M-2026-0001: Status" in listed.output
    assert cli(run_cli, root, "2026-11-27", "nightly").exit_code == 0
    assert register.read_bytes() == before  # still open: still waiting
    lock.unlink()
    assert cli(run_cli, root, "2026-11-28", "nightly").exit_code == 0
    sheet = openpyxl.load_workbook(register)["Meldingen"]
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(2, headers.index("Status") + 1).value == "onderzoek"
    assert "wacht op de volgende run" not in cli(run_cli, root, "2026-11-28", "reports", "list").output


def test_report_files_are_0600_and_folders_0700(root: Path, run_cli) -> None:
    """The archive, its case folders, the register and the outbox files are readable by the owner only."""
    deliver(root, report_mail("Melding", "Eerste.", attachments=(("a.pdf", b"%PDF"),)))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    archive = root / ".integrity" / "meldingen"
    folders = [archive, *[p for p in archive.rglob("*") if p.is_dir()]]
    files = [p for p in archive.rglob("*") if p.is_file()]
    files += [root / "registers" / "meldingen.xlsx", *(root / "mail" / "outbox").glob("*.eml")]
    assert len(files) > 5
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}


def test_migration_converts_a_password_workspace_once_with_nothing_lost(tmp_path: Path, run_cli) -> None:
    """A workspace of the password-based code becomes a key-based one: register plain, everything sealed, once."""
    root = make_workspace(tmp_path / "ws", run_cli)
    for stale in (root / "registers" / "meldingen.xlsx", root / ".integrity" / "state.sqlite"):
        stale.unlink(missing_ok=True)
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(root, filter="data")
    old = {"INTEGRITY_REPORTS_PASSWORD": "oud-meldingen", "INTEGRITY_IDENTITY_PASSWORD": "oud-identiteit"}
    assert "reports migrate --write" in cli(run_cli, root, "2026-11-27", "check").output
    before = snapshot(root)
    preview = cli(run_cli, root, "2026-11-27", "reports", "migrate", env=old)
    assert preview.exit_code == 0 and ": 1 zaak, " in preview.output, preview.output
    assert snapshot(root) == before
    wrong = cli(
        run_cli, root, "2026-11-27", "reports", "migrate", "--write", env={**old, "INTEGRITY_REPORTS_PASSWORD": "x"}
    )
    assert wrong.exit_code == 3 and snapshot(root) == before
    done = cli(run_cli, root, "2026-11-27", "reports", "migrate", "--write", env=old)
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(root / "registers" / "meldingen.xlsx")["Meldingen"]
    assert [c.value for c in sheet["A"]][1] == "M-2026-0001"
    shown = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0001", "--reveal", *with_key(ADVISER))
    assert shown.exit_code == 0, shown.output
    for kept in (REPORTER_NAME, REPORTER_ADDRESS, "Bouwvast", "Gesprek met Bouwvast gepland.", "bon.pdf"):
        assert kept in shown.output
    assert not list((root / ".integrity" / "meldingen").rglob("*.enc"))
    assert not (root / "registers" / "meldingen-identiteit.xlsx").exists()
    assert (root / ".integrity" / "backups" / "voor-migratie" / "meldingen-identiteit.xlsx").exists()
    again = cli(run_cli, root, "2026-11-27", "reports", "migrate", "--write", env=old)
    assert again.exit_code == 7 and "al sleutels" in one_sentence(again)
    deliver(root, report_mail("Nieuw", "Tweede melding.", message_id="<nieuw@thuis.example>"))
    assert cli(run_cli, root, "2026-11-27", "nightly").exit_code == 0
    assert "M-2026-0002" in cli(run_cli, root, "2026-11-27", "reports", "list").output
    assert cli(run_cli, root, "2026-11-27", "check").output.count("Meldingen (sleutels)") == 1
    assert os.environ.get("INTEGRITY_REPORTS_PASSWORD") is None


def test_originals_are_deleted_after_keep_originals_days_and_logged(root: Path, run_cli) -> None:
    """Day 30 the sealed report's original stays, day 31 it is deleted (audit: case only); other mail stays."""
    deliver(root, report_mail("Melding", "Karel vervalst offertes."))
    out_of_office = report_mail(
        "Afwezig", "Ik ben afwezig tot 7 december.", message_id="<ooo@x.example>", Auto_Submitted="auto-replied"
    )
    deliver(root, out_of_office)
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    processed = root / "mail" / "meldingen" / ".Verwerkt" / "cur"
    machine = root / "mail" / "meldingen" / ".Geen melding" / "cur"  # the out-of-office is no report: its own folder
    assert len(list(processed.iterdir())) == 1 and len(list(machine.iterdir())) == 1
    assert cli(run_cli, root, "2026-12-26", "nightly").exit_code == 0
    assert len(list(processed.iterdir())) == 1
    result = cli(run_cli, root, "2026-12-27", "nightly")
    assert result.exit_code == 0 and "1 origineel na 30 dagen gewist" in result.output
    assert list(processed.iterdir()) == []
    left = [p.read_bytes() for p in machine.iterdir()]
    assert len(left) == 1 and b"<ooo@x.example>" in left[0]
    audit = (root / ".integrity" / "audit.jsonl").read_text()
    deleted = [line for line in audit.splitlines() if "reports.original_deleted" in line]
    assert len(deleted) == 1 and "M-2026-0001" in deleted[0] and "zonnebloem" not in deleted[0].lower()
    ws = workspace(root, date(2026, 12, 27))
    officer = load_private_key(key_file(OFFICER), PASSPHRASE)
    assert REPORTER_ADDRESS.encode() in case_archive(ws).read("M-2026-0001", "01-bericht.eml.age", officer)
    ws.close()


def test_keep_originals_days_zero_keeps_them(tmp_path: Path, run_cli) -> None:
    """With keep_originals_days = 0 nothing is ever deleted from the reports mailbox."""
    root = make_workspace(tmp_path / "ws", run_cli, keep_originals_days=0)
    deliver(root, report_mail("Melding", "Tekst."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    assert cli(run_cli, root, "2027-11-26", "nightly").exit_code == 0
    assert len(list((root / "mail" / "meldingen" / ".Verwerkt" / "cur").iterdir())) == 1


def test_a_report_to_a_route_address_is_sealed_only_to_that_route(root: Path, run_cli) -> None:
    """Mailed to the confidential adviser's own address ([reports.addresses]): the adviser (and the RvC chair, the
    second key holder) open it, the officer does not."""
    chair = "voorzitter.rvc@woonpartners.example"
    give_keys(root, chair)
    raw = report_mail("Vertrouwelijk", "Het gaat over de integriteitsfunctionaris zelf.")
    raw = raw.replace(b"To: meldpunt@woonpartners.example", b"To: vertrouwenspersoon@woonpartners.example")
    deliver(root, raw)
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    adviser = cli(run_cli, root, "2026-11-26", "reports", "show", "M-2026-0001", "--reveal", *with_key(ADVISER))
    assert (
        adviser.exit_code == 0 and REPORTER_ADDRESS in adviser.output and "integriteitsfunctionaris" in adviser.output
    )
    officer = cli(run_cli, root, "2026-11-26", "reports", "show", "M-2026-0001", *with_key(OFFICER))
    assert officer.exit_code == 7 and "geen toegang" in one_sentence(officer)
    ws = workspace(root, date(2026, 11, 26))
    key = load_private_key(key_file(OFFICER), PASSPHRASE)
    for path in case_archive(ws).folder("M-2026-0001").iterdir():
        with pytest.raises(RefusedError):
            unseal(path.read_bytes(), key, f"M-2026-0001/{path.name}", path)
    ws.close()


def test_check_wants_two_holders_with_a_key(tmp_path: Path, run_cli) -> None:
    """With only the officer's key, check names the adviser without a key and the circle of fewer than two."""
    root = make_workspace(tmp_path / "ws", run_cli, keys=(OFFICER, "voorzitter.rvc@woonpartners.example"))
    result = cli(run_cli, root, "2026-11-26", "check")
    assert result.exit_code == 1
    general = "meldingen aan meldpunt@woonpartners.example (algemeen)"
    assert f"{ADVISER} ({general}) heeft geen publieke sleutel" in result.output
    assert f"{general}: minder dan 2 mensen met een sleutel" in result.output


def test_a_replaced_key_is_refused_and_reseal_gives_the_new_one_access(root: Path, run_cli, tmp_path: Path) -> None:
    """keys new --replace: the old key file is refused, check asks for a reseal, after it the new key opens."""
    deliver(root, report_mail("Melding", "Karel vervalst offertes."))
    assert cli(run_cli, root, "2026-11-26", "nightly").exit_code == 0
    new = tmp_path / "nieuw.key"
    replaced = cli(run_cli, root, "2026-11-27", "keys", "new", ADVISER, "--out", str(new), "--replace")
    assert replaced.exit_code == 0 and "reseal" in replaced.output
    old = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0001", *with_key(ADVISER))
    assert old.exit_code == 7 and "hoort niet bij de publieke sleutel" in one_sentence(old)
    assert "M-2026-0001: moet opnieuw versleuteld worden" in cli(run_cli, root, "2026-11-27", "check").output
    before = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0001", "--key", str(new))
    assert before.exit_code == 7  # the files are not yet sealed to the new key
    assert cli(run_cli, root, "2026-11-27", "reports", "reseal", *with_key(OFFICER)).exit_code == 0
    after = cli(run_cli, root, "2026-11-27", "reports", "show", "M-2026-0001", "--reveal", "--key", str(new))
    assert after.exit_code == 0 and REPORTER_ADDRESS in after.output
