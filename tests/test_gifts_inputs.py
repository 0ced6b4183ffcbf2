"""The active suppliers G5 needs: kept by a writing run, taken from the state store while leveranciers.xlsx, config.toml
and the reading code are unchanged, read again after any change; a preview always reads the register itself."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from tests.test_gifts_check import calls_per_file, gifts_check, set_cell, verdicts, ws  # noqa: F401 - ws: fixture
from toolkit.gifts.inputs import ACTIVE_KEY
from toolkit.registers.schema import SUPPLIERS
from toolkit.state import StateStore

G5 = "G5 (ter beoordeling): de gever bouwbedrijf jansen bv is een actieve leverancier"


def kept(root: Path) -> str | None:
    with StateStore(root / ".integrity" / "state.sqlite") as state:
        return state.get(ACTIVE_KEY)


def test_a_writing_run_keeps_the_active_suppliers_and_the_next_leaves_the_register_closed(
    ws: Path,  # noqa: F811 - the fixture
    run_cli,
    monkeypatch,
) -> None:
    """The first `gifts check --write` reads leveranciers.xlsx and keeps the active names; after a gift row changes,
    the next writing run judges G5 the same without opening leveranciers.xlsx."""
    parses = calls_per_file(monkeypatch, CalamineWorkbook, "from_path")
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    assert parses[SUPPLIERS.filename] == 1
    assert kept(ws) is not None and "Bouwbedrijf Jansen B.V." in str(kept(ws))
    assert "Bloemist Roos" not in str(kept(ws)), "an inactive supplier is not kept"
    set_cell(ws, 1, "Omschrijving", "fles olijfolie")
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    assert parses[SUPPLIERS.filename] == 1, "the second writing run took the kept names"
    assert verdicts(ws)[6][0].startswith(G5)


def test_a_changed_supplier_register_is_read_again(ws: Path, run_cli) -> None:  # noqa: F811
    """A supplier marked inactive in Excel: the next writing run reads the register again and G5 no longer applies."""
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    assert verdicts(ws)[6][0].startswith(G5)
    path = ws / "registers" / SUPPLIERS.filename
    book = openpyxl.load_workbook(path)
    sheet = book[SUPPLIERS.sheet]
    active = next(c.column for c in sheet[1] if c.value == "Actief")
    sheet.cell(2, active).value = "nee"
    book.save(path)
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    assert not verdicts(ws)[6][0].startswith("G5")
    assert "Bouwbedrijf Jansen" not in str(kept(ws))


def test_a_preview_reads_the_register_and_keeps_nothing(ws: Path, run_cli, monkeypatch) -> None:  # noqa: F811
    """`gifts check` without --write reads leveranciers.xlsx itself and leaves the state store as it was."""
    assert gifts_check(run_cli, ws).exit_code == 0
    assert kept(ws) is None
    assert gifts_check(run_cli, ws, "--write").exit_code == 0
    before = kept(ws)
    set_cell(ws, 1, "Omschrijving", "fles olijfolie")
    parses = calls_per_file(monkeypatch, CalamineWorkbook, "from_path")
    assert gifts_check(run_cli, ws).exit_code == 0
    assert parses[SUPPLIERS.filename] == 1 and kept(ws) == before
