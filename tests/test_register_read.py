"""Reading registers by header name: any column order, extra columns kept, unreadable cells become findings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.registers_helpers import gift, gifts_workbook
from toolkit.errors import InputError
from toolkit.registers.reader import read_register
from toolkit.registers.schema import GIFTS


def test_reads_parsed_rows_with_their_nr(tmp_path: Path) -> None:
    """Rows come back parsed by column kind, each with its Nr and Excel row number."""
    table = read_register(gifts_workbook(tmp_path / "g.xlsx", 3), GIFTS)
    assert [row.nr for row in table.rows] == [1, 2, 3]
    first = table.rows[0]
    assert first.excel_row == 2
    assert first.get("Datum ontvangen") == date(2025, 12, 1)
    assert first.get("Waarde (€)") == Decimal("12.50")
    assert first.get("Bezorgd op privéadres") is False
    assert table.findings == ()


def test_column_order_and_extra_columns_do_not_matter(tmp_path: Path) -> None:
    """Reversed columns plus a staff column give the same values; the extra column is kept in raw."""
    path = gifts_workbook(tmp_path / "g.xlsx", 3)
    expected = [row.values for row in read_register(path, GIFTS).rows]
    book = openpyxl.load_workbook(path)
    sheet = book["Geschenken"]
    data = [[c.value for c in row] for row in sheet.iter_rows()]
    for table in list(sheet.tables):
        del sheet.tables[table]
    sheet.delete_rows(1, sheet.max_row)
    for values in data:
        sheet.append(["notitie"] + list(reversed(values)))
    sheet["A1"] = "Mijn notitie"
    book.save(path)
    table = read_register(path, GIFTS)
    assert [row.values for row in table.rows] == expected
    assert table.rows[0].raw["Mijn notitie"] == "notitie"


def test_unreadable_cell_is_a_finding_and_the_row_stays(tmp_path: Path) -> None:
    """'ongeveer dertig' as an amount gives a finding naming file, sheet, row and column; the row is kept."""
    path = tmp_path / "g.xlsx"
    from toolkit.registers.create import create_register

    create_register(path, GIFTS, [gift(1), gift(2, **{"Waarde (€)": "ongeveer dertig"}), gift(3)])
    table = read_register(path, GIFTS)
    assert len(table.rows) == 3
    assert table.rows[1].get("Waarde (€)") is None
    assert "Waarde (€)" in table.rows[1].unreadable
    (finding,) = table.findings
    text = str(finding)
    assert "g.xlsx" in text and "blad Geschenken" in text and "rij 3" in text and "kolom Waarde (€)" in text
    assert "ongeveer dertig" in text


def test_required_value_missing_is_a_finding(tmp_path: Path) -> None:
    """An empty required cell (Besluit) is reported with its cell."""
    from toolkit.registers.create import create_register

    path = tmp_path / "g.xlsx"
    create_register(path, GIFTS, [gift(1, Besluit=None)])
    (finding,) = read_register(path, GIFTS).findings
    assert finding.location.column == "Besluit" and finding.location.row == 2


def test_missing_header_names_it(tmp_path: Path) -> None:
    """A register without a needed column says which one and where to add it."""
    path = gifts_workbook(tmp_path / "g.xlsx", 1)
    book = openpyxl.load_workbook(path)
    book["Geschenken"]["E1"] = "Soort geschenk"
    book.save(path)
    with pytest.raises(InputError, match=r"rij 1: Soort"):
        read_register(path, GIFTS)


def test_missing_sheet_and_file_are_clear(tmp_path: Path) -> None:
    """A missing sheet lists the sheets found; a missing file says how to make one."""
    path = gifts_workbook(tmp_path / "g.xlsx", 1)
    with pytest.raises(InputError, match="gevonden: Geschenken, Uitleg"):
        read_register(path, GIFTS, sheet="Blad1")
    with pytest.raises(InputError, match="integrity init"):
        read_register(tmp_path / "weg.xlsx", GIFTS)
    (tmp_path / "kapot.xlsx").write_bytes(b"geen zip")
    with pytest.raises(InputError, match="geen leesbaar Excel-bestand"):
        read_register(tmp_path / "kapot.xlsx", GIFTS)


def test_one_run_parses_an_unchanged_register_once(tmp_path: Path) -> None:
    """Inside shared_reads a second read of the same bytes is the same Table; changed bytes are read again;
    outside it every read parses the file."""
    from toolkit.registers.reader import shared_reads

    path = gifts_workbook(tmp_path / "g.xlsx", 3)
    assert read_register(path, GIFTS) is not read_register(path, GIFTS)
    with shared_reads():
        first = read_register(path, GIFTS)
        assert read_register(path, GIFTS) is first
        assert read_register(path, GIFTS, only=("Gever",)) is not first  # another selection of columns
        book = openpyxl.load_workbook(path)
        book["Geschenken"]["D2"] = "Andere Gever"
        book.save(path)
        again = read_register(path, GIFTS)
        assert again is not first and again.rows[0].get("Gever") == "Andere Gever"
        assert read_register(path, GIFTS) is again


def test_a_value_typed_in_many_rows_gives_each_row_its_own_finding(tmp_path: Path) -> None:
    """The reader parses each distinct value of a column once; every row that holds an unreadable one still gets
    its own finding (in row order) and keeps what was typed."""
    from toolkit.registers.create import create_register

    path = tmp_path / "g.xlsx"
    rows = [gift(n, **({"Waarde (€)": "ongeveer dertig"} if n % 2 == 0 else {})) for n in range(1, 7)]
    create_register(path, GIFTS, rows)
    table = read_register(path, GIFTS)
    assert [f.location.row for f in table.findings] == [3, 5, 7]
    assert [row.nr for row in table.rows if "Waarde (€)" in row.unreadable] == [2, 4, 6]
    assert all(row.raw["Waarde (€)"] == "ongeveer dertig" for row in table.rows if row.unreadable)
    assert [row.get("Waarde (€)") for row in table.rows] == [Decimal("12.50"), None] * 3


def test_a_true_false_cell_among_numbers_is_not_read_as_a_number(tmp_path: Path) -> None:
    """To Python True == 1: an amount column holding a real TRUE cell and the number 1 reads 1 as € 1,00 and
    the TRUE cell as unreadable, whichever comes first."""
    path = gifts_workbook(tmp_path / "g.xlsx", 4)
    book = openpyxl.load_workbook(path)
    sheet = book["Geschenken"]
    column = next(cell.column for cell in sheet[1] if cell.value == "Waarde (€)")
    for row, value in ((2, True), (3, 1), (4, 1.0), (5, False)):
        sheet.cell(row, column).value = value
    book.save(path)
    table = read_register(path, GIFTS)
    assert [row.get("Waarde (€)") for row in table.rows] == [None, Decimal(1), Decimal(1), None]
    assert [f.location.row for f in table.findings] == [2, 5]
    assert [f.value for f in table.findings] == ["True", "False"]
