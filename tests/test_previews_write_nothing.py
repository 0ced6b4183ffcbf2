"""A preview writes nothing: every command run without its writing flag leaves registers, state and trail unchanged.

To cover a new command, add its arguments to PREVIEWS. Each case runs on the demo workspace after one nightly,
with rows that still have no Nr in every register (the case that used to make previews number rows), once on
the demo's own date and once with `--as-of` a year ahead.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

# the demo's fictitious key passphrase (printed by `make demo`); intake itself needs no secret
REPORT_SECRETS = {"INTEGRITY_KEY_PASSPHRASE": "demo-sleutel-fictief"}
KEY = ("--key", "{root}/demo-sleutels/integriteit.key")  # {root}: the copied workspace
TODAY = "2027-01-12"  # inside the first supplier cycle, which the base workspace has started
YEAR_AHEAD = "2028-01-12"

# Every command without its writing flag (`--send`, `--write`); nightly and inbox process always act.
PREVIEWS: list[tuple[str, ...]] = [
    ("check",),
    ("gifts", "check"),
    ("gifts", "check", "--notify"),
    ("gifts", "check", "--notify", "--json"),
    ("sidejobs", "review"),
    ("dilemmas", "agenda"),
    ("dilemmas", "agenda", "--herinnering", "--json"),
    ("housing", "check"),
    ("housing", "check", "--json"),
    ("sidejobs", "review", "--notify"),
    ("sidejobs", "review", "--notify", "--json"),
    ("suppliers", "mail"),
    ("suppliers", "remind"),
    ("suppliers", "status"),
    ("onboarding", "send"),
    ("onboarding", "status"),
    ("monthly",),
    ("monthly", "--json"),
    ("mail", "preview", "leverancier_code"),
    ("audit", "verify"),
    ("audit", "show"),
    ("inbox", "unmatched"),
    ("raffle", "verify", "--year", "2026"),
    ("raffle", "notify", "--year", "2026"),
    ("reports", "list"),
    ("reports", "list", "--json", *KEY),
    ("reports", "show", "M-2026-0001"),
    ("reports", "show", "M-2026-0001", *KEY),
    ("reports", "update", "M-2026-0001", "--tell-reporter", *KEY),
    ("reports", "migrate"),
    ("reports", "deadlines"),
    ("reports", "stats", "--period", "2026"),
    ("interests", "check"),
    ("interests", "check", "--json"),
    ("interests", "attest"),
    ("interests", "remind"),
]


def _add_unnumbered_rows(root: Path) -> None:
    """A row without Nr in every register with rows, as staff type them: dates and amounts as text (a writing run
    turns them into real values) and a new colleague (the picker lags behind)."""
    from openpyxl import load_workbook

    extra = {
        "geschenken.xlsx": {"Datum ontvangen": "3-1-2027", "Medewerker": "Nieuwe Collega", "Gever": "Bouwbedrijf X",
                            "Soort": "geschenk", "Omschrijving": "Fles wijn", "Waarde (€)": "40"},
        "nevenfuncties.xlsx": {"Medewerker": "Nieuwe Collega", "Nevenfunctie": "Penningmeester",
                               "Organisatie": "Voetbalclub", "Gemeld op": "2-1-2027", "Status": "aangevraagd"},
        "leveranciers.xlsx": {"Naam": "Nieuwe Leverancier BV", "E-mail": "info@nieuw.example", "Actief": "ja"},
        "medewerkers.xlsx": {"Personeelsnummer": "P900", "Naam": "Nieuwe Collega", "Rol": "medewerker"},
        "belangen.xlsx": {"Medewerker": "Nieuwe Collega", "Soort": "belang", "Omschrijving": "Zus bij aannemer",
                          "Gemeld op": "4-1-2027"},
        "dilemmas.xlsx": {"Datum": "4-1-2027", "Dilemma": "Een huurder biedt hulp bij een verbouwing aan.",
                          "Delen met andere teams": "ja"},
        "woonruimte.xlsx": {"Medewerker": "Nieuwe Collega", "Rol": "medewerker", "Betreft": "medewerker zelf",
                            "Soort": "huur", "Woning": "Kerkpad 2", "Datum": "2-1-2027", "Korting (€)": "100",
                            "Volgens de toewijzingsprocedure": "ja", "Zelf betrokken bij toewijzing": "nee"},
    }  # fmt: skip
    for name, values in extra.items():
        path = root / "registers" / name
        book = load_workbook(path)
        sheet = book.worksheets[0]
        headers = [cell.value for cell in sheet[1]]
        sheet.append([values.get(str(h), None) for h in headers])
        book.save(path)


@pytest.fixture(scope="module")
def base_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo after one nightly and a started supplier cycle, with unnumbered rows added afterwards."""
    from click.testing import CliRunner

    from toolkit.cli import cli

    root = tmp_path_factory.mktemp("previews") / "ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["--as-of", "2026-11-26", "init", str(root), "--demo"]).exit_code == 0
    config = str(root / "config.toml")
    runner.invoke(cli, ["--config", config, "--as-of", "2026-11-26", "nightly"], env=REPORT_SECRETS)
    runner.invoke(cli, ["--config", config, "--as-of", "2027-01-05", "suppliers", "mail", "--send"])
    runner.invoke(cli, ["--config", config, "--as-of", "2027-01-05", "interests", "attest", "--send"])
    _add_unnumbered_rows(root)
    return root


