"""The `Medewerker` picker follows medewerkers.xlsx each night: only its list and range change, quietly otherwise."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from tests.registers_helpers import FIXTURES, outside_sheet_data, sha256, sheet_cells
from toolkit.registers.create import create_register
from toolkit.registers.picker import has_picker
from toolkit.registers.schema import GIFTS, REGISTERS, SIDEJOBS, STAFF, SUPPLIERS
from toolkit.registers.steps import picker_step
from toolkit.workspace import Workspace

TODAY = date(2027, 3, 1)
MAIN, LISTS = "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"  # in gifts-picker.xlsx (saved by LibreOffice)
NAMES = ["Anna de Graaf", "Bram de Wit", "Medewerker 1"]  # its list


@pytest.fixture
def ws(bare_workspace: Path) -> Iterator[Workspace]:
    from toolkit.config import load_config

    workspace = Workspace(load_config(bare_workspace / "config.toml"), TODAY, actor="nightly")
    yield workspace
    workspace.close()


def staff(ws: Workspace, names: list[str], left: dict[str, date] | None = None) -> Path:
    rows = [
        {
            "Nr": n,
            "Personeelsnummer": f"P{n}",
            "Naam": name,
            "Rol": "medewerker",
            "Uit dienst per": (left or {}).get(name),
        }
        for n, name in enumerate(names, start=1)
    ]
    path = ws.register_path(STAFF)
    create_register(path, STAFF, rows)
    return path


def gifts(ws: Workspace) -> Path:
    path = ws.register_path(GIFTS)
    shutil.copyfile(FIXTURES / "gifts-picker.xlsx", path)
    return path


def listed(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path)["Lijsten"]
    assert sheet.sheet_state == "hidden" and sheet["A1"].value == "Naam (uit medewerkers.xlsx)"
    return [c.value for c in sheet["A"][1:] if c.value]


def picker_range(path: Path) -> str:
    sheet = openpyxl.load_workbook(path)["Geschenken"]
    return next(v.formula1 for v in sheet.data_validations.dataValidation if "Lijsten" in (v.formula1 or ""))


def audit_lines(ws: Workspace, action: str) -> list[dict[str, object]]:
    path = ws.config.state_dir / "audit.jsonl"
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []
    return [line for line in lines if line["action"] == action]


def test_a_new_colleague_appears_in_the_picker(ws: Workspace) -> None:
    """After a name is added to medewerkers.xlsx the list holds it (sorted) and the picker's range covers it."""
    path = gifts(ws)
    staff(ws, [*NAMES, "Aaron Nieuw"])
    result = picker_step(ws)
    assert result.ok and "geschenken.xlsx" in result.summary
    assert listed(path) == ["Aaron Nieuw", *NAMES]
    assert picker_range(path) == "Lijsten!$A$2:$A$5"
    assert any("1 nieuw (Aaron Nieuw)" in d for d in result.details)
    [line] = audit_lines(ws, "register.picker")
    assert line["target"] == "geschenken.xlsx" and line["details"] == {"names": 4, "added": 1, "removed": 0}


def test_only_the_list_and_its_range_change(ws: Workspace) -> None:
    """Every other part is byte-identical; the main sheet differs only in the range; on Lijsten only column A."""
    path = gifts(ws)
    staff(ws, [*NAMES, "Aaron Nieuw"])
    picker_step(ws)
    with zipfile.ZipFile(FIXTURES / "gifts-picker.xlsx") as old, zipfile.ZipFile(path) as new:
        assert old.namelist() == new.namelist()
        for name in old.namelist():
            if name not in (MAIN, LISTS):
                assert old.read(name) == new.read(name), name
        assert old.read(MAIN).replace(b"Lijsten!$A$2:$A$4", b"Lijsten!$A$2:$A$5") == new.read(MAIN)
        lists_before, lists_after = old.read(LISTS), new.read(LISTS)
    assert outside_sheet_data(lists_before) == outside_sheet_data(lists_after)
    old_cells, new_cells = sheet_cells(lists_before), sheet_cells(lists_after)
    assert {k for k in old_cells.keys() | new_cells.keys() if old_cells.get(k) != new_cells.get(k)} == {
        (2, "A"), (3, "A"), (4, "A"), (5, "A")
    }  # fmt: skip


def test_someone_who_left_drops_off_the_day_after(ws: Workspace) -> None:
    """A name with `Uit dienst per` before today leaves the list (its old cell emptied); on the last day it stays."""
    path = gifts(ws)
    staff(ws, NAMES, left={"Bram de Wit": TODAY - timedelta(days=1), "Medewerker 1": TODAY})
    picker_step(ws)
    assert listed(path) == ["Anna de Graaf", "Medewerker 1"]
    assert picker_range(path) == "Lijsten!$A$2:$A$3"
    assert openpyxl.load_workbook(path)["Lijsten"]["A4"].value is None


