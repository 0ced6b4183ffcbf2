"""`integrity check` covers what the nightly job needs: example addresses, registers open in Excel and by whom,
registers it can't write, the toolkit's own files and the audit key; and it writes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from toolkit.checks import check_config
from toolkit.config import load_config
from toolkit.workspace import Workspace


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


@pytest.fixture
def ws(tmp_path: Path, run_cli) -> Path:
    root = tmp_path / "ws"
    assert run_cli("--as-of", "2026-11-26", "init", str(root)).exit_code == 0
    return root


def check(run_cli, root: Path, **env: str):
    return run_cli("--config", str(root / "config.toml"), "check", env=env or None)


def line_number(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start))


def test_example_addresses_are_a_finding_not_all_is_well(ws: Path, run_cli) -> None:
    """With the shipped *.example addresses check names each key with its line and never says 'Alles in orde'; on the
    folder backend (nothing leaves the machine) it is a note and the exit code stays 0."""
    result = check(run_cli, ws)
    assert result.exit_code == 0, result.output
    assert "Alles in orde" not in result.output and "Geen fouten, maar nog niet alles is klaar" in result.output
    config = ws / "config.toml"
    assert f"organisation.admin (regel {line_number(config, 'admin =')})" in result.output
    assert f"mail.sender (regel {line_number(config, 'sender =')})" in result.output
    assert "voorbeeldadres (*.example)" in result.output


def test_example_addresses_with_a_real_mail_server_are_a_problem(ws: Path) -> None:
    """With Exchange configured, an example address is a problem (mail to it never arrives), not a note."""
    config = ws / "config.toml"
    text = config.read_text(encoding="utf-8").replace('backend = "folder"', 'backend = "exchange"')
    text += '\n[mail.exchange]\nusername = "WOONPARTNERS\\\\svc"\nmailbox = "integriteit@woonpartners.nl"\n'
    config.write_text(text.replace('admin = "ict@woonpartners.example"', 'admin = "ict@woonpartners.nl"'), "utf-8")
    section = check_config(Workspace(load_config(config), date(2026, 11, 26)))
    assert len(section.problems) == 1 and not section.notes
    assert "mail naar deze adressen komt nooit aan" in section.problems[0]
    assert "organisation.hr" in section.problems[0] and "organisation.admin" not in section.problems[0]


def excel_owner_file(name: str) -> bytes:
    """What Excel writes into ~$x.xlsx: a length byte and the name (ANSI), then at 54 the name in UTF-16."""
    ansi, wide = name.encode("cp1252"), name.encode("utf-16-le")
    head = bytes([len(ansi)]) + ansi + b" " * (53 - len(ansi))
    return head + len(name).to_bytes(2, "little") + wide + b"\x00" * (111 - len(wide))


def test_registers_open_in_excel_or_libreoffice_are_named_with_who_has_them_open(ws: Path, run_cli) -> None:
    """A register open in Excel (~$x.xlsx) or LibreOffice (.~lock.x.xlsx#) is named with the person in the lock file,
    and check writes nothing."""
    registers = ws / "registers"
    (registers / "~$geschenken.xlsx").write_bytes(excel_owner_file("Petra Leiding"))
    lock = "Jan de Vries,jdevries,KANTOOR-07,29.11.2026 10:12,file:///home/jdevries/.config/libreoffice/4;"
    (registers / ".~lock.nevenfuncties.xlsx#").write_text(lock, encoding="utf-8")
    before = tree_digest(ws)
    result = check(run_cli, ws)
    assert (
        "geschenken.xlsx is geopend in Excel door Petra Leiding (vergrendelbestand ~$geschenken.xlsx)" in result.output
    )
    assert "nevenfuncties.xlsx is geopend in LibreOffice door Jan de Vries" in result.output
    assert "Alles in orde" not in result.output
    assert tree_digest(ws) == before


def make_unwritable(path: Path) -> None:
    """chmod as a user; as root (who may write anyway) the immutable flag, or skip where the filesystem lacks it."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], check=False).returncode != 0:
        pytest.skip("root, and this filesystem has no immutable flag (chattr +i)")


def test_a_register_the_nightly_job_cannot_write_is_a_problem(ws: Path, run_cli) -> None:
    """A register that can't be written is a problem (exit 1) naming the file and the fix."""
    path = ws / "registers" / "leveranciers.xlsx"
    make_unwritable(path)
    try:
        result = check(run_cli, ws)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)
    assert result.exit_code == 1
    assert "leveranciers.xlsx (of de map" in result.output and "niet schrijfbaar" in result.output


