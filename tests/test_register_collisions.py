"""A staff column with a toolkit header is refused, never written; formulas and moved columns are handled."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.registers_helpers import gift, gifts_workbook, read_part, sha256
from toolkit.errors import WorkbookRefused
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import GIFTS, SUPPLIERS
from toolkit.registers.writer import CellUpdate, write_updates


def suppliers_workbook(path: Path, count: int = 3) -> Path:
    rows = [
        {"Nr": n, "Leveranciersnummer": f"L{n}", "Naam": f"Leverancier {n}", "E-mail": f"a{n}@x.nl", "Actief": "ja"}
        for n in range(1, count + 1)
    ]
    create_register(path, SUPPLIERS, rows)
    return path


def write(path: Path, register, updates: list[CellUpdate]):  # noqa: ANN001, ANN201
    return write_updates(path, register, updates, backups_dir=path.parent / "backups")


def test_staff_status_column_beside_the_toolkits_is_refused(tmp_path: Path) -> None:
    """Inkoop adds its own 'Status' column: the write is refused naming both columns; no byte changes."""
    path = suppliers_workbook(tmp_path / "leveranciers.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["T1"] = "Status"
    for row in range(2, 5):
        sheet.cell(row, 20).value = "contract loopt"
    book.save(path)
    before = sha256(path)
    with pytest.raises(WorkbookRefused) as refused:
        write(path, SUPPLIERS, [CellUpdate("Status", "verzonden", nr=1)])
    assert "'Status' staat twee keer in rij 1 (kolom Q en kolom T)" in refused.value.message
    assert "andere kop" in (refused.value.hint or "")
    assert sha256(path) == before
    findings = read_register(path, SUPPLIERS).findings
    assert any("twee keer" in f.why for f in findings)


def test_staff_column_with_toolkit_header_and_foreign_values_is_refused(tmp_path: Path) -> None:
    """A single 'Status' column holding 'contract loopt' (never a toolkit status) is staff's: refused, untouched."""
    path = suppliers_workbook(tmp_path / "leveranciers.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    column = SUPPLIERS.headers.index("Status") + 1
    for row in range(2, 5):
        sheet.cell(row, column).value = "contract loopt" if row != 3 else "verzonden"
    book.save(path)
    before = sha256(path)
    with pytest.raises(WorkbookRefused, match=r"kolom Q 'Status' bevat waarden die de toolkit daar nooit schrijft"):
        write(path, SUPPLIERS, [CellUpdate("Status", "verzonden", nr=1)])
    assert sha256(path) == before


def test_text_in_the_nr_column_is_refused_not_overwritten(tmp_path: Path) -> None:
    """Staff numbering like 'A-12' in the Nr column would be overwritten by numbers: refused instead."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    book = openpyxl.load_workbook(path)
    book.active["A3"] = "A-12"
    book.save(path)
    before = sha256(path)
    with pytest.raises(WorkbookRefused, match=r"rij 3: 'A-12'"):
        write(path, GIFTS, [CellUpdate("Beoordeling", "OK", nr=1)])
    assert sha256(path) == before


def test_toolkit_statuses_in_any_case_are_not_foreign(tmp_path: Path) -> None:
    """'Verzonden' typed with a capital is still a toolkit value: the write goes ahead."""
    path = suppliers_workbook(tmp_path / "leveranciers.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.cell(2, SUPPLIERS.headers.index("Status") + 1).value = "Verzonden"
    book.save(path)
    assert write(path, SUPPLIERS, [CellUpdate("Status", "bevestigd", nr=1)]).written


def test_formula_in_a_toolkit_cell_is_left_alone(tmp_path: Path) -> None:
    """A formula staff typed in a toolkit cell is not overwritten; the skip is reported, other cells written."""
    path = gifts_workbook(tmp_path / "geschenken.xlsx", 2)
    book = openpyxl.load_workbook(path)
    book.active["M2"] = '=IF(G2>25,"te duur","OK")'
    book.save(path)
    result = write(path, GIFTS, [CellUpdate("Beoordeling", "G2", nr=1), CellUpdate("Beoordeling", "OK", nr=2)])
    assert result.written and result.cells_changed == 1
    assert any("M2 bevat een formule" in reason for reason in result.skipped)
    assert b"<f>IF(G2&gt;25" in read_part(path, "xl/worksheets/sheet1.xml")


def test_moved_columns_and_an_empty_column_a_are_found_by_header(tmp_path: Path) -> None:
    """Staff insert an empty column A and move 'Beoordeling' to the front: writes land by header, verified."""
    path = tmp_path / "geschenken.xlsx"
    create_register(path, GIFTS, [gift(1), gift(2)])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for table in list(sheet.tables):
        del sheet.tables[table]
    sheet.insert_cols(1, 2)  # A stays empty, B receives Beoordeling
    verdict = GIFTS.headers.index("Beoordeling") + 3
    for row in range(1, 4):
        sheet.cell(row, 2).value = sheet.cell(row, verdict).value
        sheet.cell(row, verdict).value = None
    book.save(path)
    for _ in range(2):  # every night, not just once
        result = write(path, GIFTS, [CellUpdate("Beoordeling", "G2: te duur", nr=2)])
    assert result is not None
    rows = read_register(path, GIFTS).by_nr()
    assert rows[2].get("Beoordeling") == "G2: te duur" and rows[1].get("Beoordeling") is None
    assert b'<c r="B3"' in read_part(path, "xl/worksheets/sheet1.xml")