def test_nothing_changed_writes_nothing(ws: Workspace) -> None:
    """A list that matches medewerkers.xlsx is not written (no backup, no audit line); a second run neither
    writes a byte of register, state or audit trail."""
    path = gifts(ws)
    staff(ws, list(reversed(NAMES)))
    before = sha256(path)
    result = picker_step(ws)
    assert result.summary == "ongewijzigd" and sha256(path) == before
    assert not audit_lines(ws, "register.picker") and not list(ws.backups_dir.glob("geschenken.*"))
    files = [path, ws.config.state_dir / "state.sqlite", ws.config.state_dir / "audit.jsonl"]
    hashes = [sha256(p) if p.exists() else None for p in files]
    assert picker_step(ws).summary == "ongewijzigd"
    assert [sha256(p) if p.exists() else None for p in files] == hashes


@pytest.mark.parametrize("lock", ["~$geschenken.xlsx", ".~lock.geschenken.xlsx#"])
def test_a_register_open_in_excel_is_not_written(ws: Workspace, lock: str) -> None:
    """An open register keeps every byte and the step says it waits; the next run after closing refreshes it."""
    path = gifts(ws)
    staff(ws, [*NAMES, "Aaron Nieuw"])
    (path.parent / lock).write_bytes(b"\x05Henk ")
    before = sha256(path)
    result = picker_step(ws)
    assert sha256(path) == before and any("wacht" in d and "geopend" in d for d in result.details)
    (path.parent / lock).unlink()
    picker_step(ws)
    assert listed(path) == ["Aaron Nieuw", *NAMES]


def test_the_picker_comes_from_the_schema() -> None:
    """Every register with a staff column `Medewerker` has the picker; the others don't."""
    assert has_picker(GIFTS) and has_picker(SIDEJOBS) and not has_picker(SUPPLIERS) and not has_picker(STAFF)
    assert {r.key for r in REGISTERS.values() if has_picker(r)} == {
        r.key for r in REGISTERS.values() if any(c.header == "Medewerker" and not c.owned for c in r.columns)
    }


def test_check_names_a_stale_picker_and_nightly_fixes_it(tmp_path: Path, run_cli) -> None:
    """`integrity check` says which lists lag behind medewerkers.xlsx; after the nightly job it no longer does."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", "2026-11-26", "init", str(root), "--demo").exit_code == 0
    config = ("--config", str(root / "config.toml"), "--as-of", "2026-11-26")
    assert "keuzelijst" not in run_cli(*config, "check").output
    book = openpyxl.load_workbook(root / "registers" / "medewerkers.xlsx")
    sheet = book["Medewerkers"]
    headers = [c.value for c in sheet[1]]
    sheet.append(["Zoë Later" if h == "Naam" else "P999" if h == "Personeelsnummer" else None for h in headers])
    book.save(root / "registers" / "medewerkers.xlsx")
    output = run_cli(*config, "check").output
    stale = [line for line in output.splitlines() if "keuzelijst Medewerker" in line]
    with_picker = [r for r in REGISTERS.values() if has_picker(r)]
    assert len(stale) == len(with_picker) >= 2 and all("1 nieuw (Zoë Later)" in line for line in stale)
    assert re.search(r"geschenken\.xlsx.*keuzelijst", output) and re.search(r"nevenfuncties\.xlsx.*keuzelijst", output)
    run_cli(*config, "nightly")
    assert "keuzelijst Medewerker" not in run_cli(*config, "check").output
    assert "Zoë Later" in listed(root / "registers" / "geschenken.xlsx")


def test_a_staff_formula_naming_the_list_is_left_alone(ws: Workspace) -> None:
    """Only the data validation's range follows the list; a staff formula over the same range keeps its bytes."""
    from tests.registers_helpers import add_zip_parts, read_part

    path = gifts(ws)
    main = read_part(path, MAIN)
    start = main.index(b'<row r="2"')
    end = main.index(b"</row>", start)
    formula = b'<c r="Z2"><f>COUNTA(Lijsten!$A$2:$A$4)</f><v>3</v></c>'
    add_zip_parts(path, {}, replace={MAIN: main[:end] + formula + main[end:]})
    staff(ws, [*NAMES, "Aaron Nieuw"])
    picker_step(ws)
    assert sheet_cells(read_part(path, MAIN))[(2, "Z")] == sheet_cells(main[:end] + formula + main[end:])[(2, "Z")]
    assert b"COUNTA(Lijsten!$A$2:$A$4)" in read_part(path, MAIN)
    assert picker_range(path) == "Lijsten!$A$2:$A$5" and listed(path) == ["Aaron Nieuw", *NAMES]
