"""Whole sheets in a toolkit-owned workbook (kerstloting.xlsx) through the register gateway: add, rename, read."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.registers_helpers import add_zip_parts, sha256
from toolkit.errors import RefusedError, WorkbookLocked
from toolkit.registers.create import create_empty_workbook
from toolkit.registers.sheets import add_sheet, rename_sheet, sheet_names, sheet_rows

HEADER = ("Lotnummer", "Naam")
LABEL = b'<customXml xmlns="urn:label"><label id="vertrouwelijk"/></customXml>'


def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "kerstloting.xlsx"
    create_empty_workbook(path, "Kerstloting")
    add_zip_parts(path, {"customXml/item1.xml": LABEL})  # a part the gateway does not know: kept as it is
    return path


def add(path: Path, sheet: str, rows: list[list[str]], **kwargs) -> object:
    return add_sheet(path, sheet, HEADER, rows, backups_dir=path.parent / "backups", **kwargs)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_an_added_sheet_changes_only_the_workbook_lists_and_reads_back(tmp_path: Path) -> None:
    """A new last sheet with notes, bold header and rows; every other part byte for byte, openpyxl reads it too."""
    path = workbook(tmp_path)
    before = parts(path)
    result = add(path, "2026 loten", [["L-001", "=SOM(A1)"], ["L-002", "Piet <de> Vries"]], notes=[("Jaar", "2026")])
    assert result.written and result.backup is not None and result.backup.exists()
    after = parts(path)
    assert set(after) - set(before) == {"xl/worksheets/sheet2.xml"}
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}
    assert after["customXml/item1.xml"] == LABEL
    assert sheet_names(path) == ["Uitleg", "2026 loten"]
    rows = sheet_rows(path, "2026 loten")
    assert rows[0][:2] == ["Jaar", "2026"] and rows[2][:2] == list(HEADER)
    assert rows[3][:2] == ["L-001", "=SOM(A1)"] and rows[4][1] == "Piet <de> Vries"
    sheet = openpyxl.load_workbook(path)["2026 loten"]
    assert sheet["A3"].font.b and not sheet["A4"].font.b
    assert sheet["B4"].data_type == "s"  # text from outside is never a formula


def test_an_existing_sheet_is_never_replaced(tmp_path: Path) -> None:
    """Adding a sheet whose name exists is refused and the workbook keeps every byte."""
    path = workbook(tmp_path)
    add(path, "2026", [["1", "a"]])
    digest = sha256(path)
    with pytest.raises(RefusedError, match="bestaat al"):
        add(path, "2026", [["2", "b"]])
    assert sha256(path) == digest


def test_an_open_workbook_is_not_written(tmp_path: Path) -> None:
    """With LibreOffice's lock file beside it the workbook is left alone (the caller can try again later)."""
    path = workbook(tmp_path)
    digest = sha256(path)
    (tmp_path / ".~lock.kerstloting.xlsx#").write_text("petra,host,/home/petra,29.11.2026 10:00;")
    with pytest.raises(WorkbookLocked):
        add(path, "2026", [["1", "a"]])
    with pytest.raises(WorkbookLocked):
        rename_sheet(path, "Uitleg", "Lees mij", backups_dir=tmp_path / "backups")
    assert sha256(path) == digest


def test_a_renamed_sheet_keeps_its_cells_and_its_print_titles(tmp_path: Path) -> None:
    """Rename '2026' to '2026 (vervallen 1)': cells as they were, defined names point at the new name."""
    path = workbook(tmp_path)
    add(path, "2026", [["1", "a"]])
    book = openpyxl.load_workbook(path)  # print titles as Excel stores them: a defined name on the sheet
    book["2026"].print_title_rows = "3:3"
    book.save(path)
    rows = sheet_rows(path, "2026")
    rename_sheet(path, "2026", "2026 (vervallen 1)", backups_dir=tmp_path / "backups")
    assert sheet_names(path) == ["Uitleg", "2026 (vervallen 1)"]
    assert sheet_rows(path, "2026 (vervallen 1)") == rows
    workbook_xml = parts(path)["xl/workbook.xml"].decode()
    assert "'2026 (vervallen 1)'!$3:$3" in workbook_xml and "'2026'!" not in workbook_xml
    add(path, "2026", [["2", "b"]])
    assert sheet_names(path) == ["Uitleg", "2026 (vervallen 1)", "2026"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_added_sheet(tmp_path: Path) -> None:
    """A real spreadsheet program opens the patched workbook and keeps the added sheet with its cells."""
    path = workbook(tmp_path)
    add(path, "2026", [["L-007", "Anna"]], notes=[("Seed", "abc")])
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    saved = tmp_path / "lo" / "kerstloting.xlsx"
    assert sheet_names(saved) == ["Uitleg", "2026"]
    rows = sheet_rows(saved, "2026")
    assert rows[0][:2] == ["Seed", "abc"] and rows[3][:2] == ["L-007", "Anna"]