def _fingerprints(root: Path) -> dict[str, str]:
    files = [*sorted((root / "registers").glob("*.xlsx")), root / ".integrity" / "state.sqlite"]
    files.append(root / ".integrity" / "audit.jsonl")
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.exists()}


@pytest.mark.parametrize("as_of", [TODAY, YEAR_AHEAD])
@pytest.mark.parametrize("args", PREVIEWS, ids=lambda args: " ".join(args))
def test_preview_changes_no_byte(
    base_workspace: Path, tmp_path: Path, run_cli, args: tuple[str, ...], as_of: str
) -> None:
    """The command without its writing flag leaves every register, state.sqlite and audit.jsonl byte-identical."""
    root = tmp_path / "ws"
    shutil.copytree(base_workspace, root)
    args = tuple(arg.replace("{root}", str(root)) for arg in args)
    before = _fingerprints(root)
    assert {"registers/geschenken.xlsx", ".integrity/state.sqlite", ".integrity/audit.jsonl"} <= before.keys()
    result = run_cli("--config", str(root / "config.toml"), "--as-of", as_of, *args, env=REPORT_SECRETS)
    assert "interne fout" not in result.output + result.stderr, result.output + result.stderr
    if "--key" in args:  # the key opened the case: the preview really ran
        assert result.exit_code == 0, result.output + result.stderr
    assert _fingerprints(root) == before, result.output


@pytest.mark.parametrize("args", [("gifts", "check", "--notify"), ("suppliers", "remind"), ("monthly",)])
def test_preview_on_a_state_from_before_the_ledger_items(
    base_workspace: Path, tmp_path: Path, run_cli, args: tuple[str, ...]
) -> None:
    """A state.sqlite made before the ledger kept covered items is not migrated by a preview (same bytes)."""
    import sqlite3
    from contextlib import closing

    root = tmp_path / "ws"
    shutil.copytree(base_workspace, root)
    with closing(sqlite3.connect(root / ".integrity" / "state.sqlite")) as db:
        db.execute("DROP TABLE IF EXISTS outgoing_items")
        db.commit()
    args = tuple(arg.replace("{root}", str(root)) for arg in args)
    before = _fingerprints(root)
    result = run_cli("--config", str(root / "config.toml"), "--as-of", TODAY, *args, env=REPORT_SECRETS)
    assert "interne fout" not in result.output + result.stderr, result.output + result.stderr
    assert _fingerprints(root) == before, result.output


def test_the_base_holds_what_only_a_writing_run_changes(base_workspace: Path, tmp_path: Path, run_cli) -> None:
    """The previews above run on typed text and a lagging picker (so a preview that converted or refreshed would
    fail them); the nightly job does change both."""
    from toolkit.config import load_config
    from toolkit.registers.picker import picker_notes
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import GIFTS, SIDEJOBS, STAFF
    from toolkit.registers.typed import typed_changes
    from toolkit.workspace import Workspace

    def pending(root: Path) -> tuple[int, int]:
        ws = Workspace(load_config(root / "config.toml"), date.fromisoformat(TODAY))
        tables = {r.key: read_register(ws.register_path(r), r) for r in (GIFTS, SIDEJOBS, STAFF)}
        ws.close()
        return len(typed_changes(tables[GIFTS.key])[0]), len(picker_notes(ws, tables))

    typed, stale = pending(base_workspace)
    assert typed >= 2 and stale == 2  # '3-1-2027' and '40' in gifts; gifts' and side functions' pickers
    root = tmp_path / "ws"
    shutil.copytree(base_workspace, root)
    run_cli("--config", str(root / "config.toml"), "--as-of", TODAY, "nightly", env=REPORT_SECRETS)
    assert pending(root) == (0, 0)