def test_a_missing_audit_key_after_earlier_runs_is_a_problem(ws: Path, run_cli, tmp_path: Path) -> None:
    """After runs signed the audit trail, check on a machine without the audit key says so (exit 1); writes nothing."""
    assert run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-11-27", "nightly").exit_code == 0
    assert "Werkmap:" in check(run_cli, ws).output
    elsewhere = tmp_path / "ander-anker"
    elsewhere.mkdir()
    before = tree_digest(ws)
    result = check(run_cli, ws, INTEGRITY_ANCHOR_DIR=str(elsewhere))
    assert result.exit_code == 1
    assert "✗ Werkmap" in result.output and "de sleutel van het logboek ontbreekt" in result.output
    assert tree_digest(ws) == before and list(elsewhere.iterdir()) == []


def test_a_read_only_state_is_a_problem_before_the_nightly_job_meets_it(ws: Path, run_cli) -> None:
    """The state store that a writing run would refuse (read-only) is already named by check."""
    assert run_cli("--config", str(ws / "config.toml"), "--as-of", "2026-11-27", "nightly").exit_code == 0
    state = ws / ".integrity" / "state.sqlite"
    make_unwritable(state)
    try:
        result = check(run_cli, ws)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(state)], check=False)
    assert result.exit_code == 1 and "✗ Werkmap" in result.output and str(state) in result.output


def test_typed_text_is_named_once_for_each_register_that_has_it(tmp_path: Path, run_cli) -> None:
    """The demo has dates and amounts typed as text in two registers: check names each of them once, with its own
    count, not the last register read once per file in the folder."""
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import REGISTERS
    from toolkit.registers.typed import typed_changes

    root = tmp_path / "demo"
    assert run_cli("--as-of", "2026-11-26", "init", str(root), "--demo").exit_code == 0
    expected = {}
    for register in REGISTERS.values():
        changes, _ = typed_changes(read_register(root / "registers" / register.filename, register))
        if changes:
            expected[register.filename] = len(changes)
    assert len(expected) >= 2, "the demo should have typed text in more than one register"
    output = check(run_cli, root).output
    named = [line.strip() for line in output.splitlines() if "als tekst getypt; de nachtelijke taak" in line]
    assert sorted(named) == sorted(
        f"- {name}: {count} {'datum of bedrag' if count == 1 else 'datums of bedragen'} als tekst getypt; "
        "de nachtelijke taak maakt er echte Excel-waarden van (sorteren en filteren werken dan)"
        for name, count in expected.items()
    )


def test_a_missing_register_is_named_once_with_the_command_that_makes_it(ws: Path, run_cli) -> None:
    """In a workspace from before the dilemmas and housing registers, check names each missing file once (dilemmas.xlsx
    holds two sheets) with the command that makes it there, not `init`, which refuses an existing workspace."""
    for name in ("dilemmas.xlsx", "woonruimte.xlsx", "belangen.xlsx"):
        (ws / "registers" / name).unlink()
    output = check(run_cli, ws).output
    assert output.count("dilemmas.xlsx niet gevonden") == 1
    assert "maak het aan met 'integrity dilemmas create' (deze werkmap)" in output
    assert "maak het aan met 'integrity housing create' (deze werkmap)" in output
    assert "maak het aan met 'integrity nightly' (deze werkmap)" in output
    assert run_cli("--config", str(ws / "config.toml"), "dilemmas", "create").exit_code == 0
    assert "dilemmas.xlsx niet gevonden" not in check(run_cli, ws).output
