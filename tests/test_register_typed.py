"""Dates and amounts typed as text become real Excel values in the nightly job; ambiguous ones are named and kept."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.registers_helpers import FIXTURES, gifts_workbook, outside_sheet_data, sha256, sheet_cells, styles_kept
from toolkit.registers.schema import AMOUNT_FORMAT, DATE_FORMAT, GIFTS
from toolkit.registers.steps import typed_values_step
from toolkit.registers.writer import CellUpdate, write_updates
from toolkit.workspace import Workspace

SHEET = "xl/worksheets/sheet1.xml"
# gifts-picker.xlsx (saved by LibreOffice): what staff typed, and what it becomes (None: left as typed)
CONVERTED = {
    (2, "B"): ("Datum ontvangen", "15-01-2027", date(2027, 1, 15)),
    (2, "G"): ("Waarde (€)", "€ 35,50", 35.5),
    (4, "B"): ("Datum ontvangen", "15 jan 2027", date(2027, 1, 15)),
    (4, "G"): ("Waarde (€)", "35.50", 35.5),
    (6, "B"): ("Datum ontvangen", "2027-01-15", date(2027, 1, 15)),
    (7, "B"): ("Datum ontvangen", "15/01/2027", date(2027, 1, 15)),
    (7, "G"): ("Waarde (€)", "25,-", 25.0),
}
KEPT = {(5, "B"): "03-04-27", (5, "G"): "1.234", (6, "G"): "1.234,567"}


@pytest.fixture
def ws(bare_workspace: Path) -> Iterator[Workspace]:
    from toolkit.config import load_config

    workspace = Workspace(load_config(bare_workspace / "config.toml"), date(2027, 3, 1), actor="nightly")
    yield workspace
    workspace.close()


def audit_lines(ws: Workspace, action: str) -> list[dict[str, object]]:
    path = ws.config.state_dir / "audit.jsonl"
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []
    return [line for line in lines if line["action"] == action]


def test_libreoffice_register_gets_real_dates_and_amounts(ws: Workspace) -> None:
    """Readable typed text becomes a date or number with the column's own format; ambiguous text stays text."""
    path = ws.register_path(GIFTS)
    shutil.copyfile(FIXTURES / "gifts-picker.xlsx", path)
    result = typed_values_step(ws)
    assert result.ok and result.summary.startswith(f"{len(CONVERTED)} ")
    sheet = openpyxl.load_workbook(path)["Geschenken"]
    for (row, letter), (_, _, value) in CONVERTED.items():
        cell = sheet[f"{letter}{row}"]
        if isinstance(value, date):
            assert cell.value == datetime(value.year, value.month, value.day), cell.coordinate
            assert cell.is_date and cell.number_format == sheet["B3"].number_format  # the real date's format
        else:
            assert cell.data_type == "n" and cell.value == value, cell.coordinate
            assert cell.number_format == sheet["G3"].number_format and "€" in cell.number_format
    for (row, letter), text in KEPT.items():
        assert sheet[f"{letter}{row}"].value == text and sheet[f"{letter}{row}"].data_type == "s"
    assert sheet["A7"].value == 6  # the row without Nr got one in the same write
    findings = [d for d in result.details if "de cel blijft zoals getypt" in d]
    assert len(findings) == 2
    assert any("rij 5, kolom Datum ontvangen" in f and "03-04-27" in f for f in findings)
    assert any("rij 6, kolom Waarde (€)" in f and "1.234,567" in f for f in findings)


def test_one_audit_line_per_converted_cell(ws: Workspace) -> None:
    """Each converted cell is one `register.typed` line: register, sheet, row, column, old text and new value."""
    path = ws.register_path(GIFTS)
    shutil.copyfile(FIXTURES / "gifts-picker.xlsx", path)
    typed_values_step(ws)
    lines = audit_lines(ws, "register.typed")
    found = {
        (line["target"], line["details"]["sheet"], line["details"]["row"], line["details"]["column"],
         line["details"]["old"], line["details"]["new"])
        for line in lines
    }  # fmt: skip
    expected = {
        ("geschenken.xlsx", "Geschenken", row, header, old, new.isoformat() if isinstance(new, date) else f"{new:.2f}")
        for (row, _), (header, old, new) in CONVERTED.items()
    }
    assert len(lines) == len(CONVERTED) and found == expected


