"""`integrity init`, `check` and `nightly` on a real workspace, as a new user runs them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from toolkit.registers.schema import GIFTS, REGISTERS, STAFF

# the demo's reports mailbox holds two reports: intake needs no secret (they are sealed to the demo's public keys)
REPORT_SECRETS: dict[str, str] = {}
REPO = Path(__file__).resolve().parent.parent
REGISTER_FILES = ["geschenken.xlsx", "nevenfuncties.xlsx", "leveranciers.xlsx", "medewerkers.xlsx", "kerstloting.xlsx",
                  "belangen.xlsx", "dilemmas.xlsx", "woonruimte.xlsx"]  # fmt: skip


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def demo(tmp_path: Path, run_cli) -> Path:
    root = tmp_path / "demo"
    result = run_cli("--as-of", "2026-11-26", "init", str(root), "--demo")
    assert result.exit_code == 0, result.output + result.stderr
    return root


def test_init_creates_the_whole_workspace(tmp_path: Path, run_cli) -> None:
    """init makes config, the five registers, templates, a Maildir inbox, an outbox and the state folder."""
    root = tmp_path / "ws"
    result = run_cli("init", str(root))
    assert result.exit_code == 0, result.stderr
    assert (root / "config.toml").is_file()
    assert sorted(p.name for p in (root / "registers").glob("*.xlsx")) == sorted(REGISTER_FILES)
    for part in ("cur", "new", "tmp"):
        assert (root / "mail" / "inbox" / part).is_dir()
    assert (root / "mail" / "outbox").is_dir()
    assert (root / ".integrity" / "state.sqlite").is_file()
    assert (root / ".integrity" / "audit.jsonl").is_file()
    assert (root / ".integrity" / "backups").is_dir()
    assert (root / "templates" / "nl").is_dir() and (root / "templates" / "en").is_dir()


def test_registers_are_made_for_people(tmp_path: Path, run_cli) -> None:
    """Each register has Dutch headers in a table with filter, a frozen header, dropdowns and an Uitleg sheet."""
    root = tmp_path / "ws"
    run_cli("init", str(root))
    for register in REGISTERS.values():
        book = openpyxl.load_workbook(root / "registers" / register.filename)
        sheet = book[register.sheet]
        assert [c.value for c in sheet[1]][: len(register.headers)] == list(register.headers)
        assert sheet.tables, register.filename
        assert sheet.freeze_panes == "A2"
        assert sheet.data_validations.dataValidation, register.filename
        assert "Uitleg" in book.sheetnames


def test_init_refuses_an_existing_workspace_and_changes_nothing(tmp_path: Path, run_cli) -> None:
    """A second init on the same folder exits non-zero and leaves every file as it was."""
    root = tmp_path / "ws"
    run_cli("init", str(root))
    before = tree_digest(root)
    result = run_cli("init", str(root), "--demo")
    assert result.exit_code == 7
    assert "niets veranderd" in result.stderr
    assert tree_digest(root) == before


def test_demo_has_rows_and_mail(demo: Path) -> None:
    """The demo fills the hand-kept registers with a few dozen rows, the others with a few, and puts mail in the inboxes."""
    from toolkit.registers.reader import read_register

    for register in REGISTERS.values():
        table = read_register(demo / "registers" / register.filename, register)
        minimum = 20 if register.key in ("gifts", "sidejobs", "suppliers", "staff") else 2
        assert len(table.rows) >= minimum, register.filename
    assert len(list((demo / "mail" / "inbox" / "new").iterdir())) >= 3
    assert len(list((demo / "mail" / "meldingen" / "new").iterdir())) >= 1


def test_check_lists_unreadable_cells_of_the_demo(demo: Path, run_cli) -> None:
    """check on the demo names the deliberately unreadable amount by workbook, sheet, row and column, exit 1."""
    result = run_cli("--config", str(demo / "config.toml"), "check")
    assert result.exit_code == 1
    assert "geschenken.xlsx" in result.output and "Waarde (€)" in result.output and "ongeveer dertig" in result.output


def test_check_passes_on_a_clean_workspace(tmp_path: Path, run_cli) -> None:
    """check on a fresh, empty workspace with real addresses and every key reports all is well (exit 0)."""
    from tests.reports_helpers import give_keys

    root = tmp_path / "ws"
    run_cli("init", str(root))
    config = root / "config.toml"  # the real addresses filled in (example addresses are a finding of their own)
    config.write_text(config.read_text(encoding="utf-8").replace("woonpartners.example", "woonpartners.nl"), "utf-8")
    before = run_cli("--config", str(root / "config.toml"), "check")
    assert before.exit_code == 0 and "nog niet ingericht" in before.output  # reports wait in the mailbox, no loss
    assert "Alles in orde" not in before.output
    give_keys(root, "integriteit@woonpartners.nl", "vertrouwenspersoon@woonpartners.nl")
    half = run_cli("--config", str(root / "config.toml"), "check")
    assert half.exit_code == 1 and "heeft geen publieke sleutel" in half.output
    give_keys(root, "voorzitter.rvc@woonpartners.nl", "directeur@woonpartners.nl")
    give_keys(root, "klachten@woonpartners.nl")  # each route address's holder has a key
    result = run_cli("--config", str(root / "config.toml"), "check")
    assert result.exit_code == 0, result.output
    assert "Alles in orde" in result.output


def test_nightly_runs_and_summarises(demo: Path, run_cli) -> None:
    """nightly on the demo runs every step, prints a summary and records the run in the audit trail."""
    result = run_cli("--config", str(demo / "config.toml"), "nightly", env=REPORT_SECRETS)
    assert "Taak 'nightly'" in result.output
    assert result.exit_code == 0, result.output
    verify = run_cli("--config", str(demo / "config.toml"), "audit", "verify")
    assert verify.exit_code == 0, verify.output


def test_locked_workbook_change_lands_after_excel_closes(demo: Path, run_cli) -> None:
    """A change to a workbook open in Excel waits in the state store and is written on the first run after."""
    from datetime import date

    from toolkit.config import load_config
    from toolkit.registers.pending import save
    from toolkit.registers.reader import read_register
    from toolkit.registers.writer import CellUpdate
    from toolkit.workspace import Workspace

    # judge first, so the nightly gifts step (which rewrites Beoordeling) leaves 'Beoordeeld op' alone
    assert run_cli("--config", str(demo / "config.toml"), "gifts", "check", "--write").exit_code == 0
    ws = Workspace(load_config(demo / "config.toml"), date(2026, 11, 26))
    path = ws.register_path(GIFTS)
    owner = path.with_name("~$" + path.name)
    owner.write_bytes(b"excel")
    before = path.read_bytes()
    table = read_register(path, GIFTS)
    nr = table.rows[0].nr
    outcome = save(ws, GIFTS, [CellUpdate(column="Beoordeeld op", value=date(2020, 1, 1), nr=nr)])
    assert outcome.waiting and not outcome.written
    assert path.read_bytes() == before
    owner.unlink()
    result = run_cli("--config", str(demo / "config.toml"), "nightly", env=REPORT_SECRETS)
    assert result.exit_code == 0, result.output
    after = read_register(path, GIFTS)
    assert next(r for r in after.rows if r.nr == nr).get("Beoordeeld op") == date(2020, 1, 1)
    assert ws.state.pending() == []
    ws.close()
    _ = STAFF


def run_integrity(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """`python -m toolkit ARGS` in a child process with exactly these extra environment variables."""
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, env={**os.environ, **env})


def test_check_and_nightly_survive_a_windows_code_page(demo: Path) -> None:
    """With PYTHONIOENCODING=cp1252, check and nightly finish with plain symbols instead of crashing on '✓'."""
    env = {"PYTHONIOENCODING": "cp1252", **REPORT_SECRETS}
    config = str(demo / "config.toml")
    check = run_integrity("--config", config, "check", env=env)
    nightly = run_integrity("--config", config, "nightly", env=env)
    for result, expected_exit in ((check, 1), (nightly, 0)):
        out, err = result.stdout.decode("cp1252"), result.stderr.decode("cp1252")
        assert result.returncode == expected_exit, out + err
        assert "Traceback" not in err and "UnicodeEncodeError" not in err
        assert "OK " in out and "✓" not in out
    assert "Taak 'nightly'" in nightly.stdout.decode("cp1252")


def test_utf8_console_keeps_its_symbols(demo: Path) -> None:
    """With a UTF-8 console nothing is replaced: check shows its '✓' marks."""
    result = run_integrity("--config", str(demo / "config.toml"), "check", env={"PYTHONIOENCODING": "utf-8"})
    assert "✓" in result.stdout.decode("utf-8")


def test_repository_is_a_ready_workspace(tmp_path: Path, run_cli) -> None:
    """The tracked workspace at the repository root (config.toml, registers/, templates/, mail/) passes check: with no
    key at all the report channel is 'not set up yet' (a note naming the keys to make, nothing lost: intake takes
    nothing in); once one key exists, every missing key is a problem; with all keys, all is well."""
    from tests.reports_helpers import give_keys

    root = tmp_path / "clone"
    root.mkdir()
    shutil.copyfile(REPO / "config.toml", root / "config.toml")
    for folder in ("registers", "templates", "mail"):
        shutil.copytree(REPO / folder, root / folder)
    assert sorted(p.name for p in (root / "registers").glob("*.xlsx")) == sorted(REGISTER_FILES)
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    fresh = run_cli("--config", str(root / "config.toml"), "check")
    assert fresh.exit_code == 0, fresh.output + fresh.stderr
    after = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    assert after == before, "check wrote into the fresh clone"  # not even an empty state.sqlite
    assert "Meldingen (sleutels): nog niet ingericht" in fresh.output and "✗" not in fresh.output
    assert "klachten@woonpartners.example" in fresh.output and "integrity keys new" in fresh.output
    give_keys(root, "integriteit@woonpartners.example", "vertrouwenspersoon@woonpartners.example")
    partly = run_cli("--config", str(root / "config.toml"), "check")
    assert partly.exit_code == 1 and partly.output.count("✗") == 1 and "✗ Meldingen (sleutels)" in partly.output
    give_keys(root, "voorzitter.rvc@woonpartners.example", "directeur@woonpartners.example")
    give_keys(root, "klachten@woonpartners.example")  # each route address's holder has a key
    result = run_cli("--config", str(root / "config.toml"), "check")
    assert result.exit_code == 0, result.output + result.stderr
    for register in REGISTERS.values():
        workbook = openpyxl.load_workbook(root / "registers" / register.filename, read_only=True)
        assert "Uitleg" in workbook.sheetnames, register.filename
        workbook.close()


def test_maildir_placeholders_are_not_mail(tmp_path: Path, run_cli) -> None:
    """The .gitkeep files that keep the repository's empty Maildirs in git are not read as messages."""
    root = tmp_path / "ws"
    run_cli("init", str(root))
    for part in ("new", "cur"):
        (root / "mail" / "inbox" / part / ".gitkeep").touch()
    result = run_cli("--config", str(root / "config.toml"), "inbox", "process", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["received"] == 0
    for part in ("new", "cur"):
        assert (root / "mail" / "inbox" / part / ".gitkeep").exists()
    assert not list((root / "mail" / "inbox").glob(".Verwerkt/*/*"))


def test_tracked_registers_match_what_init_makes(tmp_path: Path) -> None:
    """The repository's empty registers/ hold exactly the sheets and cell values `init` makes today (else: make registers)."""
    from toolkit.init import create_registers

    create_registers(tmp_path / "fresh")
    for name in REGISTER_FILES:
        tracked = openpyxl.load_workbook(REPO / "registers" / name)
        fresh = openpyxl.load_workbook(tmp_path / "fresh" / name)
        assert tracked.sheetnames == fresh.sheetnames, f"{name}: run 'make registers'"
        for sheet in fresh.sheetnames:
            values = [list(row) for row in fresh[sheet].iter_rows(values_only=True)]
            assert [list(row) for row in tracked[sheet].iter_rows(values_only=True)] == values, (
                f"{name}, sheet {sheet}: run 'make registers'"
            )


@pytest.mark.parametrize("on_path", [True, False])
def test_init_suggests_a_command_that_runs(tmp_path: Path, on_path: bool) -> None:
    """init's next step names `integrity` when it is on PATH, else the full path of the program that ran."""
    script = Path(sys.executable).parent / "integrity"
    path = f"{script.parent}{os.pathsep}/usr/bin:/bin" if on_path else "/usr/bin:/bin"
    result = subprocess.run(
        [str(script), "init", str(tmp_path / "ws")], capture_output=True, env={**os.environ, "PATH": path}
    )
    assert result.returncode == 0, result.stderr
    expected = "integrity check" if on_path else f"{script.resolve()} check"
    assert f"&& {expected}" in result.stdout.decode()