def test_every_byte_outside_the_converted_cells_is_kept(ws: Workspace) -> None:
    """Other parts are byte-identical (styles.xml at most appended to); in the sheet only the converted cells and
    the new Nr differ, and everything around the cells is the same."""
    path = ws.register_path(GIFTS)
    shutil.copyfile(FIXTURES / "gifts-picker.xlsx", path)
    typed_values_step(ws)
    with zipfile.ZipFile(FIXTURES / "gifts-picker.xlsx") as old, zipfile.ZipFile(path) as new:
        assert old.namelist() == new.namelist()
        for name in old.namelist():
            if name == "xl/styles.xml":
                assert styles_kept(old.read(name), new.read(name))
            elif name != SHEET:
                assert old.read(name) == new.read(name), name
        before, after = old.read(SHEET), new.read(SHEET)
    assert outside_sheet_data(before) == outside_sheet_data(after)
    old_cells, new_cells = sheet_cells(before), sheet_cells(after)
    changed = {k for k in old_cells.keys() | new_cells.keys() if old_cells.get(k) != new_cells.get(k)}
    assert changed == set(CONVERTED) | {(7, "A")}


def test_a_new_register_gets_the_schema_formats_and_reuses_them(ws: Workspace) -> None:
    """Without a real value in the column the schema's formats are used; a later conversion adds no cell format."""
    path = gifts_workbook(ws.register_path(GIFTS), count=3)  # typed as '1-12-2025' and '12,50'
    typed_values_step(ws)
    sheet = openpyxl.load_workbook(path)["Geschenken"]
    assert [sheet[f"B{r}"].value for r in (2, 3, 4)] == [datetime(2025, 12, 1)] * 3
    assert {sheet[f"B{r}"].number_format for r in (2, 3, 4)} == {DATE_FORMAT}
    assert {sheet[f"G{r}"].number_format for r in (2, 3, 4)} == {AMOUNT_FORMAT}
    book = openpyxl.load_workbook(path)
    book["Geschenken"].append([None, "2-12-2025", "Anna", "X", "geschenk", None, "€ 9,95", None, None, "aangenomen"])
    book.save(path)
    xfs = _cell_formats(path)
    typed_values_step(ws)
    assert _cell_formats(path) == xfs  # the date and amount formats of the first run were reused
    sheet = openpyxl.load_workbook(path)["Geschenken"]
    assert sheet["B5"].value == datetime(2025, 12, 2) and sheet["G5"].value == 9.95


def _cell_formats(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        match = re.search(rb'<cellXfs count="(\d+)"', archive.read("xl/styles.xml"))
    assert match
    return int(match.group(1))


def test_nothing_to_convert_writes_nothing(ws: Workspace) -> None:
    """A second run on the converted register reads nothing new and writes no byte: register, state, audit."""
    path = gifts_workbook(ws.register_path(GIFTS), count=2)
    typed_values_step(ws)
    files = [path, ws.config.state_dir / "state.sqlite", ws.config.state_dir / "audit.jsonl"]
    before = [sha256(p) for p in files]
    result = typed_values_step(ws)
    assert result.summary.startswith("0 ") and [sha256(p) for p in files] == before


@pytest.mark.parametrize("lock", ["~$geschenken.xlsx", ".~lock.geschenken.xlsx#"])
def test_a_register_open_in_excel_is_not_written(ws: Workspace, lock: str) -> None:
    """An open register keeps its bytes, nothing is queued; the run after it is closed converts."""
    path = gifts_workbook(ws.register_path(GIFTS), count=2)
    before = sha256(path)
    (path.parent / lock).write_bytes(b"\x05Henk ")
    result = typed_values_step(ws)
    assert sha256(path) == before and not ws.state.pending()
    assert "open" in result.summary and any("geopend" in d for d in result.details)
    assert not audit_lines(ws, "register.typed")
    (path.parent / lock).unlink()
    assert typed_values_step(ws).summary.startswith("4 ")


def test_a_cell_changed_since_reading_is_left(ws: Workspace) -> None:
    """A typed value is written only while the cell still holds the text it was read with."""
    path = gifts_workbook(ws.register_path(GIFTS), count=2)
    update = CellUpdate("Datum ontvangen", date(2025, 12, 1), nr=1, number_format=DATE_FORMAT, was="01-12-2025")
    result = write_updates(path, GIFTS, [update], backups_dir=ws.backups_dir)
    assert not result.written and "sinds het lezen gewijzigd" in result.skipped[0]
    assert openpyxl.load_workbook(path)["Geschenken"]["B2"].value == "1-12-2025"


@pytest.mark.parametrize("column", ["Gever", "Medewerker"])
def test_only_date_and_amount_columns_of_staff_take_a_typed_value(ws: Workspace, column: str) -> None:
    """A typed value for any other staff column is refused before anything is read."""
    path = gifts_workbook(ws.register_path(GIFTS), count=1)
    update = CellUpdate(column, date(2025, 12, 1), nr=1, number_format=DATE_FORMAT, was=f"{column} 1")
    with pytest.raises(ValueError, match="not a toolkit-owned column"):
        write_updates(path, GIFTS, [update], backups_dir=ws.backups_dir)
